package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * LoRAX's {@code POST /generate} and {@code POST /generate_stream}: {@code inputs} and {@code
 * parameters} (adapter_id, merged_adapters, max_new_tokens, temperature, top_k, top_p, do_sample,
 * seed, stop, details, top_n_tokens, return_full_text). Answers as TGI does: {@code generated_text}
 * plus, with {@code details}, the generated tokens {@code {id, text, logprob, special}},
 * finish_reason, generated_tokens and seed; the stream sends one {@code data:} event per token and
 * the text and details with the last. Every answer also carries {@code usage} and {@code
 * receipt_id}.
 *
 * <p>Sampling is greedy unless {@code do_sample} is true or a positive {@code temperature} is
 * given.
 */
final class GenerateRoute implements ApiRoute {
  /** TGI's and LoRAX's default completion length. */
  static final int DEFAULT_MAX_NEW_TOKENS = 20;

  private static final String ADAPTER = "parameters.adapter_id";

  private final InferenceEngine engine;
  private final boolean streaming;
  private final Gatekeeper gates;

  GenerateRoute(InferenceEngine engine, boolean streaming, Gatekeeper gates) {
    this.engine = engine;
    this.streaming = streaming;
    this.gates = gates;
  }

  @Override
  public HandlerType method() {
    return HandlerType.POST;
  }

  @Override
  public String path() {
    return streaming ? "/generate_stream" : "/generate";
  }

  @Override
  public ErrorStyle errorStyle() {
    return ErrorStyle.TGI;
  }

  /** The parsed {@code parameters} object. */
  private record Parameters(
      AdapterChoice adapters,
      GenerationPlan.Sampling sampling,
      boolean details,
      boolean returnFullText,
      int topNTokens) {}

  @Override
  public void handle(Context ctx) throws Exception {
    JsonBody body = JsonBody.parse(ctx.bodyAsBytes());
    String inputs = body.requiredString("inputs");
    JsonBody params = body.object("parameters").orElseGet(JsonBody::empty);
    Parameters p = parameters(params, body.bool("stream").orElse(false));
    GenerationPlan plan =
        GenerationPlan.of(
            engine,
            p.adapters(),
            "inputs",
            null,
            inputs,
            p.sampling(),
            "parameters.max_new_tokens",
            DEFAULT_MAX_NEW_TOKENS,
            p.topNTokens());
    boolean stream = streaming || body.bool("stream").orElse(false);
    gates.admit(ctx, path(), stream, plan).run(paid -> answer(ctx, plan, stream, p, inputs, paid));
  }

  private void answer(
      Context ctx,
      GenerationPlan plan,
      boolean stream,
      Parameters p,
      String inputs,
      GatedRequest paid)
      throws InterruptedException {
    Generation g = EngineCall.submit(engine, plan, ADAPTER);
    if (stream) {
      stream(ctx, plan, g, p, inputs, paid);
      return;
    }
    GenerationResult r = EngineCall.await(g, ADAPTER);
    Receipt receipt = paid.settle(plan, r);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("generated_text", (p.returnFullText() ? inputs : "") + r.text());
    if (p.details()) {
      ObjectNode details = details(r, plan);
      details.putArray("prefill");
      ArrayNode tokens = details.putArray("tokens");
      r.tokens().forEach(t -> tokens.add(token(t, p.topNTokens() > 0)));
      details.putNull("best_of_sequences");
      out.set("details", details);
    }
    out.set("usage", OpenAiFields.usage(r));
    receipt.addTo(out);
    Responses.json(ctx, 200, out, receipt.id());
  }

