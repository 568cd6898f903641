package io.openledger.openlora.chat;

import io.openledger.openlora.chat.Ast.*;
import io.openledger.openlora.chat.Lexer.Token;
import io.openledger.openlora.chat.Lexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * jinja2's parser ({@code jinja2/parser.py}) over {@link Lexer}'s tokens, with the statements
 * transformers' environment has ({@code loopcontrols} and its {@code generation} tag). Valid Jinja
 * that {@link Interpreter} does not run exactly is refused here, at load, naming the construct.
 */
final class Parser {
  /** jinja2's built-in filters; those not in {@link Builtins#FILTERS} are refused. */
  static final Set<String> JINJA_FILTERS =
      Set.of(
          "abs",
          "attr",
          "batch",
          "capitalize",
          "center",
          "count",
          "d",
          "default",
          "dictsort",
          "e",
          "escape",
          "filesizeformat",
          "first",
          "float",
          "forceescape",
          "format",
          "groupby",
          "indent",
          "int",
          "items",
          "join",
          "last",
          "length",
          "list",
          "lower",
          "map",
          "max",
          "min",
          "pprint",
          "random",
          "reject",
          "rejectattr",
          "replace",
          "reverse",
          "round",
          "safe",
          "select",
          "selectattr",
          "slice",
          "sort",
          "string",
          "striptags",
          "sum",
          "title",
          "tojson",
          "trim",
          "truncate",
          "unique",
          "upper",
          "urlencode",
          "urlize",
          "wordcount",
          "wordwrap",
          "xmlattr");

  private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

  private final List<Token> tokens;
  private int at;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static List<Node> parse(String template) {
    Parser p = new Parser(Lexer.tokenize(template));
    List<Node> body = p.subparse(Set.of());
    if (p.current().type() != Type.EOF) {
      throw TemplateError.syntax("unexpected '" + p.current().value() + "'");
    }
    return body;
  }

  // ------------------------------------------------------------------ token stream

  private Token current() {
    return tokens.get(at);
  }

