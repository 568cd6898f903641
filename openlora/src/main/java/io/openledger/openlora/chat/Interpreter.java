package io.openledger.openlora.chat;

import io.openledger.openlora.chat.Ast.*;
import io.openledger.openlora.chat.Builtins.Args;
import io.openledger.openlora.chat.Builtins.BoundMethod;
import io.openledger.openlora.chat.Py.Namespace;
import io.openledger.openlora.chat.Py.Tuple;
import io.openledger.openlora.chat.Py.Undefined;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a parsed template as jinja2 runs it: a for loop's body gets a fresh scope each iteration
 * (what it sets is gone after the iteration), if blocks share their scope, macros see the scope
 * they were defined in as it is when called, and namespace() objects are the way to carry values
 * out of a loop.
 */
final class Interpreter {
  private static final int MAX_OUTPUT = 16 << 20;
  private static final int MAX_DEPTH = 200;

  /** transformers' and jinja2's global functions. */
  enum Global {
    RAISE_EXCEPTION,
    STRFTIME_NOW,
    NAMESPACE,
    RANGE,
    DICT
  }

  private static final Map<String, Global> GLOBALS =
      Map.of(
          "raise_exception", Global.RAISE_EXCEPTION,
          "strftime_now", Global.STRFTIME_NOW,
          "namespace", Global.NAMESPACE,
          "range", Global.RANGE,
          "dict", Global.DICT);

  /** A variable scope; lookups fall back to the enclosing one. */
  private static final class Frame {
    final Frame parent;
    final Map<String, Object> vars = new HashMap<>();

    Frame(Frame parent) {
      this.parent = parent;
    }

    Object lookup(String name) {
      for (Frame f = this; f != null; f = f.parent) {
        if (f.vars.containsKey(name)) {
          return f.vars.get(name);
        }
      }
      Global g = GLOBALS.get(name);
      return g != null ? g : Undefined.name(name);
    }
  }

  /** A {% macro %}: called with arguments, it renders its body in a scope of its own. */
  record MacroValue(Macro definition, Frame closure) {}

  /** The {@code loop} variable of a for loop. */
  static final class Loop {
    private final List<Object> items;
    private int index;
    private Object lastChanged = LAST_UNSET;

    private static final Object LAST_UNSET = new Object();

    /** One per loop, as jinja2's LoopContext: loop.changed() remembers across iterations. */
    Loop(List<Object> items) {
      this.items = items;
    }

    Object attribute(String name) {
      int n = items.size();
      return switch (name) {
        case "index" -> (long) index + 1;
        case "index0" -> (long) index;
        case "revindex" -> (long) (n - index);
        case "revindex0" -> (long) (n - index - 1);
        case "first" -> index == 0;
        case "last" -> index == n - 1;
        case "length" -> (long) n;
        case "depth" -> 1L;
        case "depth0" -> 0L;
        case "previtem" ->
            index > 0 ? items.get(index - 1) : new Undefined("there is no previous item");
        case "nextitem" ->
            index + 1 < n ? items.get(index + 1) : new Undefined("there is no next item");
        case "cycle", "changed" -> new BoundMethod(this, name);
        default -> new Undefined("'LoopContext' object has no attribute '" + name + "'");
      };
    }

    Object call(String name, Args a) {
      if (name.equals("cycle")) {
        if (a.positional().isEmpty()) {
          throw TemplateError.runtime("no items for cycling given");
        }
        return a.positional().get(index % a.positional().size());
      }
      Object value = new Tuple(a.positional());
      boolean changed = lastChanged == LAST_UNSET || !Py.eq(lastChanged, value);
      lastChanged = value;
      return changed;
    }
  }

  /** Control flow out of a loop body. */
  private enum Flow {
    NORMAL,
    BREAK,
    CONTINUE
  }

  private final Supplier<ZonedDateTime> clock;
  private int depth;

  Interpreter(Supplier<ZonedDateTime> clock) {
    this.clock = clock;
  }

