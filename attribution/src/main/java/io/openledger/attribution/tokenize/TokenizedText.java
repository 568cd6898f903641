package io.openledger.attribution.tokenize;

import java.util.Arrays;

/**
 * A text cut into tokens by {@link Tokenizer}. Token {@code i} is {@code text.substring(start(i),
 * end(i))}; offsets are in UTF-16 chars of {@code text}. Arrays are owned by this object and never
 * exposed for writing.
 */
public final class TokenizedText {
  private final String text;
  private final int[] starts;
  private final int[] ends;
  private final byte[] kinds;
  private final int size;

  TokenizedText(String text, int[] starts, int[] ends, byte[] kinds, int size) {
    this.text = text;
    this.starts = starts;
    this.ends = ends;
    this.kinds = kinds;
    this.size = size;
  }

  public String text() {
    return text;
  }

  /** Number of tokens. */
  public int size() {
    return size;
  }

  /** First char of token {@code i} in {@link #text()}. */
  public int start(int i) {
    return starts[check(i)];
  }

  /** One past the last char of token {@code i}. */
  public int end(int i) {
    return ends[check(i)];
  }

  public TokenKind kind(int i) {
    return TokenKind.of(kinds[check(i)]);
  }

  public boolean isWord(int i) {
    return kinds[check(i)] == TokenKind.WORD_CODE;
  }

  public boolean isSentenceEnd(int i) {
    return kinds[check(i)] == TokenKind.SENTENCE_END_CODE;
  }

  /** The text of token {@code i}. */
  public String token(int i) {
    return text.substring(start(i), end(i));
  }

  /** All tokens as strings, in order. */
  public String[] tokens() {
    String[] out = new String[size];
    for (int i = 0; i < size; i++) {
      out[i] = text.substring(starts[i], ends[i]);
    }
    return out;
  }

  /** Does token {@code i} equal {@code other} char for char? (no allocation) */
  public boolean tokenEquals(int i, String other) {
    int s = start(i);
    int len = ends[i] - s;
    return other.length() == len && text.regionMatches(s, other, 0, len);
  }

  @Override
  public String toString() {
    return Arrays.toString(tokens());
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("token " + i + " of " + size);
    }
    return i;
  }
}
