package io.openledger.openlora.chat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python's semantics for the values a template sees, as jinja2 inherits them: str() and repr(),
 * truthiness, ==, ordering, arithmetic, len, iteration, string methods on code points, and
 * json.dumps for transformers' tojson filter.
 *
 * <p>Values: null (None), Boolean, Long (int), Double (float), String, {@link List} (list), {@link
 * Tuple}, {@link Map} (dict, insertion-ordered), {@link Namespace}, {@link Undefined}, and the
 * interpreter's callables.
 */
final class Py {
  private Py() {}

  /** A Python tuple: immutable, prints with parentheses. */
  record Tuple(List<Object> items) {
    Tuple {
      items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
    }
  }

  /** jinja2's namespace(): the one mutable object a template can make. */
  static final class Namespace extends LinkedHashMap<String, Object> {}

  /**
   * jinja2's Undefined: prints as "", is falsy, iterates as empty, but fails on attribute access,
   * calls and arithmetic with a message like {@code 'x' is undefined}.
   */
  record Undefined(String hint) {
    String message() {
      return hint;
    }

    static Undefined name(String n) {
      return new Undefined("'" + n + "' is undefined");
    }

    static Undefined attribute(Object owner, Object attr) {
      return new Undefined(
          "'" + typeName(owner) + " object' has no attribute " + repr(attr).replace('"', '\''));
    }
  }

  static TemplateError typeError(String message) {
    return TemplateError.runtime(message);
  }

  static String typeName(Object v) {
    return switch (v) {
      case null -> "NoneType";
      case Boolean b -> "bool";
      case Long l -> "int";
      case Double d -> "float";
      case String s -> "str";
      case Tuple t -> "tuple";
      case Namespace n -> "Namespace";
      case List<?> l -> "list";
      case Map<?, ?> m -> "dict";
      case Undefined u -> "Undefined";
      default -> v.getClass().getSimpleName();
    };
  }

  // ------------------------------------------------------------------ str and repr

  static String str(Object v) {
    return switch (v) {
      case null -> "None";
      case String s -> s;
      case Undefined u -> "";
      case Boolean b -> b ? "True" : "False";
      case Long l -> l.toString();
      case Double d -> floatRepr(d);
      default -> repr(v);
    };
  }

  static String repr(Object v) {
    return switch (v) {
      case null -> "None";
      case String s -> stringRepr(s);
      case Boolean b -> b ? "True" : "False";
      case Long l -> l.toString();
      case Double d -> floatRepr(d);
      case Undefined u -> "Undefined";
      case Tuple t ->
          t.items().size() == 1
              ? "(" + repr(t.items().getFirst()) + ",)"
              : "(" + join(t.items()) + ")";
      case Namespace n -> "<Namespace " + dictRepr(n) + ">";
      case List<?> l -> "[" + join(l) + "]";
      case Map<?, ?> m -> dictRepr(m);
      default -> v.toString();
    };
  }

