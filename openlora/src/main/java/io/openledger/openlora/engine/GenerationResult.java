package io.openledger.openlora.engine;

import java.util.List;

/**
 * A finished generation.
 *
 * @param text the completion (stop sequence excluded, special tokens skipped)
 * @param finishReason why it stopped
 * @param promptTokens prompt length in tokens
 * @param completionTokens generated tokens (including a final EOS token)
 * @param tokens every generated token as streamed (for LoRAX/TGI "details")
 * @param timeToFirstTokenMillis from submit to the first token, queueing and adapter loading
 *     included
 * @param totalMillis from submit to the end
 */
public record GenerationResult(
    String text,
    FinishReason finishReason,
    int promptTokens,
    int completionTokens,
    List<GenerationEvent.Token> tokens,
    double timeToFirstTokenMillis,
    double totalMillis) {

  public GenerationResult {
    tokens = List.copyOf(tokens);
  }

  /** Why generation stopped. */
  public enum FinishReason {
    /** The model produced an end-of-sequence token. */
    EOS_TOKEN("stop", "eos_token"),
    /** The output reached one of the request's stop sequences. */
    STOP_SEQUENCE("stop", "stop_sequence"),
    /** max_tokens or the context length was reached. */
    LENGTH("length", "length"),
    /** The caller cancelled (e.g. the client went away). */
    CANCELLED("cancelled", "cancelled");

    private final String openAi;
    private final String tgi;

    FinishReason(String openAi, String tgi) {
      this.openAi = openAi;
      this.tgi = tgi;
    }

    /** The value of OpenAI's finish_reason. */
    public String openAi() {
      return openAi;
    }

    /** The value of TGI/LoRAX details.finish_reason. */
    public String tgi() {
      return tgi;
    }
  }
}
