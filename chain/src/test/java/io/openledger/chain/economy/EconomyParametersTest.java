package io.openledger.chain.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Amount;
import org.junit.jupiter.api.Test;

class EconomyParametersTest {
  private static final EconomyParameters D = EconomyParameters.DEFAULTS;

  @Test
  void defaultsAreThoseOfTheSpecification() {
    assertThat(D)
        .isEqualTo(
            new EconomyParameters(
                5_000_000,
                10_000_000,
                10_000_000,
                20,
                1_000,
                2_000,
                2_000,
                5_000,
                Amount.ZERO,
                7 * 86_400,
                14 * 86_400,
                14 * 86_400));
    assertThat(D.platformBps() + D.ownerBps() + D.stakersBps() + D.dataBps()).isEqualTo(10_000);
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    assertThatThrownBy(
            () -> new EconomyParameters(0, 10, 10, -1, 10_001, 0, 0, -5, Amount.ZERO, 0, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSubmissionBytes must be greater than 0, got 0")
        .hasMessageContaining("maxSubmissionsPerContributorPerDay must be greater than 0, got -1")
        .hasMessageContaining("platformBps must be between 0 and 10000, got 10001")
        .hasMessageContaining("dataBps must be between 0 and 10000, got -5")
        .hasMessageContaining("platformBps + ownerBps + stakersBps + dataBps = 9996")
        .hasMessageContaining("challengeWindow must be greater than 0, got 0")
        .hasMessageContaining("withdrawalDelay must be greater than 0, got 0")
        .hasMessageContaining("revocationGrace must be >= 0 seconds, got -1");
  }

  @Test
  void aSubmissionLargerThanADaysLimitIsRefused() {
    assertThatThrownBy(
            () ->
                new EconomyParameters(
                    11, 10, 20, 1, 1_000, 2_000, 2_000, 5_000, Amount.ZERO, 1, 1, 0))
        .hasMessageContaining("maxSubmissionBytes (11) must not exceed maxContributorBytesPerDay");
  }

  @Test
  void theContributionBondAndPenaltyThresholdHaveTheirDefaultsAndAThresholdOfZeroIsRefused() {
    assertThat(D.contributionBond()).isEqualTo(Amount.open(1));
    assertThat(D.penaltyThreshold()).isEqualTo(3);
    assertThat(EconomyParameters.DEVNET.contributionBond()).isEqualTo(Amount.parseOpen("0.1"));
    assertThat(EconomyParameters.DEVNET.penaltyThreshold()).isEqualTo(3);
    assertThatThrownBy(
            () ->
                new EconomyParameters(
                    D.maxSubmissionBytes(),
                    D.maxContributorBytesPerDay(),
                    D.maxDatanetBytesPerDay(),
                    D.maxSubmissionsPerContributorPerDay(),
                    D.platformBps(),
                    D.ownerBps(),
                    D.stakersBps(),
                    D.dataBps(),
                    D.platformFee(),
                    D.challengeWindow(),
                    D.withdrawalDelay(),
                    D.revocationGrace(),
                    D.staking(),
                    D.challenges(),
                    null,
                    0))
        .hasMessageContaining("contributionBond is missing")
        .hasMessageContaining("penaltyThreshold must be greater than 0, got 0");
  }

  @Test
  void aDayIsTheUtcDayNumber() {
    assertThat(EconomyParameters.day(0)).isZero();
    assertThat(EconomyParameters.day(86_399)).isZero();
    assertThat(EconomyParameters.day(86_400)).isEqualTo(1);
    assertThat(EconomyParameters.day(1_800_000_000L)).isEqualTo(20_833);
  }
}
