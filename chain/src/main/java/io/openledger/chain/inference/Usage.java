package io.openledger.chain.inference;

import io.openledger.chain.types.Amount;
import java.util.Objects;

/**
 * What a request used and what the model charges for it.
 *
 * @param promptTokens tokens in
 * @param completionTokens tokens out
 * @param pricePerKIn base units per 1,000 prompt tokens
 * @param pricePerKOut base units per 1,000 completion tokens
 */
public record Usage(
    long promptTokens, long completionTokens, Amount pricePerKIn, Amount pricePerKOut) {
  public Usage {
    Objects.requireNonNull(pricePerKIn, "pricePerKIn");
    Objects.requireNonNull(pricePerKOut, "pricePerKOut");
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: "
              + promptTokens
              + " in, "
              + completionTokens
              + " out");
    }
  }
}
