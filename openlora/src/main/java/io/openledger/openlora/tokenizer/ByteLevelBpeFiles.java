package io.openledger.openlora.tokenizer;

import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a byte-level BPE tokenizer learned by {@link BpeTrainer} as Hugging Face's {@code
 * tokenizer.json} and {@code tokenizer_config.json} (what {@link ModelTokenizer}, transformers and
 * the tokenizers library load): GPT-2's byte-level pre-tokenizer and decoder, Llama 3's special
 * tokens at the end of the vocabulary (reserved ones filling it up to the model's size), a BOS
 * post-processor and the ChatML chat template.
 */
public final class ByteLevelBpeFiles {
  private ByteLevelBpeFiles() {}

  /** The special tokens, at the end of the vocabulary (as Llama 3 places them). */
  public static final String BOS = "<|begin_of_text|>";

  public static final String EOS = "<|end_of_text|>";
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";

  /** The named special tokens, in id order after the reserved ones. */
  public static final List<String> SPECIALS = List.of(BOS, EOS, IM_START, IM_END);

  /** ChatML, as Qwen2 and SmolLM2 ship it. */
  public static final String CHAT_TEMPLATE =
      "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' +"
          + " message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  /**
   * Writes {@code dir/tokenizer.json} and {@code dir/tokenizer_config.json}.
   *
   * @param vocabSize the model's vocabulary: learned tokens, then reserved special tokens, then
   *     {@link #SPECIALS}
   * @param modelMaxLength tokenizer_config's model_max_length (the model's context)
   * @return the ids of {@link #SPECIALS}, by token
   */
  public static Map<String, Integer> write(
      Path dir, BpeTrainer.Result bpe, int vocabSize, int modelMaxLength) {
    if (bpe.tokens().size() + SPECIALS.size() > vocabSize) {
      throw new IllegalArgumentException(
          bpe.tokens().size()
              + " learned tokens and "
              + SPECIALS.size()
              + " special tokens do not fit a vocabulary of "
              + vocabSize);
    }
    try {
      Files.createDirectories(dir);
      Map<String, Integer> specialIds = writeTokenizerJson(dir, bpe, vocabSize);
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("add_bos_token", true);
      cfg.put("add_eos_token", false);
      cfg.put("bos_token", BOS);
      cfg.put("eos_token", EOS);
      cfg.put("chat_template", CHAT_TEMPLATE);
      cfg.put("clean_up_tokenization_spaces", false);
      cfg.put("model_max_length", (long) modelMaxLength);
      cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
      Files.writeString(dir.resolve("tokenizer_config.json"), JsonMaps.writePretty(cfg));
      return specialIds;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tokenizer in " + dir, e);
    }
  }

  private static Map<String, Integer> writeTokenizerJson(
      Path dir, BpeTrainer.Result bpe, int vocabSize) throws IOException {
    Map<String, Object> vocab = new LinkedHashMap<>();
    for (int i = 0; i < bpe.tokens().size(); i++) {
      vocab.put(bpe.tokens().get(i), (long) i);
    }
    List<Map<String, Object>> added = new ArrayList<>();
    Map<String, Integer> specialIds = new LinkedHashMap<>();
    int next = bpe.tokens().size();
    // pad to the configured vocabulary with reserved special tokens, as Llama 3 does
    List<String> allSpecials = new ArrayList<>();
    for (int i = 0; next + allSpecials.size() + SPECIALS.size() < vocabSize; i++) {
      allSpecials.add("<|reserved_" + i + "|>");
    }
    allSpecials.addAll(SPECIALS);
    for (String sp : allSpecials) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", (long) next);
      t.put("content", sp);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
      added.add(t);
      vocab.put(sp, (long) next);
      if (SPECIALS.contains(sp)) {
        specialIds.put(sp, next);
      }
      next++;
    }
    List<Object> merges = new ArrayList<>();
    for (BpeTrainer.Merge m : bpe.merges()) {
      merges.add(m.left() + " " + m.right());
    }

    Map<String, Object> byteLevel = new LinkedHashMap<>();
    byteLevel.put("type", "ByteLevel");
    byteLevel.put("add_prefix_space", false);
    byteLevel.put("trim_offsets", true);
    byteLevel.put("use_regex", true);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("dropout", null);
    model.put("unk_token", null);
    model.put("continuing_subword_prefix", null);
    model.put("end_of_word_suffix", null);
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    model.put("vocab", vocab);
    model.put("merges", merges);
    Map<String, Object> tok = new LinkedHashMap<>();
    tok.put("version", "1.0");
    tok.put("truncation", null);
    tok.put("padding", null);
    tok.put("added_tokens", added);
    tok.put("normalizer", null);
    tok.put("pre_tokenizer", byteLevel);
    tok.put("post_processor", bosTemplate(specialIds.get(BOS)));
    tok.put("decoder", byteLevel);
    tok.put("model", model);
    Files.writeString(dir.resolve("tokenizer.json"), JsonMaps.write(tok));
    return specialIds;
  }

  /** Llama 3's post-processor: BOS before every sequence. */
  private static Map<String, Object> bosTemplate(int bosId) {
    Map<String, Object> special = Map.of("SpecialToken", idAndType(BOS, 0));
    Map<String, Object> seqA = Map.of("Sequence", idAndType("A", 0));
    Map<String, Object> special1 = Map.of("SpecialToken", idAndType(BOS, 1));
    Map<String, Object> seqB = Map.of("Sequence", idAndType("B", 1));
    Map<String, Object> bos = new LinkedHashMap<>();
    bos.put("id", BOS);
    bos.put("ids", List.of((long) bosId));
    bos.put("tokens", List.of(BOS));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "TemplateProcessing");
    p.put("single", List.of(special, seqA));
    p.put("pair", List.of(special, seqA, special1, seqB));
    p.put("special_tokens", Map.of(BOS, bos));
    return p;
  }

  /** Ordered, so the file's bytes never depend on hash iteration order. */
  private static Map<String, Object> idAndType(String id, long typeId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("type_id", typeId);
    return m;
  }
}