  String render(List<Node> program, Map<String, Object> context) {
    Frame root = new Frame(null);
    root.vars.putAll(context);
    StringBuilder out = new StringBuilder();
    run(program, root, out);
    return out.toString();
  }

  // ------------------------------------------------------------------ statements

  private Flow run(List<Node> nodes, Frame frame, StringBuilder out) {
    for (Node n : nodes) {
      Flow f = run(n, frame, out);
      if (f != Flow.NORMAL) {
        return f;
      }
      if (out.length() > MAX_OUTPUT) {
        throw TemplateError.runtime("the rendered prompt is larger than 16 MiB");
      }
    }
    return Flow.NORMAL;
  }

  private Flow run(Node n, Frame frame, StringBuilder out) {
    switch (n) {
      case Text t -> out.append(t.text());
      case Print p -> out.append(Py.str(eval(p.expr(), frame)));
      case If f -> {
        for (int k = 0; k < f.tests().size(); k++) {
          if (Py.truthy(eval(f.tests().get(k), frame))) {
            return run(f.bodies().get(k), frame, out);
          }
        }
        return run(f.otherwise(), frame, out);
      }
      case For f -> forLoop(f, frame, out);
      case Assign a -> assign(a.target(), eval(a.value(), frame), frame);
      case AssignBlock a -> {
        StringBuilder body = new StringBuilder();
        run(a.body(), new Frame(frame), body);
        assign(a.target(), applyFilters(a.filters(), body.toString(), frame), frame);
      }
      case Macro m -> frame.vars.put(m.name(), new MacroValue(m, frame));
      case FilterBlock fb -> {
        StringBuilder body = new StringBuilder();
        run(fb.body(), frame, body);
        out.append(Py.str(applyFilters(fb.filters(), body.toString(), frame)));
      }
      case With w -> {
        Frame inner = new Frame(frame);
        for (int k = 0; k < w.targets().size(); k++) {
          assign(w.targets().get(k), eval(w.values().get(k), frame), inner);
        }
        return run(w.body(), inner, out);
      }
      case Break b -> {
        return Flow.BREAK;
      }
      case Continue c -> {
        return Flow.CONTINUE;
      }
      case Generation g -> {
        return run(g.body(), frame, out);
      }
    }
    return Flow.NORMAL;
  }

  private Object applyFilters(List<Ast.Filter> filters, Object value, Frame frame) {
    Object v = value;
    for (Ast.Filter f : filters) {
      v = Builtins.filter(f.name(), v, args(f.args(), f.kwargs(), frame), this);
    }
    return v;
  }

  private void forLoop(For f, Frame frame, StringBuilder out) {
    List<Object> items = new ArrayList<>();
    for (Object item : Py.iterate(eval(f.iterable(), frame))) {
      if (f.filter() != null) {
        Frame test = new Frame(frame);
        assign(f.target(), item, test);
        if (!Py.truthy(eval(f.filter(), test))) {
          continue;
        }
      }
      items.add(item);
    }
    if (items.isEmpty()) {
      run(f.otherwise(), frame, out);
      return;
    }
    Loop loop = new Loop(items);
    for (int k = 0; k < items.size(); k++) {
      Frame body = new Frame(frame);
      loop.index = k;
      body.vars.put("loop", loop);
      assign(f.target(), items.get(k), body);
      if (run(f.body(), body, out) == Flow.BREAK) {
        return;
      }
    }
  }

  private void assign(Target target, Object value, Frame frame) {
    switch (target) {
      case NameTarget n -> frame.vars.put(n.name(), value);
      case NamespaceTarget n -> {
        if (!(frame.lookup(n.namespace()) instanceof Namespace ns)) {
          throw TemplateError.runtime("cannot assign attribute on non-namespace object");
        }
        ns.put(n.attribute(), value);
      }
      case TupleTarget t -> {
        List<Object> values = Py.iterate(value);
        if (values.size() != t.items().size()) {
          throw TemplateError.runtime(
              (values.size() > t.items().size() ? "too many" : "not enough")
                  + " values to unpack (expected "
                  + t.items().size()
                  + ")");
        }
        for (int k = 0; k < values.size(); k++) {
          assign(t.items().get(k), values.get(k), frame);
        }
      }
    }
  }

