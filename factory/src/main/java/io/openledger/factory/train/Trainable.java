package io.openledger.factory.train;

import io.openledger.openlora.model.LlamaConfig;

/**
 * A model whose trainable parameters can be scored and differentiated on a token sequence: the call
 * the trainer and the influence estimators are built on.
 */
public interface Trainable extends AutoCloseable {

  /** The trainable parameters (values shared: the optimizer updates them in place). */
  Parameters parameters();

  /** The decoder's shape. */
  LlamaConfig config();

  /**
   * Returns the SUM of the next-token cross-entropy over positions 1..n−1 (nats) and ADDS its
   * gradient with respect to {@link #parameters()} into {@code gradInto} (the same layout).
   * Deterministic: bit-identical for any thread count.
   */
  double lossAndGradient(int[] tokens, float[] gradInto);

  /** The same sum, forward only. */
  double loss(int[] tokens);

  /** Positions that carry a loss term: {@code tokens.length - 1}. */
  default int targets(int[] tokens) {
    return tokens.length - 1;
  }

  /** Whether AdamW's weight decay applies to this tensor. */
  boolean decays(Parameters.Segment segment);

  /** Releases the kernel threads (when owned) and any mapped weights. */
  @Override
  void close();
}
