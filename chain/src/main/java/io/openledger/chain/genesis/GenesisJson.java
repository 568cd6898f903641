package io.openledger.chain.genesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.challenge.ChallengeParameters;
import io.openledger.chain.distributor.Distribution;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.governance.GovernanceParameters;
import io.openledger.chain.points.PointsRule;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the genesis JSON format (docs/genesis.md) into a {@link Genesis}, collecting every field
 * problem instead of stopping at the first. Amounts of OPEN are decimal strings in OPEN ({@code
 * "100000"}, {@code "0.5"}); fees per gas are integers in base units (decimal or 0x-hex).
 */
final class GenesisJson {
  private static final Set<String> TOP_FIELDS =
      Set.of(
          "network",
          "chainId",
          "timestamp",
          "gasLimit",
          "initialBaseFee",
          "minimumBaseFee",
          "blockTimeMs",
          "treasury",
          "sequencer",
          "allowCustomVesting",
          "allocations",
          "economy",
          "governance",
          "points",
          "distributor",
          "comment");
  private static final Set<String> POINTS_FIELDS =
      Set.of(
          "version",
          "dataPointsPerScore",
          "dataDailyCap",
          "usagePointsPerOpen",
          "usageDailyCap",
          "validationPointsPerVote",
          "validationDailyCap",
          "uptimePointsPerDay");
  private static final Set<String> DISTRIBUTOR_FIELDS =
      Set.of("root", "amount", "deadline", "returnTo", "vesting");
  private static final Set<String> GOVERNANCE_FIELDS =
      Set.of(
          "votingDelay",
          "votingPeriod",
          "proposalThreshold",
          "quorumBps",
          "timelockDelay",
          "gracePeriod");
  private static final Set<String> ECONOMY_FIELDS =
      Set.of(
          "maxSubmissionBytes",
          "maxContributorBytesPerDay",
          "maxDatanetBytesPerDay",
          "maxSubmissionsPerContributorPerDay",
          "contributionBond",
          "penaltyThreshold",
          "platformBps",
          "ownerBps",
          "stakersBps",
          "dataBps",
          "platformFee",
          "challengeWindow",
          "withdrawalDelay",
          "revocationGrace",
          "unbondingDelay",
          "lockDaySeconds",
          "experimentalMinimumStake",
          "standardMinimumStake",
          "criticalMinimumStake",
          "lockWeight30Bps",
          "lockWeight90Bps",
          "lockWeight180Bps",
          "lockWeight365Bps",
          "challengeBond",
          "attributionSlashBps",
          "tokenCountSlashBps",
          "harmfulOutputSlashBps",
          "challengerBps",
          "voteWindow",
          "voteQuorumBps",
          "voteMajorityBps",
          "validatorMinimumStake",
          "validatorPenaltyBps",
          "fabricatedUsageSlashBps",
          "unavailabilitySlashBps",
          "harmedPayerBps",
          "answerWindow",
          "maxValidators",
          "validatorMissLimit");
  private static final Set<String> ALLOCATION_FIELDS =
      Set.of("category", "address", "amount", "vesting", "label");

  private final List<String> problems = new ArrayList<>();

  private GenesisJson() {}

  static Genesis read(JsonNode root) {
    GenesisJson r = new GenesisJson();
    Genesis g = r.genesis(root);
    if (!r.problems.isEmpty()) {
      throw new GenesisException(r.problems);
    }
    return g;
  }

