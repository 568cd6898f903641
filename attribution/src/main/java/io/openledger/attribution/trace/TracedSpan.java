package io.openledger.attribution.trace;

import java.util.List;

/**
 * A maximal verbatim span of the output found in the corpus and kept by the span rules.
 *
 * @param startToken first token of the span in the output
 * @param endToken one past the last token
 * @param startChar first char of the span in the output text (UTF-16 index)
 * @param endChar one past the last char
 * @param text the span as it appears in the output
 * @param occurrences times the span occurs in the corpus (all shards searched)
 * @param contributions distinct contributions containing it, in code point order; empty when the
 *     span occurs more than {@link TraceParameters#maxOccurrences()} times
 * @param rarity the span's unigram surprisal {@code -log2 P(span)}, in units of 2^-16 bit
 * @param rank 0 for the rarest span; rarer spans claim overlapping tokens first
 * @param claimedTokens tokens of the span not already claimed by a rarer span
 * @param creditedMass mass given to the span's contributions (sum over them), 2^-16 bit units
 */
public record TracedSpan(
    int startToken,
    int endToken,
    int startChar,
    int endChar,
    String text,
    long occurrences,
    List<String> contributions,
    long rarity,
    int rank,
    int claimedTokens,
    long creditedMass) {
  public TracedSpan {
    contributions = List.copyOf(contributions);
  }

  /** Number of tokens in the span. */
  public int length() {
    return endToken - startToken;
  }

  /** More occurrences than {@code commonOccurrences}: the span's mass is scaled down. */
  public boolean isCommon(TraceParameters p) {
    return occurrences > p.commonOccurrences();
  }
}
