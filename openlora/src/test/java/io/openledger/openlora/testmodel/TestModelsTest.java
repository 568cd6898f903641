package io.openledger.openlora.testmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TestModelsTest {

  @Test
  void sameSpecGivesSameBytes() throws IOException {
    ModelSpec spec = ModelSpec.tiny();
    Path a = TestModels.writeModel(Fixtures.newDir("a"), spec);
    Path b = TestModels.writeModel(Fixtures.newDir("b"), spec);
    for (String f :
        new String[] {
          "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"
        }) {
      assertThat(Files.readAllBytes(a.resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(b.resolve(f)));
    }
    Path x = TestModels.writeAdapter(Fixtures.newDir("x"), spec, AdapterSpec.of(4, 3));
    Path y = TestModels.writeAdapter(Fixtures.newDir("y"), spec, AdapterSpec.of(4, 3));
    assertThat(Files.readAllBytes(x.resolve("adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(y.resolve("adapter_model.safetensors")));
  }

  @Test
  void generatedModelLoadsWithTheShapesOfItsSpec() {
    ModelSpec spec = ModelSpec.tiny();
    try (LlamaModel m = LlamaModel.load(Fixtures.tinyModel(), false)) {
      LlamaConfig c = m.config();
      assertThat(c.hiddenSize()).isEqualTo(spec.hiddenSize());
      assertThat(c.kvHeads()).isEqualTo(spec.kvHeads());
      assertThat(c.vocabSize()).isEqualTo(spec.vocabSize());
      assertThat(m.parameters()).isEqualTo(spec.parameters());
      assertThat(m.weightFormat()).isEqualTo("F32");
    }
  }

  @Test
  void tokenizerRoundTripsTextAndUsesLearnedMerges() {
    try (ModelTokenizer t = ModelTokenizer.load(Fixtures.tinyModel())) {
      SplittableRandom r = new SplittableRandom(5);
      String corpus = Corpus.text(99, 20_000, 300);
      for (int c = 0; c < 200; c++) {
        int from = r.nextInt(corpus.length() - 200);
        String text = corpus.substring(from, from + 1 + r.nextInt(199));
        int[] ids = t.encode(text, false);
        assertThat(t.decode(ids)).as("case %d", c).isEqualTo(text);
        assertThat(ids.length)
            .as("merges shorten text, case %d", c)
            .isLessThanOrEqualTo(text.length());
      }
      String unicode = "naïve café — 東京 🚀";
      assertThat(t.decode(t.encode(unicode, false))).isEqualTo(unicode);
      int[] withBos = t.encode("the model", true);
      assertThat(t.isSpecial(withBos[0])).isTrue();
      assertThat(t.tokenText(withBos[0])).isEqualTo(TestModels.BOS);
      assertThat(t.chatTemplate()).contains(TestModels.CHAT_TEMPLATE);
    }
  }
}
