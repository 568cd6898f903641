package io.openledger.node.economy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Hash;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * training.json as {@code model register --from} reads it: the hash of its bytes, strict fields.
 */
class TrainingFileTest {
  @TempDir Path dir;

  private static final String ROOT = "0x" + "ab".repeat(32);

  private TrainingFile write(String json) throws Exception {
    Files.writeString(dir.resolve("training.json"), json);
    return TrainingFile.read(dir);
  }

  @Test
  void readsTheContractFormatAndHashesTheExactBytes() throws Exception {
    String json =
        "{\"format\":\"openledger-factory/1\",\"mode\":\"lora\",\"base\":null,"
            + "\"datanets\":[{\"id\":1,\"version\":2,\"contributionsRoot\":\""
            + ROOT
            + "\"}],"
            + "\"contributions\":[{\"id\":5,\"datanet\":1,\"tokens\":12,\"influence\":0.0123},"
            + "{\"id\":6,\"datanet\":1,\"tokens\":3}],\"influenceMethod\":\"datainf\"}";
    TrainingFile f = write(json);
    assertThat(f.hash()).isEqualTo(Hash.keccak256(json.getBytes(StandardCharsets.UTF_8)));
    assertThat(f.mode()).isEqualTo("lora");
    assertThat(f.datanets()).containsExactly(new TrainingFile.Version(1, 2, Hash.fromHex(ROOT)));
    assertThat(f.contributions())
        .containsExactly(
            new TrainingFile.Contribution(5, 1, 12, Optional.of(new BigDecimal("0.0123"))),
            new TrainingFile.Contribution(6, 1, 3, Optional.empty()));
  }

  @Test
  void refusesWhatItDoesNotUnderstandByName() throws Exception {
    String where = dir.resolve("training.json").toString();
    String ok = "\"datanets\":[{\"id\":1,\"version\":1,\"contributionsRoot\":\"" + ROOT + "\"}],";
    assertThatThrownBy(() -> write("{\"format\":\"openledger-factory/2\",\"mode\":\"lora\"}"))
        .hasMessage(
            where + ": format is openledger-factory/2, this version reads openledger-factory/1");
    assertThatThrownBy(() -> write("{\"format\":\"openledger-factory/1\",\"mode\":\"qlora\"}"))
        .hasMessage(where + ": mode is qlora, want lora or from-scratch");
    assertThatThrownBy(
            () ->
                write(
                    "{\"format\":\"openledger-factory/1\",\"mode\":\"lora\","
                        + ok
                        + "\"contributions\":[{\"id\":5,\"datanet\":1,\"tokens\":-1}]}"))
        .hasMessage(where + ": contributions[0]: tokens is negative");
    assertThatThrownBy(
            () ->
                write(
                    "{\"format\":\"openledger-factory/1\",\"mode\":\"lora\","
                        + ok
                        + "\"contributions\":[{\"id\":5,\"tokens\":1}]}"))
        .hasMessage(where + ": contributions[0]: datanet is missing or not an integer");
    assertThatThrownBy(
            () ->
                write(
                    "{\"format\":\"openledger-factory/1\",\"mode\":\"lora\","
                        + ok
                        + "\"contributions\":[{\"id\":5,\"datanet\":1,\"tokens\":1,"
                        + "\"influence\":\"high\"}]}"))
        .hasMessage(where + ": contributions[0]: influence is not a number");
    assertThatThrownBy(
            () ->
                write(
                    "{\"format\":\"openledger-factory/1\",\"mode\":\"lora\",\"datanets\":[],"
                        + "\"contributions\":[]}"))
        .hasMessage(where + ": datanets is empty");
  }
}