  private Token look() {
    return tokens.get(Math.min(at + 1, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(at);
    if (t.type() != Type.EOF) {
      at++;
    }
    return t;
  }

  private boolean skipOp(String op) {
    if (current().isOp(op)) {
      at++;
      return true;
    }
    return false;
  }

  private boolean skipName(String name) {
    if (current().isName(name)) {
      at++;
      return true;
    }
    return false;
  }

  private void expectOp(String op) {
    if (!skipOp(op)) {
      throw TemplateError.syntax("expected '" + op + "', got " + describe(current()));
    }
  }

  private String expectName() {
    Token t = next();
    if (t.type() != Type.NAME) {
      throw TemplateError.syntax("expected a name, got " + describe(t));
    }
    return t.value();
  }

  private void expectName(String name) {
    if (!skipName(name)) {
      throw TemplateError.syntax("expected '" + name + "', got " + describe(current()));
    }
  }

  private void expect(Type type) {
    if (next().type() != type) {
      throw TemplateError.syntax("expected end of tag, got " + describe(tokens.get(at - 1)));
    }
  }

  private static String describe(Token t) {
    return switch (t.type()) {
      case EOF -> "end of template";
      case BLOCK_END -> "end of statement block";
      case VARIABLE_END -> "end of print statement";
      default -> "'" + t.value() + "'";
    };
  }

  // ------------------------------------------------------------------ statements

  /** Nodes until a block tag whose first name is in {@code ends} (left unconsumed). */
  private List<Node> subparse(Set<String> ends) {
    List<Node> body = new ArrayList<>();
    while (true) {
      Token t = current();
      switch (t.type()) {
        case EOF -> {
          if (!ends.isEmpty()) {
            throw TemplateError.syntax("unexpected end of template, expected one of " + ends);
          }
          return body;
        }
        case DATA -> {
          next();
          body.add(new Text(t.value()));
        }
        case VARIABLE_BEGIN -> {
          next();
          body.add(new Print(tuple(true, Set.of(), false)));
          expect(Type.VARIABLE_END);
        }
        case BLOCK_BEGIN -> {
          Token kw = look();
          if (kw.type() == Type.NAME && ends.contains(kw.value())) {
            return body;
          }
          next();
          Node n = statement();
          if (n != null) {
            body.add(n);
          }
        }
        default -> throw TemplateError.syntax("unexpected " + describe(t));
      }
    }
  }

  /** Parses statements up to one of {@code ends}; consumes the end tag's name. */
  private List<Node> statements(Set<String> ends, boolean dropNeedle) {
    skipOp(":");
    expect(Type.BLOCK_END);
    List<Node> body = subparse(ends);
    if (current().type() == Type.EOF) {
      throw TemplateError.syntax("unexpected end of template, expected one of " + ends);
    }
    expect(Type.BLOCK_BEGIN);
    if (dropNeedle) {
      next();
    }
    return body;
  }

  private Node statement() {
    Token t = current();
    if (t.type() != Type.NAME) {
      throw TemplateError.syntax("tag name expected, got " + describe(t));
    }
    Node n =
        switch (t.value()) {
          case "for" -> forLoop();
          case "if" -> ifBlock();
          case "set" -> set();
          case "macro" -> macro();
          case "filter" -> filterBlock();
          case "with" -> with();
          case "print" -> print();
          case "break" -> {
            next();
            yield new Break();
          }
          case "continue" -> {
            next();
            yield new Continue();
          }
          case "generation" -> {
            next();
            yield new Generation(statements(Set.of("endgeneration"), true));
          }
          case "call", "block", "extends", "include", "import", "from", "autoescape" ->
              throw TemplateError.unsupported("the {% " + t.value() + " %} statement");
          case "do" -> throw TemplateError.syntax("encountered unknown tag 'do'");
          default -> throw TemplateError.syntax("encountered unknown tag '" + t.value() + "'");
        };
    expect(Type.BLOCK_END);
    return n;
  }

  private Node forLoop() {
    expectName("for");
    Target target = assignTarget(Set.of("in"));
    expectName("in");
    Expr iterable = tuple(false, Set.of("recursive"), false);
    Expr filter = null;
    if (skipName("if")) {
      filter = expression(true);
    }
    if (skipName("recursive")) {
      throw TemplateError.unsupported("recursive for loops");
    }
    List<Node> body = statements(Set.of("endfor", "else"), false);
    List<Node> otherwise = List.of();
    if (next().value().equals("else")) {
      otherwise = statements(Set.of("endfor"), true);
    }
    return new For(target, iterable, filter, body, otherwise);
  }

  private Node ifBlock() {
    expectName("if");
    List<Expr> tests = new ArrayList<>();
    List<List<Node>> bodies = new ArrayList<>();
    List<Node> otherwise = List.of();
    while (true) {
      tests.add(tuple(false, Set.of(), false));
      bodies.add(statements(Set.of("elif", "else", "endif"), false));
      String kw = next().value();
      if (kw.equals("elif")) {
        continue;
      }
      if (kw.equals("else")) {
        otherwise = statements(Set.of("endif"), true);
      }
      return new If(tests, bodies, otherwise);
    }
  }

  private Node set() {
    expectName("set");
    Target target = assignTarget(Set.of(), true);
    if (skipOp("=")) {
      return new Assign(target, tuple(true, Set.of(), false));
    }
    List<Ast.Filter> filters = filterChain(null, false);
    return new AssignBlock(target, filters, statements(Set.of("endset"), true));
  }

  private Node macro() {
    expectName("macro");
    String name = expectName();
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    expectOp("(");
    while (!current().isOp(")")) {
      if (!params.isEmpty()) {
        expectOp(",");
      }
      params.add(expectName());
      if (skipOp("=")) {
        defaults.add(expression(true));
      } else if (!defaults.isEmpty()) {
        throw TemplateError.syntax("non-default argument follows default argument");
      }
    }
    expectOp(")");
    return new Macro(name, params, defaults, statements(Set.of("endmacro"), true));
  }

  private Node filterBlock() {
    expectName("filter");
    List<Ast.Filter> filters = filterChain(null, true);
    return new FilterBlock(filters, statements(Set.of("endfilter"), true));
  }

  private Node with() {
    expectName("with");
    List<Target> targets = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (current().type() != Type.BLOCK_END) {
      if (!targets.isEmpty()) {
        expectOp(",");
      }
      targets.add(assignTarget(Set.of(), false));
      expectOp("=");
      values.add(expression(true));
    }
    return new With(targets, values, statements(Set.of("endwith"), true));
  }

  private Node print() {
    expectName("print");
    List<Expr> parts = new ArrayList<>();
    while (current().type() != Type.BLOCK_END) {
      if (!parts.isEmpty()) {
        expectOp(",");
      }
      parts.add(expression(true));
    }
    if (parts.size() != 1) {
      throw TemplateError.unsupported("{% print %} of several expressions");
    }
    return new Print(parts.getFirst());
  }

  private Target assignTarget(Set<String> extraEnds) {
    return assignTarget(extraEnds, false);
  }

  /** A name, a namespace attribute (set only), or a tuple of names. */
  private Target assignTarget(Set<String> extraEnds, boolean withNamespace) {
    List<Target> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        expectOp(",");
      }
      if (tupleEnd(extraEnds)) {
        break;
      }
      String name = expectName();
      if (withNamespace && skipOp(".")) {
        items.add(new NamespaceTarget(name, expectName()));
      } else {
        if (Set.of("true", "false", "none", "True", "False", "None").contains(name)) {
          throw TemplateError.syntax("can't assign to " + name);
        }
        items.add(new NameTarget(name));
      }
      if (current().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (items.isEmpty()) {
      throw TemplateError.syntax("expected an assignment target");
    }
    return isTuple ? new TupleTarget(items) : items.getFirst();
  }

  private boolean tupleEnd(Set<String> extraEnds) {
    Token t = current();
    if (t.type() == Type.VARIABLE_END || t.type() == Type.BLOCK_END || t.isOp(")")) {
      return true;
    }
    return t.type() == Type.NAME && extraEnds.contains(t.value());
  }

  // ------------------------------------------------------------------ expressions

  /** parse_tuple: an expression, or several separated by commas as a tuple. */
  private Expr tuple(boolean withCondition, Set<String> extraEnds, boolean explicitParens) {
    List<Expr> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        expectOp(",");
      }
      if (tupleEnd(extraEnds)) {
        break;
      }
      items.add(expression(withCondition));
      if (current().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!items.isEmpty()) {
        return items.getFirst();
      }
      if (!explicitParens) {
        throw TemplateError.syntax("expected an expression, got " + describe(current()));
      }
    }
    return new TupleLit(items);
  }

