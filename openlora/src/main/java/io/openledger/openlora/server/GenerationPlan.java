package io.openledger.openlora.server;

import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.engine.ModelInfo;
import io.openledger.openlora.engine.SamplingParams;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A request as the engine will run it, after the API's fields are checked: the exact prompt token
 * ids (BOS included), the adapter choice and the sampling parameters with the seed fixed. Knowing
 * the exact prompt makes usage counts and receipt ids exact, and lets the context check answer with
 * OpenAI's 400 before any work starts.
 *
 * @param modelName the name responses echo ({@code base} or {@code base:adapter})
 * @param adapters base, one adapter or an ensemble
 * @param promptIds prompt token ids as the model sees them
 * @param sampling with a seed whenever sampling is not greedy (so the answer is reproducible)
 * @param logprobs top alternatives per token to report (0: none)
 */
record GenerationPlan(
    String modelName,
    AdapterChoice adapters,
    int[] promptIds,
    SamplingParams sampling,
    int logprobs) {

  /** The sampling fields every API shares, before the context is known. */
  record Sampling(
      double temperature,
      int topK,
      double topP,
      OptionalLong seed,
      List<String> stop,
      Optional<Integer> maxTokens) {}

  /**
   * Tokenizes the prompt and checks it against the context.
   *
   * @param promptParam the request field holding the prompt, for errors ({@code prompt}, {@code
   *     messages}, {@code inputs})
   * @param maxTokensParam the request field for the completion length, for errors
   * @param defaultMaxTokens used when the request gives none; capped to what the context leaves
   */
  static GenerationPlan of(
      InferenceEngine engine,
      AdapterChoice adapters,
      String promptParam,
      int[] promptTokensOrNull,
      String promptText,
      Sampling s,
      String maxTokensParam,
      int defaultMaxTokens,
      int logprobs) {
    ModelInfo model = engine.model();
    int[] ids = promptTokensOrNull != null ? promptTokensOrNull : tokenize(engine, promptText);
    if (ids.length == 0) {
      throw ApiError.badParameter(promptParam, promptParam + " must not be empty").toException();
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= model.vocabSize()) {
        throw ApiError.badParameter(
                promptParam,
                promptParam
                    + "["
                    + i
                    + "] = "
                    + ids[i]
                    + " is not a token id of this model (vocabulary of "
                    + model.vocabSize()
                    + ")")
            .toException();
      }
    }
    int context = model.contextLength();
    int room = context - ids.length;
    if (room < 1) {
      throw ApiError.badParameter(
              promptParam,
              "the prompt is "
                  + ids.length
                  + " tokens; the model's context length is "
                  + context
                  + " tokens, which leaves no room for a completion")
          .toException();
    }
    int maxTokens;
    if (s.maxTokens().isPresent()) {
      maxTokens = s.maxTokens().get();
      if (maxTokens > room) {
        throw ApiError.badParameter(
                maxTokensParam,
                "this model's maximum context length is "
                    + context
                    + " tokens; you requested "
                    + (ids.length + maxTokens)
                    + " tokens ("
                    + ids.length
                    + " in the prompt, "
                    + maxTokens
                    + " for the completion)")
            .toException();
      }
    } else {
      maxTokens = Math.min(defaultMaxTokens, room);
    }
    OptionalLong seed = s.seed();
    if (seed.isEmpty() && s.temperature() > 0) {
      seed = OptionalLong.of(ThreadLocalRandom.current().nextLong() >>> 1);
    }
    SamplingParams sampling;
    try {
      sampling = new SamplingParams(s.temperature(), s.topK(), s.topP(), seed, s.stop(), maxTokens);
    } catch (io.openledger.openlora.engine.EngineException e) {
      throw ApiError.badParameter(null, e.getMessage()).toException();
    }
    return new GenerationPlan(
        ModelName.of(model.id(), adapters), adapters, ids, sampling, logprobs);
  }

  /** Prompt text to ids, with the model's BOS in front unless the text already begins with it. */
  static int[] tokenize(InferenceEngine engine, String text) {
    int[] ids = engine.encode(text);
    int bos = engine.model().bosTokenId();
    if (bos < 0 || (ids.length > 0 && ids[0] == bos)) {
      return ids;
    }
    int[] withBos = new int[ids.length + 1];
    withBos[0] = bos;
    System.arraycopy(ids, 0, withBos, 1, ids.length);
    return withBos;
  }

  GenerationRequest request() {
    return new GenerationRequest(
        new GenerationRequest.Prompt.Tokens(promptIds), adapters, sampling, logprobs);
  }

  /** The seed reported to the client: the one used when sampling, absent for greedy decoding. */
  OptionalLong reportedSeed() {
    return sampling.isGreedy() ? OptionalLong.empty() : sampling.seed();
  }

  /** See {@link ReceiptId}: request as run plus output. */
  String receiptId(GenerationResult result) {
    ReceiptId r =
        new ReceiptId()
            .add("model", modelName)
            .add("prompt", promptIds)
            .add("temperature", Double.toString(sampling.temperature()))
            .add("top_k", sampling.topK())
            .add("top_p", Double.toString(sampling.topP()))
            .add(
                "seed",
                sampling.seed().isPresent() ? Long.toString(sampling.seed().getAsLong()) : "")
            .add("max_tokens", sampling.maxTokens())
            .add("stop", String.join("\u0000", sampling.stopSequences()));
    if (adapters instanceof AdapterChoice.Ensemble e) {
      for (AdapterChoice.Weighted w : e.members()) {
        r.add("weight", Double.toString(w.weight()));
      }
    }
    int[] out = result.tokens().stream().mapToInt(GenerationEvent.Token::tokenId).toArray();
    return r.add("output_tokens", out)
        .add("output_text", result.text())
        .add("finish_reason", result.finishReason().tgi())
        .hex();
  }
}
