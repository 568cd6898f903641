package io.openledger.chain.governance;

import io.openledger.chain.challenge.ChallengeParameters;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of the genesis {@code economy} section that governance may change, with their
 * bounds, and the rules that tie several of them together (the fee shares sum to 10,000 basis
 * points; stake stays slashable while a batch can be challenged). The order is the section's, and
 * it is the registry's listing order.
 *
 * <p>Bounds are wide enough for every value the genesis validation accepts and narrow enough that
 * no single value stops the chain: basis points within 0..10,000, windows from 1 second to a year,
 * amounts of OPEN from 1 base unit to the supply.
 */
public final class GovernedParameters {
  /** The four fee shares, whose sum must stay {@link EconomyParameters#TOTAL_BPS}. */
  public static final List<String> FEE_SHARES =
      List.of("platformBps", "ownerBps", "stakersBps", "dataBps");

  private static final BigInteger YEAR = BigInteger.valueOf(31_536_000);
  private static final BigInteger BPS = BigInteger.valueOf(EconomyParameters.TOTAL_BPS);
  private static final BigInteger SUPPLY = Amount.open(1_000_000_000).value();

  private final EconomyParameters genesis;
  private final List<ParameterSpec> specs;
  private final Map<String, ParameterSpec> byName = new LinkedHashMap<>();

  private GovernedParameters(EconomyParameters genesis, List<ParameterSpec> specs) {
    this.genesis = genesis;
    this.specs = List.copyOf(specs);
    for (ParameterSpec s : specs) {
      byName.put(s.name(), s);
    }
  }

  /** The governable parameters with the values of {@code e}. */
  public static GovernedParameters of(EconomyParameters e) {
    StakingParameters s = e.staking();
    ChallengeParameters c = e.challenges();
    List<ParameterSpec> l = new ArrayList<>();
    bytes(l, "maxSubmissionBytes", e.maxSubmissionBytes());
    bytes(l, "maxContributorBytesPerDay", e.maxContributorBytesPerDay());
    bytes(l, "maxDatanetBytesPerDay", e.maxDatanetBytesPerDay());
    range(l, "maxSubmissionsPerContributorDay", e.maxSubmissionsPerContributorPerDay(), 1, 100_000);
    open(l, "contributionBond", e.contributionBond(), BigInteger.ONE);
    range(l, "penaltyThreshold", e.penaltyThreshold(), 1, 1_000);
    bps(l, "platformBps", e.platformBps());
    bps(l, "ownerBps", e.ownerBps());
    bps(l, "stakersBps", e.stakersBps());
    bps(l, "dataBps", e.dataBps());
    open(l, "platformFee", e.platformFee(), BigInteger.ZERO);
    seconds(l, "challengeWindow", e.challengeWindow(), 1);
    seconds(l, "withdrawalDelay", e.withdrawalDelay(), 1);
    seconds(l, "revocationGrace", e.revocationGrace(), 0);
    seconds(l, "unbondingDelay", s.unbondingDelay(), 1);
    range(l, "lockDaySeconds", s.lockDaySeconds(), 1, 86_400);
    open(l, "experimentalMinimumStake", s.experimentalMinimum(), BigInteger.ONE);
    open(l, "standardMinimumStake", s.standardMinimum(), BigInteger.ONE);
    open(l, "criticalMinimumStake", s.criticalMinimum(), BigInteger.ONE);
    weight(l, "lockWeight30Bps", s.lockWeight30Bps());
    weight(l, "lockWeight90Bps", s.lockWeight90Bps());
    weight(l, "lockWeight180Bps", s.lockWeight180Bps());
    weight(l, "lockWeight365Bps", s.lockWeight365Bps());
    open(l, "challengeBond", c.minimumBond(), BigInteger.ONE);
    slash(l, "attributionSlashBps", c.attributionSlashBps());
    slash(l, "tokenCountSlashBps", c.tokenCountSlashBps());
    slash(l, "harmfulOutputSlashBps", c.harmfulOutputSlashBps());
    bps(l, "challengerBps", c.challengerBps());
    seconds(l, "voteWindow", c.voteWindow(), 1);
    range(l, "voteQuorumBps", c.quorumBps(), 1, 10_000);
    range(l, "voteMajorityBps", c.majorityBps(), 5_001, 10_000);
    open(l, "validatorMinimumStake", c.validatorMinimumStake(), BigInteger.ONE);
    slash(l, "validatorPenaltyBps", c.validatorPenaltyBps());
    slash(l, "fabricatedUsageSlashBps", c.fabricatedUsageSlashBps());
    slash(l, "unavailabilitySlashBps", c.unavailabilitySlashBps());
    bps(l, "harmedPayerBps", c.harmedPayerBps());
    seconds(l, "answerWindow", c.answerWindow(), 1);
    range(l, "maxValidators", c.maxValidators(), 1, ChallengeParameters.MAX_VALIDATORS_LIMIT);
    range(l, "validatorMissLimit", c.validatorMissLimit(), 1, 1_000);
    return new GovernedParameters(e, l);
  }

