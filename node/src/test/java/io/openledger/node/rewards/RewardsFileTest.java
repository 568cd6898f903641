package io.openledger.node.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.distributor.ClaimTree;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published rewards file: written and read back unchanged, refused when tampered with. */
class RewardsFileTest {
  @TempDir Path dir;

  private static RewardsFile sample() {
    List<ClaimTree.Entry> entries =
        List.of(
            new ClaimTree.Entry(Address.ofLowBytes(0xa1), Amount.of(600)),
            new ClaimTree.Entry(Address.ofLowBytes(0xb2), Amount.of(300)),
            new ClaimTree.Entry(Address.ofLowBytes(0xc3), Amount.of(100)));
    ClaimTree tree = ClaimTree.of(entries);
    List<RewardsFile.Line> lines = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      lines.add(
          new RewardsFile.Line(
              entries.get(i).account(), 6 - 2L * i, entries.get(i).amount(), tree.proof(i)));
    }
    return new RewardsFile(
        161201, 42, Hash.keccak256(new byte[] {42}), Amount.of(1000), 12, tree.root(), lines);
  }

  @Test
  void aWrittenFileReadsBackTheSame() {
    Path f = dir.resolve("rewards.json");
    sample().write(f);
    RewardsFile back = RewardsFile.read(f);
    assertThat(back).usingRecursiveComparison().isEqualTo(sample());
    assertThat(back.lineOf(Address.ofLowBytes(0xb2)).orElseThrow().amount())
        .isEqualTo(Amount.of(300));
    assertThat(back.lineOf(Address.ofLowBytes(0xd4))).isEmpty();
  }

  @Test
  void aFileWhoseEntriesDoNotHashToItsRootIsRefused() throws Exception {
    Path f = dir.resolve("rewards.json");
    sample().write(f);
    Files.writeString(f, Files.readString(f).replace("\"600\"", "\"601\""));
    assertThatThrownBy(() -> RewardsFile.read(f))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("its root " + sample().root() + " is not the root of its entries");
    Files.writeString(f, "{\"format\": \"something else\"}");
    assertThatThrownBy(() -> RewardsFile.read(f))
        .hasMessage(f + " is not a rewards file (want \"format\": \"openledger-rewards-1\")");
  }
}
