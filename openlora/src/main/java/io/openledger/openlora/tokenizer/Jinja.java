package io.openledger.openlora.tokenizer;

import io.openledger.openlora.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Jinja subset chat templates use: a parser to a tree, and an interpreter over it. */
final class Jinja {
  private Jinja() {}

  /** A template outside the subset, or an error while running it. */
  static class TemplateError extends RuntimeException {
    TemplateError(String m) {
      super(m);
    }
  }

  /** raise_exception(...) called by the template itself. */
  static final class RaisedError extends TemplateError {
    RaisedError(String m) {
      super(m);
    }
  }

  static final Object UNDEFINED =
      new Object() {
        @Override
        public String toString() {
          return "";
        }
      };

  // ------------------------------------------------------------------ tree

  sealed interface Node {}

  record Text(String text) implements Node {}

  record Output(Expr e) implements Node {}

  record If(List<Expr> conds, List<List<Node>> bodies, List<Node> otherwise) implements Node {}

  record For(List<String> vars, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise)
      implements Node {}

  record Set(String name, String attr, Expr value) implements Node {}

  sealed interface Expr {}

  record Lit(Object v) implements Expr {}

  record Var(String name) implements Expr {}

  record Attr(Expr target, String name) implements Expr {}

  record Index(Expr target, Expr index) implements Expr {}

  record Call(Expr fn, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

  record Filter(Expr target, String name, List<Expr> args) implements Expr {}

  record Test(Expr target, String name, boolean negate) implements Expr {}

  record Bin(String op, Expr a, Expr b) implements Expr {}

  record Not(Expr e) implements Expr {}

  record Neg(Expr e) implements Expr {}

  record Cond(Expr cond, Expr then, Expr otherwise) implements Expr {}

  record ListLit(List<Expr> items) implements Expr {}

  record DictLit(List<Expr> keys, List<Expr> values) implements Expr {}

  // ------------------------------------------------------------------ lexing

  /** Pieces of the source: text, {{ expression }}, {% statement %}. */
  private record Piece(char kind, String body) {}

  private static List<Piece> pieces(String src) {
    List<Piece> out = new ArrayList<>();
    int i = 0;
    boolean trimNext = false;
    while (i < src.length()) {
      int open = nextOpen(src, i);
      String text = src.substring(i, open < 0 ? src.length() : open);
      if (trimNext) text = text.stripLeading();
      trimNext = false;
      if (open < 0) {
        if (!text.isEmpty()) out.add(new Piece('t', text));
        break;
      }
      char kind = src.charAt(open + 1);
      boolean trimBefore = open + 2 < src.length() && src.charAt(open + 2) == '-';
      if (trimBefore) text = text.stripTrailing();
      if (!text.isEmpty()) out.add(new Piece('t', text));
      String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
      int end = src.indexOf(close, open + 2);
      if (end < 0) throw new TemplateError("unclosed " + src.substring(open, open + 2));
      int bodyStart = open + 2 + (trimBefore ? 1 : 0);
      int bodyEnd = end;
      if (bodyEnd > bodyStart && src.charAt(bodyEnd - 1) == '-') {
        bodyEnd--;
        trimNext = true;
      }
      if (kind != '#')
        out.add(new Piece(kind == '{' ? 'e' : 's', src.substring(bodyStart, bodyEnd).strip()));
      i = end + 2;
    }
    return out;
  }

  private static int nextOpen(String s, int from) {
    for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
      char c = s.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') return i;
    }
    return -1;
  }

  // ------------------------------------------------------------------ parsing statements

  static List<Node> parse(String template) {
    List<Piece> ps = pieces(template);
    int[] at = {0};
    List<Node> nodes = block(ps, at, List.of());
    if (at[0] != ps.size()) throw new TemplateError("unexpected " + ps.get(at[0]).body);
    return nodes;
  }

  private static String keyword(Piece p) {
    String b = p.body;
    int sp = 0;
    while (sp < b.length() && Character.isLetter(b.charAt(sp))) sp++;
    return b.substring(0, sp);
  }

