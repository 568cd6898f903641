package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import java.util.List;

/**
 * {@code POST /v1/completions}, OpenAI's text completion API. {@code prompt} is a string, a list of
 * one string, or a list of token ids; {@code logprobs} (0-20) returns the legacy logprobs object;
 * {@code stream: true} answers with SSE chunks and {@code data: [DONE]}.
 */
final class CompletionsRoute implements ApiRoute {
  /** OpenAI's default completion length for this API. */
  static final int DEFAULT_MAX_TOKENS = 16;

  private final InferenceEngine engine;
  private final Gatekeeper gates;

  CompletionsRoute(InferenceEngine engine, Gatekeeper gates) {
    this.engine = engine;
    this.gates = gates;
  }

  @Override
  public HandlerType method() {
    return HandlerType.POST;
  }

  @Override
  public String path() {
    return "/v1/completions";
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
    int logprobs = body.integer("logprobs").map(Long::intValue).orElse(-1);
    gates.admit(ctx, path(), stream, plan).run(paid -> answer(ctx, plan, stream, logprobs, paid));
  }

  /**
   * The request as the engine runs it: checked fields, exact prompt ids and completion cap. Shared
   * with {@link RequestTokens}, which recounts a published request the same way.
   */
  static GenerationPlan plan(InferenceEngine engine, JsonBody body) {
    AdapterChoice adapters =
        ModelName.resolve("model", body.requiredString("model"), engine.model().id());
    GenerationPlan.Sampling sampling = OpenAiFields.sampling(body, "max_tokens");
    if (body.bool("echo").orElse(false)) {
      throw ApiError.badParameter("echo", "echo is not supported").toException();
    }
    int logprobs = body.integer("logprobs").map(Long::intValue).orElse(-1);
    if (logprobs > 20 || (body.has("logprobs") && logprobs < 0)) {
      throw ApiError.badParameter("logprobs", "logprobs must be between 0 and 20").toException();
    }
    int[] promptIds = null;
    String promptText = null;
    JsonNode prompt = body.raw("prompt");
    if (prompt != null && prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isNumber()) {
      promptIds = tokenIds(prompt);
    } else {
      List<String> prompts =
          body.stringOrStrings("prompt")
              .orElseThrow(
                  () -> ApiError.badParameter("prompt", "prompt is required").toException());
      if (prompts.size() != 1) {
        throw ApiError.badParameter(
                "prompt", "exactly one prompt per request is supported, got " + prompts.size())
            .toException();
      }
      promptText = prompts.getFirst();
    }
    return GenerationPlan.of(
        engine,
        adapters,
        "prompt",
        promptIds,
        promptText,
        sampling,
        "max_tokens",
        DEFAULT_MAX_TOKENS,
        Math.max(0, logprobs));
  }

  private void answer(
      Context ctx, GenerationPlan plan, boolean stream, int logprobs, GatedRequest paid)
      throws InterruptedException {
    Generation g = EngineCall.submit(engine, plan, "model");
    if (stream) {
      stream(ctx, plan, g, logprobs >= 0, paid);
    } else {
      GenerationResult r = EngineCall.await(g, "model");
      Receipt receipt = paid.settle(plan, r);
      ObjectNode out = header(g, plan);
      ObjectNode choice = out.putArray("choices").addObject();
      choice.put("text", r.text());
      choice.put("index", 0);
      if (logprobs >= 0) {
        choice.set("logprobs", OpenAiFields.completionLogprobs(r.tokens()));
      } else {
        choice.putNull("logprobs");
      }
      choice.put("finish_reason", r.finishReason().openAi());
      out.set("usage", OpenAiFields.usage(r));
      receipt.addTo(out);
      Responses.json(ctx, 200, out, receipt.id());
    }
  }

  private void stream(
      Context ctx, GenerationPlan plan, Generation g, boolean logprobs, GatedRequest paid)
      throws InterruptedException {
    GenerationEvent event = EngineCall.first(g, "model");
    SseStream sse = SseStream.open(ctx.res());
    while (true) {
      switch (event) {
        case GenerationEvent.Token t -> {
          ObjectNode chunk = header(g, plan);
          ObjectNode choice = chunk.putArray("choices").addObject();
          choice.put("text", OpenAiFields.visibleText(t));
          choice.put("index", 0);
          if (logprobs) {
            choice.set("logprobs", OpenAiFields.completionLogprobs(List.of(t)));
          } else {
            choice.putNull("logprobs");
          }
          choice.putNull("finish_reason");
          sse.data(chunk);
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
          ObjectNode chunk = header(g, plan);
          ObjectNode choice = chunk.putArray("choices").addObject();
          choice.put("text", "");
          choice.put("index", 0);
          choice.putNull("logprobs");
          choice.put("finish_reason", r.finishReason().openAi());
          chunk.set("usage", OpenAiFields.usage(r));
          receipt.addTo(chunk);
          sse.data(chunk);
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

  private static ObjectNode header(Generation g, GenerationPlan plan) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", "cmpl-" + g.id());
    out.put("object", "text_completion");
    out.put("created", System.currentTimeMillis() / 1000);
    out.put("model", plan.modelName());
    return out;
  }

  private static int[] tokenIds(JsonNode array) {
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode v = array.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
        throw ApiError.badParameter(
                "prompt", "prompt[" + i + "] must be a token id (a non-negative integer)")
            .toException();
      }
      ids[i] = v.intValue();
    }
    return ids;
  }
}
