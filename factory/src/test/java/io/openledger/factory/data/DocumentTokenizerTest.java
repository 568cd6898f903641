package io.openledger.factory.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentTokenizerTest {
  @TempDir Path tmp;
  ScratchTokenizer.SpecialIds ids;

  @BeforeEach
  void writeTokenizer() {
    ids =
        ScratchTokenizer.write(
            List.of(new Document(1, 1, 1, "the cat sat on the mat")), 300, 64, tmp);
  }

  private void editConfig(Consumer<Map<String, Object>> edit) throws IOException {
    Path f = tmp.resolve("tokenizer_config.json");
    Map<String, Object> cfg = JsonMaps.parseObject(Files.readString(f));
    edit.accept(cfg);
    Files.writeString(f, JsonMaps.writePretty(cfg));
  }

  @Test
  void framesWithTheConfiguredBosAndEos() {
    try (ModelTokenizer t = ModelTokenizer.load(tmp)) {
      DocumentTokenizer dt = DocumentTokenizer.of(t);
      int[] s = dt.stream("the cat");
      assertThat(s[0]).isEqualTo(ids.bos());
      assertThat(s[s.length - 1]).isEqualTo(ids.eos());
      assertThat(t.decode(s)).isEqualTo("the cat");
      assertThat(dt.stream("")).containsExactly(ids.bos(), ids.eos());
    }
  }

  @Test
  void aTokenizerWithoutBosStartsDocumentsWithText() throws IOException {
    editConfig(c -> c.remove("bos_token"));
    try (ModelTokenizer t = ModelTokenizer.load(tmp)) {
      DocumentTokenizer dt = DocumentTokenizer.of(t);
      assertThat(dt.bos()).isEmpty();
      int[] s = dt.stream("the cat");
      assertThat(t.decode(new int[] {s[0]})).isEqualTo("the");
      assertThat(s[s.length - 1]).isEqualTo(ids.eos());
    }
  }

  @Test
  void refusesAMissingEosAndTokensThatAreNotOneSpecialToken() throws IOException {
    editConfig(c -> c.remove("eos_token"));
    try (ModelTokenizer t = ModelTokenizer.load(tmp)) {
      assertThatThrownBy(() -> DocumentTokenizer.of(t))
          .hasMessage("tokenizer_config.json names no eos_token");
    }
    editConfig(c -> c.put("eos_token", "cat"));
    try (ModelTokenizer t = ModelTokenizer.load(tmp)) {
      assertThatThrownBy(() -> DocumentTokenizer.of(t))
          .hasMessage("tokenizer_config.json's eos_token cat is not one special token");
    }
    editConfig(c -> c.put("bos_token", "<s>"));
    try (ModelTokenizer t = ModelTokenizer.load(tmp)) {
      assertThatThrownBy(() -> DocumentTokenizer.of(t))
          .hasMessage("tokenizer_config.json's bos_token <s> is not one special token");
    }
  }
}
