package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.ChatMessage;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/chat/completions}, OpenAI's chat API. The messages are rendered with the model's
 * chat template (tokenizer_config.json) exactly as transformers renders them; a model whose
 * template was refused at load (or that has none) answers 400 {@code chat_template_unsupported}.
 * {@code logprobs: true} with {@code top_logprobs} (0-20) returns per-token log-probabilities;
 * {@code stream: true} answers with {@code chat.completion.chunk} events and {@code data: [DONE]}.
 */
final class ChatCompletionsRoute implements ApiRoute {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "developer");

  /**
   * Without max_tokens a chat answer may run to the end of the context, as OpenAI's does; this cap
   * keeps a forgotten max_tokens from tying up a batch slot for thousands of tokens.
   */
  static final int DEFAULT_MAX_TOKENS = 512;

  private final InferenceEngine engine;
  private final Gatekeeper gates;

  ChatCompletionsRoute(InferenceEngine engine, Gatekeeper gates) {
    this.engine = engine;
    this.gates = gates;
  }

  @Override
  public HandlerType method() {
    return HandlerType.POST;
  }

  @Override
  public String path() {
    return "/v1/chat/completions";
  }

  @Override
  public ErrorStyle errorStyle() {
    return ErrorStyle.OPENAI;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    JsonBody body = JsonBody.parse(ctx.bodyAsBytes());
    GenerationPlan plan = plan(engine, body);
    boolean stream = body.bool("stream").orElse(false);
    boolean logprobs = body.bool("logprobs").orElse(false);
    gates.admit(ctx, path(), stream, plan).run(paid -> answer(ctx, plan, stream, logprobs, paid));
  }

  /**
   * The request as the engine runs it: the messages rendered with the chat template, tokenized, and
   * the completion cap. Shared with {@link RequestTokens}, which recounts a published request the
   * same way.
   */
  static GenerationPlan plan(InferenceEngine engine, JsonBody body) {
    AdapterChoice adapters =
        ModelName.resolve("model", body.requiredString("model"), engine.model().id());
    GenerationPlan.Sampling sampling =
        OpenAiFields.sampling(body, "max_completion_tokens", "max_tokens");
    boolean logprobs = body.bool("logprobs").orElse(false);
    int topLogprobs = body.integer("top_logprobs").map(Long::intValue).orElse(0);
    if (topLogprobs < 0 || topLogprobs > 20) {
      throw ApiError.badParameter("top_logprobs", "top_logprobs must be between 0 and 20")
          .toException();
    }
    for (String field : List.of("tools", "tool_choice", "functions", "function_call")) {
      if (body.has(field) && !body.raw(field).isNull()) {
        // the templates could render tools, but answers are not parsed into tool_calls: refuse
        // rather than silently drop them from the prompt
        throw ApiError.badParameter(field, field + " is not supported (tool calling)")
            .toException();
      }
    }
    String prompt;
    try {
      prompt = engine.renderChat(messages(body), true);
    } catch (EngineException.ChatUnavailable e) {
      throw ApiError.from(e, "model").toException();
    } catch (EngineException e) {
      throw ApiError.badParameter("messages", e.getMessage()).toException();
    }
    return GenerationPlan.of(
        engine,
        adapters,
        "messages",
        null,
        prompt,
        sampling,
        body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
        DEFAULT_MAX_TOKENS,
        logprobs ? topLogprobs : 0);
  }

  private void answer(
      Context ctx, GenerationPlan plan, boolean stream, boolean logprobs, GatedRequest paid)
      throws InterruptedException {
    Generation g = EngineCall.submit(engine, plan, "model");
    if (stream) {
      stream(ctx, plan, g, logprobs, paid);
      return;
    }
    GenerationResult r = EngineCall.await(g, "model");
    Receipt receipt = paid.settle(plan, r);
    ObjectNode out = header(g, plan, "chat.completion");
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", r.text());
    if (logprobs) {
      ArrayNode content = choice.putObject("logprobs").putArray("content");
      r.tokens().forEach(t -> content.add(OpenAiFields.chatLogprob(t)));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", r.finishReason().openAi());
    out.set("usage", OpenAiFields.usage(r));
    receipt.addTo(out);
    Responses.json(ctx, 200, out, receipt.id());
  }

  private void stream(
      Context ctx, GenerationPlan plan, Generation g, boolean logprobs, GatedRequest paid)
      throws InterruptedException {
    GenerationEvent event = EngineCall.first(g, "model");
    SseStream sse = SseStream.open(ctx.res());
    ObjectNode opening = chunk(g, plan);
    ObjectNode delta = opening.withArray("choices").addObject().put("index", 0).putObject("delta");
    delta.put("role", "assistant");
    delta.put("content", "");
    ((ObjectNode) opening.withArray("choices").get(0)).putNull("finish_reason");
    sse.data(opening);
    while (true) {
      switch (event) {
        case GenerationEvent.Token t -> {
          ObjectNode c = chunk(g, plan);
          ObjectNode choice = c.withArray("choices").addObject().put("index", 0);
          choice.putObject("delta").put("content", OpenAiFields.visibleText(t));
          if (logprobs) {
            choice.putObject("logprobs").putArray("content").add(OpenAiFields.chatLogprob(t));
          } else {
            choice.putNull("logprobs");
          }
          choice.putNull("finish_reason");
          sse.data(c);
          if (!sse.clientConnected()) {
            g.cancel();
          }
        }
        case GenerationEvent.Finished f -> {
          GenerationResult r = f.result();
          Receipt receipt;
          try {
            receipt = paid.settle(plan, r);
          } catch (ApiException e) {
            sse.data(e.error().openAiBody());
            sse.done();
            return;
          }
          ObjectNode c = chunk(g, plan);
          ObjectNode choice = c.withArray("choices").addObject().put("index", 0);
          choice.putObject("delta");
          choice.putNull("logprobs");
          choice.put("finish_reason", r.finishReason().openAi());
          c.set("usage", OpenAiFields.usage(r));
          receipt.addTo(c);
          sse.data(c);
          sse.done();
          return;
        }
        case GenerationEvent.Failed f -> {
          paid.abandon("generation failed: " + f.error().getMessage());
          sse.data(ApiError.from(f.error(), "model").openAiBody());
          sse.done();
          return;
        }
      }
      event = g.nextEvent();
    }
  }

  private static ObjectNode chunk(Generation g, GenerationPlan plan) {
    return header(g, plan, "chat.completion.chunk");
  }

  private static ObjectNode header(Generation g, GenerationPlan plan, String object) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", "chatcmpl-" + g.id());
    out.put("object", object);
    out.put("created", System.currentTimeMillis() / 1000);
    out.put("model", plan.modelName());
    return out;
  }

  /**
   * {@code messages}: each {role, content}; content is a string or a list of {@code {"type":
   * "text", "text": ...}} parts, joined.
   */
  private static List<ChatMessage> messages(JsonBody body) {
    if (!body.has("messages")) {
      throw ApiError.badParameter("messages", "messages is required").toException();
    }
    List<JsonBody> raw = body.objects("messages");
    if (raw.isEmpty()) {
      throw ApiError.badParameter("messages", "messages must not be empty").toException();
    }
    List<ChatMessage> out = new ArrayList<>();
    for (JsonBody m : raw) {
      String role = m.requiredString("role");
      if (!ROLES.contains(role)) {
        throw ApiError.badParameter(
                m.path("role"),
                m.path("role") + " must be system, user or assistant, got '" + role + "'")
            .toException();
      }
      out.add(new ChatMessage(role.equals("developer") ? "system" : role, content(m)));
    }
    return out;
  }

  private static String content(JsonBody m) {
    JsonNode c = m.raw("content");
    if (c == null || c.isNull()) {
      throw ApiError.badParameter(m.path("content"), m.path("content") + " is required")
          .toException();
    }
    if (c.isTextual()) {
      return c.textValue();
    }
    if (!c.isArray()) {
      throw ApiError.badParameter(
              m.path("content"), m.path("content") + " must be a string or an array of parts")
          .toException();
    }
    StringBuilder text = new StringBuilder();
    for (JsonBody part : m.objects("content")) {
      String type = part.requiredString("type");
      if (!type.equals("text")) {
        throw ApiError.badParameter(
                part.path("type"), "only text content parts are supported, got '" + type + "'")
            .toException();
      }
      text.append(part.requiredString("text"));
    }
    return text.toString();
  }
}
