package io.openledger.openlora.tokenizer;

import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet: every byte maps to one printable character (printable Latin-1 bytes
 * to themselves, the rest to U+0100 onward), so BPE works on text without unknown tokens.
 */
public final class ByteLevel {
  private ByteLevel() {}

  /** GPT-2's pre-tokenizer pattern, which Hugging Face's ByteLevel pre-tokenizer applies. */
  public static final Pattern SPLIT =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final char[] BYTE_TO_CHAR = new char[256];

  static {
    boolean[] direct = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      direct[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      direct[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      direct[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (direct[b]) {
        BYTE_TO_CHAR[b] = (char) b;
      } else {
        BYTE_TO_CHAR[b] = (char) (256 + n++);
      }
    }
  }

  /** The character byte {@code b} (0..255) is written as. */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xff];
  }

  /** A UTF-8 string in the byte-level alphabet. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length);
    for (byte x : bytes) {
      b.append(charOf(x));
    }
    return b.toString();
  }
}
