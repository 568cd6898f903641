package io.openledger.factory.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.factory.out.TrainingManifest.ContributionUsed;
import io.openledger.factory.out.TrainingManifest.DatanetUsed;
import io.openledger.factory.out.TrainingManifest.Eval;
import io.openledger.factory.out.TrainingManifest.InfluenceMethod;
import io.openledger.factory.out.TrainingManifest.Mode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingManifestTest {
  static final String ROOT = "0x" + "ab".repeat(32);

  static TrainingManifest lora() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("mode", "lora");
    config.put("rank", 8L);
    config.put("targets", List.of("q_proj", "v_proj"));
    config.put("learningRate", 2.0e-4);
    return new TrainingManifest(
        Mode.LORA,
        Optional.of("tiny-llama"),
        List.of(new DatanetUsed(1, 2, ROOT)),
        List.of(
            new ContributionUsed(5, 1, 1234, OptionalDouble.of(0.0123)),
            new ContributionUsed(6, 1, 10, OptionalDouble.empty())),
        InfluenceMethod.DATAINF,
        Optional.of(new Eval(2.31, 10.07, 4096, 2.0)),
        config,
        7);
  }

  static final String LORA_TEXT =
      """
      {
        "format": "openledger-factory/1",
        "mode": "lora",
        "base": "tiny-llama",
        "datanets": [
          {
            "id": 1,
            "version": 2,
            "contributionsRoot": "%s"
          }
        ],
        "contributions": [
          {
            "id": 5,
            "datanet": 1,
            "tokens": 1234,
            "influence": 0.0123
          },
          {
            "id": 6,
            "datanet": 1,
            "tokens": 10
          }
        ],
        "influenceMethod": "datainf",
        "eval": {
          "heldOutLoss": 2.31,
          "perplexity": 10.07,
          "heldOutTokens": 4096,
          "trainLoss": 2.0
        },
        "config": {
          "mode": "lora",
          "rank": 8,
          "targets": [
            "q_proj",
            "v_proj"
          ],
          "learningRate": 2.0E-4
        },
        "seed": 7
      }
      """
          .formatted(ROOT);

  @Test
  void writesTheDocumentedLayoutAndReadsItBack(@TempDir Path tmp) {
    TrainingManifest m = lora();
    assertThat(m.text()).isEqualTo(LORA_TEXT);
    m.write(tmp);
    assertThat(TrainingManifest.read(tmp)).isEqualTo(m);
  }

  @Test
  void scratchModelWithoutEvalOrInfluenceRoundTrips() {
    TrainingManifest m =
        new TrainingManifest(
            Mode.FROM_SCRATCH,
            Optional.empty(),
            List.of(new DatanetUsed(3, 1, ROOT), new DatanetUsed(4, 9, ROOT)),
            List.of(new ContributionUsed(1, 3, 50, OptionalDouble.empty())),
            InfluenceMethod.TOKEN_SHARE,
            Optional.empty(),
            Map.of(),
            0);
    assertThat(m.text()).contains("\"base\": null").contains("\"eval\": null");
    assertThat(TrainingManifest.parse(m.text())).isEqualTo(m);
  }

  private static void refused(String text, String message) {
    assertThatThrownBy(() -> TrainingManifest.parse(text)).hasMessageContaining(message);
  }

  @Test
  void unknownKeysAreRefusedWithTheirPath() {
    refused(LORA_TEXT.replace("\"seed\": 7", "\"seed\": 7, \"extra\": 1"), "unknown key extra");
    refused(
        LORA_TEXT.replace("\"tokens\": 10", "\"tokens\": 10, \"weight\": 3"),
        "unknown key contributions[1].weight");
    refused(
        LORA_TEXT.replace("\"trainLoss\": 2.0", "\"trainLoss\": 2.0, \"bleu\": 1"),
        "unknown key eval.bleu");
    refused(
        LORA_TEXT.replace("\"version\": 2,", "\"version\": 2, \"name\": \"x\","),
        "unknown key datanets[0].name");
  }

  @Test
  void missingKeysAndWrongKindsAreRefusedWithTheirPath() {
    refused(LORA_TEXT.replace("  \"seed\": 7\n", "  \"seed\": null\n"), "seed must not be null");
    refused(LORA_TEXT.replace(",\n  \"seed\": 7", ""), "missing key seed");
    refused(
        LORA_TEXT.replace("\"tokens\": 10", "\"tokens\": \"10\""),
        "contributions[1].tokens must be a 64-bit integer");
    refused(
        LORA_TEXT.replace("\"tokens\": 10", "\"tokens\": 10.5"),
        "contributions[1].tokens must be a 64-bit integer");
    refused(LORA_TEXT.replace("\"heldOutTokens\": 4096,\n", ""), "missing key eval.heldOutTokens");
    refused(
        LORA_TEXT.replace("\"perplexity\": 10.07", "\"perplexity\": \"high\""),
        "eval.perplexity must be a number");
    refused(
        LORA_TEXT.replace("\"datanets\": [", "\"datanets\": [3, "),
        "datanets[0] must be an object");
    refused(LORA_TEXT.replace("\"seed\": 7", "\"seed\": 7, \"seed\": 8"), "Duplicate field 'seed'");
  }

  @Test
  void valuesOutsideTheirDomainAreRefused() {
    refused(
        LORA_TEXT.replace("openledger-factory/1", "openledger-factory/2"),
        "format is openledger-factory/2");
    refused(
        LORA_TEXT.replace("\"mode\": \"lora\",\n  \"base\"", "\"mode\": \"qlora\",\n  \"base\""),
        "mode is qlora, expected one of [lora, from-scratch]");
    refused(LORA_TEXT.replace("\"datainf\"", "\"vibes\""), "influenceMethod is vibes");
    refused(
        LORA_TEXT.replace("0.0123", "-0.5"), "contributions[0]: contribution 5 has influence -0.5");
    refused(LORA_TEXT.replace("\"tokens\": 10", "\"tokens\": -1"), "contribution 6 has -1 tokens");
    refused(LORA_TEXT.replace(ROOT, "0x12"), "datanets[0]: contributionsRoot must be 0x and 64");
    refused(
        LORA_TEXT.replace("\"base\": \"tiny-llama\"", "\"base\": null"),
        "a LoRA adapter needs its base");
    refused(LORA_TEXT.replace("\"id\": 6", "\"id\": 5"), "contribution 5 is listed twice");
    refused(
        LORA_TEXT.replace(
            "\"datanet\": 1,\n      \"tokens\": 10", "\"datanet\": 9,\n      \"tokens\": 10"),
        "contribution 6 names datanet 9, not in datanets");
  }
}
