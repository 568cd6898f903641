package io.openledger.node.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStatus;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.DataType;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.factory.data.Document;
import io.openledger.node.cli.CliException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * {@link DatanetTrainingSource} over an in-memory chain and blob store: the latest version by
 * default, text that is not UTF-8, and a node that lists another datanet's contribution (the
 * real-node cases are in TrainingFeeE2ETest).
 */
class DatanetTrainingSourceTest {
  private static final Address OWNER =
      Address.fromHex("0x1111111111111111111111111111111111111111");

  /** A datanet of {@code blobs}, all accepted, version 1 holding the first, version 2 all. */
  private static final class Fake implements DatanetTrainingSource.Chain {
    final Map<Long, Contribution> contributions = new HashMap<>();
    final Map<Hash, byte[]> store = new HashMap<>();
    final List<Long> accepted = new ArrayList<>();

    Fake(List<byte[]> blobs) {
      for (byte[] b : blobs) {
        long id = 10 + accepted.size();
        Hash h = Hash.keccak256(b);
        contributions.put(
            id,
            new Contribution(
                id, 1, OWNER, h, b.length, Hash.ZERO, ContributionStatus.ACCEPTED, 90, 0));
        store.put(h, b);
        accepted.add(id);
      }
    }

    @Override
    public Datanet datanet(long id) {
      return new Datanet(
          id,
          OWNER,
          "d",
          "",
          List.of(),
          DataType.TEXT,
          new Licence(Licence.COMMERCIAL_USE),
          "",
          accepted.size(),
          accepted.size(),
          2);
    }

    @Override
    public DatanetVersion version(long datanetId, int version) {
      int n = version == 1 ? 1 : accepted.size();
      List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Contribution c = contributions.get(accepted.get(i));
        leaves.add(new ContributionsMerkle.Leaf(c.id(), c.blobHash()));
      }
      return new DatanetVersion(
          datanetId, version, ContributionsMerkle.root(leaves), Hash.ZERO, n, 0);
    }

    @Override
    public long acceptedAt(long datanetId, long index) {
      return accepted.get((int) index);
    }

    @Override
    public Contribution contribution(long id) {
      return contributions.get(id);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheLatestVersionByDefaultAndAnOlderOneWhenNamed() {
    Fake f = new Fake(List.of(utf8("first"), utf8("second ✓")));
    DatanetTrainingSource s = new DatanetTrainingSource(f, f.store::get);
    assertThat(s.read(List.of(DatanetTrainingSource.Spec.parse("1")), true).documents())
        .containsExactly(new Document(1, 2, 10, "first"), new Document(1, 2, 11, "second ✓"));
    assertThat(
            s.read(List.of(new DatanetTrainingSource.Spec(1, OptionalInt.of(1))), true).documents())
        .containsExactly(new Document(1, 1, 10, "first"));
  }

  @Test
  void refusesTextThatIsNotUtf8() {
    Fake f = new Fake(List.of(utf8("ok"), new byte[] {'a', (byte) 0xff, 'b'}));
    DatanetTrainingSource s = new DatanetTrainingSource(f, f.store::get);
    assertThatThrownBy(() -> s.read(List.of(DatanetTrainingSource.Spec.parse("1@2")), false))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("datanet 1 version 2: contribution 11 is not UTF-8 text");
  }

  @Test
  void refusesAListingThatNamesAnotherDatanetsContribution() {
    Fake f = new Fake(List.of(utf8("a"), utf8("b")));
    Contribution c = f.contributions.get(11L);
    f.contributions.put(
        11L,
        new Contribution(
            11, 2, OWNER, c.blobHash(), c.size(), Hash.ZERO, ContributionStatus.ACCEPTED, 90, 0));
    DatanetTrainingSource s = new DatanetTrainingSource(f, f.store::get);
    assertThatThrownBy(() -> s.read(List.of(DatanetTrainingSource.Spec.parse("1")), false))
        .hasMessage("datanet 1 version 2: the node lists contribution 11 of datanet 2");
    assertThatThrownBy(() -> s.read(List.of(), false))
        .hasMessage("no datanet named (--datanet ID[@VERSION])");
  }
}
