package io.openledger.openlora.tokenizer;

import java.util.Arrays;

/**
 * Turns a growing list of token ids into text pieces for streaming. A token may end in the middle
 * of a UTF-8 character, and byte-level BPE text only decodes correctly in context, so each piece is
 * the difference between decoding a short window with and without the new tokens (the method
 * Hugging Face's text-generation-inference uses); nothing is emitted while the text ends in an
 * incomplete character.
 */
public final class StreamDecoder {
  private final ModelTokenizer tokenizer;
  private int[] ids = new int[64];
  private int count;
  private int prefixOffset;
  private int readOffset;

  public StreamDecoder(ModelTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Adds a token; returns the text it completes ("" when it completes nothing yet). */
  public String push(int id) {
    if (count == ids.length) {
      ids = Arrays.copyOf(ids, count * 2);
    }
    ids[count++] = id;
    String prefix = tokenizer.decode(ids, prefixOffset, readOffset);
    String all = tokenizer.decode(ids, prefixOffset, count);
    if (all.length() > prefix.length() && !all.endsWith("\uFFFD")) {
      String piece = all.substring(prefix.length());
      prefixOffset = readOffset;
      readOffset = count;
      return piece;
    }
    return "";
  }

  /** Text still held back at the end of generation (an incomplete character, as U+FFFD). */
  public String flush() {
    String prefix = tokenizer.decode(ids, prefixOffset, readOffset);
    String all = tokenizer.decode(ids, prefixOffset, count);
    prefixOffset = readOffset = count;
    return all.length() > prefix.length() ? all.substring(prefix.length()) : "";
  }
}
