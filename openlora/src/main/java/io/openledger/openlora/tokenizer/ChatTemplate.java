package io.openledger.openlora.tokenizer;

import io.openledger.openlora.engine.ChatMessage;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders chat messages with a model's chat template. Hugging Face templates are Jinja; this runs
 * the subset they use (output, if/elif/else, for with loop.*, set incl. namespace attributes,
 * whitespace control, string/list/dict literals, + ~ comparisons and/or/not in, is defined/none,
 * the filters trim/length/upper/lower/tojson/default/join/first/last and the usual string methods,
 * raise_exception). A template outside the subset falls back to a plain "role: content" layout.
 */
public final class ChatTemplate {
  private final List<Jinja.Node> program; // null: plain layout
  private final String bos;
  private final String eos;

  private ChatTemplate(List<Jinja.Node> program, String bos, String eos) {
    this.program = program;
    this.bos = bos;
    this.eos = eos;
  }

  /** The model's template, or the plain layout when there is none or it cannot be parsed. */
  public static ChatTemplate of(Optional<String> template, String bos, String eos) {
    if (template.isEmpty()) return new ChatTemplate(null, bos, eos);
    try {
      return new ChatTemplate(Jinja.parse(template.get()), bos, eos);
    } catch (Jinja.TemplateError e) {
      return new ChatTemplate(null, bos, eos);
    }
  }

  /** Whether the model's own template is used (false: the plain fallback). */
  public boolean fromModel() {
    return program != null;
  }

  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    if (messages.isEmpty()) throw new EngineException.InvalidRequest("messages must not be empty");
    if (program == null) return plain(messages, addGenerationPrompt);
    List<Object> msgs = new ArrayList<>();
    for (ChatMessage m : messages) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("role", m.role());
      o.put("content", m.content());
      msgs.add(o);
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("messages", msgs);
    vars.put("add_generation_prompt", addGenerationPrompt);
    vars.put("bos_token", bos);
    vars.put("eos_token", eos);
    try {
      return Jinja.render(program, vars);
    } catch (Jinja.RaisedError e) {
      throw new EngineException.InvalidRequest(
          "the chat template refused the messages: " + e.getMessage());
    } catch (Jinja.TemplateError e) {
      throw new EngineException.InvalidRequest("the chat template failed: " + e.getMessage());
    }
  }

  private static String plain(List<ChatMessage> messages, boolean addGenerationPrompt) {
    StringBuilder b = new StringBuilder();
    for (ChatMessage m : messages) b.append(m.role()).append(": ").append(m.content()).append('\n');
    if (addGenerationPrompt) b.append("assistant: ");
    return b.toString();
  }

  /** For tests: the JSON the template sees for tojson. */
  static String json(Object v) {
    return Json.write(v);
  }
}
