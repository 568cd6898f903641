package io.openledger.chain.bridge;

import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The bridge module at {@code 0x0000000000000000000000000000000000001010}: OPEN leaves the L2 by
 * {@code withdraw(target)} (the value sent is taken off the L2 into the {@code bridged} supply
 * counter and recorded for the L1 Portal to prove) and comes back by {@code finalizeDeposit}, which
 * only the {@link #SYSTEM_SENDER} can call, in the Portal's deposit nonce order, each nonce once.
 *
 * <p>Storage (docs/settlement.md, "The withdrawal record"): the slot {@code keccak256(abi.encode(
 * nonce, sender, target, amount))} (32 bytes) holds {@code 0x01}; {@code "withdrawalNonce"} the
 * nonce of the next withdrawal and {@code "withdrawalsRoot"} the hash chain over every withdrawal
 * (32 bytes each); {@code "depositNonce"} the nonce of the next deposit to credit, {@code
 * "totalWithdrawn"} and {@code "totalDeposited"} the sums (32 bytes each). Every named slot is
 * shorter than 32 bytes, so none collides with a withdrawal's.
 *
 * <p>Supply: {@code bridged == totalWithdrawn - totalDeposited} ({@link #audit}), so "L2 supply +
 * withdrawn − deposited = genesis supply" is the state's own invariant {@code balances + locked +
 * burned + bridged == TOTAL}.
 */
public final class BridgeModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(0x10);
  public static final String NAME = "bridge";

  /**
   * The reserved sender of deposit credits ({@code 0x…10ff}): no key controls it, so no signed
   * transaction comes from it; only the block builder's deposit path calls as it.
   */
  public static final Address SYSTEM_SENDER = ModuleRegistry.moduleAddress(0xff);

  public static final AbiFunction WITHDRAW = AbiFunction.payable("withdraw(address)", "uint256");
  public static final AbiFunction FINALIZE_DEPOSIT =
      AbiFunction.of("finalizeDeposit(uint256,address,address,uint256)", "", false);
  public static final AbiFunction WITHDRAWAL_NONCE =
      AbiFunction.of("withdrawalNonce()", "uint256", true);
  public static final AbiFunction WITHDRAWALS_ROOT =
      AbiFunction.of("withdrawalsRoot()", "bytes32", true);
  public static final AbiFunction DEPOSIT_NONCE = AbiFunction.of("depositNonce()", "uint256", true);
  public static final AbiFunction TOTAL_WITHDRAWN =
      AbiFunction.of("totalWithdrawn()", "uint256", true);
  public static final AbiFunction TOTAL_DEPOSITED =
      AbiFunction.of("totalDeposited()", "uint256", true);
  public static final AbiFunction WITHDRAWAL_HASH =
      AbiFunction.of("withdrawalHash(uint256,address,address,uint256)", "bytes32", true);
  public static final AbiFunction IS_WITHDRAWAL =
      AbiFunction.of("isWithdrawal(bytes32)", "bool", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          WITHDRAW,
          FINALIZE_DEPOSIT,
          WITHDRAWAL_NONCE,
          WITHDRAWALS_ROOT,
          DEPOSIT_NONCE,
          TOTAL_WITHDRAWN,
          TOTAL_DEPOSITED,
          WITHDRAWAL_HASH,
          IS_WITHDRAWAL);

  /**
   * {@code WithdrawalInitiated(uint256 indexed nonce, address indexed sender, address indexed
   * target, uint256 amount, bytes32 withdrawalHash, bytes32 withdrawalsRoot)}.
   */
  public static final AbiEvent WITHDRAWAL_INITIATED =
      new AbiEvent(
          "WithdrawalInitiated",
          List.of(
              new AbiEvent.Parameter("nonce", AbiType.UINT256, true),
              new AbiEvent.Parameter("sender", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("target", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false),
              new AbiEvent.Parameter("withdrawalHash", AbiType.BYTES32, false),
              new AbiEvent.Parameter("withdrawalsRoot", AbiType.BYTES32, false)));

  /**
   * {@code DepositFinalized(uint256 indexed nonce, address indexed from, address indexed to,
   * uint256 amount)}.
   */
  public static final AbiEvent DEPOSIT_FINALIZED =
      new AbiEvent(
          "DepositFinalized",
          List.of(
              new AbiEvent.Parameter("nonce", AbiType.UINT256, true),
              new AbiEvent.Parameter("from", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("to", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS = List.of(WITHDRAWAL_INITIATED, DEPOSIT_FINALIZED);

  /** The value of a withdrawal's slot: one byte, 0x01. */
  public static final byte[] RECORD_VALUE = {0x01};

  static final byte[] WITHDRAWAL_NONCE_SLOT = ascii("withdrawalNonce");
  static final byte[] WITHDRAWALS_ROOT_SLOT = ascii("withdrawalsRoot");
  static final byte[] DEPOSIT_NONCE_SLOT = ascii("depositNonce");
  static final byte[] TOTAL_WITHDRAWN_SLOT = ascii("totalWithdrawn");
  static final byte[] TOTAL_DEPOSITED_SLOT = ascii("totalDeposited");

  public BridgeModule() {}

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Bridge.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> args = f.decodeArguments(calldata);
    if (f == WITHDRAW) {
      return WITHDRAW.encodeResult(
          BigInteger.valueOf(withdraw(ctx, (Address) args.getFirst(), value)));
    }
    if (f == FINALIZE_DEPOSIT) {
      finalizeDeposit(ctx, args);
      return new byte[0];
    }
    if (f == WITHDRAWAL_HASH) {
      BigInteger nonce = (BigInteger) args.get(0);
      return WITHDRAWAL_HASH.encodeResult(
          withdrawalHash(
                  nonce, (Address) args.get(1), (Address) args.get(2), (BigInteger) args.get(3))
              .toArray());
    }
    if (f == IS_WITHDRAWAL) {
      return IS_WITHDRAWAL.encodeResult(ctx.load((byte[]) args.getFirst()).isPresent());
    }
    if (f == WITHDRAWALS_ROOT) {
      return WITHDRAWALS_ROOT.encodeResult(
          ctx.load(WITHDRAWALS_ROOT_SLOT).orElse(Hash.ZERO.toArray()));
    }
    byte[] slot =
        f == WITHDRAWAL_NONCE
            ? WITHDRAWAL_NONCE_SLOT
            : f == DEPOSIT_NONCE
                ? DEPOSIT_NONCE_SLOT
                : f == TOTAL_WITHDRAWN ? TOTAL_WITHDRAWN_SLOT : TOTAL_DEPOSITED_SLOT;
    return f.encodeResult(word(ctx.load(slot)));
  }

  /** Takes {@code value} off the L2 for {@code target} on L1; returns the withdrawal's nonce. */
  private static long withdraw(ModuleContext ctx, Address target, Amount value) {
    if (value.isZero()) {
      throw new ModuleRevert("bridge: withdrawal of zero");
    }
    if (target.equals(Address.ZERO)) {
      throw new ModuleRevert("bridge: withdrawal to the zero address");
    }
    long nonce = word(ctx.load(WITHDRAWAL_NONCE_SLOT)).longValueExact();
    Hash root = ctx.load(WITHDRAWALS_ROOT_SLOT).map(Hash::wrap).orElse(Hash.ZERO);
    WithdrawalRecord w = new WithdrawalRecord(nonce, ctx.caller(), target, value);
    Hash hash = w.hash();
    Hash next = w.chain(root);
    ctx.store(hash.toArray(), RECORD_VALUE);
    ctx.store(WITHDRAWAL_NONCE_SLOT, Amount.of(nonce + 1).toBytes32());
    ctx.store(WITHDRAWALS_ROOT_SLOT, next.toArray());
    Amount total = Amount.of(word(ctx.load(TOTAL_WITHDRAWN_SLOT))).add(value);
    ctx.store(TOTAL_WITHDRAWN_SLOT, total.toBytes32());
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().bridgeOut(ADDRESS, value); // the value was credited to the module before the call
    ctx.emit(
        WITHDRAWAL_INITIATED,
        BigInteger.valueOf(nonce),
        ctx.caller(),
        target,
        value.value(),
        hash.toArray(),
        next.toArray());
    return nonce;
  }

  private static void finalizeDeposit(ModuleContext ctx, List<Object> args) {
    if (!ctx.caller().equals(SYSTEM_SENDER)) {
      throw new ModuleRevert(
          "bridge: only the system credits deposits (sender " + SYSTEM_SENDER.toHex() + ")");
    }
    BigInteger nonce = (BigInteger) args.get(0);
    Address from = (Address) args.get(1);
    Address to = (Address) args.get(2);
    Amount amount = Amount.of((BigInteger) args.get(3));
    BigInteger expected = word(ctx.load(DEPOSIT_NONCE_SLOT));
    if (nonce.compareTo(expected) < 0) {
      throw new ModuleRevert("bridge: deposit " + nonce + " was already credited");
    }
    if (nonce.compareTo(expected) > 0) {
      throw new ModuleRevert(
          "bridge: deposit " + nonce + " out of order: deposit " + expected + " comes first");
    }
    if (to.equals(Address.ZERO)) {
      throw new ModuleRevert("bridge: deposit to the zero address");
    }
    if (amount.isZero()) {
      throw new ModuleRevert("bridge: deposit of zero");
    }
    Amount bridged = ctx.state().supply().bridged();
    if (bridged.lessThan(amount)) {
      throw new ModuleRevert(
          "bridge: deposit of " + amount + " exceeds the OPEN bridged out (" + bridged + ")");
    }
    ctx.store(DEPOSIT_NONCE_SLOT, Amount.of(nonce.add(BigInteger.ONE)).toBytes32());
    Amount total = Amount.of(word(ctx.load(TOTAL_DEPOSITED_SLOT))).add(amount);
    ctx.store(TOTAL_DEPOSITED_SLOT, total.toBytes32());
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().bridgeIn(to, amount);
    ctx.emit(DEPOSIT_FINALIZED, nonce, from, to, amount.value());
  }

  /** {@code keccak256(abi.encode(nonce, sender, target, amount))}. */
  public static Hash withdrawalHash(
      BigInteger nonce, Address sender, Address target, BigInteger amount) {
    byte[] call = WITHDRAWAL_HASH.encodeCall(nonce, sender, target, amount);
    return Hash.keccak256(Arrays.copyOfRange(call, 4, call.length)); // the 128-byte abi.encode
  }

  // ---- gas-free readers (node, RPC, tests) ----

  /** The nonce the next withdrawal gets. */
  public static long withdrawalNonce(StateReader state) {
    return word(state.storage(ADDRESS, WITHDRAWAL_NONCE_SLOT)).longValueExact();
  }

  /** The hash chain over every withdrawal so far ({@link Hash#ZERO} before the first). */
  public static Hash withdrawalsRoot(StateReader state) {
    return state.storage(ADDRESS, WITHDRAWALS_ROOT_SLOT).map(Hash::wrap).orElse(Hash.ZERO);
  }

  /** The nonce of the next deposit to credit: the derivation's cursor into the L1 deposits. */
  public static long depositNonce(StateReader state) {
    return word(state.storage(ADDRESS, DEPOSIT_NONCE_SLOT)).longValueExact();
  }

  public static Amount totalWithdrawn(StateReader state) {
    return Amount.of(word(state.storage(ADDRESS, TOTAL_WITHDRAWN_SLOT)));
  }

  public static Amount totalDeposited(StateReader state) {
    return Amount.of(word(state.storage(ADDRESS, TOTAL_DEPOSITED_SLOT)));
  }

  /** Whether {@code w} is recorded in {@code state}. */
  public static boolean recorded(StateReader state, WithdrawalRecord w) {
    return state.storage(ADDRESS, w.hash().toArray()).isPresent();
  }

  /**
   * Empty when the supply's {@code bridged} counter equals withdrawn minus deposited and the module
   * holds no OPEN (what it receives leaves the L2 in the same call); else what is wrong.
   */
  public static Optional<String> audit(StateReader state) {
    Supply s = state.supply();
    Amount withdrawn = totalWithdrawn(state);
    Amount deposited = totalDeposited(state);
    if (!s.bridged().add(deposited).equals(withdrawn)) {
      return Optional.of(
          "bridge: bridged "
              + s.bridged()
              + " != withdrawn "
              + withdrawn
              + " - deposited "
              + deposited);
    }
    Amount held = state.balance(ADDRESS);
    if (!held.isZero()) {
      return Optional.of("bridge: the module holds " + held + ", want 0");
    }
    return Optional.empty();
  }

  private static BigInteger word(Optional<byte[]> value) {
    return value.map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
