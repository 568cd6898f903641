package io.openledger.attribution.trace;

/**
 * The knobs of span attribution. {@link #V1} holds the values attribution version 1 fixes; a record
 * computed with other values is not a version-1 record.
 *
 * @param minSpanWords a span must contain at least this many WORD tokens (punctuation not counted)
 * @param commonOccurrences a span occurring more often than this in the corpus is a common phrase:
 *     it keeps only {@code commonOccurrences / occurrences} of its mass
 * @param maxOccurrences a span occurring more often than this earns its contributions nothing
 */
public record TraceParameters(int minSpanWords, int commonOccurrences, int maxOccurrences) {
  /** Version 1: spans of at least 4 words; common above 10 occurrences; nothing above 1,000. */
  public static final TraceParameters V1 = new TraceParameters(4, 10, 1000);

  public TraceParameters {
    if (minSpanWords < 1 || commonOccurrences < 1 || maxOccurrences < commonOccurrences) {
      throw new IllegalArgumentException(
          "need minSpanWords >= 1 and 1 <= commonOccurrences <= maxOccurrences");
    }
  }
}
