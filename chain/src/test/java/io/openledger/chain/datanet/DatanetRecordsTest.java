package io.openledger.chain.datanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Storage codecs of the datanet records round-trip; licences and statuses read as specified. */
class DatanetRecordsTest {

  @Test
  void recordsRoundTripThroughTheirStorageEncoding() {
    SplittableRandom rnd = new SplittableRandom(1002);
    for (int i = 0; i < 3_000; i++) {
      List<String> tags = new ArrayList<>();
      for (int k = rnd.nextInt(5); k > 0; k--) {
        tags.add(text(rnd));
      }
      Datanet d =
          new Datanet(
              rnd.nextLong(1, Long.MAX_VALUE),
              address(rnd),
              text(rnd),
              text(rnd),
              tags,
              DataType.values()[rnd.nextInt(3)],
              new Licence(rnd.nextInt(16)),
              text(rnd),
              rnd.nextLong(Long.MAX_VALUE),
              rnd.nextLong(Long.MAX_VALUE),
              rnd.nextInt(Integer.MAX_VALUE));
      byte[] header = d.header().encode();
      assertThat(header).hasSize(Datanet.Header.ENCODED_SIZE);
      assertThat(Datanet.decode(d.id(), header, d.encodeText())).as("case %d", i).isEqualTo(d);

      Contribution c =
          new Contribution(
              rnd.nextLong(1, Long.MAX_VALUE),
              rnd.nextLong(1, Long.MAX_VALUE),
              address(rnd),
              hash(rnd),
              rnd.nextLong(Long.MAX_VALUE),
              hash(rnd),
              ContributionStatus.values()[rnd.nextInt(3)],
              rnd.nextInt(101),
              rnd.nextLong(Long.MAX_VALUE));
      assertThat(Contribution.decode(c.id(), c.encode())).as("case %d", i).isEqualTo(c);

      DatanetVersion v =
          new DatanetVersion(
              rnd.nextLong(1, Long.MAX_VALUE),
              rnd.nextInt(1, Integer.MAX_VALUE),
              hash(rnd),
              hash(rnd),
              rnd.nextLong(Long.MAX_VALUE),
              rnd.nextLong(Long.MAX_VALUE));
      assertThat(DatanetVersion.decode(v.datanetId(), v.version(), v.encode()))
          .as("case %d", i)
          .isEqualTo(v);
    }
  }

  @Test
  void licenceFlagsAreTheFourOfTheSpecification() {
    Licence all = new Licence(15);
    assertThat(all.commercialUse()).isTrue();
    assertThat(all.attributionRequired()).isTrue();
    assertThat(all.shareAlike()).isTrue();
    assertThat(all.noDerivatives()).isTrue();
    assertThat(all).hasToString("commercial use, attribution, share-alike, no derivatives");
    assertThat(new Licence(0)).hasToString("none");
    assertThat(new Licence(Licence.NO_DERIVATIVES).commercialUse()).isFalse();
    assertThat(Licence.isValid(16)).isFalse();
    assertThat(Licence.isValid(0xffff_ffffL)).isFalse();
    assertThatThrownBy(() -> new Licence(0x31))
        .hasMessage("unknown licence flags 0x30 (defined: 0xf)");
  }

  @Test
  void codesOfDataTypesAndStatuses() {
    assertThat(DataType.of(0)).contains(DataType.TEXT);
    assertThat(DataType.of(2)).contains(DataType.AUDIO);
    assertThat(DataType.of(3)).isEmpty();
    assertThat(ContributionStatus.of(1)).contains(ContributionStatus.PENDING);
    assertThat(ContributionStatus.of(3)).contains(ContributionStatus.REJECTED);
    assertThat(ContributionStatus.of(0)).isEmpty();
  }

  private static String text(SplittableRandom rnd) {
    StringBuilder b = new StringBuilder();
    for (int n = rnd.nextInt(12); n > 0; n--) {
      b.appendCodePoint(rnd.nextInt(4) == 0 ? rnd.nextInt(0x4e00, 0x9fff) : rnd.nextInt(32, 127));
    }
    return b.toString();
  }

  private static Address address(SplittableRandom rnd) {
    byte[] b = new byte[20];
    rnd.nextBytes(b);
    return Address.wrap(b);
  }

  private static Hash hash(SplittableRandom rnd) {
    byte[] b = new byte[32];
    rnd.nextBytes(b);
    return Hash.wrap(b);
  }
}
