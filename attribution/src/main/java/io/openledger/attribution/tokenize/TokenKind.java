package io.openledger.attribution.tokenize;

/** What a token is: a word, a symbol, or a symbol that ends a sentence. */
public enum TokenKind {
  /** A maximal run of letters, marks and digits (Unicode categories L*, M*, N*). */
  WORD,
  /** Any other single non-space code point (punctuation, symbols, unassigned). */
  SYMBOL,
  /** A symbol that ends a sentence: {@code . ! ?} and their CJK and full-width forms. */
  SENTENCE_END;

  static final byte SPACE_CODE = 0;
  static final byte WORD_CODE = 1;
  static final byte SYMBOL_CODE = 2;
  static final byte SENTENCE_END_CODE = 3;

  static TokenKind of(byte code) {
    return switch (code) {
      case WORD_CODE -> WORD;
      case SYMBOL_CODE -> SYMBOL;
      case SENTENCE_END_CODE -> SENTENCE_END;
      default -> throw new IllegalArgumentException("not a token kind: " + code);
    };
  }
}