  /** The genesis {@code economy} section these parameters start from. */
  public EconomyParameters genesis() {
    return genesis;
  }

  /** The listing index of {@code spec} (its bit in the registry's word of stored values). */
  public int indexOf(ParameterSpec spec) {
    return specs.indexOf(spec);
  }

  /**
   * The economy parameters with these values: every governable parameter by name (a parameter
   * missing from {@code values} keeps its genesis value). Values within their bounds and the
   * cross-rules ({@link #crossCheck}) always build; the records' own checks refuse the rest.
   *
   * @throws IllegalArgumentException naming a value the records refuse
   */
  public EconomyParameters economy(Map<String, BigInteger> values) {
    Map<String, BigInteger> v = new LinkedHashMap<>();
    for (ParameterSpec s : specs) {
      v.put(s.name(), values.getOrDefault(s.name(), s.genesisValue()));
    }
    StakingParameters staking =
        new StakingParameters(
            longOf(v, "unbondingDelay"),
            longOf(v, "lockDaySeconds"),
            open(v, "experimentalMinimumStake"),
            open(v, "standardMinimumStake"),
            open(v, "criticalMinimumStake"),
            intOf(v, "lockWeight30Bps"),
            intOf(v, "lockWeight90Bps"),
            intOf(v, "lockWeight180Bps"),
            intOf(v, "lockWeight365Bps"));
    ChallengeParameters challenges =
        new ChallengeParameters(
            open(v, "challengeBond"),
            intOf(v, "attributionSlashBps"),
            intOf(v, "tokenCountSlashBps"),
            intOf(v, "harmfulOutputSlashBps"),
            intOf(v, "challengerBps"),
            longOf(v, "voteWindow"),
            intOf(v, "voteQuorumBps"),
            intOf(v, "voteMajorityBps"),
            open(v, "validatorMinimumStake"),
            intOf(v, "validatorPenaltyBps"),
            intOf(v, "fabricatedUsageSlashBps"),
            intOf(v, "unavailabilitySlashBps"),
            intOf(v, "harmedPayerBps"),
            longOf(v, "answerWindow"),
            intOf(v, "maxValidators"),
            intOf(v, "validatorMissLimit"));
    return new EconomyParameters(
        longOf(v, "maxSubmissionBytes"),
        longOf(v, "maxContributorBytesPerDay"),
        longOf(v, "maxDatanetBytesPerDay"),
        intOf(v, "maxSubmissionsPerContributorDay"),
        intOf(v, "platformBps"),
        intOf(v, "ownerBps"),
        intOf(v, "stakersBps"),
        intOf(v, "dataBps"),
        open(v, "platformFee"),
        longOf(v, "challengeWindow"),
        longOf(v, "withdrawalDelay"),
        longOf(v, "revocationGrace"),
        staking,
        challenges,
        open(v, "contributionBond"),
        intOf(v, "penaltyThreshold"));
  }

