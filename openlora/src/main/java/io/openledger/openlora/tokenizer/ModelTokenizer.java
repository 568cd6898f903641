package io.openledger.openlora.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's tokenizer: tokenizer.json run by Hugging Face's own tokenizers library (through DJL's
 * binding, whose native library ships in the jar and needs no network), plus what
 * tokenizer_config.json says about special tokens and the chat template.
 */
public final class ModelTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer hf;
  private final BitSet special;
  private final Optional<String> chatTemplate;
  private final Map<String, String> specialTokens;
  private final int vocabSizeHint;

  private ModelTokenizer(
      HuggingFaceTokenizer hf,
      BitSet special,
      Optional<String> chatTemplate,
      Map<String, String> specialTokens,
      int vocabSizeHint) {
    this.hf = hf;
    this.special = special;
    this.chatTemplate = chatTemplate;
    this.specialTokens = specialTokens;
    this.vocabSizeHint = vocabSizeHint;
  }

  /** Loads {@code dir/tokenizer.json} and, if present, {@code dir/tokenizer_config.json}. */
  public static ModelTokenizer load(Path dir) {
    Path json = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException(dir + " has no tokenizer.json");
    }
    try {
      Map<String, Object> tok = JsonMaps.parseObject(Files.readString(json));
      BitSet special = new BitSet();
      int maxId = -1;
      if (tok.get("model") instanceof Map<?, ?> model
          && model.get("vocab") instanceof Map<?, ?> v) {
        for (Object id : v.values()) {
          if (id instanceof Long l) {
            maxId = Math.max(maxId, l.intValue());
          }
        }
      }
      if (tok.get("added_tokens") instanceof List<?> added) {
        for (Object o : added) {
          if (o instanceof Map<?, ?> t
              && Boolean.TRUE.equals(t.get("special"))
              && t.get("id") instanceof Long id) {
            special.set(id.intValue());
          }
        }
      }
      if (tok.get("added_tokens") instanceof List<?> added) {
        for (Object o : added) {
          if (o instanceof Map<?, ?> t && t.get("id") instanceof Long id) {
            maxId = Math.max(maxId, id.intValue());
          }
        }
      }
      Optional<String> template = Optional.empty();
      Map<String, String> specialTokens = new LinkedHashMap<>();
      Path cfgPath = dir.resolve("tokenizer_config.json");
      if (Files.isRegularFile(cfgPath)) {
        Map<String, Object> cfg = JsonMaps.parseObject(Files.readString(cfgPath));
        template = configTemplate(cfg.get("chat_template"));
        for (String k : SPECIAL_TOKEN_KEYS) {
          String v = tokenString(cfg.get(k));
          if (v != null) {
            specialTokens.put(k, v);
          }
        }
      }
      // transformers 5 (and late 4.x) save the template as chat_template.jinja, which takes
      // priority over tokenizer_config.json's entry, as in transformers' from_pretrained
      Path jinja = dir.resolve("chat_template.jinja");
      if (Files.isRegularFile(jinja)) {
        template = Optional.of(Files.readString(jinja));
      }
      HuggingFaceTokenizer hf =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(json)
              .optAddSpecialTokens(true)
              .optTruncation(false)
              .optPadding(false)
              .build();
      return new ModelTokenizer(hf, special, template, specialTokens, maxId + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the tokenizer in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("tokenizer in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** tokenizer_config.json's chat_template: a string, or named templates of which "default". */
  private static Optional<String> configTemplate(Object t) {
    if (t instanceof String s) {
      return Optional.of(s);
    }
    if (t instanceof List<?> named) {
      for (Object o : named) {
        if (o instanceof Map<?, ?> m
            && "default".equals(m.get("name"))
            && m.get("template") instanceof String s) {
          return Optional.of(s);
        }
      }
    }
    return Optional.empty();
  }

  /** The named special tokens transformers passes to chat templates (special_tokens_map). */
  private static final List<String> SPECIAL_TOKEN_KEYS =
      List.of(
          "bos_token",
          "eos_token",
          "unk_token",
          "sep_token",
          "pad_token",
          "cls_token",
          "mask_token");

  private static String tokenString(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) {
      return s;
    }
    return null;
  }

  /**
   * Token ids of {@code text}.
   *
   * @param addSpecialTokens apply the tokenizer's post-processor (e.g. Llama's BOS)
   */
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding e = hf.encode(text, addSpecialTokens, false);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** Text of ids[from, to), special tokens skipped. */
  public String decode(int[] ids, int from, int to) {
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = ids[i];
    }
    return hf.decode(l, true);
  }

  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  /** One token's own text (special tokens included), e.g. for logprob alternatives. */
  public String tokenText(int id) {
    return hf.decode(new long[] {id}, false);
  }

  /** One more than the largest token id tokenizer.json defines. */
  public int vocabSizeHint() {
    return vocabSizeHint;
  }

  public boolean isSpecial(int id) {
    return special.get(id);
  }

  public Optional<String> chatTemplate() {
    return chatTemplate;
  }

  public String bosToken() {
    return specialTokens.getOrDefault("bos_token", "");
  }

  public String eosToken() {
    return specialTokens.getOrDefault("eos_token", "");
  }

  /** tokenizer_config.json's named special tokens (bos_token, eos_token, ...) that are set. */
  public Map<String, String> specialTokens() {
    return specialTokens;
  }

  @Override
  public void close() {
    hf.close();
  }
}
