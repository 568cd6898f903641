package io.openledger.attribution.tokenize;

import io.openledger.attribution.AttributionException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Tokenization rule of attribution version 1 (spec section "Tokens"). Text is read as Unicode code
 * points, classified by their general category (the Unicode version of the JDK, 16.0 for Java 25):
 *
 * <ul>
 *   <li>space: Zs, Zl, Zp, Cc, Cf — separates tokens, is not a token;
 *   <li>word: L*, M*, N* — a maximal run of word code points is one WORD token;
 *   <li>everything else — each code point is a token on its own, a SENTENCE_END if it is one of
 *       {@code . ! ?} U+3002 U+FF01 U+FF0E U+FF1F U+FF61 U+0964 U+06D4, otherwise a SYMBOL.
 * </ul>
 *
 * No normalization and no case folding: matching is verbatim except for the amount and kind of
 * white space between tokens.
 */
public final class Tokenizer {
  /** Largest contribution accepted, in UTF-8 bytes (5 MiB, the datanet submission limit). */
  public static final int MAX_CONTRIBUTION_BYTES = 5 * 1024 * 1024;

  // Class of every BMP code point; supplementary code points are classified on the fly.
  private static final byte[] BMP = new byte[0x10000];

  static {
    for (int c = 0; c < 0x10000; c++) {
      BMP[c] = classify(c);
    }
  }

  private Tokenizer() {}

  /**
   * Cuts {@code text} into tokens.
   *
   * @throws AttributionException.InvalidInput if the text holds an unpaired surrogate (it could not
   *     have come from UTF-8)
   */
  public static TokenizedText tokenize(String text) {
    Cuts cuts = new Cuts(Math.max(16, text.length() / 4));
    cut(text, cuts);
    return new TokenizedText(text, cuts.starts, cuts.ends, cuts.kinds, cuts.size);
  }

  /**
   * The tokens of one text as {@link #cut} leaves them: offsets, kinds and the {@link
   * String#hashCode} of each token's chars. Buffers grow as needed and are reused by the next cut,
   * so that the index build's hot loop allocates nothing per text.
   */
  public static final class Cuts {
    int[] starts;
    int[] ends;
    byte[] kinds;
    int[] hashes;
    int size;

    /** Empty buffers for about {@code capacity} tokens. */
    public Cuts(int capacity) {
      int cap = Math.max(16, capacity);
      starts = new int[cap];
      ends = new int[cap];
      kinds = new byte[cap];
      hashes = new int[cap];
    }

    /** Number of tokens of the last text cut. */
    public int size() {
      return size;
    }

    /** First char of token {@code i}. */
    public int start(int i) {
      return starts[i];
    }

    /** One past the last char of token {@code i}. */
    public int end(int i) {
      return ends[i];
    }

    /** The token's {@link String#hashCode}: {@code 31 * h + c} over its chars from 0. */
    public int hash(int i) {
      return hashes[i];
    }

    private void add(int start, int end, byte kind, int hash) {
      if (size == starts.length) {
        int cap = size * 2;
        starts = Arrays.copyOf(starts, cap);
        ends = Arrays.copyOf(ends, cap);
        kinds = Arrays.copyOf(kinds, cap);
        hashes = Arrays.copyOf(hashes, cap);
      }
      starts[size] = start;
      ends[size] = end;
      kinds[size] = kind;
      hashes[size] = hash;
      size++;
    }
  }

  /**
   * Cuts {@code text} into tokens as {@link #tokenize} does, into {@code out} (replacing what it
   * held), hashing each token's chars on the same pass.
   *
   * @throws AttributionException.InvalidInput if the text holds an unpaired surrogate
   */
  public static void cut(String text, Cuts out) {
    out.size = 0;
    int len = text.length();
    int i = 0;
    while (i < len) {
      char ch = text.charAt(i);
      byte k;
      int width = 1;
      int h = ch;
      if (!Character.isSurrogate(ch)) {
        k = BMP[ch];
      } else if (Character.isHighSurrogate(ch)
          && i + 1 < len
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        char low = text.charAt(i + 1);
        k = classify(Character.toCodePoint(ch, low));
        width = 2;
        h = 31 * h + low;
      } else {
        throw new AttributionException.InvalidInput(
            "text is not Unicode: unpaired surrogate U+"
                + Integer.toHexString(ch).toUpperCase(java.util.Locale.ROOT)
                + " at char "
                + i);
      }
      if (k == TokenKind.SPACE_CODE) {
        i += width;
        continue;
      }
      int start = i;
      i += width;
      if (k == TokenKind.WORD_CODE) {
        // the rest of the word, hashed as it is read
        while (i < len) {
          char c = text.charAt(i);
          if (!Character.isSurrogate(c)) {
            if (BMP[c] != TokenKind.WORD_CODE) {
              break;
            }
            h = 31 * h + c;
            i++;
          } else {
            int cp = text.codePointAt(i);
            if (classify(cp) != TokenKind.WORD_CODE) {
              break;
            }
            for (int end = i + Character.charCount(cp); i < end; i++) {
              h = 31 * h + text.charAt(i);
            }
          }
        }
      }
      out.add(start, i, k, h);
    }
  }

  /** The class code (see {@link TokenKind}) of one code point. */
  static byte classOf(int codePoint) {
    return codePoint < 0x10000 ? BMP[codePoint] : classify(codePoint);
  }

  private static byte classify(int cp) {
    return switch (Character.getType(cp)) {
      case Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.CONTROL,
          Character.FORMAT ->
          TokenKind.SPACE_CODE;
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER ->
          TokenKind.WORD_CODE;
      default -> isSentenceEnd(cp) ? TokenKind.SENTENCE_END_CODE : TokenKind.SYMBOL_CODE;
    };
  }

  private static boolean isSentenceEnd(int cp) {
    return switch (cp) {
      case '.', '!', '?', 0x3002, 0xFF01, 0xFF0E, 0xFF1F, 0xFF61, 0x0964, 0x06D4 -> true;
      default -> false;
    };
  }

  /**
   * Decodes strict UTF-8: malformed or unmappable bytes are an error naming {@code what} and the
   * byte offset, never replaced.
   *
   * @throws AttributionException.InvalidInput if the bytes are not UTF-8
   */
  public static String decodeUtf8(byte[] bytes, String what) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      throw new AttributionException.InvalidInput(
          what + " is not valid UTF-8 (bad byte at offset " + in.position() + ")");
    }
    r = decoder.flush(out);
    if (r.isError()) {
      throw new AttributionException.InvalidInput(what + " is not valid UTF-8");
    }
    out.flip();
    return out.toString();
  }
}