  private Genesis genesis(JsonNode root) {
    if (!root.isObject()) {
      problems.add("the genesis file must be a JSON object");
      return null;
    }
    unknownFields(root, TOP_FIELDS, "");
    String network = root.path("network").asText("custom");
    long chainId = positiveLong(root, "chainId", null);
    long timestamp = nonNegativeLong(root, "timestamp", 0L);
    long gasLimit = positiveLong(root, "gasLimit", null);
    Amount initialBaseFee = weiAmount(root, "initialBaseFee", null);
    Amount minimumBaseFee = weiAmount(root, "minimumBaseFee", Amount.ZERO);
    long blockTimeMs = positiveLong(root, "blockTimeMs", 2000L);
    Address treasury = address(root, "treasury", "treasury");
    Address sequencer = address(root, "sequencer", "sequencer");
    boolean custom = root.path("allowCustomVesting").asBoolean(false);
    List<Allocation> allocations = allocations(root.get("allocations"));
    EconomyParameters economy = economy(root.get("economy"));
    GovernanceParameters governance = governance(root.get("governance"));
    Optional<PointsRule> points = points(root.get("points"));
    Optional<Distribution> distributor = distributor(root.get("distributor"));
    if (!problems.isEmpty()) {
      return null;
    }
    return new Genesis(
        network,
        chainId,
        timestamp,
        gasLimit,
        initialBaseFee,
        minimumBaseFee,
        blockTimeMs,
        treasury,
        sequencer,
        custom,
        allocations,
        economy,
        governance,
        points,
        distributor);
  }