  private Expr expression(boolean withCondition) {
    return withCondition ? condition() : or();
  }

  private Expr condition() {
    Expr e = or();
    while (skipName("if")) {
      Expr test = or();
      Expr otherwise = skipName("else") ? condition() : null;
      e = new Cond(test, e, otherwise);
    }
    return e;
  }

  private Expr or() {
    Expr e = and();
    while (skipName("or")) {
      e = new Or(e, and());
    }
    return e;
  }

  private Expr and() {
    Expr e = not();
    while (skipName("and")) {
      e = new And(e, not());
    }
    return e;
  }

  private Expr not() {
    if (skipName("not")) {
      return new Not(not());
    }
    return compare();
  }

  private Expr compare() {
    Expr first = math1();
    List<String> ops = new ArrayList<>();
    List<Expr> operands = new ArrayList<>();
    while (true) {
      Token t = current();
      if (t.type() == Type.OPERATOR && COMPARE.contains(t.value())) {
        next();
        ops.add(t.value());
      } else if (skipName("in")) {
        ops.add("in");
      } else if (t.isName("not") && look().isName("in")) {
        next();
        next();
        ops.add("notin");
      } else {
        break;
      }
      operands.add(math1());
    }
    return ops.isEmpty() ? first : new Compare(first, ops, operands);
  }

