package io.openledger.factory.data;

import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.util.OptionalInt;

/**
 * How a document's text becomes the token stream trained on: {@code [bos] text [eos]}, so a model
 * learns where documents start and stop (generation stops at eos).
 */
public interface DocumentTokenizer {

  /** The text's token ids, no special token added. */
  int[] encode(String text);

  /** The id put before each document, if the tokenizer has a begin-of-sequence token. */
  OptionalInt bos();

  /** The id put after each document. */
  int eos();

  /** {@code [bos] encode(text) [eos]}. */
  default int[] stream(String text) {
    int[] body = encode(text);
    int head = bos().isPresent() ? 1 : 0;
    int[] s = new int[head + body.length + 1];
    if (head == 1) {
      s[0] = bos().getAsInt();
    }
    System.arraycopy(body, 0, s, head, body.length);
    s[s.length - 1] = eos();
    return s;
  }

  /**
   * A model's tokenizer, its special tokens named by tokenizer_config.json: {@code bos_token} (a
   * tokenizer without one, like Qwen2's, starts documents without it) and {@code eos_token}
   * (required). Each must be one special token of the vocabulary.
   *
   * @throws IllegalArgumentException naming the token that is missing or not one special token
   */
  static DocumentTokenizer of(ModelTokenizer tokenizer) {
    String bosToken = tokenizer.bosToken();
    OptionalInt bos =
        bosToken.isEmpty()
            ? OptionalInt.empty()
            : OptionalInt.of(specialId(tokenizer, "bos_token"));
    if (tokenizer.eosToken().isEmpty()) {
      throw new IllegalArgumentException("tokenizer_config.json names no eos_token");
    }
    int eos = specialId(tokenizer, "eos_token");
    return new DocumentTokenizer() {
      @Override
      public int[] encode(String text) {
        return tokenizer.encode(text, false);
      }

      @Override
      public OptionalInt bos() {
        return bos;
      }

      @Override
      public int eos() {
        return eos;
      }
    };
  }

  private static int specialId(ModelTokenizer tokenizer, String key) {
    String token = tokenizer.specialTokens().get(key);
    int[] ids = tokenizer.encode(token, false);
    if (ids.length != 1 || !tokenizer.isSpecial(ids[0])) {
      throw new IllegalArgumentException(
          "tokenizer_config.json's " + key + " " + token + " is not one special token");
    }
    return ids[0];
  }
}