  private void stream(
      Context ctx,
      GenerationPlan plan,
      Generation g,
      Parameters p,
      String inputs,
      GatedRequest paid)
      throws InterruptedException {
    GenerationEvent event = EngineCall.first(g, ADAPTER);
    SseStream sse = SseStream.open(ctx.res());
    while (true) {
      switch (event) {
        case GenerationEvent.Token t -> {
          // The last token is sent with the Finished event below, which carries its text and
          // details; hold each token until the next event says whether it was the last.
          GenerationEvent next = g.nextEvent();
          ObjectNode e = JsonNodeFactory.instance.objectNode();
          e.put("index", t.index() + 1);
          e.set("token", token(t, p.topNTokens() > 0));
          if (next instanceof GenerationEvent.Finished f) {
            sse.data(last(e, f.result(), plan, p, inputs, paid));
            return;
          }
          e.putNull("generated_text");
          e.putNull("details");
          sse.data(e);
          if (!sse.clientConnected()) {
            g.cancel();
          }
          event = next;
        }
        case GenerationEvent.Finished f -> {
          // Nothing was generated (cancelled before the first token): end with the details alone.
          ObjectNode e = JsonNodeFactory.instance.objectNode();
          e.putNull("token");
          sse.data(last(e, f.result(), plan, p, inputs, paid));
          return;
        }
        case GenerationEvent.Failed f -> {
          paid.abandon("generation failed: " + f.error().getMessage());
          sse.data(ApiError.from(f.error(), ADAPTER).tgiBody());
          return;
        }
      }
    }
  }

  /**
   * The stream's last event: the whole text, the details, usage and the receipt, once settled; or
   * the error event when settling failed.
   */
  private static ObjectNode last(
      ObjectNode event,
      GenerationResult r,
      GenerationPlan plan,
      Parameters p,
      String inputs,
      GatedRequest paid) {
    Receipt receipt;
    try {
      receipt = paid.settle(plan, r);
    } catch (ApiException e) {
      return e.error().tgiBody();
    }
    event.put("generated_text", (p.returnFullText() ? inputs : "") + r.text());
    event.set("details", details(r, plan));
    event.set("usage", OpenAiFields.usage(r));
    receipt.addTo(event);
    return event;
  }

