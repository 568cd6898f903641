package io.openledger.chain.staking;

import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.governance.GovernanceModule;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.MeteredStateReader;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.module.SystemModule.Slots;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The staking module at {@code 0x0000000000000000000000000000000000001006} (docs/staking.md):
 * operators' stake pools, delegation by shares, lock terms with reward weights, unbonding with a
 * delay, model tiers and the stake they require, the stakers' share of inference fees (paid in by
 * the inference module when a batch is final) and slashing (called by the challenge module).
 *
 * <p>The module's account holds every pool's stake, bonded and unbonding; {@link StakingTotals}
 * lets {@link #audit} check after any block that it holds exactly that.
 *
 * <p>Storage: {@code "pool" ++ operator} → {@link Pool}; {@code "pos" ++ operator ++ staker ++ term
 * (1)} → {@link Position}; {@code "entry" ++ operator ++ staker ++ id (8)} → {@link
 * UnbondingEntry}; {@code "entries" ++ operator ++ staker} → the next entry id (8); {@code "model"
 * ++ modelId (8)} → {@link ModelStake}; {@code "totals"} → {@link StakingTotals}; {@code "endpoint"
 * ++ operator} → the URL (UTF-8) where the operator publishes its records. A value equal to its
 * empty default is deleted.
 */
public final class StakingModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(6);
  public static final String NAME = "staking";

  /** The inference module: the only caller of {@code addRewards}. */
  public static final Address REWARDER = ModuleRegistry.moduleAddress(4);

  /** The challenge module: the only caller of {@code slash}. */
  public static final Address SLASHER = ModuleRegistry.moduleAddress(7);

  public static final AbiFunction STAKE = AbiFunction.payable("stake(address,uint8)", "uint256");
  public static final AbiFunction UNBOND =
      AbiFunction.of("unbond(address,uint8,uint256)", "uint64,uint256", false);
  public static final AbiFunction WITHDRAW =
      AbiFunction.of("withdraw(address,uint64)", "uint256", false);
  public static final AbiFunction SET_TIER = AbiFunction.of("setTier(uint64,uint8)", "", false);
  public static final AbiFunction SERVE = AbiFunction.of("serve(uint64)", "", false);
  public static final AbiFunction UNSERVE = AbiFunction.of("unserve(uint64)", "", false);
  public static final AbiFunction ADD_REWARDS = AbiFunction.payable("addRewards(address)", "");
  public static final AbiFunction SLASH = AbiFunction.of("slash(address,uint16)", "uint256", false);
  public static final AbiFunction POOL =
      AbiFunction.of("pool(address)", "uint256,uint256,uint256,uint64,uint64,uint64", true);
  public static final AbiFunction SHARE_CLASS =
      AbiFunction.of("shareClass(address,uint8)", "uint256,uint256,uint16", true);
  public static final AbiFunction POSITION =
      AbiFunction.of("position(address,address,uint8)", "uint256,uint256,uint64", true);
  public static final AbiFunction UNBONDING_ENTRY =
      AbiFunction.of("unbondingEntry(address,address,uint64)", "uint256,uint256,uint64", true);
  public static final AbiFunction NEXT_ENTRY_ID =
      AbiFunction.of("nextEntryId(address,address)", "uint64", true);
  public static final AbiFunction MODEL_STAKE =
      AbiFunction.of("modelStake(uint64)", "uint8,uint256,address,address,uint256,bool", true);
  public static final AbiFunction TOTALS = AbiFunction.of("totals()", "uint256,uint256", true);
  public static final AbiFunction SET_ENDPOINT = AbiFunction.of("setEndpoint(string)", "", false);
  public static final AbiFunction ENDPOINT = AbiFunction.of("endpoint(address)", "string", true);

  /** The longest endpoint URL, bytes. */
  public static final int MAX_ENDPOINT_BYTES = 256;

  public static final AbiFunction STAKING_PARAMETERS =
      AbiFunction.of(
          "stakingParameters()",
          "uint64,uint64,uint256,uint256,uint256,uint16,uint16,uint16,uint16",
          true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          STAKE,
          UNBOND,
          WITHDRAW,
          SET_TIER,
          SERVE,
          UNSERVE,
          ADD_REWARDS,
          SLASH,
          POOL,
          SHARE_CLASS,
          POSITION,
          UNBONDING_ENTRY,
          NEXT_ENTRY_ID,
          MODEL_STAKE,
          TOTALS,
          STAKING_PARAMETERS,
          SET_ENDPOINT,
          ENDPOINT);

  public static final AbiEvent STAKED =
      event(
          "Staked",
          p("operator", AbiType.ADDRESS, true),
          p("staker", AbiType.ADDRESS, true),
          p("term", AbiType.parse("uint8"), false),
          p("amount", AbiType.UINT256, false),
          p("shares", AbiType.UINT256, false),
          p("lockedUntil", AbiType.UINT64, false));
  public static final AbiEvent UNBONDING =
      event(
          "Unbonding",
          p("operator", AbiType.ADDRESS, true),
          p("staker", AbiType.ADDRESS, true),
          p("entryId", AbiType.UINT64, true),
          p("term", AbiType.parse("uint8"), false),
          p("amount", AbiType.UINT256, false),
          p("releaseAt", AbiType.UINT64, false));
  public static final AbiEvent WITHDRAWN =
      event(
          "Withdrawn",
          p("operator", AbiType.ADDRESS, true),
          p("staker", AbiType.ADDRESS, true),
          p("entryId", AbiType.UINT64, true),
          p("amount", AbiType.UINT256, false));
  public static final AbiEvent TIER_SET =
      event(
          "TierSet", p("modelId", AbiType.UINT64, true), p("tier", AbiType.parse("uint8"), false));
  public static final AbiEvent MODEL_SERVED =
      event(
          "ModelServed", p("modelId", AbiType.UINT64, true), p("operator", AbiType.ADDRESS, true));
  public static final AbiEvent MODEL_UNSERVED =
      event(
          "ModelUnserved",
          p("modelId", AbiType.UINT64, true),
          p("operator", AbiType.ADDRESS, true));
  public static final AbiEvent REWARDED =
      event(
          "Rewarded",
          p("operator", AbiType.ADDRESS, true),
          p("amount", AbiType.UINT256, false),
          p("toTreasury", AbiType.UINT256, false));
  public static final AbiEvent SLASHED =
      event(
          "Slashed",
          p("operator", AbiType.ADDRESS, true),
          p("rateBps", AbiType.parse("uint16"), false),
          p("amount", AbiType.UINT256, false));

  public static final AbiEvent ENDPOINT_SET =
      event("EndpointSet", p("operator", AbiType.ADDRESS, true), p("url", AbiType.STRING, false));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS =
      List.of(
          STAKED,
          UNBONDING,
          WITHDRAWN,
          TIER_SET,
          MODEL_SERVED,
          MODEL_UNSERVED,
          REWARDED,
          SLASHED,
          ENDPOINT_SET);

  private static final byte[] POOL_PREFIX = ascii("pool");
  private static final byte[] POSITION_PREFIX = ascii("pos");
  private static final byte[] ENTRY_PREFIX = ascii("entry");
  private static final byte[] ENTRIES_PREFIX = ascii("entries");
  private static final byte[] MODEL_PREFIX = ascii("model");
  private static final byte[] TOTALS_SLOT = ascii("totals");
  private static final byte[] ENDPOINT_PREFIX = ascii("endpoint");

  private final ParametersInForce inForce;
  private final Address treasury;

  /**
   * @param inForce delays, tier minimums and lock weights as the state has them (the parameter
   *     registry's values)
   * @param treasury receives rewards of a pool nobody holds
   */
  public StakingModule(ParametersInForce inForce, Address treasury) {
    this.inForce = Objects.requireNonNull(inForce, "inForce");
    this.treasury = Objects.requireNonNull(treasury, "treasury");
  }

  /** The staking parameters in force in {@code state}. */
  public StakingParameters parameters(StateReader state) {
    return inForce.in(state).staking();
  }

  /** The staking parameters in force, read through the call's metered reader. */
  private StakingParameters parameters(ModuleContext ctx) {
    return parameters(new MeteredStateReader(ctx));
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Staking.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    Slots slots = ctx::load;
    return switch (f.name()) {
      case "stake" -> STAKE.encodeResult(stake(ctx, (Address) a.get(0), term(a.get(1)), value));
      case "unbond" -> unbond(ctx, (Address) a.get(0), term(a.get(1)), (BigInteger) a.get(2));
      case "withdraw" ->
          WITHDRAW.encodeResult(
              withdraw(ctx, (Address) a.get(0), u63(a.get(1), "entryId")).value());
      case "setTier" -> {
        setTier(ctx, u63(a.get(0), "modelId"), tier(a.get(1)));
        yield new byte[0];
      }
      case "serve" -> {
        serve(ctx, u63(a.get(0), "modelId"));
        yield new byte[0];
      }
      case "unserve" -> {
        unserve(ctx, u63(a.get(0), "modelId"));
        yield new byte[0];
      }
      case "addRewards" -> {
        addRewards(ctx, (Address) a.get(0), value);
        yield new byte[0];
      }
      case "slash" ->
          SLASH.encodeResult(
              slash(ctx, (Address) a.get(0), ((BigInteger) a.get(1)).intValue()).value());
      case "pool" -> poolView(slots, (Address) a.get(0), parameters(ctx));
      case "shareClass" -> {
        LockTerm t = term(a.get(1));
        ShareClass c = pool(slots, (Address) a.get(0)).bonded(t);
        yield SHARE_CLASS.encodeResult(
            c.stake().value(), c.shares(), uint(parameters(ctx).weightBps(t)));
      }
      case "position" -> {
        Address operator = (Address) a.get(0);
        LockTerm t = term(a.get(2));
        Position pos = position(slots, operator, (Address) a.get(1), t);
        yield POSITION.encodeResult(
            pos.shares(),
            pool(slots, operator).bonded(t).valueOf(pos.shares()).value(),
            uint(pos.lockedUntil()));
      }
      case "unbondingEntry" -> {
        Address operator = (Address) a.get(0);
        BigInteger id = (BigInteger) a.get(2);
        Optional<UnbondingEntry> e =
            id.bitLength() > 63
                ? Optional.empty()
                : entry(slots, operator, (Address) a.get(1), id.longValue());
        yield UNBONDING_ENTRY.encodeResult(
            e.map(UnbondingEntry::shares).orElse(BigInteger.ZERO),
            e.map(x -> pool(slots, operator).unbonding().valueOf(x.shares()).value())
                .orElse(BigInteger.ZERO),
            uint(e.map(UnbondingEntry::releaseAt).orElse(0L)));
      }
      case "nextEntryId" ->
          NEXT_ENTRY_ID.encodeResult(
              uint(nextEntryId(slots, (Address) a.get(0), (Address) a.get(1))));
      case "modelStake" -> modelStakeView(new MeteredStateReader(ctx), a.get(0));
      case "totals" -> {
        StakingTotals t = totals(slots);
        yield TOTALS.encodeResult(t.bonded().value(), t.unbonding().value());
      }
      case "stakingParameters" -> parametersView(parameters(ctx));
      case "setEndpoint" -> {
        setEndpoint(ctx, (String) a.get(0));
        yield new byte[0];
      }
      case "endpoint" -> ENDPOINT.encodeResult(endpoint(slots, (Address) a.get(0)).orElse(""));
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  // ---- staking ----

  private BigInteger stake(ModuleContext ctx, Address operator, LockTerm term, Amount value) {
    if (value.isZero()) {
      throw new ModuleRevert("staking: stake of zero");
    }
    if (operator.equals(Address.ZERO) || ModuleRegistry.isModuleAddress(operator)) {
      throw new ModuleRevert("staking: " + operator + " cannot run a pool");
    }
    Address staker = ctx.caller();
    Pool pool = pool(ctx::load, operator);
    ShareClass.Deposit d;
    try {
      d = pool.bonded(term).deposit(value);
    } catch (ArithmeticException e) {
      throw new ModuleRevert("staking: " + e.getMessage());
    }
    if (d.minted().signum() == 0) {
      throw new ModuleRevert(
          "staking: " + value + " buys no share of the " + term + " class at its rate");
    }
    Position pos = position(ctx::load, operator, staker, term);
    long lockedUntil =
        term == LockTerm.FLEXIBLE
            ? 0
            : Math.addExact(ctx.blockTimestamp(), parameters(ctx).lockSeconds(term));
    putPosition(
        ctx, operator, staker, term, new Position(pos.shares().add(d.minted()), lockedUntil));
    putPool(ctx, operator, pool.withBonded(term, d.after()));
    StakingTotals t = totals(ctx::load);
    putTotals(ctx, new StakingTotals(t.bonded().add(value), t.unbonding()));
    reportToGovernance(
        ctx,
        GovernanceModule.STAKE_ADDED.encodeCall(
            staker, operator, uint(term.code()), value.value()));
    ctx.emit(
        STAKED, operator, staker, uint(term.code()), value.value(), d.minted(), uint(lockedUntil));
    return d.minted();
  }

  private byte[] unbond(ModuleContext ctx, Address operator, LockTerm term, BigInteger shares) {
    if (shares.signum() == 0) {
      throw new ModuleRevert("staking: unbonding zero shares");
    }
    Address staker = ctx.caller();
    Position pos = position(ctx::load, operator, staker, term);
    if (pos.shares().compareTo(shares) < 0) {
      throw new ModuleRevert(
          "staking: unbonding "
              + shares
              + " shares but "
              + staker
              + " holds "
              + pos.shares()
              + " in the "
              + term
              + " class of "
              + operator);
    }
    long now = ctx.blockTimestamp();
    if (now < pos.lockedUntil()) {
      throw new ModuleRevert(
          "staking: the "
              + term
              + " stake is locked until "
              + pos.lockedUntil()
              + " (now "
              + now
              + ")");
    }
    Pool pool = pool(ctx::load, operator);
    ShareClass.Withdrawal w = pool.bonded(term).redeem(shares);
    if (w.paid().isZero()) {
      throw new ModuleRevert("staking: " + shares + " shares are worth nothing at this rate");
    }
    ShareClass.Deposit u = pool.unbonding().deposit(w.paid());
    if (u.minted().signum() == 0) {
      throw new ModuleRevert("staking: " + w.paid() + " buys no unbonding share at its rate");
    }
    BigInteger left = pos.shares().subtract(shares);
    putPosition(
        ctx,
        operator,
        staker,
        term,
        new Position(left, left.signum() == 0 ? 0 : pos.lockedUntil()));
    putPool(ctx, operator, pool.withBonded(term, w.after()).withUnbonding(u.after()));
    long id = nextEntryId(ctx::load, operator, staker);
    long releaseAt = Math.addExact(now, parameters(ctx).unbondingDelay());
    ctx.store(entrySlot(operator, staker, id), new UnbondingEntry(u.minted(), releaseAt).encode());
    ctx.store(entriesSlot(operator, staker), ByteBuffer.allocate(8).putLong(id + 1).array());
    StakingTotals t = totals(ctx::load);
    putTotals(ctx, new StakingTotals(t.bonded().subtract(w.paid()), t.unbonding().add(w.paid())));
    reportToGovernance(
        ctx,
        GovernanceModule.STAKE_REMOVED.encodeCall(
            staker, operator, uint(term.code()), shares, pos.shares()));
    ctx.emit(
        UNBONDING,
        operator,
        staker,
        uint(id),
        uint(term.code()),
        w.paid().value(),
        uint(releaseAt));
    return UNBOND.encodeResult(uint(id), w.paid().value());
  }

  /**
   * Bonded stake votes (docs/governance.md): the governance module checkpoints each stake and
   * unbonding in the block it happens.
   */
  private static void reportToGovernance(ModuleContext ctx, byte[] call) {
    ModuleContext.CallOutcome out = ctx.call(GovernanceModule.ADDRESS, call, Amount.ZERO);
    if (!out.success()) {
      throw new ModuleRevert(
          "staking: the governance module refused the stake's votes: "
              + Abi.decodeError(out.returnData()).orElse("no reason"));
    }
  }

  private Amount withdraw(ModuleContext ctx, Address operator, long id) {
    Address staker = ctx.caller();
    UnbondingEntry e =
        entry(ctx::load, operator, staker, id)
            .orElseThrow(
                () ->
                    new ModuleRevert(
                        "staking: "
                            + staker
                            + " has no unbonding entry "
                            + id
                            + " with "
                            + operator));
    if (ctx.blockTimestamp() < e.releaseAt()) {
      throw new ModuleRevert(
          "staking: entry "
              + id
              + " is released at "
              + e.releaseAt()
              + " (now "
              + ctx.blockTimestamp()
              + ")");
    }
    Pool pool = pool(ctx::load, operator);
    ShareClass.Withdrawal w = pool.unbonding().redeem(e.shares());
    ctx.store(entrySlot(operator, staker, id), new byte[0]);
    putPool(ctx, operator, pool.withUnbonding(w.after()));
    StakingTotals t = totals(ctx::load);
    putTotals(ctx, new StakingTotals(t.bonded(), t.unbonding().subtract(w.paid())));
    if (!w.paid().isZero()) {
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, staker, w.paid());
    }
    ctx.emit(WITHDRAWN, operator, staker, uint(id), w.paid().value());
    return w.paid();
  }

  // ---- models ----

  private void setTier(ModuleContext ctx, long modelId, Tier tier) {
    Model m = model(ctx, modelId);
    if (!m.owner().equals(ctx.caller())) {
      throw new ModuleRevert(
          "staking: only model " + modelId + "'s owner " + m.owner() + " sets its tier");
    }
    ModelStake ms = modelStake(ctx::load, modelId);
    if (ms.served()) {
      Pool pool = pool(ctx::load, ms.servedBy());
      putPool(ctx, ms.servedBy(), pool.withServed(ms.tier(), -1).withServed(tier, 1));
    }
    putModelStake(ctx, modelId, new ModelStake(tier, ms.servedBy()));
    ctx.emit(TIER_SET, uint(modelId), uint(tier.code()));
  }

  private void serve(ModuleContext ctx, long modelId) {
    Model m = model(ctx, modelId);
    Address operator = ctx.caller();
    if (!m.operator().equals(operator)) {
      throw new ModuleRevert(
          "staking: model " + modelId + "'s operator is " + m.operator() + ", not " + operator);
    }
    ModelStake ms = modelStake(ctx::load, modelId);
    if (ms.servedBy().equals(operator)) {
      throw new ModuleRevert("staking: " + operator + " already serves model " + modelId);
    }
    if (ms.served()) {
      // the model changed operator: the old operator's pool stops counting it
      Pool old = pool(ctx::load, ms.servedBy());
      putPool(ctx, ms.servedBy(), old.withServed(ms.tier(), -1));
      ctx.emit(MODEL_UNSERVED, uint(modelId), ms.servedBy());
    }
    putPool(ctx, operator, pool(ctx::load, operator).withServed(ms.tier(), 1));
    putModelStake(ctx, modelId, new ModelStake(ms.tier(), operator));
    ctx.emit(MODEL_SERVED, uint(modelId), operator);
  }

  private void unserve(ModuleContext ctx, long modelId) {
    ModelStake ms = modelStake(ctx::load, modelId);
    if (!ms.servedBy().equals(ctx.caller())) {
      throw new ModuleRevert("staking: " + ctx.caller() + " does not serve model " + modelId);
    }
    putPool(ctx, ms.servedBy(), pool(ctx::load, ms.servedBy()).withServed(ms.tier(), -1));
    putModelStake(ctx, modelId, new ModelStake(ms.tier(), Address.ZERO));
    ctx.emit(MODEL_UNSERVED, uint(modelId), ms.servedBy());
  }

  private static Model model(ModuleContext ctx, long modelId) {
    return ModelModule.readModel(new MeteredStateReader(ctx), modelId)
        .orElseThrow(() -> new ModuleRevert("staking: unknown model " + modelId));
  }

  // ---- rewards and slashes ----

  private void addRewards(ModuleContext ctx, Address operator, Amount value) {
    if (!ctx.caller().equals(REWARDER)) {
      throw new ModuleRevert("staking: only the inference module adds rewards");
    }
    if (value.isZero()) {
      throw new ModuleRevert("staking: reward of zero");
    }
    Pool.Rewarded r = pool(ctx::load, operator).reward(value, parameters(ctx));
    Amount placed = value.subtract(r.unplaced());
    putPool(ctx, operator, r.after());
    StakingTotals t = totals(ctx::load);
    putTotals(ctx, new StakingTotals(t.bonded().add(placed), t.unbonding()));
    if (!r.unplaced().isZero()) {
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, treasury, r.unplaced());
    }
    ctx.emit(REWARDED, operator, placed.value(), r.unplaced().value());
  }

  private Amount slash(ModuleContext ctx, Address operator, int rateBps) {
    if (!ctx.caller().equals(SLASHER)) {
      throw new ModuleRevert("staking: only the challenge module slashes");
    }
    if (rateBps <= 0 || rateBps >= 10_000) {
      throw new ModuleRevert("staking: slash rate " + rateBps + " bps is not in 1..9999");
    }
    Pool before = pool(ctx::load, operator);
    Pool.Slashed s = before.slash(rateBps);
    Amount fromBonded = before.bondedStake().subtract(s.after().bondedStake());
    Amount fromUnbonding = s.cut().subtract(fromBonded);
    putPool(ctx, operator, s.after());
    StakingTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new StakingTotals(t.bonded().subtract(fromBonded), t.unbonding().subtract(fromUnbonding)));
    if (!s.cut().isZero()) {
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, ctx.caller(), s.cut());
    }
    ctx.emit(SLASHED, operator, uint(rateBps), s.cut().value());
    return s.cut();
  }

  // ---- endpoints ----

  private static void setEndpoint(ModuleContext ctx, String url) {
    Optional<String> bad = endpointProblem(url);
    if (bad.isPresent()) {
      throw new ModuleRevert("staking: " + bad.get());
    }
    Address operator = ctx.caller();
    ctx.store(
        SystemModule.slot(ENDPOINT_PREFIX, operator.toArray()),
        url.getBytes(StandardCharsets.UTF_8));
    ctx.emit(ENDPOINT_SET, operator, url);
  }

  /**
   * Why {@code url} cannot be an endpoint, or empty when it can: an absolute {@code http} or {@code
   * https} URL with a host, at most {@value #MAX_ENDPOINT_BYTES} bytes of printable ASCII, with no
   * user info, query or fragment (clients append {@code /v1/records?...}) and no trailing slash.
   * Deterministic: the rule looks at the characters only, never at the network.
   */
  public static Optional<String> endpointProblem(String url) {
    byte[] bytes = url.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      return Optional.of("the endpoint URL is empty");
    }
    if (bytes.length > MAX_ENDPOINT_BYTES) {
      return Optional.of(
          "the endpoint URL is " + bytes.length + " bytes, at most " + MAX_ENDPOINT_BYTES);
    }
    for (byte b : bytes) {
      if (b < 0x21 || b > 0x7e) {
        return Optional.of(
            "the endpoint URL may hold printable ASCII only (no spaces or control characters)");
      }
    }
    String rest;
    if (url.startsWith("http://")) {
      rest = url.substring(7);
    } else if (url.startsWith("https://")) {
      rest = url.substring(8);
    } else {
      return Optional.of("the endpoint URL must start with http:// or https://, got '" + url + "'");
    }
    if (url.indexOf('?') >= 0 || url.indexOf('#') >= 0) {
      return Optional.of("the endpoint URL must have no query or fragment ('?' or '#')");
    }
    if (url.endsWith("/")) {
      return Optional.of("the endpoint URL must not end with '/' (clients append /v1/records)");
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    if (authority.indexOf('@') >= 0) {
      return Optional.of("the endpoint URL must not carry user info ('@')");
    }
    String host = authority;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return Optional.of("the endpoint URL's IPv6 host has no closing ']'");
      }
      String port = host.substring(close + 1);
      host = host.substring(0, close + 1);
      if (!port.isEmpty() && !validPort(port)) {
        return Optional.of("the endpoint URL's port must be ':' and 1..65535");
      }
    } else {
      int colon = host.indexOf(':');
      if (colon >= 0) {
        if (!validPort(host.substring(colon))) {
          return Optional.of("the endpoint URL's port must be ':' and 1..65535");
        }
        host = host.substring(0, colon);
      }
      for (int i = 0; i < host.length(); i++) {
        char ch = host.charAt(i);
        if (!(Character.isLetterOrDigit(ch) || ch == '-' || ch == '.')) {
          return Optional.of(
              "the endpoint URL's host may hold letters, digits, '-' and '.' only, got '"
                  + host
                  + "'");
        }
      }
    }
    if (host.isEmpty() || host.equals("[]")) {
      return Optional.of("the endpoint URL has no host");
    }
    return Optional.empty();
  }

  private static boolean validPort(String colonPort) {
    if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < colonPort.length(); i++) {
      if (colonPort.charAt(i) < '0' || colonPort.charAt(i) > '9') {
        return false;
      }
    }
    int port = Integer.parseInt(colonPort.substring(1));
    return port >= 1 && port <= 65_535;
  }

  /** Where {@code operator} publishes its records ({@code GET {url}/v1/records}), if it said. */
  public static Optional<String> endpoint(StateReader state, Address operator) {
    return endpoint(free(state), operator);
  }

  private static Optional<String> endpoint(Slots s, Address operator) {
    return s.load(SystemModule.slot(ENDPOINT_PREFIX, operator.toArray()))
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  // ---- views ----

  private static byte[] poolView(Slots slots, Address operator, StakingParameters parameters) {
    Pool pool = pool(slots, operator);
    return POOL.encodeResult(
        pool.bondedStake().value(),
        pool.unbonding().stake().value(),
        pool.requiredStake(parameters).value(),
        uint(pool.served(Tier.EXPERIMENTAL)),
        uint(pool.served(Tier.STANDARD)),
        uint(pool.served(Tier.CRITICAL)));
  }

  private byte[] modelStakeView(StateReader state, Object modelIdArg) {
    BigInteger id = (BigInteger) modelIdArg;
    long modelId = id.bitLength() > 63 ? 0 : id.longValue();
    ModelStake ms = modelStake(free(state), modelId);
    Optional<Model> m = ModelModule.readModel(state, modelId);
    Address operator = m.map(Model::operator).orElse(Address.ZERO);
    Amount bonded = pool(free(state), operator).bondedStake();
    StakingParameters parameters = parameters(state);
    return MODEL_STAKE.encodeResult(
        uint(ms.tier().code()),
        parameters.minimum(ms.tier()).value(),
        operator,
        ms.servedBy(),
        bonded.value(),
        check(state, modelId, parameters).met());
  }

  private static byte[] parametersView(StakingParameters p) {
    return STAKING_PARAMETERS.encodeResult(
        uint(p.unbondingDelay()),
        uint(p.lockDaySeconds()),
        p.experimentalMinimum().value(),
        p.standardMinimum().value(),
        p.criticalMinimum().value(),
        uint(p.lockWeight30Bps()),
        uint(p.lockWeight90Bps()),
        uint(p.lockWeight180Bps()),
        uint(p.lockWeight365Bps()));
  }

  // ---- gas-free readers (inference module, node, tests) ----

  /**
   * Whether model {@code modelId} may be served on paid requests: it exists, its operator serves it
   * here, and the operator's bonded stake covers the minimum of the highest tier among the models
   * it serves (what {@link #batchRefusal} asks of its batches).
   */
  public static TierCheck check(StateReader state, long modelId, StakingParameters parameters) {
    Optional<Model> m = ModelModule.readModel(state, modelId);
    if (m.isEmpty()) {
      return new TierCheck.Unmet("unknown model " + modelId);
    }
    Address operator = m.get().operator();
    ModelStake ms = modelStake(free(state), modelId);
    if (!ms.servedBy().equals(operator)) {
      return new TierCheck.Unmet(
          "model "
              + modelId
              + "'s operator "
              + operator
              + " has not declared it (serve) on the staking module");
    }
    Pool pool = pool(free(state), operator);
    Amount required = pool.requiredStake(parameters);
    Amount bonded = pool.bondedStake();
    if (bonded.lessThan(required)) {
      return new TierCheck.Unmet(
          "operator "
              + operator
              + " has "
              + bonded.toOpenString()
              + " OPEN bonded, under the "
              + required.toOpenString()
              + " OPEN its "
              + pool.highestTier().orElseThrow().name().toLowerCase(java.util.Locale.ROOT)
              + " models need");
    }
    return new TierCheck.Met(operator, ms.tier(), bonded, required);
  }

  /**
   * Why a batch with charges of {@code operator} must be refused, if it must: the operator serves
   * no model here, or its bonded stake is under the minimum of the highest tier it serves. The
   * reason names no module; the caller prefixes its own.
   */
  public static Optional<String> batchRefusal(
      StateReader state, Address operator, StakingParameters parameters) {
    Pool pool = pool(free(state), operator);
    Optional<Tier> highest = pool.highestTier();
    if (highest.isEmpty()) {
      return Optional.of("operator " + operator + " serves no model on the staking module (serve)");
    }
    Amount required = parameters.minimum(highest.get());
    Amount bonded = pool.bondedStake();
    if (bonded.lessThan(required)) {
      return Optional.of(
          "operator "
              + operator
              + " has "
              + bonded.toOpenString()
              + " OPEN bonded, under the "
              + required.toOpenString()
              + " OPEN its "
              + highest.get().name().toLowerCase(java.util.Locale.ROOT)
              + " models need");
    }
    return Optional.empty();
  }

  public static Pool pool(StateReader state, Address operator) {
    return pool(free(state), operator);
  }

  public static Position position(StateReader state, Address operator, Address staker, LockTerm t) {
    return position(free(state), operator, staker, t);
  }

  public static Optional<UnbondingEntry> entry(
      StateReader state, Address operator, Address staker, long id) {
    return entry(free(state), operator, staker, id);
  }

  /** The id the next unbonding entry of {@code staker} with {@code operator} will get. */
  public static long nextEntryId(StateReader state, Address operator, Address staker) {
    return nextEntryId(free(state), operator, staker);
  }

  public static ModelStake modelStake(StateReader state, long modelId) {
    return modelStake(free(state), modelId);
  }

  public static StakingTotals totals(StateReader state) {
    return totals(free(state));
  }

  /**
   * Empty when the module's account holds exactly {@link StakingTotals#held()}; else what differs.
   */
  public static Optional<String> audit(StateReader state) {
    StakingTotals t = totals(state);
    Amount balance = state.balance(ADDRESS);
    if (balance.equals(t.held())) {
      return Optional.empty();
    }
    return Optional.of(
        "staking module holds "
            + balance
            + " but owes bonded "
            + t.bonded()
            + " + unbonding "
            + t.unbonding()
            + " = "
            + t.held());
  }

  // ---- storage ----

  private static Slots free(StateReader state) {
    return Slots.of(state, ADDRESS);
  }

  private static Pool pool(Slots s, Address operator) {
    return s.load(SystemModule.slot(POOL_PREFIX, operator.toArray()))
        .map(Pool::decode)
        .orElse(Pool.EMPTY);
  }

  private static Position position(Slots s, Address operator, Address staker, LockTerm t) {
    return s.load(positionSlot(operator, staker, t)).map(Position::decode).orElse(Position.NONE);
  }

  private static Optional<UnbondingEntry> entry(
      Slots s, Address operator, Address staker, long id) {
    return s.load(entrySlot(operator, staker, id)).map(UnbondingEntry::decode);
  }

  private static long nextEntryId(Slots s, Address operator, Address staker) {
    return s.load(entriesSlot(operator, staker)).map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
  }

  private static ModelStake modelStake(Slots s, long modelId) {
    return s.load(modelSlot(modelId)).map(ModelStake::decode).orElse(ModelStake.NONE);
  }

  private static StakingTotals totals(Slots s) {
    return s.load(TOTALS_SLOT).map(StakingTotals::decode).orElse(StakingTotals.ZERO);
  }

  private static void putPool(ModuleContext ctx, Address operator, Pool p) {
    ctx.store(
        SystemModule.slot(POOL_PREFIX, operator.toArray()),
        p.equals(Pool.EMPTY) ? new byte[0] : p.encode());
  }

  private static void putPosition(
      ModuleContext ctx, Address operator, Address staker, LockTerm t, Position p) {
    ctx.store(positionSlot(operator, staker, t), p.isEmpty() ? new byte[0] : p.encode());
  }

  private static void putModelStake(ModuleContext ctx, long modelId, ModelStake m) {
    ctx.store(modelSlot(modelId), m.equals(ModelStake.NONE) ? new byte[0] : m.encode());
  }

  private static void putTotals(ModuleContext ctx, StakingTotals t) {
    ctx.store(TOTALS_SLOT, t.equals(StakingTotals.ZERO) ? new byte[0] : t.encode());
  }

  private static byte[] positionSlot(Address operator, Address staker, LockTerm t) {
    return SystemModule.slot(
        POSITION_PREFIX, operator.toArray(), staker.toArray(), new byte[] {(byte) t.code()});
  }

  private static byte[] entrySlot(Address operator, Address staker, long id) {
    return SystemModule.slot(
        ENTRY_PREFIX,
        operator.toArray(),
        staker.toArray(),
        ByteBuffer.allocate(8).putLong(id).array());
  }

  private static byte[] entriesSlot(Address operator, Address staker) {
    return SystemModule.slot(ENTRIES_PREFIX, operator.toArray(), staker.toArray());
  }

  private static byte[] modelSlot(long modelId) {
    return SystemModule.slot(MODEL_PREFIX, ByteBuffer.allocate(8).putLong(modelId).array());
  }

  // ---- helpers ----

  private static AbiEvent event(String name, AbiEvent.Parameter... parameters) {
    return new AbiEvent(name, List.of(parameters));
  }

  private static AbiEvent.Parameter p(String name, AbiType type, boolean indexed) {
    return new AbiEvent.Parameter(name, type, indexed);
  }

  private static LockTerm term(Object abiValue) {
    BigInteger v = (BigInteger) abiValue;
    return LockTerm.of(v.longValue())
        .orElseThrow(
            () ->
                new ModuleRevert(
                    "staking: unknown lock term "
                        + v
                        + " (0 flexible, 1..4 = 30/90/180/365 days)"));
  }

  private static Tier tier(Object abiValue) {
    BigInteger v = (BigInteger) abiValue;
    return Tier.of(v.longValue())
        .orElseThrow(
            () ->
                new ModuleRevert(
                    "staking: unknown tier " + v + " (0 experimental, 1 standard, 2 critical)"));
  }

  private static BigInteger uint(long v) {
    return BigInteger.valueOf(v);
  }

  private static long u63(Object abiValue, String what) {
    BigInteger v = (BigInteger) abiValue;
    if (v.bitLength() > 63) {
      throw new ModuleRevert("staking: " + what + " " + v + " is above 2^63 - 1");
    }
    return v.longValue();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