  /** Parses until a statement whose keyword is in {@code stops} (left unconsumed). */
  private static List<Node> block(List<Piece> ps, int[] at, List<String> stops) {
    List<Node> out = new ArrayList<>();
    while (at[0] < ps.size()) {
      Piece p = ps.get(at[0]);
      switch (p.kind) {
        case 't' -> {
          out.add(new Text(p.body));
          at[0]++;
        }
        case 'e' -> {
          out.add(new Output(new ExprParser(p.body).whole()));
          at[0]++;
        }
        default -> {
          String kw = keyword(p);
          if (stops.contains(kw)) return out;
          at[0]++;
          String rest = p.body.substring(kw.length()).strip();
          switch (kw) {
            case "if" -> out.add(ifNode(ps, at, rest));
            case "for" -> out.add(forNode(ps, at, rest));
            case "set" -> out.add(setNode(rest));
            case "generation", "endgeneration" -> {}
            default -> throw new TemplateError("unsupported statement " + kw);
          }
        }
      }
    }
    if (!stops.isEmpty()) throw new TemplateError("missing " + stops);
    return out;
  }

  private static Node ifNode(List<Piece> ps, int[] at, String cond) {
    List<Expr> conds = new ArrayList<>();
    List<List<Node>> bodies = new ArrayList<>();
    List<Node> otherwise = List.of();
    conds.add(new ExprParser(cond).whole());
    while (true) {
      bodies.add(block(ps, at, List.of("elif", "else", "endif")));
      Piece p = ps.get(at[0]++);
      String kw = keyword(p);
      if (kw.equals("elif")) conds.add(new ExprParser(p.body.substring(4)).whole());
      else if (kw.equals("else")) {
        otherwise = block(ps, at, List.of("endif"));
        at[0]++;
        break;
      } else break;
    }
    return new If(conds, bodies, otherwise);
  }

  private static Node forNode(List<Piece> ps, int[] at, String head) {
    int in = head.indexOf(" in ");
    if (in < 0) throw new TemplateError("for without in");
    List<String> vars = new ArrayList<>();
    for (String v : head.substring(0, in).split(",")) vars.add(v.strip());
    String rest = head.substring(in + 4);
    Expr filter = null;
    ExprParser ep = new ExprParser(rest);
    Expr iterable = ep.orExpr();
    if (ep.peekWord("if")) {
      ep.word("if");
      filter = ep.expr();
    }
    ep.end();
    List<Node> body = block(ps, at, List.of("else", "endfor"));
    List<Node> otherwise = List.of();
    if (keyword(ps.get(at[0])).equals("else")) {
      at[0]++;
      otherwise = block(ps, at, List.of("endfor"));
    }
    at[0]++;
    return new For(vars, iterable, filter, body, otherwise);
  }

  private static Node setNode(String rest) {
    int eq = rest.indexOf('=');
    if (eq < 0) throw new TemplateError("block set is not supported");
    String target = rest.substring(0, eq).strip();
    Expr value = new ExprParser(rest.substring(eq + 1)).whole();
    int dot = target.indexOf('.');
    return dot < 0
        ? new Set(target, null, value)
        : new Set(target.substring(0, dot), target.substring(dot + 1), value);
  }

  // ------------------------------------------------------------------ parsing expressions

  private static final class ExprParser {
    private final String s;
    private int i;

    ExprParser(String s) {
      this.s = s;
    }

    Expr whole() {
      Expr e = expr();
      end();
      return e;
    }