  /** The {@code points} section; absent: no points. A key left out takes its default. */
  private Optional<PointsRule> points(JsonNode n) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      problems.add("\"points\" must be an object (keys as in docs/points.md)");
      return Optional.empty();
    }
    int before = problems.size();
    unknownFields(n, POINTS_FIELDS, "points.");
    PointsRule d = PointsRule.DEFAULTS;
    long version = nonNegativeLong(n, "version", (long) d.version(), "points.version");
    long[] v = {
      nonNegativeLong(n, "dataPointsPerScore", d.dataPointsPerScore(), "points.dataPointsPerScore"),
      nonNegativeLong(n, "dataDailyCap", d.dataDailyCap(), "points.dataDailyCap"),
      nonNegativeLong(n, "usagePointsPerOpen", d.usagePointsPerOpen(), "points.usagePointsPerOpen"),
      nonNegativeLong(n, "usageDailyCap", d.usageDailyCap(), "points.usageDailyCap"),
      nonNegativeLong(
          n,
          "validationPointsPerVote",
          d.validationPointsPerVote(),
          "points.validationPointsPerVote"),
      nonNegativeLong(n, "validationDailyCap", d.validationDailyCap(), "points.validationDailyCap"),
      nonNegativeLong(n, "uptimePointsPerDay", d.uptimePointsPerDay(), "points.uptimePointsPerDay")
    };
    if (problems.size() > before) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new PointsRule(
              (int) Math.min(version, Integer.MAX_VALUE),
              v[0],
              v[1],
              v[2],
              v[3],
              v[4],
              v[5],
              v[6]));
    } catch (IllegalArgumentException e) {
      for (String p : e.getMessage().split("; ")) {
        problems.add("points: " + p);
      }
      return Optional.empty();
    }
  }

  /** The {@code distributor} section; absent: no distribution. Every key is required. */
  private Optional<Distribution> distributor(JsonNode n) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      problems.add("\"distributor\" must be an object (keys as in docs/points.md)");
      return Optional.empty();
    }
    int before = problems.size();
    unknownFields(n, DISTRIBUTOR_FIELDS, "distributor.");
    Hash root = Hash.ZERO;
    JsonNode r = n.get("root");
    if (r == null || !r.isTextual()) {
      problems.add("distributor.root is missing (want 0x + 64 hex digits)");
    } else {
      try {
        root = Hash.fromHex(r.asText());
      } catch (IllegalArgumentException e) {
        problems.add("distributor.root: " + e.getMessage());
      }
    }
    Amount amount = openAmount(n.get("amount"), "distributor.amount");
    long deadline = nonNegativeLong(n, "deadline", null, "distributor.deadline");
    Address returnTo = address(n, "returnTo", "distributor.returnTo");
    JsonNode vestingNode = n.get("vesting");
    Optional<VestingTerms> vesting = Optional.empty();
    if (vestingNode == null || vestingNode.isNull()) {
      problems.add(
          "distributor.vesting is missing (want {\"cliffSeconds\": N, \"durationSeconds\": N})");
    } else {
      vesting = vesting(vestingNode, "distributor.vesting");
    }
    if (problems.size() > before || vesting.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Distribution(
            root, amount, deadline, returnTo, vesting.get().cliff(), vesting.get().duration()));
  }

  /**
   * The {@code governance} section; absent: {@link GovernanceParameters#DEFAULTS}. A key left out
   * takes its default.
   */
  private GovernanceParameters governance(JsonNode n) {
    GovernanceParameters d = GovernanceParameters.DEFAULTS;
    if (n == null || n.isNull()) {
      return d;
    }
    if (!n.isObject()) {
      problems.add("\"governance\" must be an object (keys as in docs/genesis.md)");
      return null;
    }
    int before = problems.size();
    unknownFields(n, GOVERNANCE_FIELDS, "governance.");
    long votingDelay = nonNegativeLong(n, "votingDelay", d.votingDelay(), "governance.votingDelay");
    long votingPeriod =
        nonNegativeLong(n, "votingPeriod", d.votingPeriod(), "governance.votingPeriod");
    JsonNode t = n.get("proposalThreshold");
    Amount threshold =
        t == null ? d.proposalThreshold() : openAmount(t, "governance.proposalThreshold");
    long quorum = nonNegativeLong(n, "quorumBps", (long) d.quorumBps(), "governance.quorumBps");
    long timelock =
        nonNegativeLong(n, "timelockDelay", d.timelockDelay(), "governance.timelockDelay");
    long grace = nonNegativeLong(n, "gracePeriod", d.gracePeriod(), "governance.gracePeriod");
    if (problems.size() > before) {
      return null;
    }
    try {
      return new GovernanceParameters(
          votingDelay,
          votingPeriod,
          threshold,
          (int) Math.min(quorum, Integer.MAX_VALUE),
          timelock,
          grace);
    } catch (IllegalArgumentException e) {
      for (String p : e.getMessage().split("; ")) {
        problems.add("governance: " + p);
      }
      return null;
    }
  }

  /**
   * The {@code economy} section; absent: {@link EconomyParameters#DEFAULTS}. A key left out takes
   * its default ({@code revocationGrace}: the section's {@code withdrawalDelay}).
   */
  private EconomyParameters economy(JsonNode n) {
    EconomyParameters d = EconomyParameters.DEFAULTS;
    if (n == null || n.isNull()) {
      return d;
    }
    if (!n.isObject()) {
      problems.add("\"economy\" must be an object (keys as in docs/genesis.md)");
      return null;
    }
    int before = problems.size();
    unknownFields(n, ECONOMY_FIELDS, "economy.");
    long maxSubmissionBytes = economyLong(n, "maxSubmissionBytes", d.maxSubmissionBytes());
    long maxContributorBytesPerDay =
        economyLong(n, "maxContributorBytesPerDay", d.maxContributorBytesPerDay());
    long maxDatanetBytesPerDay = economyLong(n, "maxDatanetBytesPerDay", d.maxDatanetBytesPerDay());
    int maxSubmissions =
        economyInt(n, "maxSubmissionsPerContributorPerDay", d.maxSubmissionsPerContributorPerDay());
    Amount contributionBond = economyOpen(n, "contributionBond", d.contributionBond());
    int penaltyThreshold = economyInt(n, "penaltyThreshold", d.penaltyThreshold());
    int platformBps = economyInt(n, "platformBps", d.platformBps());
    int ownerBps = economyInt(n, "ownerBps", d.ownerBps());
    int stakersBps = economyInt(n, "stakersBps", d.stakersBps());
    int dataBps = economyInt(n, "dataBps", d.dataBps());
    Amount platformFee = baseUnits(n, "platformFee", d.platformFee(), "economy.platformFee");
    long challengeWindow = economyLong(n, "challengeWindow", d.challengeWindow());
    long withdrawalDelay = economyLong(n, "withdrawalDelay", d.withdrawalDelay());
    long revocationGrace = economyLong(n, "revocationGrace", withdrawalDelay);
    StakingParameters sd = d.staking();
    long unbondingDelay = economyLong(n, "unbondingDelay", sd.unbondingDelay());
    long lockDaySeconds = economyLong(n, "lockDaySeconds", sd.lockDaySeconds());
    Amount experimental = economyOpen(n, "experimentalMinimumStake", sd.experimentalMinimum());
    Amount standard = economyOpen(n, "standardMinimumStake", sd.standardMinimum());
    Amount critical = economyOpen(n, "criticalMinimumStake", sd.criticalMinimum());
    int w30 = economyInt(n, "lockWeight30Bps", sd.lockWeight30Bps());
    int w90 = economyInt(n, "lockWeight90Bps", sd.lockWeight90Bps());
    int w180 = economyInt(n, "lockWeight180Bps", sd.lockWeight180Bps());
    int w365 = economyInt(n, "lockWeight365Bps", sd.lockWeight365Bps());
    ChallengeParameters cd = d.challenges();
    Amount bond = economyOpen(n, "challengeBond", cd.minimumBond());
    int attributionSlash = economyInt(n, "attributionSlashBps", cd.attributionSlashBps());
    int tokenSlash = economyInt(n, "tokenCountSlashBps", cd.tokenCountSlashBps());
    int harmfulSlash = economyInt(n, "harmfulOutputSlashBps", cd.harmfulOutputSlashBps());
    int challengerBps = economyInt(n, "challengerBps", cd.challengerBps());
    long voteWindow = economyLong(n, "voteWindow", cd.voteWindow());
    int quorum = economyInt(n, "voteQuorumBps", cd.quorumBps());
    int majority = economyInt(n, "voteMajorityBps", cd.majorityBps());
    Amount validatorStake = economyOpen(n, "validatorMinimumStake", cd.validatorMinimumStake());
    int validatorPenalty = economyInt(n, "validatorPenaltyBps", cd.validatorPenaltyBps());
    int fabricatedSlash = economyInt(n, "fabricatedUsageSlashBps", cd.fabricatedUsageSlashBps());
    int unavailableSlash = economyInt(n, "unavailabilitySlashBps", cd.unavailabilitySlashBps());
    int harmedPayer = economyInt(n, "harmedPayerBps", cd.harmedPayerBps());
    long answerWindow = economyLong(n, "answerWindow", cd.answerWindow());
    int maxValidators = economyInt(n, "maxValidators", cd.maxValidators());
    int missLimit = economyInt(n, "validatorMissLimit", cd.validatorMissLimit());
    if (problems.size() > before) {
      return null;
    }
    try {
      StakingParameters staking =
          new StakingParameters(
              unbondingDelay,
              lockDaySeconds,
              experimental,
              standard,
              critical,
              w30,
              w90,
              w180,
              w365);
      ChallengeParameters challenges =
          new ChallengeParameters(
              bond,
              attributionSlash,
              tokenSlash,
              harmfulSlash,
              challengerBps,
              voteWindow,
              quorum,
              majority,
              validatorStake,
              validatorPenalty,
              fabricatedSlash,
              unavailableSlash,
              harmedPayer,
              answerWindow,
              maxValidators,
              missLimit);
      return new EconomyParameters(
          maxSubmissionBytes,
          maxContributorBytesPerDay,
          maxDatanetBytesPerDay,
          maxSubmissions,
          platformBps,
          ownerBps,
          stakersBps,
          dataBps,
          platformFee,
          challengeWindow,
          withdrawalDelay,
          revocationGrace,
          staking,
          challenges,
          contributionBond,
          penaltyThreshold);
    } catch (IllegalArgumentException e) {
      for (String p : e.getMessage().split("; ")) {
        problems.add("economy: " + p);
      }
      return null;
    }
  }

  private long economyLong(JsonNode n, String field, long dflt) {
    return nonNegativeLong(n, field, dflt, "economy." + field);
  }

  /** An amount of OPEN as a decimal string, like the allocations' amounts. */
  private Amount economyOpen(JsonNode n, String field, Amount dflt) {
    JsonNode v = n.get(field);
    return v == null ? dflt : openAmount(v, "economy." + field);
  }

  private int economyInt(JsonNode n, String field, int dflt) {
    long v = economyLong(n, field, (long) dflt);
    if (v > Integer.MAX_VALUE) {
      problems.add("economy." + field + " must be at most " + Integer.MAX_VALUE + ", got " + v);
      return -1;
    }
    return (int) v;
  }

  private List<Allocation> allocations(JsonNode node) {
    List<Allocation> out = new ArrayList<>();
    if (node == null || !node.isArray()) {
      problems.add("\"allocations\" must be an array");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      Allocation a = allocation(node.get(i), "allocations[" + i + "]");
      if (a != null) {
        out.add(a);
      }
    }
    return out;
  }

  private Allocation allocation(JsonNode n, String where) {
    if (!n.isObject()) {
      problems.add(where + " must be an object");
      return null;
    }
    int before = problems.size();
    unknownFields(n, ALLOCATION_FIELDS, where + ".");
    String catName = n.path("category").asText("");
    Optional<AllocationCategory> category = AllocationCategory.parse(catName);
    if (category.isEmpty()) {
      problems.add(
          where
              + ".category: unknown category \""
              + catName
              + "\" (want community, investors, team, ecosystem or liquidity)");
    }
    Address address = address(n, "address", where + ".address");
    Amount amount = openAmount(n.get("amount"), where + ".amount");
    Optional<VestingTerms> vesting = vesting(n.get("vesting"), where + ".vesting");
    String label = n.path("label").asText("");
    if (problems.size() > before) {
      return null;
    }
    return new Allocation(category.get(), address, amount, vesting, label);
  }

  private Optional<VestingTerms> vesting(JsonNode n, String where) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      problems.add(where + " must be an object {\"cliffSeconds\": N, \"durationSeconds\": N}");
      return Optional.empty();
    }
    unknownFields(n, Set.of("cliffSeconds", "durationSeconds"), where + ".");
    long cliff = nonNegativeLong(n, "cliffSeconds", null, where + ".cliffSeconds");
    long duration = nonNegativeLong(n, "durationSeconds", null, where + ".durationSeconds");
    return cliff < 0 || duration < 0
        ? Optional.empty()
        : Optional.of(new VestingTerms(cliff, duration));
  }

  private void unknownFields(JsonNode n, Set<String> known, String prefix) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        problems.add("unknown field \"" + prefix + f + "\"");
      }
    }
  }

  private long positiveLong(JsonNode root, String field, Long dflt) {
    long v = nonNegativeLong(root, field, dflt, field);
    if (v == 0) {
      problems.add(field + " must be greater than 0");
    }
    return v;
  }

  private long nonNegativeLong(JsonNode root, String field, Long dflt) {
    return nonNegativeLong(root, field, dflt, field);
  }

  /** Returns -1 after recording a problem. */
  private long nonNegativeLong(JsonNode n, String field, Long dflt, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        problems.add(where + " is missing");
        return -1;
      }
      return dflt;
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
      problems.add(where + " must be a non-negative integer, got " + v);
      return -1;
    }
    return v.asLong();
  }

  private Amount weiAmount(JsonNode root, String field, Amount dflt) {
    return baseUnits(root, field, dflt, field, " per gas");
  }

  private Amount baseUnits(JsonNode n, String field, Amount dflt, String where) {
    return baseUnits(n, field, dflt, where, "");
  }

  private Amount baseUnits(JsonNode n, String field, Amount dflt, String where, String per) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        problems.add(where + " is missing");
        return Amount.ZERO;
      }
      return dflt;
    }
    String s =
        v.isTextual() ? v.asText() : v.isIntegralNumber() ? v.bigIntegerValue().toString() : "";
    try {
      return s.startsWith("0x") ? Amount.fromHexQuantity(s) : Amount.of(new BigInteger(s));
    } catch (RuntimeException e) {
      problems.add(where + " must be an integer number of base units" + per + ", got " + v);
      return Amount.ZERO;
    }
  }

  private Amount openAmount(JsonNode v, String where) {
    if (v == null || v.isNull()) {
      problems.add(where + " is missing");
      return Amount.ZERO;
    }
    if (!v.isTextual() && !v.isIntegralNumber()) {
      problems.add(where + " must be a decimal string of OPEN such as \"1000.5\", got " + v);
      return Amount.ZERO;
    }
    try {
      Amount a = Amount.parseOpen(v.asText());
      if (a.isZero()) {
        problems.add(where + " must be greater than 0");
      }
      return a;
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(where + ": " + e.getMessage());
      return Amount.ZERO;
    }
  }

  private Address address(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      problems.add(where + " is missing (want 0x + 40 hex digits)");
      return Address.ZERO;
    }
    try {
      return Address.fromHex(v.asText());
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage());
      return Address.ZERO;
    }
  }
}
