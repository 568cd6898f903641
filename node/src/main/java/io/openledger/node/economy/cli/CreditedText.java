package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An answer with the spans that attribution credited to contributions: the {@code spans} of each
 * entry of a response's {@code openledger.attribution} ({@code start}/{@code end} are offsets in
 * the output text, as Java counts characters). Overlapping spans (one span credited to several
 * contributions) merge into one highlight.
 *
 * @param text the answer
 * @param spans merged, sorted {@code [start, end)} ranges
 * @param unmatched spans whose {@code text} is not at their offsets (shown, not highlighted)
 */
record CreditedText(String text, List<int[]> spans, List<String> unmatched) {
  static final String BOLD_GREEN = "\u001b[1;32m";
  static final String RESET = "\u001b[0m";

  static CreditedText of(String text, JsonNode attribution) {
    List<int[]> ranges = new ArrayList<>();
    List<String> unmatched = new ArrayList<>();
    for (JsonNode a : attribution) {
      for (JsonNode s : a.path("spans")) {
        int start = s.path("start").asInt(-1);
        int end = s.path("end").asInt(-1);
        String expected = s.path("text").asText(null);
        boolean inside = start >= 0 && start < end && end <= text.length();
        if (!inside || (expected != null && !text.substring(start, end).equals(expected))) {
          unmatched.add("\"" + (expected == null ? start + ".." + end : expected) + "\"");
          continue;
        }
        ranges.add(new int[] {start, end});
      }
    }
    ranges.sort(Comparator.comparingInt(r -> r[0]));
    List<int[]> merged = new ArrayList<>();
    for (int[] r : ranges) {
      if (!merged.isEmpty() && r[0] <= merged.getLast()[1]) {
        merged.getLast()[1] = Math.max(merged.getLast()[1], r[1]);
      } else {
        merged.add(r.clone());
      }
    }
    return new CreditedText(text, merged, unmatched);
  }

  /** The text with each credited span in ANSI bold green, or in {@code [brackets]}. */
  String render(boolean colour) {
    StringBuilder b = new StringBuilder();
    int at = 0;
    for (int[] r : spans) {
      b.append(text, at, r[0]);
      b.append(colour ? BOLD_GREEN : "[").append(text, r[0], r[1]).append(colour ? RESET : "]");
      at = r[1];
    }
    return b.append(text.substring(at)).toString();
  }
}
