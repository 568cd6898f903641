package io.openledger.node.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Hash;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * training.json as a registration reads it: the factory's own reader, the keccak of the exact
 * bytes, and every refusal naming the file and the key.
 */
class TrainingManifestFileTest {
  @TempDir Path dir;

  private static final String ROOT = "0x" + "ab".repeat(32);

  static TrainingManifest manifest() {
    return new TrainingManifest(
        TrainingManifest.Mode.LORA,
        Optional.of("tiny"),
        List.of(new TrainingManifest.DatanetUsed(1, 2, ROOT)),
        List.of(
            new TrainingManifest.ContributionUsed(5, 1, 12, OptionalDouble.of(0.0123)),
            new TrainingManifest.ContributionUsed(6, 1, 3, OptionalDouble.empty())),
        TrainingManifest.InfluenceMethod.DATAINF,
        Optional.empty(),
        Map.of("rank", 4L),
        7);
  }

  @Test
  void readsWhatTheFactoryWritesAndHashesTheExactBytes() throws Exception {
    Path file = manifest().write(dir);
    TrainingManifestFile read = TrainingManifestFile.read(dir);
    assertThat(read.manifest()).isEqualTo(manifest());
    assertThat(read.file()).isEqualTo(file);
    assertThat(read.hash()).isEqualTo(Hash.keccak256(Files.readAllBytes(file)));

    // the same manifest laid out otherwise is another report: the hash is of the bytes
    Files.writeString(file, manifest().text().replace("\n", "\r\n"));
    TrainingManifestFile other = TrainingManifestFile.read(dir);
    assertThat(other.manifest()).isEqualTo(manifest());
    assertThat(other.hash()).isNotEqualTo(read.hash());
  }

  @Test
  void refusesWhatItDoesNotUnderstandNamingTheFileAndTheKey() throws Exception {
    Path file = dir.resolve("training.json");
    assertThatThrownBy(() -> TrainingManifestFile.read(dir))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("cannot read " + file);
    String ok = manifest().text();
    String[][] cases = {
      {
        ok.replace("openledger-factory/1", "openledger-factory/2"),
        "format is openledger-factory/2, expected openledger-factory/1"
      },
      {ok.replace("\"lora\"", "\"qlora\""), "mode is qlora, expected one of [lora, from-scratch]"},
      {
        ok.replace("\"tokens\": 12", "\"tokens\": -1"),
        "contributions[0]: contribution 5 has -1 tokens"
      },
      {ok.replace("\"datanet\": 1,", ""), "missing key contributions[0].datanet"},
      {ok.replace("0.0123", "\"high\""), "contributions[0].influence must be a number, got high"},
      {ok.replace("\"seed\"", "\"sede\""), "unknown key sede"},
      {
        ok.replace("\"datanet\": 1,", "\"datanet\": 4,"),
        "contribution 5 names datanet 4, not in datanets"
      },
    };
    for (String[] c : cases) {
      assertThat(c[0]).as(c[1]).isNotEqualTo(ok);
      Files.writeString(file, c[0]);
      assertThatThrownBy(() -> TrainingManifestFile.read(dir))
          .isInstanceOf(CliException.class)
          .hasMessage(file + ": " + c[1]);
    }
    Files.write(file, new byte[] {'{', (byte) 0xff, '}'});
    assertThatThrownBy(() -> TrainingManifestFile.read(dir))
        .isInstanceOf(CliException.class)
        .hasMessage(file + " is not UTF-8 text");
  }
}
