package io.openledger.chain.distributor;

import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingSchedule;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The reward distributor at {@code 0x0000000000000000000000000000000000001021} (docs/points.md):
 * holds the OPEN a genesis {@code distributor} section takes from the community share, and pays
 * each account of the published list its amount once, against a Merkle proof ({@link ClaimTree},
 * OpenZeppelin's standard tree), into a vesting schedule: the OPEN leaves the module's balance and
 * is counted as locked until {@code release()} pays what has vested. After the deadline nobody can
 * claim and anyone can {@code sweep()} the rest back to the community pool. Supply stays fixed:
 * claims move balance to locked, releases locked to balance, the sweep balance to balance.
 *
 * <p>The vesting arithmetic is the vesting module's ({@link VestingSchedule}): every claim vests on
 * the same calendar, from genesis: nothing before {@code genesis + cliff}, all at {@code genesis +
 * cliff + duration}, linear in between; claiming late releases at once what has vested by then.
 *
 * <p>Storage: {@code "claim" ++ account} → the schedule ({@link VestingSchedule#encode()}, its
 * {@code claimed} field counting what was released); {@code "claimed"} → the sum of all claims
 * (32); {@code "swept"} → what the sweep returned (32), present once swept.
 */
public final class DistributorModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(0x21);
  public static final String NAME = "distributor";

  private static final AbiType BYTES32_ARRAY = AbiType.parse("bytes32[]");

  public static final AbiFunction CLAIM =
      AbiFunction.of("claim(address,uint256,bytes32[])", "", false);
  public static final AbiFunction RELEASE = AbiFunction.of("release()", "uint256", false);
  public static final AbiFunction SWEEP = AbiFunction.of("sweep()", "uint256", false);
  public static final AbiFunction IS_CLAIMED = AbiFunction.of("isClaimed(address)", "bool", true);
  public static final AbiFunction MERKLE_ROOT = AbiFunction.of("merkleRoot()", "bytes32", true);
  public static final AbiFunction DEADLINE = AbiFunction.of("deadline()", "uint64", true);
  public static final AbiFunction TOTAL_AMOUNT = AbiFunction.of("totalAmount()", "uint256", true);
  public static final AbiFunction CLAIMED_TOTAL = AbiFunction.of("claimedTotal()", "uint256", true);
  public static final AbiFunction UNCLAIMED = AbiFunction.of("unclaimed()", "uint256", true);
  public static final AbiFunction SWEPT = AbiFunction.of("swept()", "bool,uint256", true);
  public static final AbiFunction RETURN_TO = AbiFunction.of("returnTo()", "address", true);
  public static final AbiFunction VESTING_TERMS =
      AbiFunction.of("vestingTerms()", "uint64,uint64,uint64", true);
  public static final AbiFunction SCHEDULE =
      AbiFunction.of("schedule(address)", "uint256,uint64,uint64,uint64,uint256", true);
  public static final AbiFunction RELEASABLE =
      AbiFunction.of("releasable(address)", "uint256", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          CLAIM,
          RELEASE,
          SWEEP,
          IS_CLAIMED,
          MERKLE_ROOT,
          DEADLINE,
          TOTAL_AMOUNT,
          CLAIMED_TOTAL,
          UNCLAIMED,
          SWEPT,
          RETURN_TO,
          VESTING_TERMS,
          SCHEDULE,
          RELEASABLE);

  public static final AbiEvent CLAIMED =
      new AbiEvent(
          "Claimed",
          List.of(
              new AbiEvent.Parameter("account", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));
  public static final AbiEvent RELEASED =
      new AbiEvent(
          "Released",
          List.of(
              new AbiEvent.Parameter("account", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));
  public static final AbiEvent SWEPT_EVENT =
      new AbiEvent(
          "Swept",
          List.of(
              new AbiEvent.Parameter("to", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS = List.of(CLAIMED, RELEASED, SWEPT_EVENT);

  private static final byte[] CLAIM_PREFIX = ascii("claim");
  private static final byte[] CLAIMED_SLOT = ascii("claimed");
  private static final byte[] SWEPT_SLOT = ascii("swept");

  private final Optional<Distribution> distribution;
  private final long genesisTime;

  /**
   * @param distribution the genesis {@code distributor} section; empty: every call but the views
   *     reverts
   * @param genesisTime the genesis timestamp, where every claim's vesting starts
   */
  public DistributorModule(Optional<Distribution> distribution, long genesisTime) {
    this.distribution = distribution;
    this.genesisTime = genesisTime;
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Distributor.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    Slots s = ctx::load;
    return switch (f.name()) {
      case "claim" -> {
        @SuppressWarnings("unchecked")
        List<byte[]> proof = (List<byte[]>) a.get(2);
        claim(ctx, (Address) a.get(0), Amount.of((BigInteger) a.get(1)), proof);
        yield new byte[0];
      }
      case "release" -> RELEASE.encodeResult(release(ctx).value());
      case "sweep" -> SWEEP.encodeResult(sweep(ctx).value());
      case "isClaimed" -> IS_CLAIMED.encodeResult(schedule(s, (Address) a.get(0)).isPresent());
      case "merkleRoot" ->
          MERKLE_ROOT.encodeResult(
              distribution.map(Distribution::root).orElse(Hash.ZERO).toArray());
      case "deadline" ->
          DEADLINE.encodeResult(u(distribution.map(Distribution::deadline).orElse(0L)));
      case "totalAmount" ->
          TOTAL_AMOUNT.encodeResult(
              distribution.map(Distribution::amount).orElse(Amount.ZERO).value());
      case "claimedTotal" -> CLAIMED_TOTAL.encodeResult(amount(s.load(CLAIMED_SLOT)).value());
      case "unclaimed" -> {
        ctx.charge(ctx.gasSchedule().accountRead());
        yield UNCLAIMED.encodeResult(ctx.state().account(ADDRESS).balance().value());
      }
      case "swept" -> {
        Optional<byte[]> swept = s.load(SWEPT_SLOT);
        yield SWEPT.encodeResult(swept.isPresent(), amount(swept).value());
      }
      case "returnTo" ->
          RETURN_TO.encodeResult(distribution.map(Distribution::returnTo).orElse(Address.ZERO));
      case "vestingTerms" ->
          VESTING_TERMS.encodeResult(
              u(genesisTime),
              u(distribution.map(Distribution::cliff).orElse(0L)),
              u(distribution.map(Distribution::duration).orElse(0L)));
      case "schedule" -> {
        VestingSchedule v =
            schedule(s, (Address) a.get(0))
                .orElse(VestingSchedule.of(Address.ZERO, Amount.ZERO, 0, 0, 0));
        yield SCHEDULE.encodeResult(
            v.total().value(), u(v.start()), u(v.cliff()), u(v.duration()), v.claimed().value());
      }
      case "releasable" ->
          RELEASABLE.encodeResult(
              schedule(s, (Address) a.get(0))
                  .map(v -> v.claimableAt(ctx.blockTimestamp()))
                  .orElse(Amount.ZERO)
                  .value());
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  private Distribution distribution() {
    return distribution.orElseThrow(
        () ->
            new ModuleRevert(
                "distributor: this chain has no distribution (its genesis names none)"));
  }

  private void claim(ModuleContext ctx, Address account, Amount amount, List<byte[]> proof) {
    Distribution d = distribution();
    long now = ctx.blockTimestamp();
    if (now > d.deadline()) {
      throw new ModuleRevert(
          "distributor: the claim period ended at " + d.deadline() + " (now " + now + ")");
    }
    if (amount.isZero()) {
      throw new ModuleRevert("distributor: claim of zero");
    }
    if (schedule(ctx::load, account).isPresent()) {
      throw new ModuleRevert("distributor: " + account + " has claimed already");
    }
    // two keccaks for the leaf and one per proof element, priced as storage reads
    ctx.charge(Math.multiplyExact(ctx.gasSchedule().storageRead(), 2L + proof.size()));
    List<Hash> siblings = proof.stream().map(Hash::wrap).toList();
    if (!ClaimTree.verify(siblings, d.root(), ClaimTree.leaf(account, amount))) {
      throw new ModuleRevert(
          "distributor: invalid proof: "
              + account
              + " with "
              + amount
              + " base units is not in the published list of root "
              + d.root());
    }
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    Amount held = ctx.state().account(ADDRESS).balance();
    if (held.lessThan(amount)) {
      throw new ModuleRevert(
          "distributor: holds " + held + " base units, cannot pay a claim of " + amount);
    }
    VestingSchedule v = VestingSchedule.of(account, amount, genesisTime, d.cliff(), d.duration());
    ctx.store(claimSlot(account), v.encode());
    ctx.store(CLAIMED_SLOT, amount(ctx.load(CLAIMED_SLOT)).add(amount).toBytes32());
    WorldState state = ctx.state();
    state.debit(ADDRESS, amount);
    state.lock(amount);
    ctx.emit(CLAIMED, account, amount.value());
  }

  private Amount release(ModuleContext ctx) {
    Address who = ctx.caller();
    VestingSchedule v =
        schedule(ctx::load, who)
            .orElseThrow(() -> new ModuleRevert("distributor: " + who + " has claimed nothing"));
    Amount amount = v.claimableAt(ctx.blockTimestamp());
    if (amount.isZero()) {
      throw new ModuleRevert(
          ctx.blockTimestamp() < v.cliffEnd()
              ? "distributor: nothing has vested yet (vesting starts at " + v.cliffEnd() + ")"
              : "distributor: nothing to release");
    }
    ctx.store(claimSlot(who), v.withClaimed(v.claimed().add(amount)).encode());
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().unlock(who, amount);
    ctx.emit(RELEASED, who, amount.value());
    return amount;
  }

  private Amount sweep(ModuleContext ctx) {
    Distribution d = distribution();
    long now = ctx.blockTimestamp();
    if (now <= d.deadline()) {
      throw new ModuleRevert(
          "distributor: claims are open until "
              + d.deadline()
              + " (now "
              + now
              + "); the rest can be swept after");
    }
    if (ctx.load(SWEPT_SLOT).isPresent()) {
      throw new ModuleRevert("distributor: swept already");
    }
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    Amount rest = ctx.state().account(ADDRESS).balance();
    ctx.store(SWEPT_SLOT, rest.toBytes32());
    ctx.state().transfer(ADDRESS, d.returnTo(), rest);
    ctx.emit(SWEPT_EVENT, d.returnTo(), rest.value());
    return rest;
  }

  // ---- reading (gas-free) ----

  /** The schedule a claim of {@code account} created, if it claimed. */
  public static Optional<VestingSchedule> schedule(StateReader state, Address account) {
    return schedule(Slots.of(state, ADDRESS), account);
  }

  /** The sum of all claims so far. */
  public static Amount claimedTotal(StateReader state) {
    return amount(state.storage(ADDRESS, CLAIMED_SLOT));
  }

  /**
   * Genesis only: gives the distributor its OPEN (taken from the community share by the genesis
   * rules, so the supply stays fixed).
   */
  public static void fund(WorldState state, Distribution d) {
    state.credit(ADDRESS, d.amount());
  }

  /**
   * What is wrong with the distributor's books, if anything: its balance is what genesis gave it
   * less the claims and the sweep.
   */
  public static Optional<String> audit(StateReader state, Distribution d) {
    Amount swept = amount(state.storage(ADDRESS, SWEPT_SLOT));
    Amount want = d.amount().subtract(claimedTotal(state)).subtract(swept);
    Amount held = state.balance(ADDRESS);
    return held.equals(want)
        ? Optional.empty()
        : Optional.of(
            "distributor holds " + held + " but genesis less claims and sweep is " + want);
  }

  private static Optional<VestingSchedule> schedule(Slots s, Address account) {
    return s.load(claimSlot(account)).map(b -> VestingSchedule.decode(account, b));
  }

  private static byte[] claimSlot(Address account) {
    return SystemModule.slot(CLAIM_PREFIX, account.toArray());
  }

  private static Amount amount(Optional<byte[]> v) {
    return v.map(Amount::fromBytes).orElse(Amount.ZERO);
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
