package io.openledger.openlora.batch;

import java.util.List;

/**
 * Applies stop sequences to streamed text: text that might be the start of a stop sequence is held
 * back until it is known not to be, and the output ends before the first stop sequence.
 */
final class StopText {
  private final List<String> stops;
  private final StringBuilder text = new StringBuilder();
  private int emitted;
  private boolean stopped;

  StopText(List<String> stops) {
    this.stops = stops;
  }

  /** Adds decoded text; returns the part now safe to emit. */
  String push(String piece) {
    if (stopped) {
      return "";
    }
    text.append(piece);
    int complete = firstStop();
    // a partial match starting earlier may still complete into an earlier stop: wait for it
    int pending = text.length() - heldBack();
    if (complete >= 0 && complete <= pending) {
      stopped = true;
      text.setLength(complete);
      return take(complete);
    }
    return take(complete >= 0 ? Math.min(pending, complete) : pending);
  }

  /** Whether a stop sequence has appeared. */
  boolean stopped() {
    return stopped;
  }

  /**
   * Everything not yet emitted, at the end of generation: partial matches can no longer complete,
   * so the earliest complete stop sequence (if any) ends the text.
   */
  String flush() {
    if (stopped) {
      return "";
    }
    int complete = firstStop();
    if (complete >= 0) {
      stopped = true;
      text.setLength(complete);
      return take(complete);
    }
    return take(text.length());
  }

  /** The output so far (stop sequence excluded). */
  String text() {
    return text.toString();
  }

  private String take(int upTo) {
    if (upTo <= emitted) {
      return "";
    }
    String s = text.substring(emitted, upTo);
    emitted = upTo;
    return s;
  }

  private int firstStop() {
    int best = -1;
    int maxLen = 0;
    for (String s : stops) {
      maxLen = Math.max(maxLen, s.length());
    }
    int from = Math.max(0, emitted - maxLen);
    for (String s : stops) {
      int i = text.indexOf(s, from);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  /** Length of the longest suffix of the text that is a proper prefix of some stop sequence. */
  private int heldBack() {
    int held = 0;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, text.length() - emitted); k > held; k--) {
        if (text.substring(text.length() - k).equals(s.substring(0, k))) {
          held = k;
          break;
        }
      }
    }
    return held;
  }
}
