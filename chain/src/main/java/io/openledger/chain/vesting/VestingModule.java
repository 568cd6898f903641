package io.openledger.chain.vesting;

import io.openledger.chain.exec.LockedBalances;
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
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The vesting module at {@code 0x0000000000000000000000000000000000001001}: holds the OPEN that
 * genesis allocated with a vesting schedule (counted as {@code locked} in the supply) and releases
 * it to each beneficiary's balance when they {@code claim()} what has vested. Locked OPEN is in no
 * balance, so it cannot be spent before it vests.
 *
 * <p>Solidity interface: {@code contracts/IVesting.sol}; ABI: {@code modules/Vesting.abi.json}.
 * Storage: slot {@code "schedule" ++ beneficiary (20 bytes)} holds {@link
 * VestingSchedule#encode()}. Schedules are created only at genesis ({@link #createSchedule}).
 */
public final class VestingModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(1);
  public static final String NAME = "vesting";

  public static final AbiFunction SCHEDULE =
      AbiFunction.of("schedule(address)", "uint256,uint64,uint64,uint64,uint256", true);
  public static final AbiFunction VESTED = AbiFunction.of("vested(address)", "uint256", true);
  public static final AbiFunction VESTED_AT =
      AbiFunction.of("vestedAt(address,uint64)", "uint256", true);
  public static final AbiFunction CLAIMABLE = AbiFunction.of("claimable(address)", "uint256", true);
  public static final AbiFunction LOCKED_OF = AbiFunction.of("lockedOf(address)", "uint256", true);
  public static final AbiFunction TOTAL_LOCKED = AbiFunction.of("totalLocked()", "uint256", true);
  public static final AbiFunction CLAIM = AbiFunction.of("claim()", "uint256", false);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(SCHEDULE, VESTED, VESTED_AT, CLAIMABLE, LOCKED_OF, TOTAL_LOCKED, CLAIM);

  /** {@code Claimed(address indexed beneficiary, uint256 amount)}. */
  public static final AbiEvent CLAIMED =
      new AbiEvent(
          "Claimed",
          List.of(
              new AbiEvent.Parameter("beneficiary", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS = List.of(CLAIMED);

  /** Where the locked OPEN of each account is, for the validator's "spends locked" message. */
  public static final LockedBalances LOCKED_BALANCES =
      (state, account) -> read(state, account).map(VestingSchedule::locked).orElse(Amount.ZERO);

  private static final byte[] SCHEDULE_PREFIX = "schedule".getBytes(StandardCharsets.US_ASCII);

  public VestingModule() {}

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Vesting.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> args = f.decodeArguments(calldata);
    if (f == CLAIM) {
      return CLAIM.encodeResult(claim(ctx).value());
    }
    if (f == TOTAL_LOCKED) {
      ctx.charge(ctx.gasSchedule().storageRead());
      return TOTAL_LOCKED.encodeResult(ctx.state().supply().locked().value());
    }
    if (f == VESTED_AT) {
      long at = ((BigInteger) args.get(1)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
      return VESTED_AT.encodeResult(
          load(ctx, (Address) args.get(0)).map(s -> s.vestedAt(at)).orElse(Amount.ZERO).value());
    }
    return view(
        ctx, f, load(ctx, (Address) args.getFirst())); // schedule, vested, claimable, lockedOf
  }

  private static byte[] view(ModuleContext ctx, AbiFunction f, Optional<VestingSchedule> s) {
    long now = ctx.blockTimestamp();
    if (f == SCHEDULE) {
      VestingSchedule v = s.orElse(VestingSchedule.of(Address.ZERO, Amount.ZERO, 0, 0, 0));
      return SCHEDULE.encodeResult(
          v.total().value(),
          BigInteger.valueOf(v.start()),
          BigInteger.valueOf(v.cliff()),
          BigInteger.valueOf(v.duration()),
          v.claimed().value());
    }
    Amount a =
        s.map(v -> f == VESTED ? v.vestedAt(now) : f == CLAIMABLE ? v.claimableAt(now) : v.locked())
            .orElse(Amount.ZERO);
    return f.encodeResult(a.value());
  }

  /** Moves what has vested for the caller from locked into the caller's balance. */
  private static Amount claim(ModuleContext ctx) {
    Address who = ctx.caller();
    VestingSchedule s =
        load(ctx, who).orElseThrow(() -> new ModuleRevert("vesting: no schedule for caller"));
    Amount amount = s.claimableAt(ctx.blockTimestamp());
    if (amount.isZero()) {
      throw new ModuleRevert(
          ctx.blockTimestamp() < s.cliffEnd()
              ? "vesting: cliff not reached (vesting starts at " + s.cliffEnd() + ")"
              : "vesting: nothing to claim");
    }
    ctx.store(slot(who), s.withClaimed(s.claimed().add(amount)).encode());
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().unlock(who, amount);
    ctx.emit(CLAIMED, who, amount.value());
    return amount;
  }

  private static Optional<VestingSchedule> load(ModuleContext ctx, Address who) {
    return ctx.load(slot(who)).map(b -> VestingSchedule.decode(who, b));
  }

  /** The schedule of {@code beneficiary} in {@code state}, read without gas (RPC, validation). */
  public static Optional<VestingSchedule> read(StateReader state, Address beneficiary) {
    return state
        .storage(ADDRESS, slot(beneficiary))
        .map(b -> VestingSchedule.decode(beneficiary, b));
  }

  /**
   * Genesis only: records {@code schedule} and counts its total as locked supply.
   *
   * @throws IllegalArgumentException if the beneficiary already has a schedule
   */
  public static void createSchedule(WorldState state, VestingSchedule schedule) {
    if (read(state, schedule.beneficiary()).isPresent()) {
      throw new IllegalArgumentException(
          "duplicate vesting schedule for " + schedule.beneficiary());
    }
    if (!schedule.claimed().isZero()) {
      throw new IllegalArgumentException("a new schedule has nothing claimed");
    }
    state.putStorage(ADDRESS, slot(schedule.beneficiary()), schedule.encode());
    state.lock(schedule.total());
  }

  /** Storage slot of a beneficiary's schedule. */
  static byte[] slot(Address beneficiary) {
    byte[] out = Arrays.copyOf(SCHEDULE_PREFIX, SCHEDULE_PREFIX.length + Address.SIZE);
    System.arraycopy(beneficiary.toArray(), 0, out, SCHEDULE_PREFIX.length, Address.SIZE);
    return out;
  }
}
