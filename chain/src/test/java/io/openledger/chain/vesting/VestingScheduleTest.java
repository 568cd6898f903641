package io.openledger.chain.vesting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VestingScheduleTest {
  private static final long T0 = 1_800_000_000L;
  private static final long MONTH = 2_628_000L;
  private static final Address WHO = Address.fromHex("0x00000000000000000000000000000000000000aa");

  /** 12-month cliff, then 36 months linear, 36,000 OPEN: 1,000 OPEN a month after the cliff. */
  private final VestingSchedule team =
      VestingSchedule.of(WHO, Amount.open(36_000), T0, 12 * MONTH, 36 * MONTH);

  @Test
  void nothingBeforeTheCliff() {
    assertThat(team.vestedAt(0)).isEqualTo(Amount.ZERO);
    assertThat(team.vestedAt(T0)).isEqualTo(Amount.ZERO);
    assertThat(team.vestedAt(T0 + 12 * MONTH - 1)).isEqualTo(Amount.ZERO);
  }

  @Test
  void linearFromTheCliff() {
    assertThat(team.vestedAt(T0 + 12 * MONTH)).isEqualTo(Amount.ZERO);
    assertThat(team.vestedAt(T0 + 13 * MONTH)).isEqualTo(Amount.open(1_000));
    assertThat(team.vestedAt(T0 + 30 * MONTH)).isEqualTo(Amount.open(18_000));
    // one second after the cliff: floor(36,000e18 / (36 months in s))
    assertThat(team.vestedAt(T0 + 12 * MONTH + 1).value())
        .isEqualTo(Amount.open(36_000).value().divide(BigInteger.valueOf(36 * MONTH)));
  }

  @Test
  void everythingAtAndAfterTheEnd() {
    assertThat(team.vestedAt(T0 + 48 * MONTH - 1)).isNotEqualTo(team.total());
    assertThat(team.vestedAt(T0 + 48 * MONTH)).isEqualTo(team.total());
    assertThat(team.vestedAt(Long.MAX_VALUE)).isEqualTo(team.total());
  }

  @Test
  void zeroDurationVestsAllAtTheCliff() {
    VestingSchedule s = VestingSchedule.of(WHO, Amount.open(5), T0, 60, 0);
    assertThat(s.vestedAt(T0 + 59)).isEqualTo(Amount.ZERO);
    assertThat(s.vestedAt(T0 + 60)).isEqualTo(Amount.open(5));
  }

  @Test
  void claimableIsVestedMinusClaimedAndNeverDecreasesOverTime() {
    SplittableRandom rnd = new SplittableRandom(48);
    for (int i = 0; i < 5_000; i++) {
      Amount total =
          Amount.of(
              new BigInteger(rnd.nextInt(1, 200), new java.util.Random(rnd.nextLong()))
                  .add(BigInteger.ONE));
      VestingSchedule s =
          VestingSchedule.of(
              WHO,
              total,
              rnd.nextLong(0, T0),
              rnd.nextLong(0, 100 * MONTH),
              rnd.nextLong(0, 100 * MONTH));
      long t1 = rnd.nextLong(0, 2 * T0);
      long t2 = t1 + rnd.nextLong(0, 50 * MONTH);
      Amount v1 = s.vestedAt(t1);
      Amount v2 = s.vestedAt(t2);
      assertThat(v1.compareTo(v2)).as("case %d", i).isLessThanOrEqualTo(0);
      assertThat(v2.compareTo(total)).as("case %d", i).isLessThanOrEqualTo(0);
      VestingSchedule claimed = s.withClaimed(v1);
      assertThat(claimed.claimableAt(t2)).as("case %d", i).isEqualTo(v2.subtract(v1));
      assertThat(claimed.locked()).as("case %d", i).isEqualTo(total.subtract(v1));
      assertThat(VestingSchedule.decode(WHO, claimed.encode())).as("case %d", i).isEqualTo(claimed);
    }
  }

  @Test
  void refusesImpossibleSchedules() {
    assertThatThrownBy(() -> VestingSchedule.of(WHO, Amount.open(1), -1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
