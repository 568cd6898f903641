package io.openledger.chain.inference;

import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.MeteredStateReader;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.module.SystemModule.Slots;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The inference module at {@code 0x0000000000000000000000000000000000001004} (docs/economy.md,
 * "Inference module"): payers' escrows and API keys, operators' batches of charges and payouts, and
 * the earnings that batches pay once their challenge window has passed.
 *
 * <p>The module's account holds every escrow, every pending and every claimable amount; money moves
 * only between it and accounts ({@code deposit}, {@code withdraw}, {@code claim}), and running
 * {@link InferenceTotals} let {@link #audit} check that it holds exactly what it owes.
 *
 * <p>Storage (slot → value, layouts in each value type): {@code "escrow" ++ payer} → {@link
 * Escrow}; {@code "key" ++ keyHash} → {@link ApiKey}; {@code "next" ++ operator} → {@link
 * NextBatch}; {@code "batch" ++ operator ++ seq (8)} → {@link Batch}; {@code "earnings" ++ account}
 * → {@link Earnings}; {@code "charged" ++ payer ++ operator} → amount (32); {@code "totals"} →
 * {@link InferenceTotals}. A value equal to its empty default is deleted.
 */
public final class InferenceModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(4);
  public static final String NAME = "inference";

  /**
   * Gas for checking one signed-mode charge: Ethereum's {@code ecrecover} price (3,000), which
   * covers the EIP-712 hashing as well.
   */
  public static final long SIGNATURE_CHECK_GAS = 3_000;

  public static final AbiFunction DEPOSIT = AbiFunction.payable("deposit()", "uint256");
  public static final AbiFunction REQUEST_WITHDRAWAL =
      AbiFunction.of("requestWithdrawal(uint256)", "", false);
  public static final AbiFunction WITHDRAW = AbiFunction.of("withdraw()", "uint256", false);
  public static final AbiFunction ESCROW_OF =
      AbiFunction.of("escrowOf(address)", "uint256,uint256,uint64", true);
  public static final AbiFunction REGISTER_API_KEY =
      AbiFunction.of("registerApiKey(bytes32,uint256)", "", false);
  public static final AbiFunction REVOKE_API_KEY =
      AbiFunction.of("revokeApiKey(bytes32)", "", false);
  public static final AbiFunction API_KEY =
      AbiFunction.of("apiKey(bytes32)", "address,uint256,uint256,uint64", true);
  public static final AbiFunction POST_BATCH =
      AbiFunction.of(
          "postBatch(uint64,bytes32,uint64,uint64,(address,bytes32,uint256,uint256,bytes)[],"
              + "(address,uint256)[])",
          "",
          false);
  public static final AbiFunction FINALIZE_BATCH =
      AbiFunction.of("finalizeBatch(address,uint64)", "", false);
  public static final AbiFunction CLAIM = AbiFunction.of("claim()", "uint256", false);
  public static final AbiFunction BATCH =
      AbiFunction.of(
          "batch(address,uint64)", "bytes32,uint64,uint64,uint256,uint64,uint64,bool", true);
  public static final AbiFunction NEXT_BATCH =
      AbiFunction.of("nextBatch(address)", "uint64,uint64", true);
  public static final AbiFunction CHARGED =
      AbiFunction.of("charged(address,address)", "uint256", true);
  public static final AbiFunction EARNINGS =
      AbiFunction.of("earnings(address)", "uint256,uint256,uint256", true);
  public static final AbiFunction PARAMETERS =
      AbiFunction.of(
          "parameters()", "uint64,uint64,uint64,uint16,uint16,uint16,uint16,uint256", true);
  public static final AbiFunction CORRECT_BATCH =
      AbiFunction.of(
          "correctBatch(address,uint64,address,bytes32,(address,uint256)[],(address,uint256)[])",
          "bool",
          false);
  public static final AbiFunction VOID_BATCH =
      AbiFunction.of("voidBatch(address,uint64)", "uint256", false);
  public static final AbiFunction BATCH_CHARGES =
      AbiFunction.of("batchCharges(address,uint64)", "(address,bytes32,uint256)[],bool", true);

  /** The challenge module: the only caller of {@code correctBatch} and {@code voidBatch}. */
  public static final Address CORRECTOR = ModuleRegistry.moduleAddress(7);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          DEPOSIT,
          REQUEST_WITHDRAWAL,
          WITHDRAW,
          ESCROW_OF,
          REGISTER_API_KEY,
          REVOKE_API_KEY,
          API_KEY,
          POST_BATCH,
          FINALIZE_BATCH,
          CLAIM,
          BATCH,
          NEXT_BATCH,
          CHARGED,
          EARNINGS,
          PARAMETERS,
          CORRECT_BATCH,
          VOID_BATCH,
          BATCH_CHARGES);

  /** The functions that accept value. */
  public static final AbiEvent DEPOSITED =
      event("Deposited", p("payer", AbiType.ADDRESS, true), p("amount", AbiType.UINT256, false));

  public static final AbiEvent WITHDRAWAL_REQUESTED =
      event(
          "WithdrawalRequested",
          p("payer", AbiType.ADDRESS, true),
          p("amount", AbiType.UINT256, false),
          p("withdrawableAt", AbiType.UINT64, false));
  public static final AbiEvent WITHDRAWN =
      event("Withdrawn", p("payer", AbiType.ADDRESS, true), p("amount", AbiType.UINT256, false));
  public static final AbiEvent API_KEY_REGISTERED =
      event(
          "ApiKeyRegistered",
          p("keyHash", AbiType.BYTES32, true),
          p("payer", AbiType.ADDRESS, true),
          p("cap", AbiType.UINT256, false));
  public static final AbiEvent API_KEY_REVOKED =
      event(
          "ApiKeyRevoked", p("keyHash", AbiType.BYTES32, true), p("payer", AbiType.ADDRESS, true));
  public static final AbiEvent BATCH_POSTED =
      event(
          "BatchPosted",
          p("operator", AbiType.ADDRESS, true),
          p("seq", AbiType.UINT64, true),
          p("recordsRoot", AbiType.BYTES32, false),
          p("firstRecord", AbiType.UINT64, false),
          p("recordCount", AbiType.UINT64, false),
          p("total", AbiType.UINT256, false));
  public static final AbiEvent BATCH_FINALIZED =
      event("BatchFinalized", p("operator", AbiType.ADDRESS, true), p("seq", AbiType.UINT64, true));
  public static final AbiEvent CLAIMED =
      event("Claimed", p("account", AbiType.ADDRESS, true), p("amount", AbiType.UINT256, false));
  public static final AbiEvent BATCH_CORRECTED =
      event(
          "BatchCorrected",
          p("operator", AbiType.ADDRESS, true),
          p("seq", AbiType.UINT64, true),
          p("payer", AbiType.ADDRESS, true),
          p("refund", AbiType.UINT256, false),
          p("total", AbiType.UINT256, false));
  public static final AbiEvent BATCH_VOIDED =
      event(
          "BatchVoided",
          p("operator", AbiType.ADDRESS, true),
          p("seq", AbiType.UINT64, true),
          p("refunded", AbiType.UINT256, false));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS =
      List.of(
          DEPOSITED,
          WITHDRAWAL_REQUESTED,
          WITHDRAWN,
          API_KEY_REGISTERED,
          API_KEY_REVOKED,
          BATCH_POSTED,
          BATCH_FINALIZED,
          CLAIMED,
          BATCH_CORRECTED,
          BATCH_VOIDED);

  private static final byte[] ESCROW = ascii("escrow");
  private static final byte[] KEY = ascii("key");
  private static final byte[] NEXT = ascii("next");
  private static final byte[] BATCH_PREFIX = ascii("batch");
  private static final byte[] FEE_RULE_PREFIX = ascii("feerule");
  private static final byte[] EARNINGS_PREFIX = ascii("earnings");
  private static final byte[] CHARGED_PREFIX = ascii("charged");
  private static final byte[] TOTALS = ascii("totals");

  private final ParametersInForce inForce;
  private final long chainId;

  /**
   * @param inForce windows, shares, the platform fee and the tier minimums a batch's operator must
   *     meet, as the state has them (the parameter registry's values)
   * @param chainId the chain's EIP-155 id: part of the EIP-712 domain of signed-mode charges
   */
  public InferenceModule(ParametersInForce inForce, long chainId) {
    this.inForce = java.util.Objects.requireNonNull(inForce, "inForce");
    this.chainId = chainId;
  }

  /** The windows, shares and platform fee in force in {@code state}. */
  public InferenceParameters parameters(StateReader state) {
    return inForce.in(state).inference();
  }

  /** The economy parameters in force, read through the call's metered reader. */
  private EconomyParameters economy(ModuleContext ctx) {
    return inForce.in(new MeteredStateReader(ctx));
  }

  private InferenceParameters parameters(ModuleContext ctx) {
    return economy(ctx).inference();
  }

  public long chainId() {
    return chainId;
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Inference.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> args = f.decodeArguments(calldata);
    Slots slots = ctx::load;
    return switch (f.name()) {
      case "deposit" -> DEPOSIT.encodeResult(deposit(ctx, value).value());
      case "requestWithdrawal" -> {
        requestWithdrawal(ctx, amount(args.get(0)));
        yield new byte[0];
      }
      case "withdraw" -> WITHDRAW.encodeResult(withdraw(ctx).value());
      case "registerApiKey" -> {
        registerApiKey(ctx, hash(args.get(0)), amount(args.get(1)));
        yield new byte[0];
      }
      case "revokeApiKey" -> {
        revokeApiKey(ctx, hash(args.get(0)));
        yield new byte[0];
      }
      case "postBatch" -> {
        postBatch(ctx, args);
        yield new byte[0];
      }
      case "finalizeBatch" -> {
        finalizeBatch(ctx, (Address) args.get(0), u63(args.get(1), "seq"));
        yield new byte[0];
      }
      case "claim" -> CLAIM.encodeResult(claim(ctx).value());
      case "escrowOf" -> {
        Escrow e = escrow(slots, (Address) args.get(0));
        yield ESCROW_OF.encodeResult(
            e.balance().value(), e.pendingWithdrawal().value(), uint(e.withdrawableAt()));
      }
      case "apiKey" -> {
        ApiKey k =
            apiKey(slots, hash(args.get(0)))
                .orElse(new ApiKey(Address.ZERO, Amount.ZERO, Amount.ZERO, 0));
        yield API_KEY.encodeResult(
            k.payer(), k.cap().value(), k.spent().value(), uint(k.revokedAt()));
      }
      case "batch" -> batchView(slots, (Address) args.get(0), args.get(1));
      case "nextBatch" -> {
        NextBatch n = nextBatch(slots, (Address) args.get(0));
        yield NEXT_BATCH.encodeResult(uint(n.seq()), uint(n.firstRecord()));
      }
      case "charged" ->
          CHARGED.encodeResult(
              charged(slots, (Address) args.get(0), (Address) args.get(1)).value());
      case "earnings" -> {
        Earnings e = earnings(slots, (Address) args.get(0));
        yield EARNINGS.encodeResult(
            e.pending().value(), e.claimable().value(), e.claimed().value());
      }
      case "parameters" -> parametersView(parameters(ctx));
      case "correctBatch" ->
          CORRECT_BATCH.encodeResult(
              correctBatch(
                  ctx,
                  (Address) args.get(0),
                  u63(args.get(1), "seq"),
                  (Address) args.get(2),
                  hash(args.get(3)),
                  payoutList(args.get(4)),
                  payoutList(args.get(5))));
      case "voidBatch" ->
          VOID_BATCH.encodeResult(
              voidBatch(ctx, (Address) args.get(0), u63(args.get(1), "seq")).value());
      case "batchCharges" -> batchChargesView(slots, (Address) args.get(0), args.get(1));
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  // ---- escrow ----

  private static Amount deposit(ModuleContext ctx, Amount value) {
    if (value.isZero()) {
      throw new ModuleRevert("inference: deposit of zero");
    }
    Address payer = ctx.caller();
    Escrow e = escrow(ctx::load, payer);
    Escrow after = e.withBalance(e.balance().add(value));
    putEscrow(ctx, payer, after);
    InferenceTotals t = totals(ctx::load);
    putTotals(ctx, new InferenceTotals(t.escrows().add(value), t.pending(), t.claimable()));
    ctx.emit(DEPOSITED, payer, value.value());
    return after.balance();
  }

  private void requestWithdrawal(ModuleContext ctx, Amount amount) {
    if (amount.isZero()) {
      throw new ModuleRevert("inference: withdrawal of zero");
    }
    Address payer = ctx.caller();
    Escrow e = escrow(ctx::load, payer);
    if (e.balance().lessThan(amount)) {
      throw new ModuleRevert(
          "inference: withdrawal of " + amount + " exceeds the escrow of " + e.balance());
    }
    long at = Math.addExact(ctx.blockTimestamp(), parameters(ctx).withdrawalDelay());
    putEscrow(ctx, payer, new Escrow(e.balance(), amount, at));
    ctx.emit(WITHDRAWAL_REQUESTED, payer, amount.value(), uint(at));
  }

  private static Amount withdraw(ModuleContext ctx) {
    Address payer = ctx.caller();
    Escrow e = escrow(ctx::load, payer);
    if (e.pendingWithdrawal().isZero()) {
      throw new ModuleRevert("inference: no withdrawal requested");
    }
    if (ctx.blockTimestamp() < e.withdrawableAt()) {
      throw new ModuleRevert(
          "inference: withdrawal possible at "
              + e.withdrawableAt()
              + " (now "
              + ctx.blockTimestamp()
              + ")");
    }
    Amount paid = e.pendingWithdrawal().min(e.balance());
    if (paid.isZero()) {
      throw new ModuleRevert("inference: nothing to withdraw (the escrow is empty)");
    }
    putEscrow(ctx, payer, new Escrow(e.balance().subtract(paid), Amount.ZERO, 0));
    InferenceTotals t = totals(ctx::load);
    putTotals(ctx, new InferenceTotals(t.escrows().subtract(paid), t.pending(), t.claimable()));
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().transfer(ADDRESS, payer, paid);
    ctx.emit(WITHDRAWN, payer, paid.value());
    return paid;
  }

  // ---- API keys ----

  private void registerApiKey(ModuleContext ctx, Hash keyHash, Amount cap) {
    if (keyHash.equals(Hash.ZERO)) {
      throw new ModuleRevert("inference: the zero key hash means signed mode");
    }
    if (cap.isZero()) {
      throw new ModuleRevert("inference: a key's cap must be above zero");
    }
    Address payer = ctx.caller();
    Optional<ApiKey> existing = apiKey(ctx::load, keyHash);
    ApiKey key = new ApiKey(payer, cap, Amount.ZERO, 0);
    if (existing.isPresent()) {
      ApiKey k = existing.get();
      if (!k.payer().equals(payer)) {
        throw new ModuleRevert("inference: key " + keyHash + " is registered to another payer");
      }
      if (k.revoked()) {
        throw new ModuleRevert("inference: key " + keyHash + " is revoked; register a new key");
      }
      // A new cap for the same key keeps what it spent. A lower one binds charges only after the
      // revocation grace (a grace already running for that higher cap is not extended): as with
      // a revocation, requests already served stay chargeable.
      long now = ctx.blockTimestamp();
      Amount before = k.capAt(now);
      boolean graceRunning = now <= k.graceUntil() && before.equals(k.graceCap());
      key =
          cap.lessThan(before) && !graceRunning
              ? new ApiKey(
                  payer,
                  cap,
                  k.spent(),
                  0,
                  before,
                  Math.addExact(now, parameters(ctx).revocationGrace()))
              : new ApiKey(payer, cap, k.spent(), 0, k.graceCap(), k.graceUntil());
    }
    ctx.store(keySlot(keyHash), key.encode());
    ctx.emit(API_KEY_REGISTERED, keyHash.toArray(), payer, cap.value());
  }

  private static void revokeApiKey(ModuleContext ctx, Hash keyHash) {
    ApiKey k =
        apiKey(ctx::load, keyHash)
            .orElseThrow(
                () -> new ModuleRevert("inference: key " + keyHash + " is not registered"));
    if (!k.payer().equals(ctx.caller())) {
      throw new ModuleRevert("inference: only the key's payer " + k.payer() + " can revoke it");
    }
    if (k.revoked()) {
      throw new ModuleRevert(
          "inference: key " + keyHash + " was already revoked at " + k.revokedAt());
    }
    ctx.store(keySlot(keyHash), k.revokedAt(ctx.blockTimestamp()).encode());
    ctx.emit(API_KEY_REVOKED, keyHash.toArray(), k.payer());
  }

  // ---- batches ----

  private void postBatch(ModuleContext ctx, List<Object> args) {
    Address operator = ctx.caller();
    long seq = u63(args.get(0), "seq");
    Hash recordsRoot = hash(args.get(1));
    long firstRecord = u63(args.get(2), "firstRecord");
    long recordCount = u63(args.get(3), "recordCount");
    List<Charge> charges =
        ((List<?>) args.get(4)).stream().map(t -> Charge.fromAbi((List<?>) t)).toList();
    List<Payout> payouts = payoutList(args.get(5));

    NextBatch next = nextBatch(ctx::load, operator);
    checkSequence(next, seq, firstRecord, recordCount);
    Amount total = checkAmounts(charges, payouts);
    EconomyParameters economy = economy(ctx);
    if (!charges.isEmpty()) {
      Optional<String> understaked =
          StakingModule.batchRefusal(new MeteredStateReader(ctx), operator, economy.staking());
      if (understaked.isPresent()) {
        throw new ModuleRevert("inference: " + understaked.get());
      }
    }
    for (int i = 0; i < charges.size(); i++) {
      applyCharge(ctx, operator, i, charges.get(i), economy.revocationGrace());
    }
    for (Payout p : payouts) {
      Earnings e = earnings(ctx::load, p.account());
      putEarnings(
          ctx, p.account(), new Earnings(e.pending().add(p.amount()), e.claimable(), e.claimed()));
    }
    long now = ctx.blockTimestamp();
    Batch batch =
        new Batch(
            recordsRoot,
            firstRecord,
            recordCount,
            total,
            now,
            Math.addExact(now, economy.challengeWindow()),
            false,
            payouts,
            false,
            charges.stream()
                .map(c -> new BatchCharge(c.payer(), c.keyHash(), c.amount()))
                .toList());
    ctx.store(batchSlot(operator, seq), batch.encode());
    // the shares and platform fee its records are split with, for a correction while it is open
    ctx.store(feeRuleSlot(operator, seq), encodeFeeRule(economy.inference().feeRule()));
    ctx.store(nextSlot(operator), new NextBatch(seq + 1, firstRecord + recordCount).encode());
    InferenceTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new InferenceTotals(t.escrows().subtract(total), t.pending().add(total), t.claimable()));
    ctx.emit(
        BATCH_POSTED,
        operator,
        uint(seq),
        recordsRoot.toArray(),
        uint(firstRecord),
        uint(recordCount),
        total.value());
  }

  private static void checkSequence(NextBatch next, long seq, long firstRecord, long recordCount) {
    if (seq < next.seq()) {
      throw new ModuleRevert(
          "inference: batch " + seq + " was already posted (next is " + next.seq() + ")");
    }
    if (seq > next.seq()) {
      throw new ModuleRevert(
          "inference: batch " + seq + " skips ahead (next is " + next.seq() + ")");
    }
    if (firstRecord != next.firstRecord()) {
      throw new ModuleRevert(
          "inference: batch starts at record "
              + firstRecord
              + ", the next record is "
              + next.firstRecord());
    }
    if (recordCount < 1) {
      throw new ModuleRevert("inference: a batch holds at least one record");
    }
    if (recordCount > Long.MAX_VALUE - firstRecord) {
      throw new ModuleRevert("inference: record numbers past 2^63 - 1");
    }
  }

  /** Checks amounts and duplicates; returns the total. */
  private static Amount checkAmounts(List<Charge> charges, List<Payout> payouts) {
    // A payer may be charged once per key and once in signed mode (key hash zero).
    Set<List<Object>> payers = new HashSet<>();
    Amount charged = Amount.ZERO;
    for (int i = 0; i < charges.size(); i++) {
      Charge c = charges.get(i);
      if (c.amount().isZero()) {
        throw new ModuleRevert("inference: charge " + i + " is zero");
      }
      if (!payers.add(List.of(c.payer(), c.keyHash()))) {
        throw new ModuleRevert(
            "inference: payer "
                + c.payer()
                + " is charged twice "
                + (c.signedMode() ? "in signed mode" : "for key " + c.keyHash()));
      }
      charged = charged.add(c.amount());
    }
    Set<Address> accounts = new HashSet<>();
    Amount paid = Amount.ZERO;
    for (int i = 0; i < payouts.size(); i++) {
      Payout p = payouts.get(i);
      if (p.amount().isZero()) {
        throw new ModuleRevert("inference: payout " + i + " is zero");
      }
      if (!accounts.add(p.account())) {
        throw new ModuleRevert("inference: payout account " + p.account() + " appears twice");
      }
      paid = paid.add(p.amount());
    }
    if (!charged.equals(paid)) {
      throw new ModuleRevert(
          "inference: charges sum to " + charged + " but payouts sum to " + paid);
    }
    return charged;
  }

  private void applyCharge(
      ModuleContext ctx, Address operator, int i, Charge c, long revocationGrace) {
    String which = "inference: charge " + i + " (payer " + c.payer() + "): ";
    Escrow e = escrow(ctx::load, c.payer());
    if (e.isEmpty()) {
      throw new ModuleRevert(which + "no escrow");
    }
    if (e.balance().lessThan(c.amount())) {
      throw new ModuleRevert(which + "escrow of " + e.balance() + " does not cover " + c.amount());
    }
    if (c.signedMode()) {
      applySigned(ctx, operator, which, c);
    } else {
      applyKey(ctx, which, c, revocationGrace);
    }
    putEscrow(ctx, c.payer(), e.withBalance(e.balance().subtract(c.amount())));
  }

  private static void applyKey(ModuleContext ctx, String which, Charge c, long revocationGrace) {
    if (c.signature().length != 0 || !c.authorized().isZero()) {
      throw new ModuleRevert(which + "key mode takes no signature and no authorized amount");
    }
    Hash keyHash = c.keyHash();
    ApiKey k =
        apiKey(ctx::load, keyHash)
            .orElseThrow(() -> new ModuleRevert(which + "key " + keyHash + " is not registered"));
    if (!k.payer().equals(c.payer())) {
      throw new ModuleRevert(which + "key " + keyHash + " belongs to " + k.payer());
    }
    long now = ctx.blockTimestamp();
    if (k.revoked() && now - k.revokedAt() > revocationGrace) {
      throw new ModuleRevert(
          which
              + "key "
              + keyHash
              + " was revoked at "
              + k.revokedAt()
              + "; its grace ended at "
              + (k.revokedAt() + revocationGrace));
    }
    Amount spent = k.spent().add(c.amount());
    Amount cap = k.capAt(now);
    if (cap.lessThan(spent)) {
      throw new ModuleRevert(
          which
              + "key "
              + keyHash
              + " has spent "
              + k.spent()
              + " of its cap "
              + cap
              + ", "
              + c.amount()
              + " more is over it");
    }
    ctx.store(keySlot(keyHash), k.withSpent(spent).encode());
  }

  private void applySigned(ModuleContext ctx, Address operator, String which, Charge c) {
    byte[] sig = c.signature();
    if (sig.length != SpendAuthorization.CHARGE_SIGNATURE_LENGTH) {
      throw new ModuleRevert(
          which
              + "signed mode takes requestHash ‖ 65-byte signature ("
              + SpendAuthorization.CHARGE_SIGNATURE_LENGTH
              + " bytes), got "
              + sig.length);
    }
    ctx.charge(SIGNATURE_CHECK_GAS);
    SpendAuthorization spend =
        new SpendAuthorization(operator, Hash.wrap(Arrays.copyOf(sig, Hash.SIZE)), c.authorized());
    byte[] payerSignature = Arrays.copyOfRange(sig, Hash.SIZE, sig.length);
    Optional<Address> signer = spend.recoverSigner(chainId, payerSignature);
    if (!signer.equals(Optional.of(c.payer()))) {
      throw new ModuleRevert(which + "the spend signature is not the payer's");
    }
    Amount before = charged(ctx::load, c.payer(), operator);
    Amount after = before.add(c.amount());
    if (c.authorized().lessThan(after)) {
      throw new ModuleRevert(
          which
              + "authorized "
              + c.authorized()
              + " but "
              + before
              + " was charged before, "
              + c.amount()
              + " more is over it");
    }
    ctx.store(chargedSlot(c.payer(), operator), after.toBytes32());
  }

  private void finalizeBatch(ModuleContext ctx, Address operator, long seq) {
    String which = "inference: batch " + seq + " of " + operator;
    Batch b =
        batch(ctx::load, operator, seq)
            .orElseThrow(() -> new ModuleRevert(which + " was never posted"));
    if (b.finalized()) {
      throw new ModuleRevert(which + " is already final");
    }
    if (b.voided()) {
      throw new ModuleRevert(which + " was voided by a challenge; there is nothing to finalize");
    }
    if (ctx.blockTimestamp() < b.finalizableAt()) {
      throw new ModuleRevert(
          which
              + " can be finalized at "
              + b.finalizableAt()
              + " (now "
              + ctx.blockTimestamp()
              + ")");
    }
    long open = ChallengeModule.openChallenges(new MeteredStateReader(ctx), operator, seq);
    if (open > 0) {
      throw new ModuleRevert(
          which
              + " has "
              + open
              + " open challenge"
              + (open == 1 ? "" : "s")
              + "; it can be finalized once they are decided");
    }
    Amount toPool = Amount.ZERO;
    for (Payout p : b.payouts()) {
      if (p.account().equals(StakingModule.ADDRESS)) {
        toPool = p.amount();
      }
      Earnings e = earnings(ctx::load, p.account());
      putEarnings(
          ctx,
          p.account(),
          new Earnings(
              e.pending().subtract(p.amount()), e.claimable().add(p.amount()), e.claimed()));
    }
    ctx.store(batchSlot(operator, seq), b.finalizedCopy().encode());
    ctx.store(feeRuleSlot(operator, seq), new byte[0]);
    InferenceTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new InferenceTotals(
            t.escrows(), t.pending().subtract(b.total()), t.claimable().add(b.total())));
    ctx.emit(BATCH_FINALIZED, operator, uint(seq));
    if (!toPool.isZero()) {
      payPool(ctx, operator, toPool);
    }
  }

  /**
   * The stakers' share of a final batch, paid to the staking module's address, goes on into the
   * operator's stake pool at once: the claimable amount it just became is paid with {@code
   * addRewards(operator)}.
   */
  private static void payPool(ModuleContext ctx, Address operator, Amount amount) {
    Earnings e = earnings(ctx::load, StakingModule.ADDRESS);
    putEarnings(
        ctx,
        StakingModule.ADDRESS,
        new Earnings(e.pending(), e.claimable().subtract(amount), e.claimed().add(amount)));
    InferenceTotals t = totals(ctx::load);
    putTotals(ctx, new InferenceTotals(t.escrows(), t.pending(), t.claimable().subtract(amount)));
    ModuleContext.CallOutcome out =
        ctx.call(StakingModule.ADDRESS, StakingModule.ADD_REWARDS.encodeCall(operator), amount);
    if (!out.success()) {
      throw new ModuleRevert(
          "inference: the stake pool of "
              + operator
              + " refused its rewards: "
              + io.openledger.chain.module.Abi.decodeError(out.returnData()).orElse("no reason"));
    }
  }

  // ---- corrections by the challenge module ----

  /**
   * Corrects one record's share of an open batch: takes {@code removed} (the record's claimed
   * split) out of the batch's payouts, puts {@code added} (the corrected split) in, and refunds the
   * difference to {@code payer}'s escrow, lowering the batch's charge of {@code (payer, keyHash)}
   * and its total by as much. When the batch's payouts do not hold {@code removed} or that charge
   * is below the refund (the operator's batch does not contain what its record claims), the whole
   * batch is voided instead ({@link #voidBatch}).
   *
   * @return true when corrected, false when voided
   */
  private boolean correctBatch(
      ModuleContext ctx,
      Address operator,
      long seq,
      Address payer,
      Hash keyHash,
      List<Payout> removed,
      List<Payout> added) {
    Batch b = openBatchForCorrection(ctx, operator, seq);
    Amount removedSum = Payout.total(removed);
    Amount addedSum = Payout.total(added);
    if (removedSum.lessThan(addedSum)) {
      throw new ModuleRevert(
          "inference: a correction adds "
              + addedSum
              + ", more than the "
              + removedSum
              + " it removes");
    }
    Amount refund = removedSum.subtract(addedSum);
    Map<Address, Amount> payouts = new TreeMap<>();
    for (Payout p : b.payouts()) {
      payouts.put(p.account(), p.amount());
    }
    boolean absorbs = true;
    for (Payout r : Payout.merge(removed)) {
      Amount have = payouts.getOrDefault(r.account(), Amount.ZERO);
      if (have.lessThan(r.amount())) {
        absorbs = false;
        break;
      }
      payouts.put(r.account(), have.subtract(r.amount()));
    }
    List<BatchCharge> charges = new ArrayList<>();
    boolean refunded = refund.isZero();
    for (BatchCharge c : b.charges()) {
      if (!refunded && c.payer().equals(payer) && c.keyHash().equals(keyHash)) {
        if (c.amount().lessThan(refund)) {
          break;
        }
        refunded = true;
        if (!c.amount().equals(refund)) {
          charges.add(new BatchCharge(c.payer(), c.keyHash(), c.amount().subtract(refund)));
        }
      } else {
        charges.add(c);
      }
    }
    if (!absorbs || !refunded) {
      voidBatch(ctx, operator, seq, b);
      return false;
    }
    for (Payout a : added) {
      payouts.merge(a.account(), a.amount(), Amount::add);
    }
    // every account's pending earnings move by what its payout in this batch moved
    Map<Address, Amount[]> moves = new TreeMap<>();
    for (Payout r : Payout.merge(removed)) {
      moves.computeIfAbsent(r.account(), k -> new Amount[] {Amount.ZERO, Amount.ZERO})[0] =
          r.amount();
    }
    for (Payout a : Payout.merge(added)) {
      moves.computeIfAbsent(a.account(), k -> new Amount[] {Amount.ZERO, Amount.ZERO})[1] =
          a.amount();
    }
    for (var m : moves.entrySet()) {
      Earnings e = earnings(ctx::load, m.getKey());
      Amount pending = e.pending().subtract(m.getValue()[0]).add(m.getValue()[1]);
      putEarnings(ctx, m.getKey(), new Earnings(pending, e.claimable(), e.claimed()));
    }
    Amount total = b.total().subtract(refund);
    List<Payout> newPayouts =
        Payout.merge(
            payouts.entrySet().stream().map(e -> new Payout(e.getKey(), e.getValue())).toList());
    ctx.store(batchSlot(operator, seq), b.corrected(total, newPayouts, charges).encode());
    if (!refund.isZero()) {
      Escrow e = escrow(ctx::load, payer);
      putEscrow(ctx, payer, e.withBalance(e.balance().add(refund)));
      InferenceTotals t = totals(ctx::load);
      putTotals(
          ctx,
          new InferenceTotals(
              t.escrows().add(refund), t.pending().subtract(refund), t.claimable()));
    }
    ctx.emit(BATCH_CORRECTED, operator, uint(seq), payer, refund.value(), total.value());
    return true;
  }

  private Amount voidBatch(ModuleContext ctx, Address operator, long seq) {
    return voidBatch(ctx, operator, seq, openBatchForCorrection(ctx, operator, seq));
  }

  /** Pays every charge of {@code b} back to its payer's escrow and drops its payouts. */
  private static Amount voidBatch(ModuleContext ctx, Address operator, long seq, Batch b) {
    for (Payout p : b.payouts()) {
      Earnings e = earnings(ctx::load, p.account());
      putEarnings(
          ctx,
          p.account(),
          new Earnings(e.pending().subtract(p.amount()), e.claimable(), e.claimed()));
    }
    for (BatchCharge c : b.charges()) {
      Escrow e = escrow(ctx::load, c.payer());
      putEscrow(ctx, c.payer(), e.withBalance(e.balance().add(c.amount())));
    }
    ctx.store(batchSlot(operator, seq), b.voidedCopy().encode());
    ctx.store(feeRuleSlot(operator, seq), new byte[0]);
    InferenceTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new InferenceTotals(
            t.escrows().add(b.total()), t.pending().subtract(b.total()), t.claimable()));
    ctx.emit(BATCH_VOIDED, operator, uint(seq), b.total().value());
    return b.total();
  }

  private static Batch openBatchForCorrection(ModuleContext ctx, Address operator, long seq) {
    if (!ctx.caller().equals(CORRECTOR)) {
      throw new ModuleRevert("inference: only the challenge module corrects or voids batches");
    }
    String which = "inference: batch " + seq + " of " + operator;
    Batch b =
        batch(ctx::load, operator, seq)
            .orElseThrow(() -> new ModuleRevert(which + " was never posted"));
    if (b.finalized()) {
      throw new ModuleRevert(which + " is already final");
    }
    if (b.voided()) {
      throw new ModuleRevert(which + " was already voided");
    }
    return b;
  }

  private static Amount claim(ModuleContext ctx) {
    Address account = ctx.caller();
    Earnings e = earnings(ctx::load, account);
    Amount amount = e.claimable();
    if (amount.isZero()) {
      throw new ModuleRevert(
          e.pending().isZero()
              ? "inference: nothing to claim"
              : "inference: nothing to claim yet (" + e.pending() + " pending in open batches)");
    }
    putEarnings(ctx, account, new Earnings(e.pending(), Amount.ZERO, e.claimed().add(amount)));
    InferenceTotals t = totals(ctx::load);
    putTotals(ctx, new InferenceTotals(t.escrows(), t.pending(), t.claimable().subtract(amount)));
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().transfer(ADDRESS, account, amount);
    ctx.emit(CLAIMED, account, amount.value());
    return amount;
  }

  // ---- views ----

  private static byte[] batchView(Slots slots, Address operator, Object seqArg) {
    BigInteger seq = (BigInteger) seqArg;
    Optional<Batch> b =
        seq.bitLength() > 63 ? Optional.empty() : batch(slots, operator, seq.longValue());
    return b.map(
            x ->
                BATCH.encodeResult(
                    x.recordsRoot().toArray(),
                    uint(x.firstRecord()),
                    uint(x.recordCount()),
                    x.total().value(),
                    uint(x.postedAt()),
                    uint(x.finalizableAt()),
                    x.finalized()))
        .orElseGet(
            () ->
                BATCH.encodeResult(
                    new byte[32],
                    BigInteger.ZERO,
                    BigInteger.ZERO,
                    BigInteger.ZERO,
                    BigInteger.ZERO,
                    BigInteger.ZERO,
                    false));
  }

  private static byte[] batchChargesView(Slots slots, Address operator, Object seqArg) {
    BigInteger seq = (BigInteger) seqArg;
    Optional<Batch> b =
        seq.bitLength() > 63 ? Optional.empty() : batch(slots, operator, seq.longValue());
    List<Object> charges =
        b.map(Batch::charges).orElse(List.of()).stream()
            .map(c -> (Object) List.of(c.payer(), c.keyHash().toArray(), c.amount().value()))
            .toList();
    return BATCH_CHARGES.encodeResult(charges, b.map(Batch::voided).orElse(false));
  }

  private static byte[] parametersView(InferenceParameters parameters) {
    FeeShares s = parameters.shares();
    return PARAMETERS.encodeResult(
        uint(parameters.challengeWindow()),
        uint(parameters.withdrawalDelay()),
        uint(parameters.revocationGrace()),
        uint(s.platformBps()),
        uint(s.ownerBps()),
        uint(s.stakersBps()),
        uint(s.dataBps()),
        parameters.platformFee().value());
  }

  /** Calldata of {@code postBatch} (for operators and tests). */
  public static byte[] encodePostBatch(
      long seq,
      Hash recordsRoot,
      long firstRecord,
      long recordCount,
      List<Charge> charges,
      List<Payout> payouts) {
    return POST_BATCH.encodeCall(
        uint(seq),
        recordsRoot.toArray(),
        uint(firstRecord),
        uint(recordCount),
        charges.stream().map(Charge::abiValue).toList(),
        payouts.stream().map(p -> List.of(p.account(), p.amount().value())).toList());
  }

  /** Calldata of {@code correctBatch} (the challenge module). */
  public static byte[] encodeCorrectBatch(
      Address operator,
      long seq,
      Address payer,
      Hash keyHash,
      List<Payout> removed,
      List<Payout> added) {
    return CORRECT_BATCH.encodeCall(
        operator,
        uint(seq),
        payer,
        keyHash.toArray(),
        removed.stream().map(p -> List.of(p.account(), p.amount().value())).toList(),
        added.stream().map(p -> List.of(p.account(), p.amount().value())).toList());
  }

  // ---- gas-free readers (RPC, node, tests) ----

  /** The escrow of {@code payer}; {@link Escrow#EMPTY} when none. */
  public static Escrow escrowOf(StateReader state, Address payer) {
    return escrow(free(state), payer);
  }

  /** The API key with this hash, if registered. */
  public static Optional<ApiKey> apiKey(StateReader state, Hash keyHash) {
    return apiKey(free(state), keyHash);
  }

  /** What {@code operator}'s next batch must carry. */
  public static NextBatch nextBatch(StateReader state, Address operator) {
    return nextBatch(free(state), operator);
  }

  /** The earnings of {@code account}. */
  public static Earnings earnings(StateReader state, Address account) {
    return earnings(free(state), account);
  }

  /** All that {@code operator} has charged {@code payer} in signed mode. */
  public static Amount charged(StateReader state, Address payer, Address operator) {
    return charged(free(state), payer, operator);
  }

  /** Batch {@code seq} of {@code operator}, if posted. */
  public static Optional<Batch> batch(StateReader state, Address operator, long seq) {
    return batch(free(state), operator, seq);
  }

  /**
   * The fee rule (shares and platform fee in force when it was posted) an open batch's records are
   * split with; empty once the batch is final or voided, or if it was never posted.
   */
  public static Optional<FeeRuleV1> batchFeeRule(StateReader state, Address operator, long seq) {
    return free(state)
        .load(feeRuleSlot(operator, seq))
        .map(
            b -> {
              ByteBuffer buf = ByteBuffer.wrap(b);
              FeeShares shares =
                  new FeeShares(buf.getShort(), buf.getShort(), buf.getShort(), buf.getShort());
              byte[] fee = new byte[32];
              buf.get(fee);
              return new FeeRuleV1(shares, Amount.of(new BigInteger(1, fee)));
            });
  }

  /** platformBps (2) ‖ ownerBps (2) ‖ stakersBps (2) ‖ dataBps (2) ‖ platformFee (32). */
  private static byte[] encodeFeeRule(FeeRuleV1 rule) {
    FeeShares s = rule.shares();
    return ByteBuffer.allocate(40)
        .putShort((short) s.platformBps())
        .putShort((short) s.ownerBps())
        .putShort((short) s.stakersBps())
        .putShort((short) s.dataBps())
        .put(rule.platformFee().toBytes32())
        .array();
  }

  /** The running totals over all escrows and earnings. */
  public static InferenceTotals totals(StateReader state) {
    return totals(free(state));
  }

  /**
   * Empty when the module's account holds exactly what it owes ({@link InferenceTotals#held()});
   * else what differs. Cheap (two reads): run it after every block.
   */
  public static Optional<String> audit(StateReader state) {
    InferenceTotals t = totals(state);
    Amount balance = state.balance(ADDRESS);
    if (balance.equals(t.held())) {
      return Optional.empty();
    }
    return Optional.of(
        "inference module holds "
            + balance
            + " but owes escrows "
            + t.escrows()
            + " + pending "
            + t.pending()
            + " + claimable "
            + t.claimable()
            + " = "
            + t.held());
  }

  // ---- storage ----

  /** A source of this module's slots: gas-charged in a call, free for readers. */
  private static Slots free(StateReader state) {
    return Slots.of(state, ADDRESS);
  }

  private static Escrow escrow(Slots s, Address payer) {
    return s.load(SystemModule.slot(ESCROW, payer.toArray()))
        .map(Escrow::decode)
        .orElse(Escrow.EMPTY);
  }

  private static Optional<ApiKey> apiKey(Slots s, Hash keyHash) {
    return s.load(keySlot(keyHash)).map(ApiKey::decode);
  }

  private static NextBatch nextBatch(Slots s, Address operator) {
    return s.load(nextSlot(operator)).map(NextBatch::decode).orElse(NextBatch.FIRST);
  }

  private static Earnings earnings(Slots s, Address account) {
    return s.load(SystemModule.slot(EARNINGS_PREFIX, account.toArray()))
        .map(Earnings::decode)
        .orElse(Earnings.NONE);
  }

  private static Amount charged(Slots s, Address payer, Address operator) {
    return s.load(chargedSlot(payer, operator)).map(Amount::fromBytes).orElse(Amount.ZERO);
  }

  private static Optional<Batch> batch(Slots s, Address operator, long seq) {
    return s.load(batchSlot(operator, seq)).map(Batch::decode);
  }

  private static InferenceTotals totals(Slots s) {
    return s.load(TOTALS).map(InferenceTotals::decode).orElse(InferenceTotals.ZERO);
  }

  private static void putEscrow(ModuleContext ctx, Address payer, Escrow e) {
    ctx.store(SystemModule.slot(ESCROW, payer.toArray()), e.isEmpty() ? new byte[0] : e.encode());
  }

  private static void putEarnings(ModuleContext ctx, Address account, Earnings e) {
    ctx.store(
        SystemModule.slot(EARNINGS_PREFIX, account.toArray()),
        e.equals(Earnings.NONE) ? new byte[0] : e.encode());
  }

  private static void putTotals(ModuleContext ctx, InferenceTotals t) {
    ctx.store(TOTALS, t.equals(InferenceTotals.ZERO) ? new byte[0] : t.encode());
  }

  private static byte[] keySlot(Hash keyHash) {
    return SystemModule.slot(KEY, keyHash.toArray());
  }

  private static byte[] nextSlot(Address operator) {
    return SystemModule.slot(NEXT, operator.toArray());
  }

  private static byte[] feeRuleSlot(Address operator, long seq) {
    return SystemModule.slot(
        FEE_RULE_PREFIX, operator.toArray(), ByteBuffer.allocate(8).putLong(seq).array());
  }

  private static byte[] batchSlot(Address operator, long seq) {
    return SystemModule.slot(
        BATCH_PREFIX, operator.toArray(), ByteBuffer.allocate(8).putLong(seq).array());
  }

  private static byte[] chargedSlot(Address payer, Address operator) {
    return SystemModule.slot(CHARGED_PREFIX, payer.toArray(), operator.toArray());
  }

  // ---- helpers ----

  private static AbiEvent event(String name, AbiEvent.Parameter... parameters) {
    return new AbiEvent(name, List.of(parameters));
  }

  private static AbiEvent.Parameter p(String name, AbiType type, boolean indexed) {
    return new AbiEvent.Parameter(name, type, indexed);
  }

  private static List<Payout> payoutList(Object abiValue) {
    return ((List<?>) abiValue)
        .stream()
            .map(t -> (List<?>) t)
            .map(t -> new Payout((Address) t.get(0), amount(t.get(1))))
            .toList();
  }

  private static Amount amount(Object abiValue) {
    return Amount.of((BigInteger) abiValue);
  }

  private static Hash hash(Object abiValue) {
    return Hash.wrap((byte[]) abiValue);
  }

  private static BigInteger uint(long v) {
    return BigInteger.valueOf(v);
  }

  /** A uint64 argument the module keeps in a long: above 2^63 - 1 is refused. */
  private static long u63(Object abiValue, String what) {
    BigInteger v = (BigInteger) abiValue;
    if (v.bitLength() > 63) {
      throw new ModuleRevert("inference: " + what + " " + v + " is above 2^63 - 1");
    }
    return v.longValue();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