    void end() {
      ws();
      if (i != s.length()) throw new TemplateError("unexpected '" + s.substring(i) + "'");
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private boolean peek(String t) {
      ws();
      return s.startsWith(t, i);
    }

    private boolean eat(String t) {
      if (peek(t)) {
        i += t.length();
        return true;
      }
      return false;
    }

    boolean peekWord(String w) {
      ws();
      if (!s.startsWith(w, i)) return false;
      int e = i + w.length();
      return e >= s.length() || !(Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_');
    }

    void word(String w) {
      if (!peekWord(w)) throw new TemplateError("expected " + w);
      i += w.length();
    }

    Expr expr() {
      Expr e = orExpr();
      if (peekWord("if")) {
        word("if");
        Expr c = orExpr();
        Expr other = new Lit(UNDEFINED);
        if (peekWord("else")) {
          word("else");
          other = expr();
        }
        return new Cond(c, e, other);
      }
      return e;
    }

    Expr orExpr() {
      Expr e = andExpr();
      while (peekWord("or")) {
        word("or");
        e = new Bin("or", e, andExpr());
      }
      return e;
    }

    private Expr andExpr() {
      Expr e = notExpr();
      while (peekWord("and")) {
        word("and");
        e = new Bin("and", e, notExpr());
      }
      return e;
    }

    private Expr notExpr() {
      if (peekWord("not")) {
        word("not");
        return new Not(notExpr());
      }
      return compare();
    }

    private Expr compare() {
      Expr e = concat();
      while (true) {
        if (eat("==")) e = new Bin("==", e, concat());
        else if (eat("!=")) e = new Bin("!=", e, concat());
        else if (eat("<=")) e = new Bin("<=", e, concat());
        else if (eat(">=")) e = new Bin(">=", e, concat());
        else if (eat("<")) e = new Bin("<", e, concat());
        else if (eat(">")) e = new Bin(">", e, concat());
        else if (peekWord("in")) {
          word("in");
          e = new Bin("in", e, concat());
        } else if (peekWord("not")) {
          int save = i;
          word("not");
          if (peekWord("in")) {
            word("in");
            e = new Not(new Bin("in", e, concat()));
          } else {
            i = save;
            return e;
          }
        } else if (peekWord("is")) {
          word("is");
          boolean neg = false;
          if (peekWord("not")) {
            word("not");
            neg = true;
          }
          e = new Test(e, name(), neg);
        } else return e;
      }
    }

    private Expr concat() {
      Expr e = add();
      while (eat("~")) e = new Bin("~", e, add());
      return e;
    }

    private Expr add() {
      Expr e = mul();
      while (true) {
        if (eat("+")) e = new Bin("+", e, mul());
        else if (peek("-") && !peek("-}") && !peek("-%")) {
          i++;
          e = new Bin("-", e, mul());
        } else return e;
      }
    }

    private Expr mul() {
      Expr e = unary();
      while (true) {
        if (peek("**")) throw new TemplateError("** is not supported");
        if (eat("*")) e = new Bin("*", e, unary());
        else if (eat("//")) e = new Bin("//", e, unary());
        else if (eat("/")) e = new Bin("/", e, unary());
        else if (eat("%")) e = new Bin("%", e, unary());
        else return e;
      }
    }

    private Expr unary() {
      if (eat("-")) return new Neg(unary());
      return postfix(primary());
    }

    private Expr postfix(Expr e) {
      while (true) {
        if (eat(".")) e = new Attr(e, name());
        else if (eat("[")) {
          if (peek(":")) throw new TemplateError("slices are not supported");
          Expr idx = expr();
          if (eat(":")) throw new TemplateError("slices are not supported");
          if (!eat("]")) throw new TemplateError("expected ]");
          e = new Index(e, idx);
        } else if (peek("(")) {
          i++;
          List<Expr> args = new ArrayList<>();
          Map<String, Expr> kw = new LinkedHashMap<>();
          if (!eat(")")) {
            do {
              ws();
              int save = i;
              String n = tryName();
              if (n != null && eat("=") && !peek("=")) kw.put(n, expr());
              else {
                i = save;
                args.add(expr());
              }
            } while (eat(","));
            if (!eat(")")) throw new TemplateError("expected )");
          }
          e = new Call(e, args, kw);
        } else if (peek("|")) {
          i++;
          String f = name();
          List<Expr> args = new ArrayList<>();
          if (eat("(")) {
            if (!eat(")")) {
              do args.add(expr());
              while (eat(","));
              if (!eat(")")) throw new TemplateError("expected )");
            }
          }
          e = new Filter(e, f, args);
        } else return e;
      }
    }

    private Expr primary() {
      ws();
      if (i >= s.length()) throw new TemplateError("expression ends early");
      char c = s.charAt(i);
      if (c == '\'' || c == '"') return new Lit(string(c));
      if (Character.isDigit(c)) {
        int st = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        String num = s.substring(st, i);
        return new Lit(
            num.contains(".") ? (Object) Double.parseDouble(num) : (Object) Long.parseLong(num));
      }
      if (eat("(")) {
        Expr e = expr();
        if (!eat(")")) throw new TemplateError("expected )");
        return e;
      }
      if (eat("[")) {
        List<Expr> items = new ArrayList<>();
        if (!eat("]")) {
          do items.add(expr());
          while (eat(","));
          if (!eat("]")) throw new TemplateError("expected ]");
        }
        return new ListLit(items);
      }
      if (eat("{")) {
        List<Expr> ks = new ArrayList<>(), vs = new ArrayList<>();
        if (!eat("}")) {
          do {
            ks.add(expr());
            if (!eat(":")) throw new TemplateError("expected :");
            vs.add(expr());
          } while (eat(","));
          if (!eat("}")) throw new TemplateError("expected }");
        }
        return new DictLit(ks, vs);
      }
      String n = name();
      return switch (n) {
        case "true", "True" -> new Lit(Boolean.TRUE);
        case "false", "False" -> new Lit(Boolean.FALSE);
        case "none", "None" -> new Lit(null);
        default -> new Var(n);
      };
    }

    private String tryName() {
      ws();
      int st = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
      if (st == i || Character.isDigit(s.charAt(st))) {
        i = st;
        return null;
      }
      return s.substring(st, i);
    }

    private String name() {
      String n = tryName();
      if (n == null) throw new TemplateError("expected a name at '" + s.substring(i) + "'");
      return n;
    }

    private String string(char q) {
      i++;
      StringBuilder b = new StringBuilder();
      while (i < s.length() && s.charAt(i) != q) {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          char e = s.charAt(i++);
          b.append(
              switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> e;
              });
        } else b.append(c);
      }
      if (i >= s.length()) throw new TemplateError("unterminated string");
      i++;
      return b.toString();
    }
  }

