package io.openledger.openlora.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer for the model's own files (config.json, safetensors headers,
 * tokenizer.json, adapter_config.json). Objects become {@code LinkedHashMap<String, Object>} (key
 * order kept), arrays {@code List<Object>}, numbers {@code Long} when integral and in range else
 * {@code Double}, plus String, Boolean and null. The engine has no other JSON dependency so the
 * library stays small.
 */
public final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException with the offset of the first error
   */
  public static Object parse(String text) {
    Json p = new Json(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) throw p.error("trailing characters after the JSON value");
    return v;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) throw new IllegalArgumentException("expected a JSON object");
    return (Map<String, Object>) v;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at offset " + i + ": " + what);
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') i++;
      else break;
    }
  }

  private Object value(int depth) {
    if (depth > 256) throw error("nested too deeply");
    if (i >= s.length()) throw error("unexpected end");
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) yield number();
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) throw error("expected " + word);
    i += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    i++;
    ws();
    if (i < s.length() && s.charAt(i) == '}') {
      i++;
      return m;
    }
    while (true) {
      ws();
      if (i >= s.length() || s.charAt(i) != '"') throw error("expected a string key");
      String k = string();
      ws();
      if (i >= s.length() || s.charAt(i) != ':') throw error("expected ':'");
      i++;
      ws();
      if (m.containsKey(k)) throw error("duplicate key \"" + k + "\"");
      m.put(k, value(depth + 1));
      ws();
      if (i >= s.length()) throw error("unexpected end in object");
      char c = s.charAt(i++);
      if (c == '}') return m;
      if (c != ',') throw error("expected ',' or '}'");
    }
  }

  private List<Object> array(int depth) {
    List<Object> l = new ArrayList<>();
    i++;
    ws();
    if (i < s.length() && s.charAt(i) == ']') {
      i++;
      return l;
    }
    while (true) {
      ws();
      l.add(value(depth + 1));
      ws();
      if (i >= s.length()) throw error("unexpected end in array");
      char c = s.charAt(i++);
      if (c == ']') return l;
      if (c != ',') throw error("expected ',' or ']'");
    }
  }

  private String string() {
    i++; // opening quote
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) throw error("unterminated string");
      char c = s.charAt(i++);
      if (c == '"') return b.toString();
      if (c == '\\') {
        if (i >= s.length()) throw error("unterminated escape");
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) throw error("short \\u escape");
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException x) {
              throw error("bad \\u escape");
            }
            i += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      } else if (c < 0x20) {
        throw error("control character in string");
      } else {
        b.append(c);
      }
    }
  }

  private Object number() {
    int start = i;
    if (s.charAt(i) == '-') i++;
    boolean integral = true;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') i++;
      else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        i++;
      } else break;
    }
    String t = s.substring(start, i);
    try {
      if (integral && t.length() < 19) return Long.parseLong(t);
      return Double.parseDouble(t);
    } catch (NumberFormatException x) {
      i = start;
      throw error("bad number " + t);
    }
  }

  /** Writes a value (Map, List, String, Number, Boolean, null) as compact JSON. */
  public static String write(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, -1, 0);
    return b.toString();
  }

  /** Writes a value as JSON indented by two spaces. */
  public static String writePretty(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, 2, 0);
    return b.append('\n').toString();
  }

  private static void newline(StringBuilder b, int indent, int level) {
    if (indent < 0) return;
    b.append('\n');
    b.append(" ".repeat(indent * level));
  }

  private static void write(StringBuilder b, Object v, int indent, int level) {
    switch (v) {
      case null -> b.append("null");
      case String str -> quote(b, str);
      case Boolean bool -> b.append(bool);
      case Double d -> {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("non-finite number " + d);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append((long) d.doubleValue()).append(".0");
        else b.append(d);
      }
      case Float f -> write(b, (double) f, indent, level);
      case Number n -> b.append(n);
      case Map<?, ?> m -> {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) b.append(',');
          first = false;
          newline(b, indent, level + 1);
          quote(b, String.valueOf(e.getKey()));
          b.append(indent < 0 ? ":" : ": ");
          write(b, e.getValue(), indent, level + 1);
        }
        if (!m.isEmpty()) newline(b, indent, level);
        b.append('}');
      }
      case List<?> l -> {
        b.append('[');
        for (int k = 0; k < l.size(); k++) {
          if (k > 0) b.append(indent < 0 ? "," : ", ");
          write(b, l.get(k), -1, level + 1);
        }
        b.append(']');
      }
      default -> throw new IllegalArgumentException("cannot write " + v.getClass());
    }
  }

  private static void quote(StringBuilder b, String str) {
    b.append('"');
    for (int k = 0; k < str.length(); k++) {
      char c = str.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }

  // ---- typed access for config files ----

  /** An integer field, or {@code fallback} when absent or null. */
  public static long getLong(Map<String, Object> m, String key, long fallback) {
    Object v = m.get(key);
    if (v == null) return fallback;
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))
      return n.longValue();
    throw new IllegalArgumentException(key + " must be an integer, got " + v);
  }

  /** A required integer field. */
  public static long requireLong(Map<String, Object> m, String key) {
    if (m.get(key) == null) throw new IllegalArgumentException("missing \"" + key + "\"");
    return getLong(m, key, 0);
  }

  /** A number field, or {@code fallback}. */
  public static double getDouble(Map<String, Object> m, String key, double fallback) {
    Object v = m.get(key);
    if (v == null) return fallback;
    if (v instanceof Number n) return n.doubleValue();
    throw new IllegalArgumentException(key + " must be a number, got " + v);
  }

  /** A string field, or {@code fallback}. */
  public static String getString(Map<String, Object> m, String key, String fallback) {
    Object v = m.get(key);
    if (v == null) return fallback;
    if (v instanceof String str) return str;
    throw new IllegalArgumentException(key + " must be a string, got " + v);
  }

  /** A boolean field, or {@code fallback}. */
  public static boolean getBoolean(Map<String, Object> m, String key, boolean fallback) {
    Object v = m.get(key);
    if (v == null) return fallback;
    if (v instanceof Boolean bool) return bool;
    throw new IllegalArgumentException(key + " must be true or false, got " + v);
  }
}