  // ------------------------------------------------------------------ expressions

  private Object eval(Expr e, Frame frame) {
    return switch (e) {
      case Const c -> c.value();
      case Name n -> frame.lookup(n.name());
      case GetAttr g -> Builtins.getattr(eval(g.target(), frame), g.name());
      case GetItem g -> {
        Object target = eval(g.target(), frame);
        if (g.index() instanceof Slice s) {
          yield Builtins.slice(
              target,
              sliceBound(s.start(), frame),
              sliceBound(s.stop(), frame),
              sliceBound(s.step(), frame));
        }
        yield Builtins.getitem(target, eval(g.index(), frame));
      }
      case Slice s -> throw TemplateError.runtime("a slice outside brackets");
      case Keyword k -> throw TemplateError.runtime("a keyword argument outside a call");
      case Call c -> call(c, frame);
      case Ast.Filter f ->
          Builtins.filter(
              f.name(), eval(f.target(), frame), args(f.args(), f.kwargs(), frame), this);
      case Test t -> {
        List<Object> args = new ArrayList<>();
        for (Expr a : t.args()) {
          args.add(eval(a, frame));
        }
        yield Builtins.test(t.name(), eval(t.target(), frame), args, this);
      }
      case Cond c -> {
        if (Py.truthy(eval(c.test(), frame))) {
          yield eval(c.then(), frame);
        }
        yield c.otherwise() == null
            ? new Undefined(
                "the inline if-expression evaluated to false and no else section was defined.")
            : eval(c.otherwise(), frame);
      }
      case And a -> {
        Object left = eval(a.left(), frame);
        yield Py.truthy(left) ? eval(a.right(), frame) : left;
      }
      case Or o -> {
        Object left = eval(o.left(), frame);
        yield Py.truthy(left) ? left : eval(o.right(), frame);
      }
      case Not n -> !Py.truthy(eval(n.operand(), frame));
      case Neg n -> Py.negate(eval(n.operand(), frame));
      case Pos p -> {
        Object v = eval(p.operand(), frame);
        if (Py.number(v) == null) {
          throw TemplateError.runtime("bad operand type for unary +: '" + Py.typeName(v) + "'");
        }
        yield v instanceof Boolean b ? (b ? 1L : 0L) : v;
      }
      case Binary b -> Py.arithmetic(b.op(), eval(b.left(), frame), eval(b.right(), frame));
      case Concat c -> {
        StringBuilder s = new StringBuilder();
        for (Expr part : c.parts()) {
          s.append(Py.str(eval(part, frame)));
        }
        yield s.toString();
      }
      case Compare c -> compare(c, frame);
      case ListLit l -> {
        List<Object> out = new ArrayList<>();
        for (Expr x : l.items()) {
          out.add(eval(x, frame));
        }
        yield out;
      }
      case TupleLit t -> {
        List<Object> out = new ArrayList<>();
        for (Expr x : t.items()) {
          out.add(eval(x, frame));
        }
        yield new Tuple(out);
      }
      case DictLit d -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < d.keys().size(); k++) {
          Object key = hashableKey(eval(d.keys().get(k), frame));
          out.keySet().removeIf(existing -> Py.eq(existing, key));
          out.put(key, eval(d.values().get(k), frame));
        }
        yield out;
      }
    };
  }

  private static Object hashableKey(Object key) {
    if (key instanceof List<?> || key instanceof Map<?, ?>) {
      throw TemplateError.runtime("unhashable type: '" + Py.typeName(key) + "'");
    }
    return key;
  }

  private Long sliceBound(Expr e, Frame frame) {
    if (e == null) {
      return null;
    }
    Object v = eval(e, frame);
    if (v == null) {
      return null;
    }
    if (Py.number(v) instanceof Long l) {
      return l;
    }
    throw TemplateError.runtime(
        "slice indices must be integers or None or have an __index__ method");
  }

  private Object compare(Compare c, Frame frame) {
    Object left = eval(c.first(), frame);
    for (int k = 0; k < c.ops().size(); k++) {
      Object right = eval(c.operands().get(k), frame);
      boolean ok =
          switch (c.ops().get(k)) {
            case "==" -> Py.eq(left, right);
            case "!=" -> !Py.eq(left, right);
            case "<" -> Py.compare(left, right) < 0;
            case "<=" -> Py.compare(left, right) <= 0;
            case ">" -> Py.compare(left, right) > 0;
            case ">=" -> Py.compare(left, right) >= 0;
            case "in" -> Py.contains(right, left);
            case "notin" -> !Py.contains(right, left);
            default -> throw TemplateError.runtime("unknown comparison " + c.ops().get(k));
          };
      if (!ok) {
        return false;
      }
      left = right;
    }
    return true;
  }

  private Args args(List<Expr> positional, List<Keyword> keywords, Frame frame) {
    List<Object> p = new ArrayList<>();
    for (Expr x : positional) {
      p.add(eval(x, frame));
    }
    Map<String, Object> k = new LinkedHashMap<>();
    for (Keyword kw : keywords) {
      k.put(kw.name(), eval(kw.value(), frame));
    }
    return new Args(p, k);
  }

  private Object call(Call c, Frame frame) {
    Object callee = eval(c.callee(), frame);
    Args a = args(c.args(), c.kwargs(), frame);
    return switch (callee) {
      case null -> throw TemplateError.runtime("'NoneType' object is not callable");
      case Global g -> callGlobal(g, a);
      case BoundMethod m -> Builtins.callMethod(m, a);
      case MacroValue m -> callMacro(m, a);
      case Undefined u -> throw TemplateError.runtime(u.message());
      default ->
          throw TemplateError.runtime("'" + Py.typeName(callee) + "' object is not callable");
    };
  }

  private Object callGlobal(Global g, Args a) {
    return switch (g) {
      case RAISE_EXCEPTION ->
          throw new TemplateError(
              TemplateError.Kind.RAISED,
              a.positional().isEmpty() ? "" : Py.str(a.positional().getFirst()));
      case STRFTIME_NOW -> {
        if (a.positional().size() != 1 || !(a.positional().getFirst() instanceof String f)) {
          throw TemplateError.runtime("strftime_now() takes one format string");
        }
        yield Strftime.format(clock.get(), f);
      }
      case NAMESPACE -> Builtins.namespace(a);
      case RANGE -> Builtins.range(a);
      case DICT -> Builtins.dict(a);
    };
  }

  private Object callMacro(MacroValue m, Args a) {
    Macro def = m.definition();
    Frame frame = new Frame(m.closure());
    List<String> params = def.params();
    int firstDefault = params.size() - def.defaults().size();
    List<Object> extra = new ArrayList<>();
    for (int k = 0; k < a.positional().size(); k++) {
      if (k < params.size()) {
        frame.vars.put(params.get(k), a.positional().get(k));
      } else {
        extra.add(a.positional().get(k));
      }
    }
    Map<String, Object> extraKw = new LinkedHashMap<>();
    for (Map.Entry<String, Object> kw : a.keywords().entrySet()) {
      if (params.contains(kw.getKey())) {
        frame.vars.put(kw.getKey(), kw.getValue());
      } else {
        extraKw.put(kw.getKey(), kw.getValue());
      }
    }
    for (int k = 0; k < params.size(); k++) {
      String p = params.get(k);
      if (!frame.vars.containsKey(p)) {
        frame.vars.put(
            p,
            k >= firstDefault
                ? eval(def.defaults().get(k - firstDefault), frame)
                : new Undefined("parameter '" + p + "' was not provided"));
      }
    }
    frame.vars.put("varargs", new Tuple(extra));
    frame.vars.put("kwargs", extraKw);
    if (++depth > MAX_DEPTH) {
      throw TemplateError.runtime("macros nested deeper than " + MAX_DEPTH);
    }
    try {
      StringBuilder out = new StringBuilder();
      run(def.body(), frame, out);
      return out.toString();
    } finally {
      depth--;
    }
  }
}