  private static ObjectNode details(GenerationResult r, GenerationPlan plan) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("finish_reason", r.finishReason().tgi());
    d.put("generated_tokens", r.completionTokens());
    OptionalLong seed = plan.reportedSeed();
    if (seed.isPresent()) {
      d.put("seed", seed.getAsLong());
    } else {
      d.putNull("seed");
    }
    return d;
  }

  private static ObjectNode token(GenerationEvent.Token t, boolean withTop) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", t.tokenId());
    n.put("text", t.text());
    n.put("logprob", t.logprob());
    n.put("special", t.special());
    if (withTop) {
      ArrayNode top = n.putArray("top_tokens");
      for (GenerationEvent.TopLogprob alt : t.top()) {
        ObjectNode a = top.addObject();
        a.put("id", alt.tokenId());
        a.put("text", alt.text());
        a.put("logprob", alt.logprob());
      }
    }
    return n;
  }

  private static Parameters parameters(JsonBody params, boolean streamField) {
    AdapterChoice adapters = adapters(params);
    boolean doSample = params.bool("do_sample").orElse(false);
    Optional<Double> t = params.number("temperature");
    if (t.isPresent() && t.get() < 0) {
      throw ApiError.badParameter(
              params.path("temperature"),
              params.path("temperature") + " must not be negative, got " + t.get())
          .toException();
    }
    if (t.isPresent() && t.get() > 100) {
      throw ApiError.badParameter(
              params.path("temperature"),
              params.path("temperature") + " must be at most 100, got " + t.get())
          .toException();
    }
    double temperature = doSample || t.orElse(0.0) > 0 ? t.filter(v -> v > 0).orElse(1.0) : 0;
    double topP = params.number("top_p").orElse(1.0);
    if (!(topP > 0 && topP <= 1)) {
      throw ApiError.badParameter(
              params.path("top_p"), params.path("top_p") + " must be in (0, 1], got " + topP)
          .toException();
    }
    long topK = params.integer("top_k").orElse(0L);
    if (topK < 0 || topK > Integer.MAX_VALUE) {
      throw ApiError.badParameter(
              params.path("top_k"), params.path("top_k") + " must not be negative, got " + topK)
          .toException();
    }
    Optional<Integer> maxNew = Optional.empty();
    Optional<Long> m = params.integer("max_new_tokens");
    if (m.isPresent()) {
      if (m.get() < 1) {
        throw ApiError.badParameter(
                params.path("max_new_tokens"),
                params.path("max_new_tokens") + " must be at least 1, got " + m.get())
            .toException();
      }
      maxNew = Optional.of((int) Math.min(m.get(), Integer.MAX_VALUE));
    }
    List<String> stop = params.stringOrStrings("stop").orElse(List.of());
    if (stop.size() > OpenAiFields.MAX_STOP || stop.stream().anyMatch(String::isEmpty)) {
      throw ApiError.badParameter(
              params.path("stop"),
              "stop must hold at most " + OpenAiFields.MAX_STOP + " non-empty sequences")
          .toException();
    }
    OptionalLong seed = params.integer("seed").map(OptionalLong::of).orElse(OptionalLong.empty());
    long topN = params.integer("top_n_tokens").orElse(0L);
    if (topN < 0 || topN > 20) {
      throw ApiError.badParameter(
              params.path("top_n_tokens"),
              params.path("top_n_tokens") + " must be between 0 and 20")
          .toException();
    }
    unsupported(params);
    return new Parameters(
        adapters,
        new GenerationPlan.Sampling(temperature, (int) topK, topP, seed, stop, maxNew),
        params.bool("details").orElse(false) || streamField,
        params.bool("return_full_text").orElse(false),
        (int) topN);
  }

  /** {@code adapter_id}, or LoRAX's {@code merged_adapters: {ids, weights}} ensemble. */
  private static AdapterChoice adapters(JsonBody params) {
    Optional<JsonBody> merged = params.object("merged_adapters");
    Optional<String> id = params.string("adapter_id").filter(s -> !s.isEmpty());
    if (merged.isPresent() && id.isPresent()) {
      throw ApiError.badParameter(
              params.path("merged_adapters"), "give adapter_id or merged_adapters, not both")
          .toException();
    }
    if (merged.isEmpty()) {
      return id.<AdapterChoice>map(AdapterChoice.Single::new).orElse(new AdapterChoice.Base());
    }
    JsonBody mb = merged.get();
    List<String> ids =
        mb.stringOrStrings("ids")
            .orElseThrow(
                () ->
                    ApiError.badParameter(mb.path("ids"), mb.path("ids") + " is required")
                        .toException());
    JsonNode weightsNode = mb.raw("weights");
    List<Double> weights = new ArrayList<>();
    if (weightsNode == null || weightsNode.isNull()) {
      ids.forEach(x -> weights.add(1.0 / ids.size()));
    } else if (weightsNode.isArray() && weightsNode.size() == ids.size()) {
      for (JsonNode w : weightsNode) {
        if (!w.isNumber()) {
          throw ApiError.badParameter(mb.path("weights"), "weights must be numbers").toException();
        }
        weights.add(w.doubleValue());
      }
    } else {
      throw ApiError.badParameter(
              mb.path("weights"), "weights must be an array with one number per id")
          .toException();
    }
    String strategy = mb.string("merge_strategy").orElse("linear");
    if (!strategy.equals("linear")) {
      throw ApiError.badParameter(
              mb.path("merge_strategy"), "only the linear merge strategy is supported")
          .toException();
    }
    List<AdapterChoice.Weighted> members = new ArrayList<>();
    try {
      for (int i = 0; i < ids.size(); i++) {
        members.add(new AdapterChoice.Weighted(ids.get(i), weights.get(i)));
      }
      return new AdapterChoice.Ensemble(members);
    } catch (EngineException e) {
      throw ApiError.badParameter(mb.path("ids"), e.getMessage()).toException();
    }
  }

  /** TGI options this server does not implement: refused unless left at their neutral value. */
  private static void unsupported(JsonBody params) {
    if (params.number("repetition_penalty").filter(v -> v != 1.0).isPresent()
        || params.number("frequency_penalty").filter(v -> v != 0.0).isPresent()
        || params.integer("best_of").filter(v -> v != 1).isPresent()
        || params.number("typical_p").filter(v -> v != 1.0).isPresent()
        || params.bool("decoder_input_details").orElse(false)
        || params.bool("watermark").orElse(false)
        || params.has("truncate")) {
      throw ApiError.badParameter(
              null,
              "repetition_penalty, frequency_penalty, best_of, typical_p, decoder_input_details,"
                  + " watermark and truncate are not supported; leave them unset")
          .toException();
    }
  }
}