  // ------------------------------------------------------------------ running

  static String render(List<Node> program, Map<String, Object> vars) {
    StringBuilder out = new StringBuilder();
    Scope scope = new Scope(null);
    scope.vars.putAll(vars);
    run(program, scope, out);
    return out.toString();
  }

  private static final class Scope {
    final Scope parent;
    final Map<String, Object> vars = new LinkedHashMap<>();

    Scope(Scope parent) {
      this.parent = parent;
    }

    Object get(String n) {
      for (Scope s = this; s != null; s = s.parent) if (s.vars.containsKey(n)) return s.vars.get(n);
      return UNDEFINED;
    }
  }

  private static void run(List<Node> nodes, Scope scope, StringBuilder out) {
    for (Node n : nodes) {
      switch (n) {
        case Text t -> out.append(t.text());
        case Output o -> out.append(str(eval(o.e(), scope)));
        case If f -> {
          boolean done = false;
          for (int k = 0; k < f.conds().size() && !done; k++)
            if (truthy(eval(f.conds().get(k), scope))) {
              run(f.bodies().get(k), scope, out);
              done = true;
            }
          if (!done) run(f.otherwise(), scope, out);
        }
        case For f -> runFor(f, scope, out);
        case Set s -> {
          Object v = eval(s.value(), scope);
          if (s.attr() == null) scope.vars.put(s.name(), v);
          else if (scope.get(s.name()) instanceof Namespace ns) ns.put(s.attr(), v);
          else throw new TemplateError("set " + s.name() + "." + s.attr() + " needs a namespace");
        }
      }
    }
  }

  /** namespace(...) objects: the one mutable value templates have. */
  static final class Namespace extends LinkedHashMap<String, Object> {}

  private static void runFor(For f, Scope scope, StringBuilder out) {
    List<Object> items = new ArrayList<>();
    Object it = eval(f.iterable(), scope);
    if (it instanceof Map<?, ?> m) items.addAll(m.keySet());
    else items.addAll(iterable(it));
    List<Object> kept = new ArrayList<>();
    for (Object item : items) {
      if (f.filter() == null) kept.add(item);
      else {
        Scope s = new Scope(scope);
        bind(f.vars(), item, s);
        if (truthy(eval(f.filter(), s))) kept.add(item);
      }
    }
    if (kept.isEmpty()) {
      run(f.otherwise(), scope, out);
      return;
    }
    for (int k = 0; k < kept.size(); k++) {
      Scope s = new Scope(scope);
      bind(f.vars(), kept.get(k), s);
      Map<String, Object> loop = new LinkedHashMap<>();
      loop.put("index0", (long) k);
      loop.put("index", (long) k + 1);
      loop.put("first", k == 0);
      loop.put("last", k == kept.size() - 1);
      loop.put("length", (long) kept.size());
      loop.put("revindex", (long) (kept.size() - k));
      loop.put("revindex0", (long) (kept.size() - k - 1));
      loop.put("previtem", k > 0 ? kept.get(k - 1) : UNDEFINED);
      loop.put("nextitem", k + 1 < kept.size() ? kept.get(k + 1) : UNDEFINED);
      s.vars.put("loop", loop);
      run(f.body(), s, out);
    }
  }

