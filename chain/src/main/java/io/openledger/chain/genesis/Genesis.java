package io.openledger.chain.genesis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.challenge.RecordVerifier;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.distributor.Distribution;
import io.openledger.chain.distributor.DistributorModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.Eip1559FeeMarket;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.GasScheduleV1;
import io.openledger.chain.exec.ProtocolRules;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.governance.GovernanceModule;
import io.openledger.chain.governance.GovernanceParameters;
import io.openledger.chain.governance.GovernedParameters;
import io.openledger.chain.governance.ParameterRegistryModule;
import io.openledger.chain.governance.TreasuryModule;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.multicall.Multicall3Module;
import io.openledger.chain.points.PointsModule;
import io.openledger.chain.points.PointsRule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingModule;
import io.openledger.chain.vesting.VestingSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A chain's genesis: its parameters and the allocation of the fixed supply, read from a genesis
 * JSON file (format in {@code docs/genesis.md}) and validated so that a bad file is refused with
 * every problem named. {@link #toState} builds block 0.
 *
 * @param network a name for people: devnet, testnet, mainnet
 * @param chainId EIP-155 chain id (1337 devnet, 161201 testnet, 1612 mainnet)
 * @param timestamp genesis time, seconds since the epoch; vesting starts here. A devnet file may
 *     say 0, meaning "when the devnet is created" ({@link #withTimestamp})
 * @param gasLimit block gas limit
 * @param initialBaseFee base fee of block 1, base units per gas
 * @param minimumBaseFee the base fee never falls below this
 * @param blockTimeMs time between blocks, milliseconds
 * @param treasury receives the base fees
 * @param sequencer receives the priority fees (the node may override it per block)
 * @param allowCustomVesting devnets only: allocations may vest on their own terms
 * @param allocations who gets the supply
 * @param economy the data economy's protocol parameters (section {@code economy}; absent: {@link
 *     EconomyParameters#DEFAULTS})
 * @param governance the governance module's parameters (section {@code governance}; absent: {@link
 *     GovernanceParameters#DEFAULTS})
 * @param points the testnet points rule (section {@code points}, never on mainnet; absent: no
 *     points are recorded)
 * @param distributor the reward distribution (section {@code distributor}; its amount is part of
 *     the community share)
 */
public record Genesis(
    String network,
    long chainId,
    long timestamp,
    long gasLimit,
    Amount initialBaseFee,
    Amount minimumBaseFee,
    long blockTimeMs,
    Address treasury,
    Address sequencer,
    boolean allowCustomVesting,
    List<Allocation> allocations,
    EconomyParameters economy,
    GovernanceParameters governance,
    Optional<PointsRule> points,
    Optional<Distribution> distributor) {

  public static final long DEVNET_CHAIN_ID = 1337;
  public static final long TESTNET_CHAIN_ID = 161201;
  public static final long MAINNET_CHAIN_ID = 1612;

  /** Protocol version of the rules genesis sets up. */
  public static final int PROTOCOL_VERSION = 1;

  public Genesis {
    allocations = List.copyOf(allocations);
    Objects.requireNonNull(economy, "economy");
    Objects.requireNonNull(governance, "governance");
    Objects.requireNonNull(points, "points");
    Objects.requireNonNull(distributor, "distributor");
  }

  /**
   * A genesis with the default governance parameters ({@link GovernanceParameters#DEFAULTS}), no
   * points and no distribution.
   */
  public Genesis(
      String network,
      long chainId,
      long timestamp,
      long gasLimit,
      Amount initialBaseFee,
      Amount minimumBaseFee,
      long blockTimeMs,
      Address treasury,
      Address sequencer,
      boolean allowCustomVesting,
      List<Allocation> allocations,
      EconomyParameters economy) {
    this(
        network,
        chainId,
        timestamp,
        gasLimit,
        initialBaseFee,
        minimumBaseFee,
        blockTimeMs,
        treasury,
        sequencer,
        allowCustomVesting,
        allocations,
        economy,
        GovernanceParameters.DEFAULTS,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Reads and validates a genesis file.
   *
   * @throws GenesisException listing every problem (bad JSON, missing fields, wrong sums ...)
   */
  public static Genesis load(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (IOException e) {
      throw new GenesisException(List.of("cannot read " + file + ": " + e.getMessage()));
    }
    return parse(json);
  }

  /** Parses and validates genesis JSON; see {@link #load}. */
  public static Genesis parse(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new GenesisException(List.of("not valid JSON: " + e.getOriginalMessage()));
    }
    Genesis g = GenesisJson.read(root);
    g.validateOrThrow();
    return g;
  }

  /** The devnet genesis embedded in the node (resource {@code genesis/devnet.json}). */
  public static Genesis devnet() {
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/devnet.json")) {
      if (in == null) {
        throw new IllegalStateException("missing resource genesis/devnet.json");
      }
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This genesis with other economy parameters (tests with short windows). */
  public Genesis withEconomy(EconomyParameters newEconomy) {
    return with(c -> c.economy = newEconomy);
  }

  /** This genesis with another timestamp (a devnet starts its vesting clock when created). */
  public Genesis withTimestamp(long newTimestamp) {
    return with(c -> c.timestamp = newTimestamp);
  }

  /** This genesis with other governance parameters (tests with short delays). */
  public Genesis withGovernance(GovernanceParameters newGovernance) {
    return with(c -> c.governance = newGovernance);
  }

  /** This genesis with a testnet points rule (section {@code points}). */
  public Genesis withPoints(PointsRule rule) {
    return with(c -> c.points = Optional.of(rule));
  }

  /**
   * This genesis with a reward distribution (section {@code distributor}) whose amount is taken
   * from the community allocation at {@code d.returnTo()}, so every sum still holds.
   *
   * @throws IllegalArgumentException if no community allocation at that address holds the amount
   */
  public Genesis withDistributor(Distribution d) {
    List<Allocation> changed = new java.util.ArrayList<>();
    boolean taken = false;
    for (Allocation a : allocations) {
      if (!taken
          && a.category() == AllocationCategory.COMMUNITY
          && a.address().equals(d.returnTo())
          && !a.amount().lessThan(d.amount())) {
        changed.add(
            new Allocation(
                a.category(),
                a.address(),
                a.amount().subtract(d.amount()),
                a.vesting(),
                a.label()));
        taken = true;
      } else {
        changed.add(a);
      }
    }
    if (!taken) {
      throw new IllegalArgumentException(
          "no community allocation at "
              + d.returnTo()
              + " holds "
              + d.amount().toOpenString()
              + " OPEN");
    }
    return with(
        c -> {
          c.allocations = changed;
          c.distributor = Optional.of(d);
        });
  }

  /** This genesis with the fields {@code change} sets; the others as they are. */
  private Genesis with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The fields of a genesis, for the with-ers: each changes only its own. */
  private static final class Copy {
    private final String network;
    private final long chainId;
    private long timestamp;
    private final long gasLimit;
    private final Amount initialBaseFee;
    private final Amount minimumBaseFee;
    private final long blockTimeMs;
    private final Address treasury;
    private final Address sequencer;
    private final boolean allowCustomVesting;
    private List<Allocation> allocations;
    private EconomyParameters economy;
    private GovernanceParameters governance;
    private Optional<PointsRule> points;
    private Optional<Distribution> distributor;

    Copy(Genesis g) {
      network = g.network;
      chainId = g.chainId;
      timestamp = g.timestamp;
      gasLimit = g.gasLimit;
      initialBaseFee = g.initialBaseFee;
      minimumBaseFee = g.minimumBaseFee;
      blockTimeMs = g.blockTimeMs;
      treasury = g.treasury;
      sequencer = g.sequencer;
      allowCustomVesting = g.allowCustomVesting;
      allocations = g.allocations;
      economy = g.economy;
      governance = g.governance;
      points = g.points;
      distributor = g.distributor;
    }

    Genesis build() {
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
          allowCustomVesting,
          allocations,
          economy,
          governance,
          points,
          distributor);
    }
  }

  /** Every problem with this genesis; empty when it is valid. */
  public List<String> validate() {
    return GenesisValidator.problems(this);
  }

  /**
   * @throws GenesisException if {@link #validate()} finds problems
   */
  public void validateOrThrow() {
    List<String> problems = validate();
    if (!problems.isEmpty()) {
      throw new GenesisException(problems);
    }
  }

  /**
   * The protocol rules this chain starts with, without a record verifier: the challenge module
   * refuses the challenges decided by recomputation (wrong attribution, wrong token count) with a
   * reason. A node that decides them passes its verifier to {@link #rules(RecordVerifier)}.
   */
  public ProtocolRules rules() {
    return rules(Optional.empty());
  }

  /** The protocol rules this chain starts with; {@code verifier} decides recomputed challenges. */
  public ProtocolRules rules(RecordVerifier verifier) {
    return rules(Optional.of(verifier));
  }

  private ProtocolRules rules(Optional<RecordVerifier> verifier) {
    GovernedParameters governed = GovernedParameters.of(economy);
    // every module reads the economy parameters in force from the registry (genesis values until
    // an executed proposal sets one)
    ParameterRegistryModule registry = new ParameterRegistryModule(governed);
    return new ProtocolRules(
        PROTOCOL_VERSION,
        chainId,
        GasScheduleV1.INSTANCE,
        new Eip1559FeeMarket(initialBaseFee, minimumBaseFee),
        ModuleRegistry.of(
            new VestingModule(),
            new DatanetModule(registry),
            new ModelModule(treasury),
            new InferenceModule(registry, chainId),
            new StakingModule(registry, treasury),
            new ChallengeModule(registry, treasury, chainId, verifier),
            new TreasuryModule(),
            new GovernanceModule(governance, governed),
            registry,
            new BridgeModule(),
            new PointsModule(points),
            new DistributorModule(distributor, timestamp),
            new Multicall3Module()),
        treasury,
        VestingModule.LOCKED_BALANCES,
        ProtocolRules.DEFAULT_MAX_TRANSACTION_SIZE);
  }

  /**
   * The rules by block number (one version so far, with the gas table upgrades governance schedules
   * in the parameter registry), without a record verifier.
   */
  public ProtocolSchedule schedule() {
    return ProtocolSchedule.of(rules()).withGasTables(ParameterRegistryModule::gasTableAt);
  }

  /** The rules by block number, with {@code verifier} deciding recomputed challenges. */
  public ProtocolSchedule schedule(RecordVerifier verifier) {
    return ProtocolSchedule.of(rules(verifier)).withGasTables(ParameterRegistryModule::gasTableAt);
  }

  /**
   * Builds block 0: credits the unlocked allocations, creates a vesting schedule (locked supply)
   * for each vesting allocation, and returns the genesis block with the state writes. Nothing is
   * written: put {@code stateCommit().writeTo(batch)} and the block into one batch.
   */
  public ExecutedBlock toState(StateDatabase states) {
    WorldState state = states.open(Hash.ZERO, -1);
    for (Allocation a : allocations) {
      a.effectiveVesting()
          .ifPresentOrElse(
              t ->
                  VestingModule.createSchedule(
                      state,
                      VestingSchedule.of(
                          a.address(), a.amount(), timestamp, t.cliff(), t.duration())),
              () -> state.credit(a.address(), a.amount()));
    }
    distributor.ifPresent(d -> DistributorModule.fund(state, d));
    var supply = state.supply();
    StateCommit commit = state.commit();
    BlockHeader header =
        new BlockHeader(
            Hash.ZERO,
            0,
            timestamp,
            commit.stateRoot(),
            Block.transactionsRoot(List.of()),
            Block.receiptsRoot(List.of()),
            LogsBloom.EMPTY,
            0,
            gasLimit,
            initialBaseFee,
            sequencer,
            new byte[0]);
    return new ExecutedBlock(
        new Block(header, List.of()), List.of(), List.of(), List.of(), commit, supply);
  }
}
