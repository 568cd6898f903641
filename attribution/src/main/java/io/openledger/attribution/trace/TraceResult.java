package io.openledger.attribution.trace;

import io.openledger.attribution.AttributionWeights;
import io.openledger.attribution.PartsPerMillion;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What span attribution found for one output.
 *
 * @param output the output text traced
 * @param tokens number of tokens in the output
 * @param spans kept spans in reading order (by first token)
 * @param masses mass credited to each contribution, 2^-16 bit units, in code point order of ids
 * @param modelMass mass credited to the model: unmatched tokens, discounts and division remainders
 * @param weights the integer result: parts per million, summing to 1,000,000 with the model's share
 * @param parameters the span rules used
 */
public record TraceResult(
    String output,
    int tokens,
    List<TracedSpan> spans,
    Map<String, Long> masses,
    long modelMass,
    AttributionWeights weights,
    TraceParameters parameters) {
  public TraceResult {
    spans = List.copyOf(spans);
    TreeMap<String, Long> sorted = new TreeMap<>(PartsPerMillion.CODE_POINT);
    sorted.putAll(masses);
    masses = Collections.unmodifiableSortedMap(sorted);
  }

  /** Convenience: the weights' share for one contribution, 0 when not credited. */
  public int ppmOf(String contributionId) {
    return weights.ppmOf(contributionId);
  }
}
