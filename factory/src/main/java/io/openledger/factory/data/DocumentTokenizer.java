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
   * <p>A document's text is text: where it spells a special token ({@code <|im_start|>}, {@code
   * </s>}), those characters are encoded as ordinary text, never as the control token, so a
   * contribution cannot plant the framing's tokens.
   *
   * @throws IllegalArgumentException naming the token that is missing or not one special token
   */
  static DocumentTokenizer of(ModelTokenizer tokenizer) {
    return ModelDocumentTokenizer.of(tokenizer);
  }
}
