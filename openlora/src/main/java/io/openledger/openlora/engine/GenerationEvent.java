package io.openledger.openlora.engine;

import java.util.List;

/** What a {@link Generation} streams. */
public sealed interface GenerationEvent {

  /**
   * One generated token.
   *
   * @param index position in the completion, from 0
   * @param tokenId the token
   * @param text the text this token adds to the output (may be empty when the token completes a
   *     multi-byte character later, or is held back because it may begin a stop sequence)
   * @param logprob natural log of the token's probability under the sampling distribution before
   *     temperature/top-k/top-p (the model's own softmax)
   * @param special true for special tokens (e.g. EOS), whose text is not part of the output
   * @param top the most likely alternatives, if requested ({@link GenerationRequest#logprobs()})
   */
  record Token(
      int index, int tokenId, String text, double logprob, boolean special, List<TopLogprob> top)
      implements GenerationEvent {}

  /** Generation ended normally (also after cancel). */
  record Finished(GenerationResult result) implements GenerationEvent {}

  /** Generation failed; other requests are unaffected. */
  record Failed(EngineException error) implements GenerationEvent {}

  /** An alternative token with its log-probability. */
  record TopLogprob(int tokenId, String text, double logprob) {}

  default boolean isTerminal() {
    return !(this instanceof Token);
  }
}
