package io.openledger.factory.data;

import io.openledger.openlora.tokenizer.BpeTrainer;
import io.openledger.openlora.tokenizer.ByteLevelBpeFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer of a model trained from scratch: a byte-level BPE learned on the training documents
 * (GPT-2's alphabet, so any text encodes without unknown tokens), written as Hugging Face's
 * tokenizer.json and tokenizer_config.json with Llama 3's special tokens and the ChatML chat
 * template (the model serves completions and chat).
 */
public final class ScratchTokenizer {
  private ScratchTokenizer() {}

  /** The ids of the special tokens, at the end of the vocabulary. */
  public record SpecialIds(int bos, int eos, int imStart, int imEnd) {}

  /** The smallest vocabulary: the 256 byte tokens and the special tokens. */
  public static final int MIN_VOCAB = 256 + ByteLevelBpeFiles.SPECIALS.size();

  /**
   * Learns a vocabulary of {@code vocabSize} tokens on the documents' texts (each pre-tokenized on
   * its own; the result does not depend on their order) and writes {@code dir/tokenizer.json} and
   * {@code dir/tokenizer_config.json}. When the texts run out of pairs seen twice, reserved special
   * tokens fill the vocabulary up to {@code vocabSize}, as Llama 3's does.
   *
   * @param modelMaxLength the model's context, in tokens
   */
  public static SpecialIds write(
      List<Document> documents, int vocabSize, int modelMaxLength, Path dir) {
    if (vocabSize < MIN_VOCAB) {
      throw new IllegalArgumentException(
          "vocab " + vocabSize + " is below " + MIN_VOCAB + " (256 bytes and the special tokens)");
    }
    List<String> texts = new ArrayList<>(documents.size());
    for (Document d : documents) {
      texts.add(d.text());
    }
    BpeTrainer.Result bpe = BpeTrainer.train(texts, vocabSize - ByteLevelBpeFiles.SPECIALS.size());
    Map<String, Integer> ids = ByteLevelBpeFiles.write(dir, bpe, vocabSize, modelMaxLength);
    return new SpecialIds(
        ids.get(ByteLevelBpeFiles.BOS),
        ids.get(ByteLevelBpeFiles.EOS),
        ids.get(ByteLevelBpeFiles.IM_START),
        ids.get(ByteLevelBpeFiles.IM_END));
  }
}