  private static String join(List<?> items) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      b.append(i > 0 ? ", " : "").append(repr(items.get(i)));
    }
    return b.toString();
  }

  private static String dictRepr(Map<?, ?> m) {
    StringBuilder b = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      b.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
      first = false;
    }
    return b.append('}').toString();
  }

  /** Python's str.__repr__: single quotes unless the text has ' and no ". */
  static String stringRepr(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder b = new StringBuilder().append(q);
    s.codePoints()
        .forEach(
            c -> {
              if (c == q || c == '\\') {
                b.append('\\').appendCodePoint(c);
              } else if (c == '\n') {
                b.append("\\n");
              } else if (c == '\r') {
                b.append("\\r");
              } else if (c == '\t') {
                b.append("\\t");
              } else if (!printable(c)) {
                if (c < 0x100) {
                  b.append(String.format("\\x%02x", c));
                } else if (c < 0x10000) {
                  b.append(String.format("\\u%04x", c));
                } else {
                  b.append(String.format("\\U%08x", c));
                }
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.append(q).toString();
  }

  /** Python's str.isprintable for one code point (space is printable, other separators not). */
  private static boolean printable(int c) {
    if (c == ' ') {
      return true;
    }
    int t = Character.getType(c);
    return !(t == Character.CONTROL
        || t == Character.FORMAT
        || t == Character.SURROGATE
        || t == Character.PRIVATE_USE
        || t == Character.UNASSIGNED
        || t == Character.LINE_SEPARATOR
        || t == Character.PARAGRAPH_SEPARATOR
        || t == Character.SPACE_SEPARATOR);
  }

  /** Python's float.__repr__: the shortest digits that round-trip, 1e-05 and 1e+16 style. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal x = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = x.unscaledValue().toString();
    int exponent = digits.length() - 1 - x.scale(); // of the first digit
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = String.format("%02d", Math.abs(exponent));
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + e;
    }
    if (exponent < 0) {
      return sign + "0." + "0".repeat(-exponent - 1) + digits;
    }
    if (digits.length() <= exponent + 1) {
      return sign + digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
    }
    return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
  }

  // ------------------------------------------------------------------ truth, equality, order

  static boolean truthy(Object v) {
    return switch (v) {
      case null -> false;
      case Undefined u -> false;
      case Boolean b -> b;
      case Long l -> l != 0;
      case Double d -> d != 0;
      case String s -> !s.isEmpty();
      case Tuple t -> !t.items().isEmpty();
      case Collection<?> c -> !c.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      default -> true;
    };
  }

  /** A number for arithmetic: bool is an int in Python. */
  static Number number(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (v instanceof Long || v instanceof Double) {
      return (Number) v;
    }
    return null;
  }

  static boolean eq(Object a, Object b) {
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    Number x = number(a);
    Number y = number(b);
    if (x != null && y != null) {
      if (x instanceof Long p && y instanceof Long q) {
        return p.longValue() == q.longValue();
      }
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof Tuple t && b instanceof Tuple u) {
      return listEq(t.items(), u.items());
    }
    if (a instanceof List<?> l && b instanceof List<?> m && !(a instanceof Tuple)) {
      return listEq(l, m);
    }
    if (a instanceof Map<?, ?> m && b instanceof Map<?, ?> n) {
      if (m.size() != n.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!n.containsKey(e.getKey()) || !eq(e.getValue(), n.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private static boolean listEq(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!eq(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Python's ordering (<): numbers, strings by code point, lists and tuples elementwise. */
  static int compare(Object a, Object b) {
    Number x = number(a);
    Number y = number(b);
    if (x != null && y != null) {
      if (x instanceof Long p && y instanceof Long q) {
        return Long.compare(p, q);
      }
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String s && b instanceof String t) {
      return compareCodePoints(s, t);
    }
    List<?> l = a instanceof Tuple t ? t.items() : a instanceof List<?> q ? q : null;
    List<?> m = b instanceof Tuple t ? t.items() : b instanceof List<?> q ? q : null;
    if (l != null && m != null && (a instanceof Tuple) == (b instanceof Tuple)) {
      for (int i = 0; i < Math.min(l.size(), m.size()); i++) {
        if (!eq(l.get(i), m.get(i))) {
          return compare(l.get(i), m.get(i));
        }
      }
      return Integer.compare(l.size(), m.size());
    }
    if (a instanceof Undefined u) {
      throw typeError(u.message());
    }
    if (b instanceof Undefined u) {
      throw typeError(u.message());
    }
    throw typeError(
        "'<' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  static int compareCodePoints(String s, String t) {
    int i = 0;
    int j = 0;
    while (i < s.length() && j < t.length()) {
      int c = s.codePointAt(i);
      int d = t.codePointAt(j);
      if (c != d) {
        return Integer.compare(c, d);
      }
      i += Character.charCount(c);
      j += Character.charCount(d);
    }
    return Integer.compare(s.length() - i, t.length() - j);
  }

  static final Comparator<Object> ORDER = Py::compare;

  // ------------------------------------------------------------------ containers

  /** len(); Undefined has length 0 as in jinja2. */
  static long len(Object v) {
    return switch (v) {
      case String s -> s.codePointCount(0, s.length());
      case Tuple t -> t.items().size();
      case Collection<?> c -> c.size();
      case Map<?, ?> m -> m.size();
      case Undefined u -> 0;
      case null -> throw typeError("object of type 'NoneType' has no len()");
      default -> throw typeError("object of type '" + typeName(v) + "' has no len()");
    };
  }

  /** The items of iter(v): a dict iterates its keys, a string its characters. */
  static List<Object> iterate(Object v) {
    return switch (v) {
      case Undefined u -> List.of();
      case String s -> {
        List<Object> chars = new ArrayList<>();
        s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
        yield chars;
      }
      case Tuple t -> t.items();
      case List<?> l -> new ArrayList<>(l);
      case Map<?, ?> m -> new ArrayList<>(m.keySet());
      case null -> throw typeError("'NoneType' object is not iterable");
      default -> throw typeError("'" + typeName(v) + "' object is not iterable");
    };
  }

  static boolean contains(Object container, Object item) {
    return switch (container) {
      case String s -> {
        if (!(item instanceof String t)) {
          throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
        }
        yield s.contains(t);
      }
      case Map<?, ?> m -> m.keySet().stream().anyMatch(k -> eq(k, item));
      case Undefined u -> false;
      case null -> throw typeError("argument of type 'NoneType' is not iterable");
      default -> iterate(container).stream().anyMatch(o -> eq(o, item));
    };
  }

  // ------------------------------------------------------------------ arithmetic

  static Object add(Object a, Object b) {
    Number x = number(a);
    Number y = number(b);
    if (x != null && y != null) {
      return x instanceof Long p && y instanceof Long q
          ? (Object) Math.addExact(p, q)
          : (Object) (x.doubleValue() + y.doubleValue());
    }
    if (a instanceof String s && b instanceof String t) {
      return s + t;
    }
    if (a instanceof Tuple s && b instanceof Tuple t) {
      List<Object> out = new ArrayList<>(s.items());
      out.addAll(t.items());
      return new Tuple(out);
    }
    if (a instanceof List<?> s && b instanceof List<?> t && !(a instanceof Tuple)) {
      List<Object> out = new ArrayList<>(s);
      out.addAll(t);
      return out;
    }
    throw operandError("+", a, b);
  }

  static Object arithmetic(String op, Object a, Object b) {
    if (op.equals("+")) {
      return add(a, b);
    }
    if (op.equals("%") && a instanceof String s) {
      return PercentFormat.format(s, b);
    }
    if (op.equals("*")) {
      Object repeated = repeat(a, b);
      if (repeated == null) {
        repeated = repeat(b, a);
      }
      if (repeated != null) {
        return repeated;
      }
    }
    Number x = number(a);
    Number y = number(b);
    if (x == null || y == null) {
      throw operandError(op, a, b);
    }
    boolean ints = x instanceof Long && y instanceof Long;
    return switch (op) {
      case "-" ->
          ints
              ? (Object) Math.subtractExact(x.longValue(), y.longValue())
              : x.doubleValue() - y.doubleValue();
      case "*" ->
          ints
              ? (Object) Math.multiplyExact(x.longValue(), y.longValue())
              : x.doubleValue() * y.doubleValue();
      case "/" -> {
        if (y.doubleValue() == 0) {
          throw typeError("division by zero");
        }
        yield x.doubleValue() / y.doubleValue();
      }
      case "//" -> {
        if (y.doubleValue() == 0) {
          throw typeError("integer division or modulo by zero");
        }
        yield ints
            ? (Object) Math.floorDiv(x.longValue(), y.longValue())
            : (Object) Math.floor(x.doubleValue() / y.doubleValue());
      }
      case "%" -> {
        if (y.doubleValue() == 0) {
          throw typeError("integer division or modulo by zero");
        }
        if (ints) {
          yield Math.floorMod(x.longValue(), y.longValue());
        }
        double m = x.doubleValue() % y.doubleValue();
        yield (m != 0 && (m < 0) != (y.doubleValue() < 0)) ? m + y.doubleValue() : m;
      }
      case "**" -> {
        if (ints && y.longValue() >= 0) {
          yield java.math.BigInteger.valueOf(x.longValue())
              .pow((int) y.longValue())
              .longValueExact();
        }
        yield Math.pow(x.doubleValue(), y.doubleValue());
      }
      default -> throw typeError("unknown operator " + op);
    };
  }

  private static Object repeat(Object seq, Object times) {
    if (!(times instanceof Long) && !(times instanceof Boolean)) {
      return null;
    }
    int n = (int) Math.max(0, number(times).longValue());
    if (seq instanceof String s) {
      return s.repeat(n);
    }
    if (seq instanceof Tuple t) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.addAll(t.items());
      }
      return new Tuple(out);
    }
    if (seq instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.addAll(l);
      }
      return out;
    }
    return null;
  }

  static Object negate(Object v) {
    Number n = number(v);
    if (n == null) {
      if (v instanceof Undefined u) {
        throw typeError(u.message());
      }
      throw typeError("bad operand type for unary -: '" + typeName(v) + "'");
    }
    return n instanceof Long l ? (Object) Math.negateExact(l) : (Object) (-n.doubleValue());
  }

  private static TemplateError operandError(String op, Object a, Object b) {
    if (a instanceof Undefined u) {
      return typeError(u.message());
    }
    if (b instanceof Undefined u) {
      return typeError(u.message());
    }
    return typeError(
        "unsupported operand type(s) for "
            + op
            + ": '"
            + typeName(a)
            + "' and '"
            + typeName(b)
            + "'");
  }

  // ------------------------------------------------------------------ strings

  /** Python's str.isspace for one code point. */
  static boolean isSpace(int c) {
    return (c >= 0x09 && c <= 0x0d)
        || (c >= 0x1c && c <= 0x20)
        || c == 0x85
        || c == 0xa0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202f
        || c == 0x205f
        || c == 0x3000;
  }

  static String strip(String s, String chars, boolean left, boolean right) {
    int a = 0;
    int b = s.length();
    while (left && a < b && stripped(s.codePointAt(a), chars)) {
      a += Character.charCount(s.codePointAt(a));
    }
    while (right && b > a && stripped(s.codePointBefore(b), chars)) {
      b -= Character.charCount(s.codePointBefore(b));
    }
    return s.substring(a, b);
  }

  private static boolean stripped(int c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(new String(Character.toChars(c))) >= 0;
  }

  static String rstrip(String s) {
    return strip(s, null, false, true);
  }

  /** str.split(sep, maxsplit): no separator splits on runs of whitespace and drops empties. */
  static List<Object> split(String s, String sep, long maxsplit) {
    List<Object> out = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      while (true) {
        while (i < n && isSpace(s.codePointAt(i))) {
          i += Character.charCount(s.codePointAt(i));
        }
        if (i >= n) {
          return out;
        }
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(rstrip(s.substring(i)));
          return out;
        }
        int j = i;
        while (j < n && !isSpace(s.codePointAt(j))) {
          j += Character.charCount(s.codePointAt(j));
        }
        out.add(s.substring(i, j));
        i = j;
      }
    }
    if (sep.isEmpty()) {
      throw typeError("empty separator");
    }
    int from = 0;
    while (maxsplit < 0 || out.size() < maxsplit) {
      int k = s.indexOf(sep, from);
      if (k < 0) {
        break;
      }
      out.add(s.substring(from, k));
      from = k + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  /** str.rsplit(sep, maxsplit) for an explicit separator. */
  static List<Object> rsplit(String s, String sep, long maxsplit) {
    if (sep == null || maxsplit < 0) {
      return split(s, sep, maxsplit);
    }
    List<Object> out = new ArrayList<>();
    int end = s.length();
    while (out.size() < maxsplit) {
      int k = s.lastIndexOf(sep, end - sep.length());
      if (k < 0 || end - sep.length() < 0) {
        break;
      }
      out.addFirst(s.substring(k + sep.length(), end));
      end = k;
    }
    out.addFirst(s.substring(0, end));
    return out;
  }

  /** Python's str.title(): a letter after a non-cased character is upper-cased, others lowered. */
  static String title(String s) {
    StringBuilder b = new StringBuilder();
    boolean previousCased = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      boolean cased =
          Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
      if (cased) {
        b.append(previousCased ? lower(cp(c)) : titleCase(c));
      } else {
        b.appendCodePoint(c);
      }
      previousCased = cased;
    }
    return b.toString();
  }

  private static String titleCase(int c) {
    String u = upper(cp(c));
    return u.codePointCount(0, u.length()) == 1
        ? new String(Character.toChars(Character.toTitleCase(c)))
        : u.charAt(0) + lower(u.substring(1));
  }

  /** Python's str.capitalize(): first character title-cased, the rest lowered. */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int c = s.codePointAt(0);
    return titleCase(c) + lower(s.substring(Character.charCount(c)));
  }

  private static String cp(int c) {
    return new String(Character.toChars(c));
  }

  static String upper(String s) {
    return s.toUpperCase(java.util.Locale.ROOT);
  }

  static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /** s[i] by code point, negative from the end; null when out of range. */
  static String charAt(String s, long index) {
    int n = s.codePointCount(0, s.length());
    long k = index < 0 ? index + n : index;
    if (k < 0 || k >= n) {
      return null;
    }
    int start = s.offsetByCodePoints(0, (int) k);
    return cp(s.codePointAt(start));
  }

  /** Python's slice indices for a sequence of length n: the positions taken, in order. */
  static List<Integer> sliceIndices(int n, Long start, Long stop, Long step) {
    long st = step == null ? 1 : step;
    if (st == 0) {
      throw typeError("slice step cannot be zero");
    }
    long lo;
    long hi;
    if (st > 0) {
      lo = start == null ? 0 : clamp(start < 0 ? start + n : start, 0, n);
      hi = stop == null ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
    } else {
      lo = start == null ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
      hi = stop == null ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
    }
    List<Integer> out = new ArrayList<>();
    for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
      out.add((int) i);
    }
    return out;
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  // ------------------------------------------------------------------ JSON

  /** json.dumps(v, ensure_ascii, indent, separators, sort_keys) as Python writes it. */
  static String json(
      Object v, boolean ensureAscii, String indent, String itemSep, String keySep, boolean sort) {
    StringBuilder b = new StringBuilder();
    writeJson(b, v, ensureAscii, indent, itemSep, keySep, sort, 0);
    return b.toString();
  }

  private static void writeJson(
      StringBuilder b,
      Object v,
      boolean ascii,
      String indent,
      String itemSep,
      String keySep,
      boolean sort,
      int depth) {
    switch (v) {
      case null -> b.append("null");
      case Boolean x -> b.append(x ? "true" : "false");
      case Long x -> b.append(x);
      case Double x -> {
        if (x.isNaN()) {
          b.append("NaN");
        } else if (x.isInfinite()) {
          b.append(x > 0 ? "Infinity" : "-Infinity");
        } else {
          b.append(floatRepr(x));
        }
      }
      case String s -> jsonString(b, s, ascii);
      case Tuple t -> writeArray(b, t.items(), ascii, indent, itemSep, keySep, sort, depth);
      case Namespace n -> throw typeError("Object of type Namespace is not JSON serializable");
      case List<?> l -> writeArray(b, l, ascii, indent, itemSep, keySep, sort, depth);
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          b.append("{}");
          return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          entries.add(Map.entry(jsonKey(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
        }
        if (sort) {
          entries.sort((x, y) -> compareCodePoints(x.getKey(), y.getKey()));
        }
        b.append('{');
        for (int i = 0; i < entries.size(); i++) {
          b.append(i > 0 ? itemSep : "");
          newline(b, indent, depth + 1);
          jsonString(b, entries.get(i).getKey(), ascii);
          b.append(keySep);
          Object value = entries.get(i).getValue();
          writeJson(
              b, value == NULL ? null : value, ascii, indent, itemSep, keySep, sort, depth + 1);
        }
        newline(b, indent, depth);
        b.append('}');
      }
      default -> throw typeError("Object of type " + typeName(v) + " is not JSON serializable");
    }
  }

  private static final Object NULL = new Object();

  private static void writeArray(
      StringBuilder b,
      List<?> l,
      boolean ascii,
      String indent,
      String itemSep,
      String keySep,
      boolean sort,
      int depth) {
    if (l.isEmpty()) {
      b.append("[]");
      return;
    }
    b.append('[');
    for (int i = 0; i < l.size(); i++) {
      b.append(i > 0 ? itemSep : "");
      newline(b, indent, depth + 1);
      writeJson(b, l.get(i), ascii, indent, itemSep, keySep, sort, depth + 1);
    }
    newline(b, indent, depth);
    b.append(']');
  }

  private static void newline(StringBuilder b, String indent, int depth) {
    if (indent != null) {
      b.append('\n').append(indent.repeat(depth));
    }
  }

  private static String jsonKey(Object k) {
    return switch (k) {
      case String s -> s;
      case null -> "null";
      case Boolean x -> x ? "true" : "false";
      case Long x -> x.toString();
      case Double x -> floatRepr(x);
      default -> throw typeError("keys must be str, int, float, bool or None, not " + typeName(k));
    };
  }

  private static void jsonString(StringBuilder b, String s, boolean ascii) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7e)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** Python's %-formatting for the conversions templates use (%s %r %d %i %f %%). */
  static final class PercentFormat {
    private PercentFormat() {}

    static String format(String fmt, Object args) {
      List<Object> values =
          args instanceof Tuple t ? t.items() : List.of(args == null ? NONE : args);
      StringBuilder b = new StringBuilder();
      int next = 0;
      for (int i = 0; i < fmt.length(); i++) {
        char c = fmt.charAt(i);
        if (c != '%') {
          b.append(c);
          continue;
        }
        if (i + 1 >= fmt.length()) {
          throw typeError("incomplete format");
        }
        char conv = fmt.charAt(++i);
        if (conv == '%') {
          b.append('%');
          continue;
        }
        if (next >= values.size()) {
          throw typeError("not enough arguments for format string");
        }
        Object v = values.get(next++);
        v = v == NONE ? null : v;
        switch (conv) {
          case 's' -> b.append(str(v));
          case 'r' -> b.append(repr(v));
          case 'd', 'i' -> {
            Number n = number(v);
            if (n == null) {
              throw typeError(
                  "%" + conv + " format: a real number is required, not " + typeName(v));
            }
            b.append(n instanceof Long l ? l.longValue() : (long) n.doubleValue());
          }
          default -> throw TemplateError.unsupported("the %" + conv + " string format");
        }
      }
      if (next < values.size()) {
        throw typeError("not all arguments converted during string formatting");
      }
      return b.toString();
    }

    private static final Object NONE = new Object();
  }
}