  private static long longOf(Map<String, BigInteger> v, String name) {
    return v.get(name).longValueExact();
  }

  private static int intOf(Map<String, BigInteger> v, String name) {
    return v.get(name).intValueExact();
  }

  private static Amount open(Map<String, BigInteger> v, String name) {
    return Amount.of(v.get(name));
  }

  /** Every governable parameter, in listing order. */
  public List<ParameterSpec> all() {
    return specs;
  }

  public Optional<ParameterSpec> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Parameters whose genesis value lies outside its bounds, named with the bounds. */
  public List<String> genesisProblems() {
    List<String> p = new ArrayList<>();
    for (ParameterSpec s : specs) {
      if (!s.allows(s.genesisValue())) {
        p.add("governance: economy." + s.outOfBounds(s.genesisValue()));
      }
    }
    return p;
  }

  /**
   * The first rule tying parameters together that {@code values} (every parameter by name) breaks,
   * e.g. {@code platformBps + ownerBps + stakersBps + dataBps = 11000, want exactly 10000}.
   */
  public static Optional<String> crossCheck(Map<String, BigInteger> values) {
    BigInteger sum = BigInteger.ZERO;
    for (String n : FEE_SHARES) {
      sum = sum.add(values.get(n));
    }
    if (!sum.equals(BPS)) {
      return Optional.of(String.join(" + ", FEE_SHARES) + " = " + sum + ", want exactly " + BPS);
    }
    BigInteger slashShares = values.get("challengerBps").add(values.get("harmedPayerBps"));
    if (slashShares.compareTo(BPS) > 0) {
      return Optional.of(
          "challengerBps + harmedPayerBps = " + slashShares + ", want at most " + BPS);
    }
    for (String[] r :
        new String[][] {
          {"challengeWindow", "unbondingDelay"},
          {"voteWindow", "unbondingDelay"},
          {"maxSubmissionBytes", "maxContributorBytesPerDay"},
          {"maxSubmissionBytes", "maxDatanetBytesPerDay"},
          {"experimentalMinimumStake", "standardMinimumStake"},
          {"standardMinimumStake", "criticalMinimumStake"},
          {"lockWeight30Bps", "lockWeight90Bps"},
          {"lockWeight90Bps", "lockWeight180Bps"},
          {"lockWeight180Bps", "lockWeight365Bps"}
        }) {
      BigInteger a = values.get(r[0]);
      BigInteger b = values.get(r[1]);
      if (a.compareTo(b) > 0) {
        return Optional.of(r[0] + " (" + a + ") must not exceed " + r[1] + " (" + b + ")");
      }
    }
    return Optional.empty();
  }

  private static void bytes(List<ParameterSpec> l, String name, long v) {
    range(l, name, v, 1, 1L << 40);
  }

  private static void bps(List<ParameterSpec> l, String name, int v) {
    l.add(new ParameterSpec(name, BigInteger.valueOf(v), BigInteger.ZERO, BPS));
  }

  /** A slash rate: 1..9,999 (a pool is never cut to nothing, as {@link ChallengeParameters}). */
  private static void slash(List<ParameterSpec> l, String name, int v) {
    range(l, name, v, 1, 9_999);
  }

  private static void weight(List<ParameterSpec> l, String name, int v) {
    range(l, name, v, StakingParameters.FLEXIBLE_WEIGHT_BPS, StakingParameters.MAX_WEIGHT_BPS);
  }

  private static void seconds(List<ParameterSpec> l, String name, long v, long min) {
    l.add(new ParameterSpec(name, BigInteger.valueOf(v), BigInteger.valueOf(min), YEAR));
  }

  private static void open(List<ParameterSpec> l, String name, Amount v, BigInteger min) {
    l.add(new ParameterSpec(name, v.value(), min, SUPPLY));
  }

  private static void range(List<ParameterSpec> l, String name, long v, long min, long max) {
    l.add(
        new ParameterSpec(
            name, BigInteger.valueOf(v), BigInteger.valueOf(min), BigInteger.valueOf(max)));
  }
}
