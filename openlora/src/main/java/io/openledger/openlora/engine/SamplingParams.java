package io.openledger.openlora.engine;

import java.util.List;
import java.util.OptionalLong;

/**
 * How the next token is chosen and when generation stops.
 *
 * @param temperature 0 means greedy (argmax); otherwise logits are divided by it before softmax
 * @param topK keep only the k most likely tokens (0: all)
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (1: all)
 * @param seed seeds the request's own random stream, making sampling reproducible; empty draws a
 *     seed
 * @param stopSequences generation stops before the first occurrence of any of these in the output
 *     text (the stop text is not returned)
 * @param maxTokens most tokens to generate (the context length may stop it earlier)
 */
public record SamplingParams(
    double temperature,
    int topK,
    double topP,
    OptionalLong seed,
    List<String> stopSequences,
    int maxTokens) {

  public SamplingParams {
    if (!(temperature >= 0) || temperature > 100) {
      throw new EngineException.InvalidRequest("temperature must be between 0 and 100");
    }
    if (topK < 0) {
      throw new EngineException.InvalidRequest("top_k must not be negative");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new EngineException.InvalidRequest("top_p must be in (0, 1]");
    }
    seed = seed == null ? OptionalLong.empty() : seed;
    stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
    if (stopSequences.size() > 16) {
      throw new EngineException.InvalidRequest("at most 16 stop sequences");
    }
    for (String s : stopSequences) {
      if (s.isEmpty()) {
        throw new EngineException.InvalidRequest("stop sequences must not be empty");
      }
    }
    if (maxTokens < 1) {
      throw new EngineException.InvalidRequest("max_tokens must be at least 1");
    }
  }

  /** Argmax decoding. */
  public static SamplingParams greedy(int maxTokens) {
    return new SamplingParams(0, 0, 1, OptionalLong.empty(), List.of(), maxTokens);
  }

  /** Temperature sampling over the whole vocabulary with a fixed seed. */
  public static SamplingParams sampled(double temperature, long seed, int maxTokens) {
    return new SamplingParams(temperature, 0, 1, OptionalLong.of(seed), List.of(), maxTokens);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }

  public SamplingParams withTopK(int k) {
    return new SamplingParams(temperature, k, topP, seed, stopSequences, maxTokens);
  }

  public SamplingParams withTopP(double p) {
    return new SamplingParams(temperature, topK, p, seed, stopSequences, maxTokens);
  }

  public SamplingParams withStop(List<String> stops) {
    return new SamplingParams(temperature, topK, topP, seed, stops, maxTokens);
  }

  public SamplingParams withMaxTokens(int n) {
    return new SamplingParams(temperature, topK, topP, seed, stopSequences, n);
  }
}
