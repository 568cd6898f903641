package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.trace.TraceResult;
import io.openledger.chain.types.Address;
import io.openledger.node.economy.DatanetIndexes.Accepted;
import io.openledger.node.economy.DatanetIndexes.BuiltVersion;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version indexes: deterministic bytes, the exclusion rule, tracing across versions. */
class DatanetIndexesTest {
  private static final Address ALICE = Address.ofLowBytes(0xa11ce);
  private static final Address BOB = Address.ofLowBytes(0xb0b);
  private static final Address MALLORY = Address.ofLowBytes(0x3a11);

  private static final String FOX =
      "The quick brown fox jumps over the lazy dog near the quiet river bank at dawn. "
          + "Every morning the fox returns to drink from the cold clear water of the stream. "
          + "Farmers in the valley tell their children stories about the clever animal, how it "
          + "outran the hounds of the old baron and hid for three winters in the hollow oak. "
          + "Travellers who cross the wooden bridge sometimes glimpse its red tail among the reeds "
          + "and stop to watch it hunt mice in the tall grass before the sun climbs over the hills.";
  private static final String LEDGER =
      "Attribution pays every contributor whose data shaped the answer of a model. "
          + "A ledger records each payment so that anyone can check the split later.";

  @TempDir Path dir;

  private static Accepted a(long id, Address who, String text) {
    return new Accepted(id, who, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBuiltVersionHasTheHashItsPreviewPromisedAndIsTheSameOnEveryNode() {
    List<Accepted> v1 = List.of(a(1, ALICE, FOX), a(2, BOB, LEDGER));
    BuiltVersion preview = DatanetIndexes.preview(7, 1, v1, 0);
    try (DatanetIndexes one = new DatanetIndexes(dir.resolve("one"));
        DatanetIndexes two = new DatanetIndexes(dir.resolve("two"))) {
      BuiltVersion b1 = one.build(7, 1, v1, 0, BuildProgress.NONE);
      BuiltVersion b2 = two.build(7, 1, v1, 0, BuildProgress.NONE);
      assertThat(b1).isEqualTo(preview).isEqualTo(b2);
      assertThat(b1.indexed()).containsExactly(1L, 2L);
      assertThat(b1.excluded()).isEmpty();
      assertThat(b1.indexHash()).isNotEqualTo(DatanetIndexes.EMPTY_INDEX);
      // building again is a no-op that reports the same version
      assertThat(one.build(7, 1, v1, 0, BuildProgress.NONE)).isEqualTo(b1);
    }
    // a different corpus gives a different hash
    assertThat(DatanetIndexes.preview(7, 1, List.of(a(1, ALICE, FOX)), 0).indexHash())
        .isNotEqualTo(preview.indexHash());
  }

  @Test
  void aNearDuplicateFromAnotherAddressIsLeftOutButTheSameAuthorsRevisionIsNot() {
    String copied = FOX.replace("dawn", "dusk");
    List<Accepted> accepted =
        List.of(a(1, ALICE, FOX), a(2, MALLORY, copied), a(3, ALICE, copied), a(4, BOB, LEDGER));
    BuiltVersion v = DatanetIndexes.preview(1, 1, accepted, 0);
    assertThat(v.indexed()).containsExactly(1L, 3L, 4L);
    assertThat(v.excluded()).hasSize(1);
    assertThat(v.excluded().getFirst().contributionId()).isEqualTo(2L);
    assertThat(v.excluded().getFirst().reason())
        .startsWith("near duplicate of contribution 1 by " + ALICE);
  }

  @Test
  void bytesThatAreNotUtf8TextAreLeftOutWithTheReason() {
    List<Accepted> accepted =
        List.of(a(1, ALICE, FOX), new Accepted(2, BOB, new byte[] {(byte) 0xff, (byte) 0xfe, 65}));
    BuiltVersion v = DatanetIndexes.preview(1, 1, accepted, 0);
    assertThat(v.indexed()).containsExactly(1L);
    assertThat(v.excluded().getFirst().reason()).startsWith("not indexable: ");
  }

  @Test
  void aLaterVersionIndexesOnlyItsNewContributionsAndTracesSeeEveryEarlierVersion() {
    try (DatanetIndexes idx = new DatanetIndexes(dir)) {
      List<Accepted> all = new ArrayList<>(List.of(a(1, ALICE, FOX)));
      idx.build(3, 1, all, 0, BuildProgress.NONE);
      all.add(a(2, BOB, LEDGER));
      all.add(a(5, MALLORY, FOX.replace("morning", "evening")));
      BuiltVersion v2 = idx.build(3, 2, all, 1, BuildProgress.NONE);
      assertThat(v2.indexed()).containsExactly(2L);
      assertThat(v2.excluded())
          .extracting(DatanetIndexes.Exclusion::contributionId)
          .containsExactly(5L);

      String output =
          "I heard that the quick brown fox jumps over the lazy dog near the quiet river"
              + " bank. Attribution pays every contributor whose data shaped the answer of a model.";
      TraceResult at1 = idx.tracer(List.of(new DatanetVersionRef(3, 1))).trace(output);
      TraceResult at2 = idx.tracer(List.of(new DatanetVersionRef(3, 2))).trace(output);
      assertThat(at1.ppmOf("1")).isPositive();
      assertThat(at1.ppmOf("2")).isZero();
      assertThat(at2.ppmOf("1")).isPositive();
      assertThat(at2.ppmOf("2")).isPositive();
      assertThat(at2.ppmOf("5")).isZero();
    }
    // reopened from disk, the built versions are the same
    try (DatanetIndexes again = new DatanetIndexes(dir)) {
      assertThat(again.built(3, 2).orElseThrow().indexed()).containsExactly(2L);
      assertThat(again.built(3, 3)).isEmpty();
    }
  }

  @Test
  void aVersionWhoseNewContributionsAreAllLeftOutHasTheEmptyIndexHash() {
    try (DatanetIndexes idx = new DatanetIndexes(dir)) {
      List<Accepted> all = List.of(a(1, ALICE, FOX), a(2, MALLORY, FOX));
      idx.build(4, 1, all.subList(0, 1), 0, BuildProgress.NONE);
      BuiltVersion v2 = idx.build(4, 2, all, 1, BuildProgress.NONE);
      assertThat(v2.indexHash()).isEqualTo(DatanetIndexes.EMPTY_INDEX);
      assertThat(idx.tracer(List.of(new DatanetVersionRef(4, 2))).trace(FOX).ppmOf("1"))
          .isPositive();
    }
  }

  @Test
  void theIndexHashOfAVersionInPartsHashesThePartsHashesInOrder() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("a.olsa"), "first part");
    java.nio.file.Files.writeString(dir.resolve("b.olsa"), "second part");
    io.openledger.attribution.index.CorpusIndex.ShardInfo a =
        new io.openledger.attribution.index.CorpusIndex.ShardInfo("v1", "a.olsa", 1, 1, 0);
    io.openledger.attribution.index.CorpusIndex.ShardInfo b =
        new io.openledger.attribution.index.CorpusIndex.ShardInfo("v1", "b.olsa", 1, 1, 0);
    io.openledger.chain.types.Hash ha =
        io.openledger.chain.types.Hash.keccak256("first part".getBytes(StandardCharsets.UTF_8));
    io.openledger.chain.types.Hash hb =
        io.openledger.chain.types.Hash.keccak256("second part".getBytes(StandardCharsets.UTF_8));
    assertThat(DatanetIndexes.indexHash(dir, List.of(a))).isEqualTo(ha);
    byte[] both = new byte[64];
    System.arraycopy(ha.toArray(), 0, both, 0, 32);
    System.arraycopy(hb.toArray(), 0, both, 32, 32);
    assertThat(DatanetIndexes.indexHash(dir, List.of(a, b)))
        .isEqualTo(io.openledger.chain.types.Hash.keccak256(both))
        .isNotEqualTo(DatanetIndexes.indexHash(dir, List.of(b, a)));
  }
}
