package io.openledger.openlora.chat;

import io.openledger.openlora.chat.Ast.*;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A model's chat template (tokenizer_config.json's chat_template, Jinja), rendered exactly as
 * transformers' {@code apply_chat_template} renders it with Python's jinja2: the same lexer
 * settings (trim_blocks, lstrip_blocks), the same variables (messages, tools, documents,
 * add_generation_prompt and the special tokens), the same globals (raise_exception, strftime_now)
 * and tojson (json.dumps with ensure_ascii off).
 *
 * <p>A template this renderer cannot reproduce exactly is refused when loaded, with the reason
 * ({@link #refusal()}); it never falls back to another layout. A model without a template has none
 * ({@link #refusal()} says so), as transformers refuses apply_chat_template then.
 */
public final class ChatTemplate {
  private final List<Node> program;
  private final String refusal;
  private final Map<String, Object> specialTokens;
  private final Supplier<ZonedDateTime> clock;

  private ChatTemplate(
      List<Node> program,
      String refusal,
      Map<String, Object> specialTokens,
      Supplier<ZonedDateTime> clock) {
    this.program = program;
    this.refusal = refusal;
    this.specialTokens = specialTokens;
    this.clock = clock;
  }

  /**
   * Parses and checks a template.
   *
   * @param source the template text, if the model has one
   * @param specialTokens what transformers passes as template variables: bos_token, eos_token,
   *     unk_token, pad_token, ... (tokenizer_config.json's special tokens, as strings)
   */
  public static ChatTemplate load(Optional<String> source, Map<String, String> specialTokens) {
    return load(source, specialTokens, () -> ZonedDateTime.now(ZoneId.systemDefault()));
  }

  /** As {@link #load(Optional, Map)}, with the clock strftime_now reads. */
  public static ChatTemplate load(
      Optional<String> source, Map<String, String> specialTokens, Supplier<ZonedDateTime> clock) {
    Map<String, Object> tokens = new LinkedHashMap<>(specialTokens);
    if (source.isEmpty()) {
      return new ChatTemplate(
          null,
          "the model has no chat template (tokenizer_config.json's chat_template)",
          tokens,
          clock);
    }
    try {
      List<Node> program = Parser.parse(source.get());
      check(program);
      return new ChatTemplate(program, null, tokens, clock);
    } catch (TemplateError e) {
      String why =
          e.kind() == TemplateError.Kind.SYNTAX
              ? "it is not valid Jinja: " + e.getMessage()
              : "it uses " + e.getMessage() + ", which OpenLoRA does not render exactly";
      return new ChatTemplate(null, why, tokens, clock);
    }
  }

  /** Whether messages can be rendered (a template that loaded). */
  public boolean usable() {
    return program != null;
  }

  /** Why the template cannot be used, when it cannot. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  /**
   * Renders a conversation.
   *
   * @param messages OpenAI-style messages: maps of role, content and whatever else the template
   *     reads (tool_calls, name, ...), as JSON-like Java values
   * @param tools tool definitions (JSON schemas), or null when the request has none
   * @param addGenerationPrompt append the assistant turn's opening
   * @throws TemplateError RAISED when the template's raise_exception refuses the messages, RUNTIME
   *     when rendering fails as it would in Python, UNSUPPORTED when the template is refused
   */
  public String render(
      List<? extends Map<String, ?>> messages, List<?> tools, boolean addGenerationPrompt) {
    return render(messages, tools, addGenerationPrompt, Map.of());
  }

  /** As {@link #render(List, List, boolean)}, with extra template variables. */
  public String render(
      List<? extends Map<String, ?>> messages,
      List<?> tools,
      boolean addGenerationPrompt,
      Map<String, ?> extra) {
    if (program == null) {
      throw TemplateError.unsupported(refusal);
    }
    Map<String, Object> context = new LinkedHashMap<>(specialTokens);
    for (Map.Entry<String, ?> e : extra.entrySet()) {
      context.put(e.getKey(), python(e.getValue()));
    }
    context.put("messages", python(messages));
    context.put("tools", python(tools));
    context.put("documents", null);
    context.put("add_generation_prompt", addGenerationPrompt);
    return new Interpreter(clock).render(program, context);
  }

  /** JSON-like Java values as the Python values json.loads would give. */
  static Object python(Object v) {
    return switch (v) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Integer i -> (long) i;
      case Long l -> l;
      case Short s -> (long) s;
      case BigInteger b -> b.longValueExact();
      case Float f -> (double) f;
      case Double d -> d;
      case BigDecimal d -> d.doubleValue();
      case Map<?, ?> m -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), python(x)));
        yield out;
      }
      case List<?> l -> {
        List<Object> out = new ArrayList<>();
        l.forEach(x -> out.add(python(x)));
        yield out;
      }
      default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    };
  }

  /** Load-time checks the parser cannot make: method names, globals, strftime formats. */
  private static void check(List<Node> nodes) {
    for (Node n : nodes) {
      switch (n) {
        case Text t -> {}
        case Print p -> check(p.expr());
        case If f -> {
          f.tests().forEach(ChatTemplate::check);
          f.bodies().forEach(ChatTemplate::check);
          check(f.otherwise());
        }
        case For f -> {
          check(f.iterable());
          if (f.filter() != null) {
            check(f.filter());
          }
          check(f.body());
          check(f.otherwise());
        }
        case Assign a -> check(a.value());
        case AssignBlock a -> {
          a.filters().forEach(ChatTemplate::check);
          check(a.body());
        }
        case Macro m -> {
          m.defaults().forEach(ChatTemplate::check);
          check(m.body());
        }
        case FilterBlock f -> {
          f.filters().forEach(ChatTemplate::check);
          check(f.body());
        }
        case With w -> {
          w.values().forEach(ChatTemplate::check);
          check(w.body());
        }
        case Generation g -> check(g.body());
        case Break b -> {}
        case Continue c -> {}
      }
    }
  }

  private static void check(Expr e) {
    switch (e) {
      case null -> {}
      case Call c -> {
        if (c.callee() instanceof GetAttr g && !Builtins.KNOWN_METHODS.contains(g.name())) {
          throw TemplateError.unsupported("the method " + g.name() + "()");
        }
        if (c.callee() instanceof Name n) {
          switch (n.name()) {
            case "lipsum", "cycler", "joiner" ->
                throw TemplateError.unsupported("the " + n.name() + "() global");
            case "strftime_now" -> {
              if (!c.args().isEmpty()
                  && c.args().getFirst() instanceof Const k
                  && k.value() instanceof String f
                  && !Strftime.supports(f)) {
                throw TemplateError.unsupported("strftime_now(\"" + f + "\")");
              }
            }
            default -> {}
          }
        }
        check(c.callee());
        c.args().forEach(ChatTemplate::check);
        c.kwargs().forEach(ChatTemplate::check);
      }
      case Keyword k -> check(k.value());
      case GetAttr g -> check(g.target());
      case GetItem g -> {
        check(g.target());
        check(g.index());
      }
      case Slice s -> {
        check(s.start());
        check(s.stop());
        check(s.step());
      }
      case Ast.Filter f -> {
        check(f.target());
        f.args().forEach(ChatTemplate::check);
        f.kwargs().forEach(ChatTemplate::check);
      }
      case Test t -> {
        check(t.target());
        t.args().forEach(ChatTemplate::check);
      }
      case Cond c -> {
        check(c.test());
        check(c.then());
        check(c.otherwise());
      }
      case And a -> {
        check(a.left());
        check(a.right());
      }
      case Or o -> {
        check(o.left());
        check(o.right());
      }
      case Not n -> check(n.operand());
      case Neg n -> check(n.operand());
      case Pos p -> check(p.operand());
      case Binary b -> {
        check(b.left());
        check(b.right());
      }
      case Concat c -> c.parts().forEach(ChatTemplate::check);
      case Compare c -> {
        check(c.first());
        c.operands().forEach(ChatTemplate::check);
      }
      case ListLit l -> l.items().forEach(ChatTemplate::check);
      case TupleLit t -> t.items().forEach(ChatTemplate::check);
      case DictLit d -> {
        d.keys().forEach(ChatTemplate::check);
        d.values().forEach(ChatTemplate::check);
      }
      case Const c -> {}
      case Name n -> {}
    }
  }
}