  private Expr math1() {
    Expr e = concat();
    while (current().isOp("+") || current().isOp("-")) {
      String op = next().value();
      e = new Binary(op, e, concat());
    }
    return e;
  }

  private Expr concat() {
    List<Expr> parts = new ArrayList<>(List.of(math2()));
    while (skipOp("~")) {
      parts.add(math2());
    }
    return parts.size() == 1 ? parts.getFirst() : new Concat(parts);
  }

  private Expr math2() {
    Expr e = pow();
    while (current().isOp("*")
        || current().isOp("/")
        || current().isOp("//")
        || current().isOp("%")) {
      String op = next().value();
      e = new Binary(op, e, pow());
    }
    return e;
  }

  private Expr pow() {
    Expr e = unary(true);
    while (skipOp("**")) {
      e = new Binary("**", e, unary(true));
    }
    return e;
  }

  private Expr unary(boolean withFilter) {
    Expr e;
    if (skipOp("-")) {
      e = new Neg(unary(false));
    } else if (skipOp("+")) {
      e = new Pos(unary(false));
    } else {
      e = primary();
    }
    e = postfix(e);
    return withFilter ? filterExpression(e) : e;
  }

  private Expr primary() {
    Token t = next();
    switch (t.type()) {
      case NAME -> {
        return switch (t.value()) {
          case "true", "True" -> new Const(Boolean.TRUE);
          case "false", "False" -> new Const(Boolean.FALSE);
          case "none", "None" -> new Const(null);
          default -> new Name(t.value());
        };
      }
      case STRING -> {
        StringBuilder b = new StringBuilder((String) t.literal());
        while (current().type() == Type.STRING) {
          b.append((String) next().literal());
        }
        return new Const(b.toString());
      }
      case INTEGER, FLOAT -> {
        return new Const(t.literal());
      }
      case OPERATOR -> {
        switch (t.value()) {
          case "(" -> {
            Expr e = tuple(true, Set.of(), true);
            expectOp(")");
            return e;
          }
          case "[" -> {
            List<Expr> items = new ArrayList<>();
            while (!current().isOp("]")) {
              if (!items.isEmpty()) {
                expectOp(",");
              }
              if (current().isOp("]")) {
                break;
              }
              items.add(expression(true));
            }
            expectOp("]");
            return new ListLit(items);
          }
          case "{" -> {
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!current().isOp("}")) {
              if (!keys.isEmpty()) {
                expectOp(",");
              }
              if (current().isOp("}")) {
                break;
              }
              keys.add(expression(true));
              expectOp(":");
              values.add(expression(true));
            }
            expectOp("}");
            return new DictLit(keys, values);
          }
          default -> {}
        }
      }
      default -> {}
    }
    throw TemplateError.syntax("unexpected " + describe(t));
  }

  private Expr postfix(Expr e) {
    while (true) {
      if (current().isOp(".") || current().isOp("[")) {
        e = subscript(e);
      } else if (current().isOp("(")) {
        e = call(e);
      } else {
        return e;
      }
    }
  }

  private Expr filterExpression(Expr e) {
    while (true) {
      if (current().isOp("|")) {
        e = filterChain(e, false).getLast();
      } else if (current().isName("is")) {
        e = test(e);
      } else if (current().isOp("(")) {
        e = call(e);
      } else {
        return e;
      }
    }
  }

  private Expr subscript(Expr target) {
    Token t = next();
    if (t.isOp(".")) {
      Token attr = next();
      if (attr.type() == Type.NAME) {
        return new GetAttr(target, attr.value());
      }
      if (attr.type() != Type.INTEGER) {
        throw TemplateError.syntax("expected name or number");
      }
      return new GetItem(target, new Const(attr.literal()));
    }
    List<Expr> args = new ArrayList<>();
    while (!current().isOp("]")) {
      if (!args.isEmpty()) {
        expectOp(",");
      }
      args.add(subscribed());
    }
    expectOp("]");
    return new GetItem(target, args.size() == 1 ? args.getFirst() : new TupleLit(args));
  }

  private Expr subscribed() {
    Expr start = null;
    if (!skipOp(":")) {
      Expr e = expression(true);
      if (!skipOp(":")) {
        return e;
      }
      start = e;
    }
    Expr stop = null;
    if (!current().isOp(":") && !current().isOp("]") && !current().isOp(",")) {
      stop = expression(true);
    }
    Expr step = null;
    if (skipOp(":") && !current().isOp("]") && !current().isOp(",")) {
      step = expression(true);
    }
    return new Slice(start, stop, step);
  }

  private Call call(Expr callee) {
    List<Expr> args = new ArrayList<>();
    List<Keyword> kwargs = new ArrayList<>();
    callArgs(args, kwargs);
    return new Call(callee, args, kwargs);
  }

  private void callArgs(List<Expr> args, List<Keyword> kwargs) {
    expectOp("(");
    boolean comma = false;
    while (!current().isOp(")")) {
      if (comma) {
        expectOp(",");
        if (current().isOp(")")) {
          break;
        }
      }
      if (current().isOp("*") || current().isOp("**")) {
        throw TemplateError.unsupported("*args / **kwargs in calls");
      }
      if (current().type() == Type.NAME && look().isOp("=")) {
        String key = next().value();
        next();
        kwargs.add(new Keyword(key, expression(true)));
      } else {
        if (!kwargs.isEmpty()) {
          throw TemplateError.syntax("invalid syntax for function call expression");
        }
        args.add(expression(true));
      }
      comma = true;
    }
    expectOp(")");
  }

  /** {@code | name(args) | name ...}; the first filter applies to {@code target}. */
  private List<Ast.Filter> filterChain(Expr target, boolean startInline) {
    List<Ast.Filter> out = new ArrayList<>();
    Expr node = target;
    while (current().isOp("|") || startInline) {
      if (!startInline) {
        next();
      }
      startInline = false;
      String name = expectName();
      while (skipOp(".")) {
        name += "." + expectName();
      }
      if (!JINJA_FILTERS.contains(name)) {
        throw TemplateError.syntax("no filter named '" + name + "'");
      }
      if (!Builtins.FILTERS.contains(name)) {
        throw TemplateError.unsupported("the " + name + " filter");
      }
      List<Expr> args = new ArrayList<>();
      List<Keyword> kwargs = new ArrayList<>();
      if (current().isOp("(")) {
        callArgs(args, kwargs);
      }
      Ast.Filter f = new Ast.Filter(node, name, args, kwargs);
      out.add(f);
      node = f;
    }
    return out;
  }

  private Expr test(Expr target) {
    next(); // is
    boolean negated = skipName("not");
    String name = expectName();
    while (skipOp(".")) {
      name += "." + expectName();
    }
    // every one of jinja2's built-in tests is implemented: any other name is jinja2's error
    if (!Builtins.TESTS.contains(name)) {
      throw TemplateError.syntax("no test named '" + name + "'");
    }
    List<Expr> args = new ArrayList<>();
    Token t = current();
    if (t.isOp("(")) {
      List<Keyword> kwargs = new ArrayList<>();
      callArgs(args, kwargs);
      if (!kwargs.isEmpty()) {
        throw TemplateError.unsupported("keyword arguments to tests");
      }
    } else if ((t.type() == Type.NAME
            || t.type() == Type.STRING
            || t.type() == Type.INTEGER
            || t.type() == Type.FLOAT
            || t.isOp("(")
            || t.isOp("[")
            || t.isOp("{"))
        && !t.isName("else")
        && !t.isName("or")
        && !t.isName("and")) {
      if (t.isName("is")) {
        throw TemplateError.syntax("You cannot chain multiple tests with is");
      }
      args.add(postfix(primary()));
    }
    Expr e = new Test(target, name, args);
    return negated ? new Not(e) : e;
  }
}
