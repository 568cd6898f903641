package io.openledger.chain.governance;

import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.exec.GasTables;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.MeteredStateReader;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parameter registry at {@code 0x0000000000000000000000000000000000001009}
 * (docs/governance.md): every governable parameter of the economy with its value, its bounds and
 * the proposal that last set it. Only the governance module sets a value, while it executes a
 * proposal; a value out of bounds is refused with the name and the bounds.
 *
 * <p>Genesis writes nothing: a parameter without a stored value has its genesis value (set by
 * proposal 0). Storage: {@code "param" ++ name (32)} → value (32) ++ proposalId (32); {@code
 * "stored"} → a 256-bit word whose bit {@code i} (from the least significant) says parameter {@code
 * i} of the listing has a stored value, so that the modules read the parameters in force with one
 * storage read while no proposal has set any ({@link #economy}).
 */
public final class ParameterRegistryModule implements SystemModule, ParametersInForce {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(9);
  public static final String NAME = "parameters";

  public static final AbiFunction SET_PARAMETER =
      AbiFunction.of("setParameter(bytes32,uint256)", "", false);
  public static final AbiFunction PARAMETER =
      AbiFunction.of("parameter(bytes32)", "uint256,uint256,uint256,uint256", true);
  public static final AbiFunction PARAMETER_COUNT =
      AbiFunction.of("parameterCount()", "uint256", true);
  public static final AbiFunction PARAMETER_NAMES =
      AbiFunction.of("parameterNames()", "bytes32[]", true);
  public static final AbiFunction PARAMETERS =
      AbiFunction.of("parameters()", "bytes32[],uint256[],uint256[],uint256[],uint256[]", true);

  public static final AbiFunction SET_GAS_TABLE =
      AbiFunction.of("setGasTable(uint256,uint256)", "", false);
  public static final AbiFunction GAS_TABLES =
      AbiFunction.of("gasTables()", "uint256[],uint256[],uint256[]", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          SET_PARAMETER,
          PARAMETER,
          PARAMETER_COUNT,
          PARAMETER_NAMES,
          PARAMETERS,
          SET_GAS_TABLE,
          GAS_TABLES);

  /**
   * The least number of blocks between the block that executes a gas table upgrade and the block it
   * activates at: every node has that long to see it before it prices a transaction.
   */
  public static final long MIN_UPGRADE_LEAD_BLOCKS = 10;

  public static final AbiEvent PARAMETER_SET =
      new AbiEvent(
          "ParameterSet",
          List.of(
              new AbiEvent.Parameter("name", AbiType.BYTES32, true),
              new AbiEvent.Parameter("oldValue", AbiType.UINT256, false),
              new AbiEvent.Parameter("newValue", AbiType.UINT256, false),
              new AbiEvent.Parameter("proposalId", AbiType.UINT256, false)));

  public static final AbiEvent GAS_TABLE_SCHEDULED =
      new AbiEvent(
          "GasTableScheduled",
          List.of(
              new AbiEvent.Parameter("version", AbiType.UINT256, false),
              new AbiEvent.Parameter("activationBlock", AbiType.UINT256, false),
              new AbiEvent.Parameter("proposalId", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS = List.of(PARAMETER_SET, GAS_TABLE_SCHEDULED);

  private static final byte[] PARAM_PREFIX = "param".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STORED_SLOT = "stored".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GAS_TABLES_SLOT = "gasTables".getBytes(StandardCharsets.US_ASCII);

  private final GovernedParameters governed;

  public ParameterRegistryModule(GovernedParameters governed) {
    this.governed = Objects.requireNonNull(governed, "governed");
  }

  public GovernedParameters governed() {
    return governed;
  }

  /** A parameter now: value, bounds and the proposal that last set it (0: genesis). */
  public record Entry(ParameterSpec spec, BigInteger value, BigInteger setBy) {}

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Parameters.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    StateReader state = new MeteredStateReader(ctx);
    return switch (f.name()) {
      case "setParameter" -> {
        set(ctx, (byte[]) a.get(0), (BigInteger) a.get(1));
        yield new byte[0];
      }
      case "parameter" -> {
        ParameterSpec s = spec((byte[]) a.get(0));
        Entry e = entry(state, s);
        yield PARAMETER.encodeResult(e.value(), s.min(), s.max(), e.setBy());
      }
      case "parameterCount" ->
          PARAMETER_COUNT.encodeResult(BigInteger.valueOf(governed.all().size()));
      case "parameterNames" ->
          PARAMETER_NAMES.encodeResult(governed.all().stream().map(ParameterSpec::key).toList());
      case "parameters" -> {
        List<Entry> all = entries(state);
        yield PARAMETERS.encodeResult(
            all.stream().map(e -> e.spec().key()).toList(),
            all.stream().map(Entry::value).toList(),
            all.stream().map(e -> e.spec().min()).toList(),
            all.stream().map(e -> e.spec().max()).toList(),
            all.stream().map(Entry::setBy).toList());
      }
      case "setGasTable" -> {
        setGasTable(ctx, (BigInteger) a.get(0), (BigInteger) a.get(1));
        yield new byte[0];
      }
      case "gasTables" -> {
        List<GasTableUpgrade> all = gasTables(state);
        yield GAS_TABLES.encodeResult(
            all.stream().map(u -> BigInteger.valueOf(u.version())).toList(),
            all.stream().map(u -> BigInteger.valueOf(u.activationBlock())).toList(),
            all.stream().map(GasTableUpgrade::proposalId).toList());
      }
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  /**
   * A gas table upgrade a proposal scheduled: from {@code activationBlock} on, every block is
   * priced by gas table {@code version} ({@link GasTables}).
   */
  public record GasTableUpgrade(int version, long activationBlock, BigInteger proposalId) {}

  private static void setGasTable(ModuleContext ctx, BigInteger version, BigInteger block) {
    if (!ctx.caller().equals(GovernanceModule.ADDRESS)) {
      throw new ModuleRevert(
          "parameters: only the governance module "
              + GovernanceModule.ADDRESS
              + " schedules a gas table, through an executed proposal");
    }
    checkGasTable(version)
        .ifPresent(
            p -> {
              throw new ModuleRevert("parameters: " + p);
            });
    long earliest = Math.addExact(ctx.blockNumber(), MIN_UPGRADE_LEAD_BLOCKS);
    if (block.compareTo(BigInteger.valueOf(earliest)) < 0) {
      throw new ModuleRevert(
          "parameters: gas table "
              + version
              + " at block "
              + block
              + " is too soon: the earliest is block "
              + earliest
              + " ("
              + MIN_UPGRADE_LEAD_BLOCKS
              + " blocks after this one)");
    }
    if (block.bitLength() > 63) {
      throw new ModuleRevert("parameters: activation block " + block + " is past 2^63 - 1");
    }
    StateReader state = new MeteredStateReader(ctx);
    List<GasTableUpgrade> all = new ArrayList<>(gasTables(state));
    if (!all.isEmpty() && all.getLast().activationBlock() >= block.longValue()) {
      throw new ModuleRevert(
          "parameters: gas table "
              + all.getLast().version()
              + " is already scheduled at block "
              + all.getLast().activationBlock()
              + "; a later upgrade must activate after it");
    }
    BigInteger proposal = GovernanceModule.executing(state);
    all.add(new GasTableUpgrade(version.intValueExact(), block.longValue(), proposal));
    ctx.store(GAS_TABLES_SLOT, encode(all));
    ctx.emit(GAS_TABLE_SCHEDULED, version, block, proposal);
  }

  /** Why {@code version} cannot be scheduled: it is not a gas table this software knows. */
  public static Optional<String> checkGasTable(BigInteger version) {
    if (version.bitLength() > 31 || GasTables.byVersion(version.longValue()).isEmpty()) {
      return Optional.of(
          "unknown gas table version " + version + " (known: " + GasTables.knownVersions() + ")");
    }
    return Optional.empty();
  }

  /** Every gas table upgrade scheduled in {@code state}, by activation block. */
  public static List<GasTableUpgrade> gasTables(StateReader state) {
    Optional<byte[]> b = state.storage(ADDRESS, GAS_TABLES_SLOT);
    List<GasTableUpgrade> out = new ArrayList<>();
    if (b.isPresent()) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b.get());
      while (buf.hasRemaining()) {
        int version = buf.getInt();
        long block = buf.getLong();
        byte[] id = new byte[32];
        buf.get(id);
        out.add(new GasTableUpgrade(version, block, new BigInteger(1, id)));
      }
    }
    return out;
  }

  /**
   * The gas table version {@code state} schedules for {@code blockNumber}: the last upgrade
   * activating at or before it ({@link GasTables.Upgrades}, read at the start of each block).
   */
  public static Optional<Integer> gasTableAt(StateReader state, long blockNumber) {
    Optional<Integer> v = Optional.empty();
    for (GasTableUpgrade u : gasTables(state)) {
      if (u.activationBlock() <= blockNumber) {
        v = Optional.of(u.version());
      }
    }
    return v;
  }

  /** version (4) ‖ activation block (8) ‖ proposal id (32), per upgrade. */
  private static byte[] encode(List<GasTableUpgrade> all) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(all.size() * 44);
    for (GasTableUpgrade u : all) {
      b.putInt(u.version()).putLong(u.activationBlock()).put(GovernanceModule.word(u.proposalId()));
    }
    return b.array();
  }

  private void set(ModuleContext ctx, byte[] key, BigInteger v) {
    if (!ctx.caller().equals(GovernanceModule.ADDRESS)) {
      throw new ModuleRevert(
          "parameters: only the governance module "
              + GovernanceModule.ADDRESS
              + " sets parameters, through an executed proposal");
    }
    ParameterSpec s = spec(key);
    if (!s.allows(v)) {
      throw new ModuleRevert("parameters: " + s.outOfBounds(v));
    }
    StateReader state = new MeteredStateReader(ctx);
    BigInteger proposal = GovernanceModule.executing(state);
    Entry old = entry(state, s);
    ctx.store(slot(s), concat(GovernanceModule.word(v), GovernanceModule.word(proposal)));
    BigInteger stored = stored(state);
    int bit = governed.indexOf(s);
    if (!stored.testBit(bit)) {
      ctx.store(STORED_SLOT, GovernanceModule.word(stored.setBit(bit)));
    }
    ctx.emit(PARAMETER_SET, s.key(), old.value(), v, proposal);
  }

  private ParameterSpec spec(byte[] key) {
    String name = ParameterSpec.nameOf(key);
    return governed
        .get(name)
        .filter(s -> Arrays.equals(s.key(), key))
        .orElseThrow(() -> new ModuleRevert("parameters: unknown parameter \"" + name + "\""));
  }

  /** The entry of {@code s} in {@code state}. */
  public static Entry entry(StateReader state, ParameterSpec s) {
    Optional<byte[]> b = state.storage(ADDRESS, slot(s));
    return b.map(
            x ->
                new Entry(
                    s,
                    new BigInteger(1, Arrays.copyOfRange(x, 0, 32)),
                    new BigInteger(1, Arrays.copyOfRange(x, 32, 64))))
        .orElse(new Entry(s, s.genesisValue(), BigInteger.ZERO));
  }

  /**
   * The economy parameters in force in {@code state}: the stored values over the genesis ones. One
   * storage read while no proposal has set a parameter, plus one per parameter set; read through
   * the caller's metered reader inside execution.
   */
  public EconomyParameters economy(StateReader state) {
    BigInteger stored = stored(state);
    if (stored.signum() == 0) {
      return governed.genesis();
    }
    Map<String, BigInteger> values = new LinkedHashMap<>();
    List<ParameterSpec> all = governed.all();
    for (int i = 0; i < all.size(); i++) {
      if (stored.testBit(i)) {
        values.put(all.get(i).name(), entry(state, all.get(i)).value());
      }
    }
    try {
      return governed.economy(values);
    } catch (IllegalArgumentException e) {
      // only between the actions of one execution (its end checks the rules again)
      throw new ModuleRevert("parameters: the values in force break a rule: " + e.getMessage());
    }
  }

  @Override
  public EconomyParameters in(StateReader state) {
    return economy(state);
  }

  private static BigInteger stored(StateReader state) {
    return state
        .storage(ADDRESS, STORED_SLOT)
        .map(b -> new BigInteger(1, b))
        .orElse(BigInteger.ZERO);
  }

  /** Every parameter in listing order, as {@code state} has it. */
  public List<Entry> entries(StateReader state) {
    List<Entry> out = new ArrayList<>();
    for (ParameterSpec s : governed.all()) {
      out.add(entry(state, s));
    }
    return out;
  }

  /** Every parameter's value by name, as {@code state} has it. */
  public Map<String, BigInteger> values(StateReader state) {
    Map<String, BigInteger> out = new LinkedHashMap<>();
    for (Entry e : entries(state)) {
      out.put(e.spec().name(), e.value());
    }
    return out;
  }

  private static byte[] slot(ParameterSpec s) {
    return SystemModule.slot(PARAM_PREFIX, s.key());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
