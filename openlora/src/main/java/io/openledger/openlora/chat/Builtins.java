package io.openledger.openlora.chat;

import io.openledger.openlora.chat.Py.Namespace;
import io.openledger.openlora.chat.Py.Tuple;
import io.openledger.openlora.chat.Py.Undefined;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's filters and tests, the Python methods templates call on strings, dicts and lists, and
 * transformers' tojson (json.dumps with ensure_ascii off, indent, separators, sort_keys).
 */
final class Builtins {
  private Builtins() {}

  /** Filters implemented exactly; other jinja2 filters are refused at load. */
  static final Set<String> FILTERS =
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
          "first",
          "float",
          "format",
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
          "reject",
          "rejectattr",
          "replace",
          "reverse",
          "round",
          "safe",
          "select",
          "selectattr",
          "sort",
          "string",
          "sum",
          "title",
          "tojson",
          "trim",
          "unique",
          "upper",
          "wordcount");

  /** jinja2's built-in tests, every one implemented here. */
  static final Set<String> TESTS =
      Set.of(
          "boolean",
          "callable",
          "defined",
          "divisibleby",
          "eq",
          "equalto",
          "escaped",
          "even",
          "false",
          "filter",
          "float",
          "ge",
          "greaterthan",
          "gt",
          "in",
          "integer",
          "iterable",
          "le",
          "lessthan",
          "lower",
          "lt",
          "mapping",
          "ne",
          "none",
          "number",
          "odd",
          "sameas",
          "sequence",
          "string",
          "test",
          "true",
          "undefined",
          "upper",
          "==",
          "!=",
          "<",
          "<=",
          ">",
          ">=");

  static final Set<String> STRING_METHODS =
      Set.of(
          "strip",
          "lstrip",
          "rstrip",
          "upper",
          "lower",
          "title",
          "capitalize",
          "startswith",
          "endswith",
          "replace",
          "split",
          "rsplit",
          "splitlines",
          "find",
          "rfind",
          "count",
          "join",
          "isdigit",
          "isalpha",
          "isalnum",
          "isspace",
          "isupper",
          "islower",
          "removeprefix",
          "removesuffix");

  static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get");

  static final Set<String> LIST_METHODS = Set.of("index", "count");

  /** Methods the immutable sandbox refuses at render time (SecurityError in transformers). */
  static final Set<String> MUTATING =
      Set.of(
          "append",
          "extend",
          "insert",
          "pop",
          "remove",
          "clear",
          "sort",
          "reverse",
          "update",
          "setdefault",
          "popitem");

  /** Every method name a template may call; any other is refused at load. */
  static final Set<String> KNOWN_METHODS;

  static {
    Set<String> all = new java.util.HashSet<>(STRING_METHODS);
    all.addAll(DICT_METHODS);
    all.addAll(LIST_METHODS);
    all.addAll(MUTATING);
    all.addAll(Set.of("cycle", "changed"));
    KNOWN_METHODS = Set.copyOf(all);
  }

  /** An attribute that is a method of its object, called later. */
  record BoundMethod(Object target, String name) {}

  /** Arguments of a call: positional then keyword, with Python's binding rules. */
  record Args(List<Object> positional, Map<String, Object> keywords) {
    Object get(int index, String name, Object fallback) {
      if (index < positional.size()) {
        if (keywords.containsKey(name)) {
          throw TemplateError.runtime("got multiple values for argument '" + name + "'");
        }
        return positional.get(index);
      }
      return keywords.getOrDefault(name, fallback);
    }

    boolean has(int index, String name) {
      return index < positional.size() || keywords.containsKey(name);
    }

    void atMost(int count, String what, String... names) {
      if (positional.size() > count) {
        throw TemplateError.runtime(what + " takes at most " + count + " arguments");
      }
      for (String k : keywords.keySet()) {
        if (!List.of(names).contains(k)) {
          throw TemplateError.runtime(what + " got an unexpected keyword argument '" + k + "'");
        }
      }
    }
  }

  // ------------------------------------------------------------------ attribute lookup

  /** Python's AttributeError / LookupError: the lookup found nothing. */
  private static final Object MISSING = new Object();

  /** jinja2's sandboxed getattr ({@code a.b}): a Python attribute, else a[b], else undefined. */
  static Object getattr(Object target, String name) {
    if (target instanceof Undefined u) {
      throw TemplateError.runtime(u.message());
    }
    Object v = pythonAttribute(target, name);
    if (v == MISSING) {
      v = pythonItem(target, name);
    }
    return v == MISSING ? Undefined.attribute(target, name) : v;
  }

  /** jinja2's sandboxed getitem ({@code a[b]}): a[b], else the attribute b, else undefined. */
  static Object getitem(Object target, Object key) {
    if (target instanceof Undefined u) {
      throw TemplateError.runtime(u.message());
    }
    Object v = pythonItem(target, key);
    if (v == MISSING && key instanceof String name) {
      v = pythonAttribute(target, name);
    }
    return v == MISSING ? Undefined.attribute(target, key) : v;
  }

  /** getattr(obj, name) as Python has it for the values templates see; methods are bound. */
  private static Object pythonAttribute(Object target, String name) {
    if (name.startsWith("_")) {
      return MISSING; // the sandbox treats private attributes as undefined
    }
    return switch (target) {
      case null -> MISSING;
      case Namespace n -> n.containsKey(name) ? n.get(name) : MISSING;
      case Map<?, ?> m ->
          DICT_METHODS.contains(name) || MUTATING.contains(name)
              ? new BoundMethod(target, name)
              : MISSING;
      case String s -> STRING_METHODS.contains(name) ? new BoundMethod(target, name) : MISSING;
      case Tuple t -> LIST_METHODS.contains(name) ? new BoundMethod(target, name) : MISSING;
      case List<?> l ->
          LIST_METHODS.contains(name) || MUTATING.contains(name)
              ? new BoundMethod(target, name)
              : MISSING;
      case Interpreter.Loop loop -> loop.attribute(name);
      default -> MISSING;
    };
  }

  /** obj[key] as Python has it; MISSING for KeyError, IndexError and TypeError. */
  private static Object pythonItem(Object target, Object key) {
    switch (target) {
      case null -> {
        return MISSING;
      }
      case Namespace n -> {
        return MISSING;
      }
      case Map<?, ?> m -> {
        if (!hashable(key)) {
          return MISSING;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (Py.eq(e.getKey(), key)) {
            return e.getValue();
          }
        }
        return MISSING;
      }
      case String s -> {
        String c = index(key) instanceof Long i ? Py.charAt(s, i) : null;
        return c == null ? MISSING : c;
      }
      case Tuple t -> {
        return index(key) instanceof Long i ? item(t.items(), i) : MISSING;
      }
      case List<?> l -> {
        return index(key) instanceof Long i ? item(l, i) : MISSING;
      }
      default -> {
        return MISSING;
      }
    }
  }

  private static Long index(Object key) {
    return key instanceof Long l ? l : key instanceof Boolean b ? (b ? 1L : 0L) : null;
  }

  private static boolean hashable(Object key) {
    return !(key instanceof List<?> && !(key instanceof Tuple)) && !(key instanceof Map<?, ?>);
  }

  private static Object item(List<?> l, long i) {
    long k = i < 0 ? i + l.size() : i;
    return k >= 0 && k < l.size() ? l.get((int) k) : MISSING;
  }

  static Object slice(Object target, Long start, Long stop, Long step) {
    if (target instanceof Undefined u) {
      throw TemplateError.runtime(u.message());
    }
    if (target instanceof String s) {
      int[] cps = s.codePoints().toArray();
      StringBuilder b = new StringBuilder();
      for (int i : Py.sliceIndices(cps.length, start, stop, step)) {
        b.appendCodePoint(cps[i]);
      }
      return b.toString();
    }
    List<?> items = target instanceof Tuple t ? t.items() : target instanceof List<?> l ? l : null;
    if (items == null) {
      throw TemplateError.runtime("'" + Py.typeName(target) + "' object is not subscriptable");
    }
    List<Object> out = new ArrayList<>();
    for (int i : Py.sliceIndices(items.size(), start, stop, step)) {
      out.add(items.get(i));
    }
    return target instanceof Tuple ? new Tuple(out) : out;
  }

  // ------------------------------------------------------------------ methods

  static Object callMethod(BoundMethod m, Args a) {
    Object t = m.target();
    String name = m.name();
    if (MUTATING.contains(name)) {
      throw TemplateError.runtime(
          "access to attribute '" + name + "' of '" + Py.typeName(t) + "' object is unsafe.");
    }
    return switch (t) {
      case String s -> stringMethod(s, name, a);
      case Map<?, ?> d -> dictMethod(d, name, a);
      case Tuple tu -> listMethod(tu.items(), name, a);
      case List<?> l -> listMethod(l, name, a);
      case Interpreter.Loop loop -> loop.call(name, a);
      default -> throw TemplateError.runtime("'" + Py.typeName(t) + "' has no method " + name);
    };
  }

  private static Object stringMethod(String s, String name, Args a) {
    return switch (name) {
      case "strip" -> Py.strip(s, charsArg(a), true, true);
      case "lstrip" -> Py.strip(s, charsArg(a), true, false);
      case "rstrip" -> Py.strip(s, charsArg(a), false, true);
      case "upper" -> Py.upper(s);
      case "lower" -> Py.lower(s);
      case "title" -> Py.title(s);
      case "capitalize" -> Py.capitalize(s);
      case "startswith", "endswith" -> affix(s, name.equals("startswith"), a);
      case "replace" -> {
        String old = str(a.get(0, "old", null), name);
        String repl = str(a.get(1, "new", null), name);
        long count = longArg(a.get(2, "count", -1L), name);
        yield replace(s, old, repl, count);
      }
      case "split", "rsplit" -> {
        Object sep = a.get(0, "sep", null);
        long max = longArg(a.get(1, "maxsplit", -1L), name);
        String sepStr = sep == null ? null : str(sep, name);
        yield name.equals("split") ? Py.split(s, sepStr, max) : Py.rsplit(s, sepStr, max);
      }
      case "splitlines" -> splitlines(s, Py.truthy(a.get(0, "keepends", false)));
      case "find" -> (long) codePointIndex(s, s.indexOf(str(a.get(0, "sub", null), name)));
      case "rfind" -> (long) codePointIndex(s, s.lastIndexOf(str(a.get(0, "sub", null), name)));
      case "count" -> {
        String sub = str(a.get(0, "sub", null), name);
        if (sub.isEmpty()) {
          yield Py.len(s) + 1;
        }
        long n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
          n++;
        }
        yield n;
      }
      case "join" -> {
        StringBuilder b = new StringBuilder();
        List<Object> items = Py.iterate(a.get(0, "iterable", null));
        for (int i = 0; i < items.size(); i++) {
          if (!(items.get(i) instanceof String x)) {
            throw TemplateError.runtime(
                "sequence item "
                    + i
                    + ": expected str instance, "
                    + Py.typeName(items.get(i))
                    + " found");
          }
          b.append(i > 0 ? s : "").append(x);
        }
        yield b.toString();
      }
      case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(Py::isSpace);
      case "isupper" -> cased(s) && s.codePoints().noneMatch(Character::isLowerCase);
      case "islower" -> cased(s) && s.codePoints().noneMatch(Character::isUpperCase);
      case "removeprefix" -> {
        String p = str(a.get(0, "prefix", null), name);
        yield s.startsWith(p) ? s.substring(p.length()) : s;
      }
      case "removesuffix" -> {
        String p = str(a.get(0, "suffix", null), name);
        yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
      }
      default -> throw TemplateError.unsupported("the string method " + name + "()");
    };
  }

  private static boolean cased(String s) {
    return s.codePoints().anyMatch(c -> Character.isUpperCase(c) || Character.isLowerCase(c));
  }

  private static int codePointIndex(String s, int charIndex) {
    return charIndex < 0 ? -1 : s.codePointCount(0, charIndex);
  }

  private static String charsArg(Args a) {
    Object c = a.get(0, "chars", null);
    return c == null ? null : str(c, "strip");
  }

  private static boolean affix(String s, boolean prefix, Args a) {
    Object x = a.get(0, prefix ? "prefix" : "suffix", null);
    List<Object> options = x instanceof Tuple t ? t.items() : List.of(x);
    for (Object o : options) {
      String p = str(o, prefix ? "startswith" : "endswith");
      if (prefix ? s.startsWith(p) : s.endsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static String replace(String s, String old, String repl, long count) {
    if (count < 0) {
      if (old.isEmpty()) {
        StringBuilder b = new StringBuilder(repl);
        s.codePoints().forEach(c -> b.appendCodePoint(c).append(repl));
        return b.toString();
      }
      return s.replace(old, repl);
    }
    StringBuilder b = new StringBuilder();
    int from = 0;
    for (long n = 0; n < count; n++) {
      int k = s.indexOf(old, from);
      if (k < 0 || old.isEmpty()) {
        break;
      }
      b.append(s, from, k).append(repl);
      from = k + old.length();
    }
    return b.append(s.substring(from)).toString();
  }

  /** Python's str.splitlines: \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029. */
  static List<Object> splitlines(String s, boolean keepEnds) {
    List<Object> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int eol = -1;
      if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
        eol = i + 2;
      } else if (c == '\n'
          || c == '\r'
          || c == 0x0b
          || c == 0x0c
          || (c >= 0x1c && c <= 0x1e)
          || c == 0x85
          || c == 0x2028
          || c == 0x2029) {
        eol = i + 1;
      }
      if (eol < 0) {
        i++;
        continue;
      }
      out.add(s.substring(start, keepEnds ? eol : i));
      start = eol;
      i = eol;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  private static Object dictMethod(Map<?, ?> d, String name, Args a) {
    return switch (name) {
      case "items" -> items(d);
      case "keys" -> new ArrayList<Object>(d.keySet());
      case "values" -> new ArrayList<Object>(d.values());
      case "get" -> {
        Object key = a.get(0, "key", null);
        for (Map.Entry<?, ?> e : d.entrySet()) {
          if (Py.eq(e.getKey(), key)) {
            yield e.getValue();
          }
        }
        yield a.get(1, "default", null);
      }
      default -> throw TemplateError.unsupported("the dict method " + name + "()");
    };
  }

  static List<Object> items(Map<?, ?> d) {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : d.entrySet()) {
      out.add(new Tuple(java.util.Arrays.asList(e.getKey(), e.getValue())));
    }
    return out;
  }

  private static Object listMethod(List<?> l, String name, Args a) {
    Object x = a.get(0, "value", null);
    return switch (name) {
      case "count" -> l.stream().filter(o -> Py.eq(o, x)).count();
      case "index" -> {
        for (int i = 0; i < l.size(); i++) {
          if (Py.eq(l.get(i), x)) {
            yield (long) i;
          }
        }
        throw TemplateError.runtime(Py.repr(x) + " is not in list");
      }
      default -> throw TemplateError.unsupported("the list method " + name + "()");
    };
  }

  private static String str(Object v, String where) {
    if (v instanceof String s) {
      return s;
    }
    throw TemplateError.runtime(where + "() argument must be str, not " + Py.typeName(v));
  }

  private static long longArg(Object v, String where) {
    if (Py.number(v) instanceof Long l) {
      return l;
    }
    throw TemplateError.runtime(where + "() argument must be an integer, not " + Py.typeName(v));
  }

  // ------------------------------------------------------------------ filters

  /** Applies a filter; {@code interpreter} runs nested filters and tests (map, select). */
  static Object filter(String name, Object v, Args a, Interpreter interpreter) {
    return switch (name) {
      case "abs" -> {
        Number n = Py.number(v);
        if (n == null) {
          throw TemplateError.runtime("bad operand type for abs(): '" + Py.typeName(v) + "'");
        }
        yield n instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(n.doubleValue());
      }
      case "attr" -> getattr(v, str(a.get(0, "name", null), "attr"));
      case "batch" -> batch(v, a);
      case "capitalize" -> Py.capitalize(soft(v));
      case "center" -> center(soft(v), (int) longArg(a.get(0, "width", 80L), "center"));
      case "count", "length" -> Py.len(v);
      case "d", "default" -> {
        Object fallback = a.get(0, "default_value", "");
        boolean bool = Py.truthy(a.get(1, "boolean", false));
        yield v instanceof Undefined || (bool && !Py.truthy(v)) ? fallback : v;
      }
      case "dictsort" -> dictsort(v, a);
      case "e", "escape" -> escape(soft(v));
      case "first" -> {
        List<Object> l = Py.iterate(v);
        yield l.isEmpty() ? new Undefined("No first item, sequence was empty.") : l.getFirst();
      }
      case "last" -> {
        List<Object> l = Py.iterate(v);
        yield l.isEmpty() ? new Undefined("No last item, sequence was empty.") : l.getLast();
      }
      case "float" -> toFloat(v, a.get(0, "default", 0.0));
      case "format" -> Py.PercentFormat.format(soft(v), new Tuple(a.positional()));
      case "indent" -> indent(soft(v), a);
      case "int" -> toInt(v, a.get(0, "default", 0L), a.get(1, "base", 10L));
      case "items" -> {
        if (v instanceof Undefined) {
          yield List.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
          throw TemplateError.runtime("Can only get item pairs from a mapping.");
        }
        yield items(m);
      }
      case "join" -> {
        String sep = soft(a.get(0, "d", ""));
        Object attribute = a.get(1, "attribute", null);
        StringBuilder b = new StringBuilder();
        List<Object> items = Py.iterate(v);
        for (int i = 0; i < items.size(); i++) {
          Object item = attribute == null ? items.get(i) : attribute(items.get(i), attribute);
          b.append(i > 0 ? sep : "").append(Py.str(item));
        }
        yield b.toString();
      }
      case "list" -> Py.iterate(v);
      case "lower" -> Py.lower(soft(v));
      case "upper" -> Py.upper(soft(v));
      case "map" -> map(v, a, interpreter);
      case "max", "min" -> extreme(v, a, name.equals("max"));
      case "select", "reject" -> select(v, a, name.equals("select"), false, interpreter);
      case "selectattr", "rejectattr" -> select(v, a, name.equals("selectattr"), true, interpreter);
      case "replace" -> {
        String s = soft(v);
        long count = a.has(2, "count") ? longArg(a.get(2, "count", null), "replace") : -1;
        yield replace(s, soft(a.get(0, "old", null)), soft(a.get(1, "new", null)), count);
      }
      case "reverse" -> {
        if (v instanceof String s) {
          yield new StringBuilder(s).reverse().toString();
        }
        List<Object> l = new ArrayList<>(Py.iterate(v));
        java.util.Collections.reverse(l);
        yield l;
      }
      case "round" -> round(v, a);
      case "safe", "string" -> soft(v);
      case "sort" -> sort(v, a);
      case "sum" -> {
        Object attribute = a.get(0, "attribute", null);
        Object total = a.get(1, "start", 0L);
        for (Object item : Py.iterate(v)) {
          total = Py.add(total, attribute == null ? item : attribute(item, attribute));
        }
        yield total;
      }
      case "title" -> jinjaTitle(soft(v));
      case "tojson" -> tojson(v, a);
      case "trim" ->
          Py.strip(
              soft(v),
              a.get(0, "chars", null) == null ? null : soft(a.get(0, "chars", null)),
              true,
              true);
      case "unique" -> unique(v, a);
      case "wordcount" -> {
        Matcher m = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS).matcher(soft(v));
        long n = 0;
        while (m.find()) {
          n++;
        }
        yield n;
      }
      default -> throw TemplateError.unsupported("the " + name + " filter");
    };
  }

  /** jinja2's soft_str: str() of anything, "" for undefined. */
  static String soft(Object v) {
    return Py.str(v);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&#34;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String center(String s, int width) {
    int n = (int) Py.len(s);
    if (width <= n) {
      return s;
    }
    int pad = width - n;
    int left = pad / 2 + (pad & width & 1);
    return " ".repeat(left) + s + " ".repeat(pad - left);
  }

  private static Object batch(Object v, Args a) {
    long size = longArg(a.get(0, "linecount", null), "batch");
    Object fill = a.get(1, "fill_with", null);
    boolean filling = a.has(1, "fill_with");
    List<Object> out = new ArrayList<>();
    List<Object> current = new ArrayList<>();
    for (Object item : Py.iterate(v)) {
      if (current.size() == size) {
        out.add(current);
        current = new ArrayList<>();
      }
      current.add(item);
    }
    if (!current.isEmpty()) {
      while (filling && current.size() < size) {
        current.add(fill);
      }
      out.add(current);
    }
    return out;
  }

  private static Object dictsort(Object v, Args a) {
    if (!(v instanceof Map<?, ?> m)) {
      throw TemplateError.runtime("dictsort needs a mapping");
    }
    boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
    String by = soft(a.get(1, "by", "key"));
    boolean reverse = Py.truthy(a.get(2, "reverse", false));
    int pos = by.equals("value") ? 1 : 0;
    List<Object> pairs = new ArrayList<>(items(m));
    Comparator<Object> c =
        Comparator.comparing(p -> sortKey(((Tuple) p).items().get(pos), caseSensitive), Py.ORDER);
    pairs.sort(reverse ? c.reversed() : c);
    return pairs;
  }

  private static Object sortKey(Object v, boolean caseSensitive) {
    return !caseSensitive && v instanceof String s ? Py.lower(s) : v;
  }

  private static Object toFloat(Object v, Object fallback) {
    Number n = Py.number(v);
    if (n != null) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(Py.strip(s, null, true, true).replace("_", ""));
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  private static Object toInt(Object v, Object fallback, Object base) {
    if (v instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (v instanceof Long) {
      return v;
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? fallback : (Object) (long) (double) d;
    }
    if (v instanceof String s) {
      String t = Py.strip(s, null, true, true).replace("_", "");
      try {
        return Long.parseLong(t, (int) longArg(base, "int"));
      } catch (NumberFormatException e) {
        try {
          return (long) Double.parseDouble(t);
        } catch (NumberFormatException f) {
          return fallback;
        }
      }
    }
    return fallback;
  }

  private static String indent(String s, Args a) {
    Object width = a.get(0, "width", 4L);
    String pad = width instanceof String w ? w : " ".repeat((int) longArg(width, "indent"));
    boolean first = Py.truthy(a.get(1, "first", false));
    boolean blank = Py.truthy(a.get(2, "blank", false));
    List<Object> lines = splitlines(s + "\n", false);
    StringBuilder b = new StringBuilder();
    if (blank) {
      for (int i = 0; i < lines.size(); i++) {
        b.append(i > 0 ? "\n" + pad : "").append(lines.get(i));
      }
    } else {
      b.append(lines.getFirst());
      for (int i = 1; i < lines.size(); i++) {
        String line = (String) lines.get(i);
        b.append('\n').append(line.isEmpty() ? "" : pad + line);
      }
    }
    return first ? pad + b : b.toString();
  }

  /** jinja2's do_title: words split at whitespace, - ( { [ and <. */
  static String jinjaTitle(String s) {
    Matcher m = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS).matcher(s);
    List<String> parts = new ArrayList<>();
    int last = 0;
    while (m.find()) {
      parts.add(s.substring(last, m.start()));
      parts.add(m.group());
      last = m.end();
    }
    parts.add(s.substring(last));
    StringBuilder b = new StringBuilder();
    for (String item : parts) {
      if (item.isEmpty()) {
        continue;
      }
      int c = item.codePointAt(0);
      b.append(Py.upper(new String(Character.toChars(c))))
          .append(Py.lower(item.substring(Character.charCount(c))));
    }
    return b.toString();
  }

  private static Object attribute(Object item, Object attribute) {
    Object out = item;
    if (Py.number(attribute) instanceof Long i) {
      return getitem(item, i);
    }
    for (String part : soft(attribute).split("\\.")) {
      Object key = part.matches("\\d+") ? (Object) Long.parseLong(part) : part;
      out = getitem(out, key);
    }
    return out;
  }

  private static Object map(Object v, Args a, Interpreter interpreter) {
    List<Object> items = Py.iterate(v);
    List<Object> out = new ArrayList<>();
    if (a.keywords().containsKey("attribute")) {
      Object attribute = a.keywords().get("attribute");
      Object fallback = a.keywords().get("default");
      for (Object item : items) {
        Object x = attribute(item, attribute);
        out.add(x instanceof Undefined && a.keywords().containsKey("default") ? fallback : x);
      }
      return out;
    }
    if (a.positional().isEmpty()) {
      throw TemplateError.runtime("map requires a filter argument");
    }
    String filterName = soft(a.positional().getFirst());
    if (!FILTERS.contains(filterName)) {
      throw TemplateError.unsupported("map with the " + filterName + " filter");
    }
    Args rest = new Args(a.positional().subList(1, a.positional().size()), a.keywords());
    for (Object item : items) {
      out.add(filter(filterName, item, rest, interpreter));
    }
    return out;
  }

  private static Object extreme(Object v, Args a, boolean max) {
    boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
    Object attribute = a.get(1, "attribute", null);
    Object best = null;
    Object bestKey = null;
    boolean found = false;
    for (Object item : Py.iterate(v)) {
      Object key = sortKey(attribute == null ? item : attribute(item, attribute), caseSensitive);
      if (!found || (max ? Py.compare(key, bestKey) > 0 : Py.compare(key, bestKey) < 0)) {
        best = item;
        bestKey = key;
        found = true;
      }
    }
    return found ? best : new Undefined("No aggregated item, sequence was empty.");
  }

  private static Object select(
      Object v, Args a, boolean keep, boolean byAttribute, Interpreter interpreter) {
    List<Object> pos = a.positional();
    int at = 0;
    Object attribute = byAttribute ? (pos.isEmpty() ? null : pos.get(at++)) : null;
    String test = pos.size() > at ? soft(pos.get(at++)) : null;
    List<Object> testArgs = pos.subList(Math.min(at, pos.size()), pos.size());
    if (test != null && !TESTS.contains(test)) {
      throw TemplateError.unsupported("select with the " + test + " test");
    }
    List<Object> out = new ArrayList<>();
    for (Object item : Py.iterate(v)) {
      Object x = byAttribute ? attribute(item, attribute) : item;
      boolean pass = test == null ? Py.truthy(x) : test(test, x, testArgs, interpreter);
      if (pass == keep) {
        out.add(item);
      }
    }
    return out;
  }

  private static Object round(Object v, Args a) {
    long precision = longArg(a.get(0, "precision", 0L), "round");
    String method = soft(a.get(1, "method", "common"));
    Number n = Py.number(v);
    if (n == null) {
      throw TemplateError.runtime("round needs a number");
    }
    RoundingMode mode =
        switch (method) {
          case "common" -> RoundingMode.HALF_EVEN;
          case "ceil" -> RoundingMode.CEILING;
          case "floor" -> RoundingMode.FLOOR;
          default -> throw TemplateError.runtime("method must be common, ceil or floor");
        };
    if (method.equals("common")) {
      double r = new BigDecimal(n.doubleValue()).setScale((int) precision, mode).doubleValue();
      // Python's round keeps the sign of a negative number that rounds to zero
      return r == 0 && (n.doubleValue() < 0 || 1 / n.doubleValue() < 0) ? -0.0 : r;
    }
    // jinja2: math.ceil/floor(value * 10**p) / 10**p, where ceil and floor return ints
    double f = Math.pow(10, precision);
    double scaled = n.doubleValue() * f;
    long whole = (long) (mode == RoundingMode.CEILING ? Math.ceil(scaled) : Math.floor(scaled));
    return whole / f;
  }

  private static Object sort(Object v, Args a) {
    boolean reverse = Py.truthy(a.get(0, "reverse", false));
    boolean caseSensitive = Py.truthy(a.get(1, "case_sensitive", false));
    Object attribute = a.get(2, "attribute", null);
    List<Object> l = new ArrayList<>(Py.iterate(v));
    Function<Object, Object> key =
        item -> sortKey(attribute == null ? item : attribute(item, attribute), caseSensitive);
    Comparator<Object> c = Comparator.comparing(key, Py.ORDER);
    l.sort(reverse ? c.reversed() : c);
    return l;
  }

  private static Object unique(Object v, Args a) {
    boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
    Object attribute = a.get(1, "attribute", null);
    List<Object> seen = new ArrayList<>();
    List<Object> out = new ArrayList<>();
    for (Object item : Py.iterate(v)) {
      Object key = sortKey(attribute == null ? item : attribute(item, attribute), caseSensitive);
      if (seen.stream().noneMatch(s -> Py.eq(s, key))) {
        seen.add(key);
        out.add(item);
      }
    }
    return out;
  }

  /** transformers' tojson: json.dumps(x, ensure_ascii, indent, separators, sort_keys). */
  private static Object tojson(Object v, Args a) {
    a.atMost(4, "tojson", "ensure_ascii", "indent", "separators", "sort_keys");
    boolean ascii = Py.truthy(a.get(0, "ensure_ascii", false));
    Object indent = a.get(1, "indent", null);
    Object separators = a.get(2, "separators", null);
    boolean sort = Py.truthy(a.get(3, "sort_keys", false));
    String pad =
        switch (indent) {
          case null -> null;
          case String s -> s;
          case Long n -> " ".repeat((int) Math.max(0, n));
          default -> throw TemplateError.runtime("indent must be an int or a string");
        };
    String itemSep = pad == null ? ", " : ",";
    String keySep = ": ";
    if (separators != null) {
      List<Object> seps = Py.iterate(separators);
      if (seps.size() != 2) {
        throw TemplateError.runtime("separators must be a pair of strings");
      }
      itemSep = soft(seps.get(0));
      keySep = soft(seps.get(1));
    }
    if (v instanceof Undefined) {
      throw TemplateError.runtime("Object of type Undefined is not JSON serializable");
    }
    return Py.json(v, ascii, pad, itemSep, keySep, sort);
  }

  // ------------------------------------------------------------------ tests

  static boolean test(String name, Object v, List<Object> args, Interpreter interpreter) {
    Object arg = args.isEmpty() ? null : args.getFirst();
    return switch (name) {
      case "defined" -> !(v instanceof Undefined);
      case "undefined" -> v instanceof Undefined;
      case "none" -> v == null;
      case "boolean" -> v instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "integer" -> v instanceof Long;
      case "float" -> v instanceof Double;
      case "number" -> v instanceof Long || v instanceof Double || v instanceof Boolean;
      case "string" -> v instanceof String;
      case "mapping" -> v instanceof Map<?, ?>;
      case "iterable" ->
          v instanceof String
              || v instanceof List<?>
              || v instanceof Tuple
              || v instanceof Map<?, ?>
              || v instanceof Undefined;
      case "sequence" ->
          v instanceof String
              || v instanceof List<?>
              || v instanceof Tuple
              || v instanceof Map<?, ?>;
      case "callable" ->
          v instanceof BoundMethod
              || v instanceof Interpreter.MacroValue
              || v instanceof Interpreter.Global;
      case "sameas" -> v == arg || (v != null && v.equals(arg) && (v instanceof Boolean));
      case "escaped" -> false;
      case "even" -> integer(v, name) % 2 == 0;
      case "odd" -> integer(v, name) % 2 != 0;
      case "divisibleby" -> integer(v, name) % integer(arg, name) == 0;
      case "eq", "equalto", "==" -> Py.eq(v, arg);
      case "ne", "!=" -> !Py.eq(v, arg);
      case "lt", "lessthan", "<" -> Py.compare(v, arg) < 0;
      case "le", "<=" -> Py.compare(v, arg) <= 0;
      case "gt", "greaterthan", ">" -> Py.compare(v, arg) > 0;
      case "ge", ">=" -> Py.compare(v, arg) >= 0;
      case "in" -> Py.contains(arg, v);
      case "lower" ->
          v instanceof String s ? (boolean) stringMethod(s, "islower", NO_ARGS) : lowerOf(v);
      case "upper" ->
          v instanceof String s ? (boolean) stringMethod(s, "isupper", NO_ARGS) : upperOf(v);
      case "filter" -> FILTERS.contains(Py.str(v));
      case "test" -> TESTS.contains(Py.str(v));
      default -> throw TemplateError.unsupported("the " + name + " test");
    };
  }

  private static boolean lowerOf(Object v) {
    return (boolean) stringMethod(Py.str(v), "islower", NO_ARGS);
  }

  private static boolean upperOf(Object v) {
    return (boolean) stringMethod(Py.str(v), "isupper", NO_ARGS);
  }

  static final Args NO_ARGS = new Args(List.of(), Map.of());

  private static long integer(Object v, String test) {
    Number n = Py.number(v);
    if (n instanceof Long l) {
      return l;
    }
    if (n instanceof Double d && d == Math.rint(d)) {
      return d.longValue();
    }
    throw TemplateError.runtime("the " + test + " test needs an integer, got " + Py.typeName(v));
  }

  /** namespace(mapping?, **attributes). */
  static Namespace namespace(Args a) {
    Namespace ns = new Namespace();
    if (!a.positional().isEmpty()) {
      if (!(a.positional().getFirst() instanceof Map<?, ?> m)) {
        throw TemplateError.runtime("namespace() takes a mapping");
      }
      m.forEach((k, x) -> ns.put(Py.str(k), x));
    }
    ns.putAll(a.keywords());
    return ns;
  }

  /** dict(mapping?, **items). */
  static Map<Object, Object> dict(Args a) {
    Map<Object, Object> d = new LinkedHashMap<>();
    if (!a.positional().isEmpty()) {
      Object src = a.positional().getFirst();
      if (src instanceof Map<?, ?> m) {
        d.putAll(m);
      } else {
        for (Object pair : Py.iterate(src)) {
          List<Object> kv = Py.iterate(pair);
          d.put(kv.get(0), kv.get(1));
        }
      }
    }
    d.putAll(a.keywords());
    return d;
  }

  /** range(stop) / range(start, stop[, step]), at most 100000 items as in jinja2's sandbox. */
  static List<Object> range(Args a) {
    List<Object> p = a.positional();
    long start = 0;
    long stop;
    long step = 1;
    if (p.size() == 1) {
      stop = longArg(p.get(0), "range");
    } else if (p.size() == 2 || p.size() == 3) {
      start = longArg(p.get(0), "range");
      stop = longArg(p.get(1), "range");
      step = p.size() == 3 ? longArg(p.get(2), "range") : 1;
    } else {
      throw TemplateError.runtime("range expected 1 to 3 arguments");
    }
    if (step == 0) {
      throw TemplateError.runtime("range() arg 3 must not be zero");
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (out.size() >= 100_000) {
        throw TemplateError.runtime("Range too big. The sandbox blocks ranges larger than 100000.");
      }
      out.add(i);
    }
    return out;
  }
}
