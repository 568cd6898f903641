package io.openledger.factory.data;

import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** {@link DocumentTokenizer#of}: a model's tokenizer, special-token spellings kept as text. */
final class ModelDocumentTokenizer implements DocumentTokenizer {
  private final ModelTokenizer tokenizer;
  private final List<String> specials; // the text of every special token
  private final OptionalInt bos;
  private final int eos;

  private ModelDocumentTokenizer(
      ModelTokenizer tokenizer, List<String> specials, OptionalInt bos, int eos) {
    this.tokenizer = tokenizer;
    this.specials = specials;
    this.bos = bos;
    this.eos = eos;
  }

  static ModelDocumentTokenizer of(ModelTokenizer tokenizer) {
    OptionalInt bos =
        tokenizer.bosToken().isEmpty()
            ? OptionalInt.empty()
            : OptionalInt.of(specialId(tokenizer, "bos_token"));
    if (tokenizer.eosToken().isEmpty()) {
      throw new IllegalArgumentException("tokenizer_config.json names no eos_token");
    }
    int eos = specialId(tokenizer, "eos_token");
    List<String> specials = new ArrayList<>();
    for (int id = 0; id < tokenizer.vocabSizeHint(); id++) {
      if (tokenizer.isSpecial(id)) {
        String text = tokenizer.tokenText(id);
        if (!text.isEmpty()) {
          specials.add(text);
        }
      }
    }
    return new ModelDocumentTokenizer(tokenizer, List.copyOf(specials), bos, eos);
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

  @Override
  public int[] encode(String text) {
    List<int[]> parts = new ArrayList<>();
    encodeInto(text, parts);
    int n = 0;
    for (int[] p : parts) {
      n += p.length;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    for (int id : out) {
      if (tokenizer.isSpecial(id)) { // a one-character special token: no split avoids it
        throw new IllegalArgumentException(
            "the text spells the special token " + tokenizer.tokenText(id) + " in one character");
      }
    }
    return out;
  }

  /**
   * Encodes the text between special-token spellings as usual, and each spelling in two pieces (its
   * first character, then the rest, itself encoded this way), which the tokenizer cannot match as
   * the special token. Byte-level pieces concatenate to the same text.
   */
  private void encodeInto(String text, List<int[]> parts) {
    int from = 0;
    while (from < text.length()) {
      int at = -1;
      String found = null;
      for (String s : specials) {
        int i = text.indexOf(s, from);
        if (i >= 0 && (at < 0 || i < at || (i == at && s.length() > found.length()))) {
          at = i;
          found = s;
        }
      }
      if (found == null) {
        parts.add(tokenizer.encode(text.substring(from), false));
        return;
      }
      if (at > from) {
        parts.add(tokenizer.encode(text.substring(from, at), false));
      }
      int first = found.offsetByCodePoints(0, 1);
      parts.add(tokenizer.encode(found.substring(0, first), false));
      encodeInto(found.substring(first), parts);
      from = at + found.length();
    }
  }

  @Override
  public OptionalInt bos() {
    return bos;
  }

  @Override
  public int eos() {
    return eos;
  }
}
