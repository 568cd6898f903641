package io.openledger.openlora.engine;

import java.util.Arrays;
import java.util.List;

/**
 * One generation: what to continue, with which adapter(s), how to sample.
 *
 * @param prompt text or token ids
 * @param adapters the base alone, one adapter, or a weighted ensemble
 * @param sampling how tokens are chosen and when generation stops
 * @param logprobs how many top alternatives to report per token (0: only the chosen token's
 *     log-probability, which every token event carries anyway)
 */
public record GenerationRequest(
    Prompt prompt, AdapterChoice adapters, SamplingParams sampling, int logprobs) {

  public GenerationRequest {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt is required");
    }
    if (adapters == null) {
      adapters = new AdapterChoice.Base();
    }
    if (sampling == null) {
      sampling = SamplingParams.greedy(16);
    }
    if (logprobs < 0 || logprobs > 20) {
      throw new EngineException.InvalidRequest("logprobs must be between 0 and 20");
    }
  }

  /** Greedy continuation of a text with the base model. */
  public static GenerationRequest of(String text, int maxTokens) {
    return new GenerationRequest(
        new Prompt.Text(text), new AdapterChoice.Base(), SamplingParams.greedy(maxTokens), 0);
  }

  public GenerationRequest withAdapter(String adapterId) {
    return new GenerationRequest(prompt, new AdapterChoice.Single(adapterId), sampling, logprobs);
  }

  public GenerationRequest withAdapters(AdapterChoice choice) {
    return new GenerationRequest(prompt, choice, sampling, logprobs);
  }

  public GenerationRequest withSampling(SamplingParams params) {
    return new GenerationRequest(prompt, adapters, params, logprobs);
  }

  public GenerationRequest withLogprobs(int topN) {
    return new GenerationRequest(prompt, adapters, sampling, topN);
  }

  /** What the model continues. */
  public sealed interface Prompt {
    /**
     * Text, tokenized by the model's tokenizer; a BOS token is prepended when the model has one.
     */
    record Text(String text) implements Prompt {
      public Text {
        if (text == null) {
          throw new EngineException.InvalidRequest("prompt text is required");
        }
      }
    }

    /** Token ids used as given (no BOS added). */
    record Tokens(int[] ids) implements Prompt {
      public Tokens {
        if (ids == null || ids.length == 0) {
          throw new EngineException.InvalidRequest("prompt tokens must not be empty");
        }
        ids = ids.clone();
      }

      @Override
      public int[] ids() {
        return ids.clone();
      }

      @Override
      public boolean equals(Object o) {
        return o instanceof Tokens t && Arrays.equals(ids, t.ids);
      }

      @Override
      public int hashCode() {
        return Arrays.hashCode(ids);
      }

      @Override
      public String toString() {
        return "Tokens" + Arrays.toString(ids);
      }
    }
  }

  /** Which adapters shape the output. */
  public sealed interface AdapterChoice {
    /** The base model alone. */
    record Base() implements AdapterChoice {}

    /** One adapter, scaled by its own alpha / r. */
    record Single(String adapterId) implements AdapterChoice {
      public Single {
        if (adapterId == null || adapterId.isBlank()) {
          throw new EngineException.InvalidRequest("adapter id must not be empty");
        }
      }
    }

    /**
     * Several adapters at once: each layer adds sum_i weight_i · (alpha_i / r_i) · B_i A_i x.
     * Weights need not sum to 1.
     */
    record Ensemble(List<Weighted> members) implements AdapterChoice {
      public Ensemble {
        if (members == null || members.isEmpty()) {
          throw new EngineException.InvalidRequest("an ensemble needs at least one adapter");
        }
        if (members.size() > 16) {
          throw new EngineException.InvalidRequest("an ensemble may hold at most 16 adapters");
        }
        members = List.copyOf(members);
      }
    }

    /** An ensemble member. */
    record Weighted(String adapterId, double weight) {
      public Weighted {
        if (adapterId == null || adapterId.isBlank()) {
          throw new EngineException.InvalidRequest("adapter id must not be empty");
        }
        if (!Double.isFinite(weight)) {
          throw new EngineException.InvalidRequest("adapter weight must be a finite number");
        }
      }
    }
  }
}
