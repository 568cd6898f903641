package io.openledger.openlora.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja's lexer as transformers configures it (trim_blocks, lstrip_blocks, keep_trailing_newline
 * off), ported from jinja2's {@code Lexer.tokeniter}: text between tags, {@code -} and {@code +}
 * whitespace control, comments, raw blocks, and the tokens inside {@code {{ }}} and {@code {% %}}.
 */
final class Lexer {
  enum Type {
    DATA,
    VARIABLE_BEGIN,
    VARIABLE_END,
    BLOCK_BEGIN,
    BLOCK_END,
    NAME,
    STRING,
    INTEGER,
    FLOAT,
    OPERATOR,
    EOF
  }

  record Token(Type type, String value, Object literal) {
    boolean is(Type t, String v) {
      return type == t && value.equals(v);
    }

    boolean isName(String v) {
      return is(Type.NAME, v);
    }

    boolean isOp(String v) {
      return is(Type.OPERATOR, v);
    }
  }

  private static final Pattern BLOCK_END = Pattern.compile("\\+%}|-%}\\s*|%}\\n?");
  private static final Pattern VARIABLE_END = Pattern.compile("-}}\\s*|}}");
  private static final Pattern COMMENT =
      Pattern.compile("(.*?)(\\+#}|-#}\\s*|#}\\n?)", Pattern.DOTALL);
  private static final Pattern RAW_BEGIN = Pattern.compile("\\{%([-+]?)\\s*raw\\s*(?:-%}\\s*|%})");
  private static final Pattern RAW_BODY =
      Pattern.compile("(.*?)(\\{%([-+]?)\\s*endraw\\s*(?:\\+%}|-%}\\s*|%}\\n?))", Pattern.DOTALL);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern FLOAT =
      Pattern.compile(
          "(?<!\\.)(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
  private static final Pattern INTEGER =
      Pattern.compile(
          "(0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[0-9a-fA-F])+|[1-9](_?\\d)*|0(_?0)*)");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern STRING =
      Pattern.compile(
          "'([^'\\\\]*(?:\\\\.[^'\\\\]*)*)'|\"([^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\"", Pattern.DOTALL);
  private static final String[] OPERATORS = {
    "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
    ">", "<", "=", ".", ":", "|", ",", ";"
  };

  private final String src;
  private final List<Token> out = new ArrayList<>();
  private int pos;
  private boolean lineStarting = true;

  private Lexer(String src) {
    this.src = src;
  }

  static List<Token> tokenize(String template) {
    Lexer l = new Lexer(normalizeNewlines(template));
    l.root();
    l.out.add(new Token(Type.EOF, "", null));
    return l.out;
  }

  /** \r\n, \r and \n become \n; one trailing newline is dropped (keep_trailing_newline off). */
  static String normalizeNewlines(String s) {
    String n = s.replace("\r\n", "\n").replace('\r', '\n');
    return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
  }

  private void root() {
    while (pos < src.length()) {
      int tag = nextTag(pos);
      if (tag < 0) {
        data(src.substring(pos));
        lineStarting = src.endsWith("\n");
        return;
      }
      char kind = src.charAt(tag + 1);
      String sign =
          tag + 2 < src.length() && "-+".indexOf(src.charAt(tag + 2)) >= 0
              ? String.valueOf(src.charAt(tag + 2))
              : "";
      Matcher raw = RAW_BEGIN.matcher(src).region(tag, src.length());
      boolean isRaw = kind == '%' && raw.lookingAt();
      data(leadingText(src.substring(pos, tag), sign, kind == '{'));
      lineStarting = false;
      if (isRaw) {
        pos = raw.end();
        lineStarting = src.charAt(pos - 1) == '\n';
        rawBody();
        continue;
      }
      pos = tag + 2 + sign.length();
      switch (kind) {
        case '#' -> comment();
        case '{' -> tag(Type.VARIABLE_BEGIN, Type.VARIABLE_END, VARIABLE_END);
        default -> tag(Type.BLOCK_BEGIN, Type.BLOCK_END, BLOCK_END);
      }
    }
  }

  private int nextTag(int from) {
    for (int i = src.indexOf('{', from);
        i >= 0 && i + 1 < src.length();
        i = src.indexOf('{', i + 1)) {
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The text before a tag after whitespace control: {@code -} strips all trailing whitespace;
   * otherwise lstrip_blocks removes the spaces between a line's start and a block or comment tag.
   */
  private String leadingText(String text, String sign, boolean variable) {
    if (sign.equals("-")) {
      return Py.rstrip(text);
    }
    if (!sign.equals("+") && !variable) {
      int lineStart = text.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || lineStarting)
          && lineStart < text.length()
          && WHITESPACE.matcher(text).region(lineStart, text.length()).matches()) {
        return text.substring(0, lineStart);
      }
    }
    return text;
  }

  private void data(String text) {
    if (!text.isEmpty()) {
      out.add(new Token(Type.DATA, text, null));
    }
  }

  private void comment() {
    Matcher m = COMMENT.matcher(src).region(pos, src.length());
    if (!m.lookingAt()) {
      throw TemplateError.syntax("missing end of comment tag");
    }
    pos = m.end();
    lineStarting = src.charAt(pos - 1) == '\n';
  }

  private void rawBody() {
    Matcher m = RAW_BODY.matcher(src).region(pos, src.length());
    if (!m.lookingAt()) {
      throw TemplateError.syntax("missing end of raw directive");
    }
    data(leadingText(m.group(1), m.group(3), false));
    pos = m.end();
    lineStarting = src.charAt(pos - 1) == '\n';
  }

  /** Tokens up to the closing delimiter (which only counts outside brackets). */
  private void tag(Type begin, Type end, Pattern close) {
    out.add(new Token(begin, "", null));
    List<String> balance = new ArrayList<>();
    while (true) {
      if (pos >= src.length()) {
        throw TemplateError.syntax("unexpected end of template inside a tag");
      }
      if (balance.isEmpty()) {
        Matcher m = close.matcher(src).region(pos, src.length());
        if (m.lookingAt()) {
          out.add(new Token(end, "", null));
          pos = m.end();
          lineStarting = src.charAt(pos - 1) == '\n';
          return;
        }
      }
      Matcher m;
      if ((m = at(WHITESPACE)) != null) {
        pos = m.end();
      } else if ((m = at(FLOAT)) != null) {
        String v = m.group().replace("_", "");
        out.add(new Token(Type.FLOAT, m.group(), Double.parseDouble(v)));
        pos = m.end();
      } else if ((m = at(INTEGER)) != null) {
        out.add(new Token(Type.INTEGER, m.group(), integer(m.group())));
        pos = m.end();
      } else if ((m = at(NAME)) != null) {
        out.add(new Token(Type.NAME, m.group(), null));
        pos = m.end();
      } else if ((m = at(STRING)) != null) {
        String body = m.group(1) != null ? m.group(1) : m.group(2);
        out.add(new Token(Type.STRING, m.group(), unescape(body)));
        pos = m.end();
      } else {
        String op = operator();
        if (op == null) {
          throw TemplateError.syntax("unexpected character '" + src.charAt(pos) + "'");
        }
        balance(balance, op);
        out.add(new Token(Type.OPERATOR, op, null));
        pos += op.length();
      }
    }
  }

  private Matcher at(Pattern p) {
    Matcher m = p.matcher(src).region(pos, src.length());
    m.useTransparentBounds(true);
    return m.lookingAt() ? m : null;
  }

  private String operator() {
    for (String op : OPERATORS) {
      if (src.startsWith(op, pos)) {
        return op;
      }
    }
    return null;
  }

  private static void balance(List<String> stack, String op) {
    switch (op) {
      case "{" -> stack.add("}");
      case "(" -> stack.add(")");
      case "[" -> stack.add("]");
      case "}", ")", "]" -> {
        if (stack.isEmpty()) {
          throw TemplateError.syntax("unexpected '" + op + "'");
        }
        String expected = stack.removeLast();
        if (!expected.equals(op)) {
          throw TemplateError.syntax("unexpected '" + op + "', expected '" + expected + "'");
        }
      }
      default -> {}
    }
  }

  private static Long integer(String text) {
    String t = text.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.startsWith("0b")) {
        return Long.parseLong(t.substring(2), 2);
      }
      if (t.startsWith("0o")) {
        return Long.parseLong(t.substring(2), 8);
      }
      if (t.startsWith("0x")) {
        return Long.parseLong(t.substring(2), 16);
      }
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw TemplateError.unsupported("integer literal " + text + " does not fit 64 bits");
    }
  }

  /** A string literal's escapes, as Python's unicode-escape codec decodes them. */
  static String unescape(String body) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 >= body.length()) {
        b.append(c);
        continue;
      }
      char e = body.charAt(++i);
      switch (e) {
        case '\n' -> {} // line continuation
        case '\\' -> b.append('\\');
        case '\'' -> b.append('\'');
        case '"' -> b.append('"');
        case 'a' -> b.append('\u0007');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'v' -> b.append('\u000b');
        case 'x' -> i = hex(body, i, 2, b);
        case 'u' -> i = hex(body, i, 4, b);
        case 'U' -> i = hex(body, i, 8, b);
        case 'N' -> throw TemplateError.unsupported("\\N{...} escapes in string literals");
        default -> {
          if (e >= '0' && e <= '7') {
            int end = i;
            while (end < body.length()
                && end < i + 3
                && body.charAt(end) >= '0'
                && body.charAt(end) <= '7') {
              end++;
            }
            b.appendCodePoint(Integer.parseInt(body.substring(i, end), 8));
            i = end - 1;
          } else {
            b.append('\\').append(e);
          }
        }
      }
    }
    return b.toString();
  }

  private static int hex(String body, int at, int digits, StringBuilder b) {
    if (at + 1 + digits > body.length()) {
      throw TemplateError.syntax("truncated \\" + body.charAt(at) + " escape in a string literal");
    }
    String h = body.substring(at + 1, at + 1 + digits);
    try {
      b.appendCodePoint(Integer.parseInt(h, 16));
    } catch (IllegalArgumentException e) {
      throw TemplateError.syntax("bad \\" + body.charAt(at) + " escape in a string literal");
    }
    return at + digits;
  }
}