  private static void bind(List<String> vars, Object item, Scope s) {
    if (vars.size() == 1) s.vars.put(vars.get(0), item);
    else {
      List<Object> parts = iterable(item);
      for (int k = 0; k < vars.size(); k++)
        s.vars.put(vars.get(k), k < parts.size() ? parts.get(k) : UNDEFINED);
    }
  }

  private static List<Object> iterable(Object v) {
    if (v instanceof List<?> l) return new ArrayList<>(l);
    if (v instanceof Collection<?> c) return new ArrayList<>(c);
    if (v instanceof String s) {
      List<Object> chars = new ArrayList<>();
      for (char c : s.toCharArray()) chars.add(String.valueOf(c));
      return chars;
    }
    if (v == null || v == UNDEFINED) return List.of();
    throw new TemplateError("cannot iterate over " + v);
  }

  private static Object eval(Expr e, Scope scope) {
    return switch (e) {
      case Lit l -> l.v();
      case Var v -> scope.get(v.name());
      case Attr a -> attr(eval(a.target(), scope), a.name());
      case Index x -> index(eval(x.target(), scope), eval(x.index(), scope));
      case Call c -> call(c, scope);
      case Filter f -> filter(f, scope);
      case Test t -> t.negate() != test(eval(t.target(), scope), t.name());
      case Not n -> !truthy(eval(n.e(), scope));
      case Neg n -> negate(eval(n.e(), scope));
      case Cond c ->
          truthy(eval(c.cond(), scope)) ? eval(c.then(), scope) : eval(c.otherwise(), scope);
      case ListLit l -> {
        List<Object> out = new ArrayList<>();
        for (Expr x : l.items()) out.add(eval(x, scope));
        yield out;
      }
      case DictLit d -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < d.keys().size(); k++)
          out.put(str(eval(d.keys().get(k), scope)), eval(d.values().get(k), scope));
        yield out;
      }
      case Bin b -> binary(b, scope);
    };
  }

  private static Object attr(Object target, String name) {
    if (target instanceof Map<?, ?> m) return m.containsKey(name) ? m.get(name) : UNDEFINED;
    return new BoundMethod(target, name);
  }

  private record BoundMethod(Object target, String name) {}

  private static Object index(Object target, Object idx) {
    if (target instanceof Map<?, ?> m) return m.containsKey(str(idx)) ? m.get(str(idx)) : UNDEFINED;
    if (target instanceof List<?> l && idx instanceof Number n) {
      int k = n.intValue();
      if (k < 0) k += l.size();
      return k >= 0 && k < l.size() ? l.get(k) : UNDEFINED;
    }
    if (target instanceof String s && idx instanceof Number n) {
      int k = n.intValue();
      if (k < 0) k += s.length();
      return k >= 0 && k < s.length() ? String.valueOf(s.charAt(k)) : UNDEFINED;
    }
    return UNDEFINED;
  }

  private static Object call(Call c, Scope scope) {
    List<Object> args = new ArrayList<>();
    for (Expr a : c.args()) args.add(eval(a, scope));
    if (c.fn() instanceof Var v) {
      switch (v.name()) {
        case "raise_exception" ->
            throw new RaisedError(args.isEmpty() ? "error" : str(args.get(0)));
        case "namespace" -> {
          Namespace ns = new Namespace();
          for (Map.Entry<String, Expr> kv : c.kwargs().entrySet())
            ns.put(kv.getKey(), eval(kv.getValue(), scope));
          return ns;
        }
        case "range" -> {
          List<Object> r = new ArrayList<>();
          long from = args.size() > 1 ? num(args.get(0)).longValue() : 0;
          long to = num(args.get(args.size() > 1 ? 1 : 0)).longValue();
          for (long k = from; k < to; k++) r.add(k);
          return r;
        }
        case "strftime_now" -> {
          return java.time.format.DateTimeFormatter.ofPattern("dd MMM yyyy")
              .format(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
        }
        default -> throw new TemplateError("unknown function " + v.name());
      }
    }
    Object f = eval(c.fn(), scope);
    if (!(f instanceof BoundMethod m)) throw new TemplateError("not callable");
    return method(m.target(), m.name(), args);
  }

  private static Object method(Object t, String name, List<Object> args) {
    if (t instanceof String s) {
      return switch (name) {
        case "strip" -> args.isEmpty() ? s.strip() : stripChars(s, str(args.get(0)), true, true);
        case "lstrip" ->
            args.isEmpty() ? s.stripLeading() : stripChars(s, str(args.get(0)), true, false);
        case "rstrip" ->
            args.isEmpty() ? s.stripTrailing() : stripChars(s, str(args.get(0)), false, true);
        case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
        case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
        case "title", "capitalize" ->
            s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        case "startswith" -> s.startsWith(str(args.get(0)));
        case "endswith" -> s.endsWith(str(args.get(0)));
        case "replace" -> s.replace(str(args.get(0)), str(args.get(1)));
        case "split" -> {
          List<Object> parts = new ArrayList<>();
          String[] ps =
              args.isEmpty()
                  ? s.strip().split("\\s+")
                  : s.split(java.util.regex.Pattern.quote(str(args.get(0))), -1);
          for (String p : ps) parts.add(p);
          yield parts;
        }
        default -> throw new TemplateError("unknown string method " + name);
      };
    }
    if (t instanceof Map<?, ?> m) {
      return switch (name) {
        case "items" -> {
          List<Object> out = new ArrayList<>();
          for (Map.Entry<?, ?> e : m.entrySet())
            out.add(List.of(String.valueOf(e.getKey()), e.getValue() == null ? "" : e.getValue()));
          yield out;
        }
        case "keys" -> new ArrayList<Object>(m.keySet());
        case "values" -> new ArrayList<Object>(m.values());
        case "get" ->
            m.containsKey(str(args.get(0)))
                ? m.get(str(args.get(0)))
                : args.size() > 1 ? args.get(1) : null;
        default -> throw new TemplateError("unknown mapping method " + name);
      };
    }
    throw new TemplateError("no method " + name + " on " + t);
  }

  private static String stripChars(String s, String chars, boolean left, boolean right) {
    int a = 0, b = s.length();
    while (left && a < b && chars.indexOf(s.charAt(a)) >= 0) a++;
    while (right && b > a && chars.indexOf(s.charAt(b - 1)) >= 0) b--;
    return s.substring(a, b);
  }

  private static Object filter(Filter f, Scope scope) {
    Object v = eval(f.target(), scope);
    List<Object> args = new ArrayList<>();
    for (Expr a : f.args()) args.add(eval(a, scope));
    return switch (f.name()) {
      case "trim" -> str(v).strip();
      case "length", "count" ->
          (long)
              (v instanceof String s
                  ? s.length()
                  : v instanceof Map<?, ?> m ? m.size() : iterable(v).size());
      case "upper" -> str(v).toUpperCase(java.util.Locale.ROOT);
      case "lower" -> str(v).toLowerCase(java.util.Locale.ROOT);
      case "string" -> str(v);
      case "int" -> num(v).longValue();
      case "tojson" -> Json.write(v == UNDEFINED ? null : v);
      case "default", "d" -> v == UNDEFINED || (args.size() > 1 && !truthy(v)) ? args.get(0) : v;
      case "join" -> {
        StringBuilder b = new StringBuilder();
        String sep = args.isEmpty() ? "" : str(args.get(0));
        List<Object> items = iterable(v);
        for (int k = 0; k < items.size(); k++) b.append(k > 0 ? sep : "").append(str(items.get(k)));
        yield b.toString();
      }
      case "first" -> iterable(v).isEmpty() ? UNDEFINED : iterable(v).get(0);
      case "last" -> iterable(v).isEmpty() ? UNDEFINED : iterable(v).get(iterable(v).size() - 1);
      case "list" -> iterable(v);
      case "capitalize" ->
          str(v).isEmpty()
              ? ""
              : Character.toUpperCase(str(v).charAt(0))
                  + str(v).substring(1).toLowerCase(java.util.Locale.ROOT);
      case "safe", "e", "escape" -> v;
      default -> throw new TemplateError("unknown filter " + f.name());
    };
  }

  private static boolean test(Object v, String name) {
    return switch (name) {
      case "defined" -> v != UNDEFINED;
      case "undefined" -> v == UNDEFINED;
      case "none" -> v == null;
      case "string" -> v instanceof String;
      case "number", "integer" -> v instanceof Number;
      case "mapping" -> v instanceof Map;
      case "iterable", "sequence" -> v instanceof List || v instanceof String || v instanceof Map;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      default -> throw new TemplateError("unknown test " + name);
    };
  }

  private static Object binary(Bin b, Scope scope) {
    if (b.op().equals("and")) {
      Object a = eval(b.a(), scope);
      return truthy(a) ? eval(b.b(), scope) : a;
    }
    if (b.op().equals("or")) {
      Object a = eval(b.a(), scope);
      return truthy(a) ? a : eval(b.b(), scope);
    }
    Object x = eval(b.a(), scope), y = eval(b.b(), scope);
    return switch (b.op()) {
      case "~" -> str(x) + str(y);
      case "+" -> {
        if (x instanceof Number p && y instanceof Number q) yield arith(p, q, '+');
        if (x instanceof List<?> p && y instanceof List<?> q) {
          List<Object> out = new ArrayList<>(p);
          out.addAll(q);
          yield out;
        }
        yield str(x) + str(y);
      }
      case "-" -> arith(num(x), num(y), '-');
      case "*" -> arith(num(x), num(y), '*');
      case "/" -> num(x).doubleValue() / num(y).doubleValue();
      case "//" -> Math.floorDiv(num(x).longValue(), num(y).longValue());
      case "%" -> Math.floorMod(num(x).longValue(), num(y).longValue());
      case "==" -> equal(x, y);
      case "!=" -> !equal(x, y);
      case "<" -> compare(x, y) < 0;
      case ">" -> compare(x, y) > 0;
      case "<=" -> compare(x, y) <= 0;
      case ">=" -> compare(x, y) >= 0;
      case "in" ->
          y instanceof String s
              ? s.contains(str(x))
              : y instanceof Map<?, ?> m
                  ? m.containsKey(str(x))
                  : iterable(y).stream().anyMatch(o -> equal(o, x));
      default -> throw new TemplateError("unknown operator " + b.op());
    };
  }

  private static Object arith(Number p, Number q, char op) {
    if (p instanceof Long && q instanceof Long) {
      long a = p.longValue(), c = q.longValue();
      return op == '+' ? a + c : op == '-' ? a - c : a * c;
    }
    double a = p.doubleValue(), c = q.doubleValue();
    return op == '+' ? a + c : op == '-' ? a - c : a * c;
  }

  private static Object negate(Object v) {
    Number n = num(v);
    return n instanceof Long l ? (Object) (-l) : (Object) (-n.doubleValue());
  }

  private static Number num(Object v) {
    if (v instanceof Number n) return n;
    if (v instanceof Boolean b) return b ? 1L : 0L;
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        throw new TemplateError("not a number: " + s);
      }
    }
    throw new TemplateError("not a number: " + v);
  }

  private static boolean equal(Object x, Object y) {
    if (x == UNDEFINED || y == UNDEFINED) return x == y || (x == null || y == null);
    if (x instanceof Number p && y instanceof Number q) return p.doubleValue() == q.doubleValue();
    return java.util.Objects.equals(x, y);
  }

  private static int compare(Object x, Object y) {
    if (x instanceof Number p && y instanceof Number q)
      return Double.compare(p.doubleValue(), q.doubleValue());
    return str(x).compareTo(str(y));
  }

  static boolean truthy(Object v) {
    if (v == null || v == UNDEFINED) return false;
    if (v instanceof Boolean b) return b;
    if (v instanceof Number n) return n.doubleValue() != 0;
    if (v instanceof String s) return !s.isEmpty();
    if (v instanceof Collection<?> c) return !c.isEmpty();
    if (v instanceof Map<?, ?> m) return !m.isEmpty();
    return true;
  }

  static String str(Object v) {
    if (v == null) return "None";
    if (v == UNDEFINED) return "";
    if (v instanceof Boolean b) return b ? "True" : "False";
    if (v instanceof String s) return s;
    if (v instanceof Double d && d == Math.rint(d)) return Long.toString(d.longValue()) + ".0";
    return String.valueOf(v);
  }
}
