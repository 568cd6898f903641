package io.openledger.chain.challenge;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStatus;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.RecordsMerkle;
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
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The challenge module at {@code 0x0000000000000000000000000000000000001007} (docs/staking.md,
 * "Challenges"): anyone may challenge a posted record (or an unanswered request, or accepted
 * datanet data) with a bond; the fault is decided by recomputation ({@link RecordVerifier}), by the
 * payer's signature, by the operator's failure to answer, or by a stake-weighted vote of the
 * validators registered here. An upheld fault slashes the operator's pool on the staking module and
 * corrects (or voids) its batch on the inference module before it is final.
 *
 * <p>The module's account holds every validator's stake and every open challenge's bond; what a
 * slash or a penalty brings in is paid out in the same call. {@link ChallengeTotals} lets {@link
 * #audit} check after any block that it holds exactly that.
 *
 * <p>Storage: {@code "challenge" ++ id (8)} → {@link Challenge}; {@code "record" ++ id} → the
 * challenged record's encoding (voted kinds); {@code "count"} → the last id (8); {@code "open" ++
 * operator ++ seq (8)} → open challenges of that batch (8); {@code "challenged" ++ operator ++
 * number (8)} → the id of the open or upheld challenge of that record; {@code "request" ++ operator
 * ++ requestHash} → the id of the unavailability challenge of that request; {@code "flag" ++
 * contributionId (8)} → the id of the open or upheld flag of that contribution; {@code "validator"
 * ++ address} → {@link Validator}; {@code "list" ++ index (4)} → a validator's address; {@code
 * "vote" ++ id ++ validator} → 1 upheld, 2 rejected; {@code "totals"} → {@link ChallengeTotals}.
 */
public final class ChallengeModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(7);
  public static final String NAME = "challenge";

  /** Gas for deciding a wrong attribution or token count, before the evidence's bytes. */
  public static final long RECOMPUTE_BASE_GAS = 100_000;

  /**
   * Gas per byte of evidence recomputed: the attribution engine scans the output's n-grams and the
   * tokenizer its texts, both linear in the bytes.
   */
  public static final long RECOMPUTE_GAS_PER_BYTE = 100;

  /** Ethereum's KECCAK256 price: 30 gas, plus 6 per 32-byte word hashed. */
  static long keccakGas(int bytes) {
    return 30 + 6L * ((bytes + 31) / 32);
  }

  /** Gas for checking one payer signature: Ethereum's {@code ecrecover} price. */
  public static final long SIGNATURE_CHECK_GAS = InferenceModule.SIGNATURE_CHECK_GAS;

  /** What the datanet module offers the challenge module: the penalty of adversarial data. */
  public static final AbiFunction PENALIZE = AbiFunction.of("penalize(uint64)", "uint256", false);

  public static final AbiFunction REGISTER_VALIDATOR =
      AbiFunction.payable("registerValidator()", "");
  public static final AbiFunction UNREGISTER_VALIDATOR =
      AbiFunction.of("unregisterValidator()", "uint64", false);
  public static final AbiFunction WITHDRAW_VALIDATOR =
      AbiFunction.of("withdrawValidator()", "uint256", false);
  public static final AbiFunction CHALLENGE =
      AbiFunction.payable("challenge(address,uint64,uint8,bytes,bytes32[],uint64,bytes)", "uint64");
  public static final AbiFunction CHALLENGE_UNANSWERED =
      AbiFunction.payable("challengeUnanswered(address,uint64,bytes32,uint64,bytes)", "uint64");
  public static final AbiFunction ANSWER =
      AbiFunction.of("answer(uint64,uint64,bytes,bytes32[],uint64)", "", false);
  public static final AbiFunction FLAG_CONTRIBUTION =
      AbiFunction.payable("flagContribution(uint64,string)", "uint64");
  public static final AbiFunction VOTE = AbiFunction.of("vote(uint64,bool)", "", false);
  public static final AbiFunction RESOLVE = AbiFunction.of("resolve(uint64)", "uint8", false);
  public static final AbiFunction CHALLENGE_INFO =
      AbiFunction.of(
          "challengeInfo(uint64)",
          "uint8,uint8,address,address,address,uint64,uint64,uint64,uint256,uint64,uint64,"
              + "uint256,uint256,uint256",
          true);
  public static final AbiFunction VALIDATOR =
      AbiFunction.of("validator(address)", "uint256,bool,uint64,uint64,uint32", true);
  public static final AbiFunction VALIDATOR_AT =
      AbiFunction.of("validatorAt(uint64)", "address", true);
  public static final AbiFunction VOTE_OF = AbiFunction.of("voteOf(uint64,address)", "uint8", true);
  public static final AbiFunction CHALLENGE_COUNT =
      AbiFunction.of("challengeCount()", "uint64", true);
  public static final AbiFunction OPEN_CHALLENGES =
      AbiFunction.of("openChallenges(address,uint64)", "uint64", true);
  public static final AbiFunction TOTALS =
      AbiFunction.of("totals()", "uint256,uint256,uint256,uint64", true);
  public static final AbiFunction CHALLENGE_PARAMETERS =
      AbiFunction.of(
          "challengeParameters()",
          "uint256,uint16,uint16,uint16,uint16,uint16,uint16,uint16,uint64,uint64,uint16,uint16,"
              + "uint256,uint16,uint32,uint32",
          true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          REGISTER_VALIDATOR,
          UNREGISTER_VALIDATOR,
          WITHDRAW_VALIDATOR,
          CHALLENGE,
          CHALLENGE_UNANSWERED,
          ANSWER,
          FLAG_CONTRIBUTION,
          VOTE,
          RESOLVE,
          CHALLENGE_INFO,
          VALIDATOR,
          VALIDATOR_AT,
          VOTE_OF,
          CHALLENGE_COUNT,
          OPEN_CHALLENGES,
          TOTALS,
          CHALLENGE_PARAMETERS);

  private static final AbiType UINT8 = AbiType.parse("uint8");

  public static final AbiEvent CHALLENGE_FILED =
      event(
          "ChallengeFiled",
          p("id", AbiType.UINT64, true),
          p("operator", AbiType.ADDRESS, true),
          p("challenger", AbiType.ADDRESS, true),
          p("kind", UINT8, false),
          p("seq", AbiType.UINT64, false),
          p("recordNumber", AbiType.UINT64, false),
          p("bond", AbiType.UINT256, false));
  public static final AbiEvent CHALLENGE_ANSWERED =
      event(
          "ChallengeAnswered",
          p("id", AbiType.UINT64, true),
          p("operator", AbiType.ADDRESS, true),
          p("seq", AbiType.UINT64, false),
          p("recordNumber", AbiType.UINT64, false));
  public static final AbiEvent CHALLENGE_DECIDED =
      event(
          "ChallengeDecided",
          p("id", AbiType.UINT64, true),
          p("upheld", AbiType.BOOL, false),
          p("slashed", AbiType.UINT256, false),
          p("reason", AbiType.STRING, false));
  public static final AbiEvent SLASH_PAID =
      event(
          "SlashPaid",
          p("id", AbiType.UINT64, true),
          p("challenger", AbiType.ADDRESS, true),
          p("payer", AbiType.ADDRESS, true),
          p("toChallenger", AbiType.UINT256, false),
          p("toPayer", AbiType.UINT256, false),
          p("toTreasury", AbiType.UINT256, false));
  public static final AbiEvent BOND_SETTLED =
      event(
          "BondSettled",
          p("id", AbiType.UINT64, true),
          p("challenger", AbiType.ADDRESS, true),
          p("bond", AbiType.UINT256, false),
          p("returned", AbiType.BOOL, false));
  public static final AbiEvent VOTED =
      event(
          "Voted",
          p("id", AbiType.UINT64, true),
          p("validator", AbiType.ADDRESS, true),
          p("upheld", AbiType.BOOL, false),
          p("weight", AbiType.UINT256, false));
  public static final AbiEvent VALIDATOR_REGISTERED =
      event(
          "ValidatorRegistered",
          p("validator", AbiType.ADDRESS, true),
          p("stake", AbiType.UINT256, false));
  public static final AbiEvent VALIDATOR_UNBONDING =
      event(
          "ValidatorUnbonding",
          p("validator", AbiType.ADDRESS, true),
          p("stake", AbiType.UINT256, false),
          p("releaseAt", AbiType.UINT64, false));
  public static final AbiEvent VALIDATOR_WITHDRAWN =
      event(
          "ValidatorWithdrawn",
          p("validator", AbiType.ADDRESS, true),
          p("amount", AbiType.UINT256, false));
  public static final AbiEvent VALIDATOR_PENALIZED =
      event(
          "ValidatorPenalized",
          p("validator", AbiType.ADDRESS, true),
          p("amount", AbiType.UINT256, false),
          p("why", AbiType.STRING, false));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS =
      List.of(
          CHALLENGE_FILED,
          CHALLENGE_ANSWERED,
          CHALLENGE_DECIDED,
          SLASH_PAID,
          BOND_SETTLED,
          VOTED,
          VALIDATOR_REGISTERED,
          VALIDATOR_UNBONDING,
          VALIDATOR_WITHDRAWN,
          VALIDATOR_PENALIZED);

  private static final byte[] CHALLENGE_PREFIX = ascii("challenge");
  private static final byte[] RECORD_PREFIX = ascii("record");
  private static final byte[] COUNT_SLOT = ascii("count");
  private static final byte[] OPEN_PREFIX = ascii("open");
  private static final byte[] CHALLENGED_PREFIX = ascii("challenged");
  private static final byte[] REQUEST_PREFIX = ascii("request");
  private static final byte[] FLAG_PREFIX = ascii("flag");
  private static final byte[] VALIDATOR_PREFIX = ascii("validator");
  private static final byte[] LIST_PREFIX = ascii("list");
  private static final byte[] VOTE_PREFIX = ascii("vote");
  private static final byte[] TOTALS_SLOT = ascii("totals");
  private static final int BPS = 10_000;

  private final ParametersInForce inForce;
  private final Address treasury;
  private final long chainId;
  private final Optional<RecordVerifier> verifier;

  /**
   * @param inForce bonds, slash rates, windows, validator rules, the fee shares and platform fee a
   *     record's split is recomputed with and the unbonding delay of validators, as the state has
   *     them (the parameter registry's values)
   * @param treasury receives forfeited bonds, penalties and the treasury's part of slashes
   * @param chainId the EIP-712 domain of payer signatures
   * @param verifier decides wrong attributions and token counts; empty: those kinds are refused
   */
  public ChallengeModule(
      ParametersInForce inForce,
      Address treasury,
      long chainId,
      Optional<RecordVerifier> verifier) {
    this.inForce = Objects.requireNonNull(inForce, "inForce");
    this.treasury = Objects.requireNonNull(treasury, "treasury");
    this.chainId = chainId;
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /** The challenge parameters in force in {@code state}. */
  public ChallengeParameters parameters(StateReader state) {
    return inForce.in(state).challenges();
  }

  /** The challenge parameters in force, read through the call's metered reader. */
  private ChallengeParameters parameters(ModuleContext ctx) {
    return parameters(new MeteredStateReader(ctx));
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Challenge.abi.json");

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
      case "registerValidator" -> {
        registerValidator(ctx, value);
        yield new byte[0];
      }
      case "unregisterValidator" ->
          UNREGISTER_VALIDATOR.encodeResult(uint(unregisterValidator(ctx)));
      case "withdrawValidator" -> WITHDRAW_VALIDATOR.encodeResult(withdrawValidator(ctx).value());
      case "challenge" ->
          CHALLENGE.encodeResult(
              uint(
                  challenge(
                      ctx,
                      (Address) a.get(0),
                      u63(a.get(1), "seq"),
                      ((BigInteger) a.get(2)).longValue(),
                      (byte[]) a.get(3),
                      hashes(a.get(4)),
                      u63(a.get(5), "index"),
                      (byte[]) a.get(6),
                      value)));
      case "challengeUnanswered" ->
          CHALLENGE_UNANSWERED.encodeResult(
              uint(
                  challengeUnanswered(
                      ctx,
                      (Address) a.get(0),
                      u63(a.get(1), "modelId"),
                      Hash.wrap((byte[]) a.get(2)),
                      u63(a.get(3), "signedAt"),
                      (byte[]) a.get(4),
                      value)));
      case "answer" -> {
        answer(
            ctx,
            u63(a.get(0), "id"),
            u63(a.get(1), "seq"),
            (byte[]) a.get(2),
            hashes(a.get(3)),
            u63(a.get(4), "index"));
        yield new byte[0];
      }
      case "flagContribution" ->
          FLAG_CONTRIBUTION.encodeResult(
              uint(flag(ctx, u63(a.get(0), "contributionId"), (String) a.get(1), value)));
      case "vote" -> {
        vote(ctx, u63(a.get(0), "id"), (Boolean) a.get(1));
        yield new byte[0];
      }
      case "resolve" -> RESOLVE.encodeResult(uint(resolve(ctx, u63(a.get(0), "id")).code()));
      case "challengeInfo" -> challengeInfoView(slots, a.get(0));
      case "validator" -> {
        Optional<Validator> v = validator(slots, (Address) a.get(0));
        yield VALIDATOR.encodeResult(
            v.map(Validator::stake).orElse(Amount.ZERO).value(),
            v.map(Validator::unbonding).orElse(false),
            uint(v.map(Validator::releaseAt).orElse(0L)),
            uint(v.map(Validator::firstChallenge).orElse(0L)),
            uint(v.map(Validator::misses).orElse(0)));
      }
      case "validatorAt" -> {
        BigInteger i = (BigInteger) a.get(0);
        int n = totals(slots).validators();
        yield VALIDATOR_AT.encodeResult(
            i.compareTo(BigInteger.valueOf(n)) < 0 ? listed(slots, i.intValue()) : Address.ZERO);
      }
      case "voteOf" -> {
        BigInteger id = (BigInteger) a.get(0);
        yield VOTE_OF.encodeResult(
            uint(id.bitLength() > 63 ? 0 : voteOf(slots, id.longValue(), (Address) a.get(1))));
      }
      case "challengeCount" -> CHALLENGE_COUNT.encodeResult(uint(count(slots)));
      case "openChallenges" -> {
        BigInteger seq = (BigInteger) a.get(1);
        yield OPEN_CHALLENGES.encodeResult(
            uint(seq.bitLength() > 63 ? 0 : openCount(slots, (Address) a.get(0), seq.longValue())));
      }
      case "totals" -> {
        ChallengeTotals t = totals(slots);
        yield TOTALS.encodeResult(
            t.validatorStake().value(),
            t.activeStake().value(),
            t.bonds().value(),
            uint(t.validators()));
      }
      case "challengeParameters" -> parametersView(parameters(ctx));
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  // ---- validators ----

  private void registerValidator(ModuleContext ctx, Amount value) {
    if (value.isZero()) {
      throw new ModuleRevert("challenge: a validator registers with a stake above zero");
    }
    Address who = ctx.caller();
    Optional<Validator> existing = validator(ctx::load, who);
    ChallengeTotals t = totals(ctx::load);
    Validator v;
    int validators = t.validators();
    if (existing.isPresent()) {
      if (existing.get().unbonding()) {
        throw new ModuleRevert(
            "challenge: validator "
                + who
                + " is unbonding until "
                + existing.get().releaseAt()
                + "; withdraw first, then register again");
      }
      v = existing.get().withStake(existing.get().stake().add(value));
    } else {
      ChallengeParameters p = parameters(ctx);
      if (value.lessThan(p.validatorMinimumStake())) {
        throw new ModuleRevert(
            "challenge: a validator registers with at least "
                + p.validatorMinimumStake().toOpenString()
                + " OPEN, got "
                + value.toOpenString()
                + " OPEN");
      }
      if (validators >= p.maxValidators()) {
        throw new ModuleRevert(
            "challenge: the validator set is full (maxValidators " + p.maxValidators() + ")");
      }
      v = new Validator(value, false, 0, count(ctx::load) + 1, 0, validators);
      ctx.store(listSlot(validators), who.toArray());
      validators++;
    }
    putValidator(ctx, who, v);
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake().add(value), t.activeStake().add(value), t.bonds(), validators));
    ctx.emit(VALIDATOR_REGISTERED, who, v.stake().value());
  }

  private long unregisterValidator(ModuleContext ctx) {
    Address who = ctx.caller();
    Validator v = activeValidator(ctx, who);
    long releaseAt =
        Math.addExact(
            ctx.blockTimestamp(),
            inForce.in(new MeteredStateReader(ctx)).staking().unbondingDelay());
    putValidator(ctx, who, v.unbondingUntil(releaseAt));
    ChallengeTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake(), t.activeStake().subtract(v.stake()), t.bonds(), t.validators()));
    ctx.emit(VALIDATOR_UNBONDING, who, v.stake().value(), uint(releaseAt));
    return releaseAt;
  }

  private Amount withdrawValidator(ModuleContext ctx) {
    Address who = ctx.caller();
    Validator v =
        validator(ctx::load, who)
            .orElseThrow(() -> new ModuleRevert("challenge: " + who + " is not a validator"));
    if (!v.unbonding()) {
      throw new ModuleRevert(
          "challenge: validator " + who + " is active; unregisterValidator() first");
    }
    if (ctx.blockTimestamp() < v.releaseAt()) {
      throw new ModuleRevert(
          "challenge: validator "
              + who
              + "'s stake is released at "
              + v.releaseAt()
              + " (now "
              + ctx.blockTimestamp()
              + ")");
    }
    ChallengeTotals t = totals(ctx::load);
    int last = t.validators() - 1;
    if (v.index() != last) {
      Address moved = listed(ctx::load, last);
      ctx.store(listSlot(v.index()), moved.toArray());
      putValidator(ctx, moved, validator(ctx::load, moved).orElseThrow().withIndex(v.index()));
    }
    ctx.store(listSlot(last), new byte[0]);
    ctx.store(validatorSlot(who), new byte[0]);
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake().subtract(v.stake()), t.activeStake(), t.bonds(), last));
    pay(ctx, who, v.stake());
    ctx.emit(VALIDATOR_WITHDRAWN, who, v.stake().value());
    return v.stake();
  }

  private static Validator activeValidator(ModuleContext ctx, Address who) {
    Validator v =
        validator(ctx::load, who)
            .orElseThrow(() -> new ModuleRevert("challenge: " + who + " is not a validator"));
    if (v.unbonding()) {
      throw new ModuleRevert(
          "challenge: validator " + who + " is unbonding (since it unregistered)");
    }
    return v;
  }

  // ---- challenges of a record ----

  private long challenge(
      ModuleContext ctx,
      Address operator,
      long seq,
      long kindCode,
      byte[] encodedRecord,
      List<Hash> proof,
      long index,
      byte[] evidence,
      Amount bond) {
    ChallengeKind kind =
        ChallengeKind.of(kindCode)
            .orElseThrow(
                () ->
                    new ModuleRevert(
                        "challenge: unknown kind "
                            + kindCode
                            + " (1 wrong attribution, 2 wrong token count, 3 harmful output,"
                            + " 5 fabricated usage)"));
    if (kind == ChallengeKind.UNAVAILABILITY) {
      throw new ModuleRevert("challenge: unavailability is claimed with challengeUnanswered");
    }
    if (kind == ChallengeKind.ADVERSARIAL_DATA) {
      throw new ModuleRevert("challenge: adversarial data is claimed with flagContribution");
    }
    checkBond(ctx, bond);
    Batch batch = challengeableBatch(ctx, operator, seq);
    InferenceRecord record = provenRecord(ctx, operator, seq, batch, encodedRecord, proof, index);
    Optional<Long> earlier = challengedRecord(ctx::load, operator, record.number());
    if (earlier.isPresent()) {
      Challenge e = challenge(ctx::load, earlier.get()).orElseThrow();
      throw new ModuleRevert(
          "challenge: record "
              + record.number()
              + " of "
              + operator
              + (e.open()
                  ? " is already challenged (challenge " + e.id() + ", open)"
                  : " was already corrected (challenge " + e.id() + ", upheld)"));
    }
    if (kind == ChallengeKind.FABRICATED_USAGE) {
      if (!ctx.caller().equals(record.payer())) {
        throw new ModuleRevert(
            "challenge: only the record's payer " + record.payer() + " claims fabricated usage");
      }
      if (!record.signedMode()) {
        throw new ModuleRevert(
            "challenge: fabricated usage is claimed of signed-mode records; a key-mode payer"
                + " trusts its operator up to the key's cap (revoke the key)");
      }
    }
    Verdict verdict = decideNow(ctx, kind, record, evidence, batchRule(ctx, operator, seq));
    if (kind.voted()) {
      requireVoters(ctx);
    }
    long id = count(ctx::load) + 1;
    ctx.store(COUNT_SLOT, Codec.u64(id));
    long now = ctx.blockTimestamp();
    ChallengeTotals t = totals(ctx::load);
    Challenge c =
        new Challenge(
            id,
            kind,
            ChallengeStatus.OPEN,
            operator,
            ctx.caller(),
            record.payer(),
            record.keyHash(),
            seq,
            record.number(),
            0,
            Hash.ZERO,
            bond,
            now,
            kind.voted() ? Math.addExact(now, parameters(ctx).voteWindow()) : now,
            t.activeStake(),
            Amount.ZERO,
            Amount.ZERO,
            Amount.ZERO);
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake(), t.activeStake(), t.bonds().add(bond), t.validators()));
    ctx.emit(
        CHALLENGE_FILED,
        uint(id),
        operator,
        ctx.caller(),
        uint(kind.code()),
        uint(seq),
        uint(record.number()),
        bond.value());
    ctx.store(challengedSlot(operator, record.number()), Codec.u64(id));
    switch (verdict) {
      case Verdict.Pending p -> {
        putChallenge(ctx, c);
        ctx.store(recordSlot(id), encodedRecord);
        ctx.store(openSlot(operator, seq), Codec.u64(openCount(ctx::load, operator, seq) + 1));
      }
      case Verdict.Found found -> {
        Amount cut = slashOperator(ctx, c);
        correct(ctx, c, record, found.attribution(), found.fee());
        settleBond(ctx, c, true);
        putChallenge(ctx, c.withStatus(ChallengeStatus.UPHELD, cut));
        ctx.emit(CHALLENGE_DECIDED, uint(id), true, cut.value(), found.reason());
      }
      case Verdict.NotFound nf -> {
        ctx.store(challengedSlot(operator, record.number()), new byte[0]);
        settleBond(ctx, c, false);
        putChallenge(ctx, c.withStatus(ChallengeStatus.REJECTED, Amount.ZERO));
        ctx.emit(CHALLENGE_DECIDED, uint(id), false, BigInteger.ZERO, nf.reason());
      }
    }
    return id;
  }

  /** How a challenge of a record is decided in its own transaction, or that a vote will. */
  private sealed interface Verdict {
    record Pending() implements Verdict {}

    /** Upheld: the record should have carried this attribution and this fee. */
    record Found(String reason, List<Attribution> attribution, Amount fee) implements Verdict {}

    record NotFound(String reason) implements Verdict {}
  }

  private Verdict decideNow(
      ModuleContext ctx,
      ChallengeKind kind,
      InferenceRecord record,
      byte[] evidence,
      FeeRuleV1 rule) {
    return switch (kind) {
      case HARMFUL_OUTPUT -> new Verdict.Pending();
      case FABRICATED_USAGE -> {
        ctx.charge(SIGNATURE_CHECK_GAS);
        yield record.payerSignatureValid(chainId)
            ? new Verdict.NotFound("the record carries the payer's spend signature")
            : new Verdict.Found(
                "the record's spend signature is not the payer's", List.of(), Amount.ZERO);
      }
      case WRONG_ATTRIBUTION, WRONG_TOKEN_COUNT -> recompute(ctx, kind, record, evidence, rule);
      default -> throw new IllegalStateException(kind + " is not decided here");
    };
  }

  private Verdict recompute(
      ModuleContext ctx,
      ChallengeKind kind,
      InferenceRecord record,
      byte[] evidence,
      FeeRuleV1 rule) {
    RecordVerifier v =
        verifier.orElseThrow(
            () ->
                new ModuleRevert(
                    "challenge: these rules carry no record verifier, so "
                        + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + " cannot be decided here"));
    ctx.charge(
        Math.addExact(
            RECOMPUTE_BASE_GAS, Math.multiplyExact(RECOMPUTE_GAS_PER_BYTE, evidence.length)));
    RecordVerifier.Verdict verdict = v.verify(new MeteredStateReader(ctx), kind, record, evidence);
    return switch (verdict) {
      case RecordVerifier.Verdict.Invalid i ->
          throw new ModuleRevert("challenge: the evidence cannot be checked: " + i.reason());
      case RecordVerifier.Verdict.Rejected r -> new Verdict.NotFound(r.reason());
      case RecordVerifier.Verdict.Upheld u -> {
        Amount fee = record.fee();
        if (kind == ChallengeKind.WRONG_TOKEN_COUNT) {
          Model m = model(ctx, record.modelId());
          try {
            fee =
                fee.min(
                    rule.fee(
                        u.promptTokens(), u.completionTokens(), m.pricePerKIn(), m.pricePerKOut()));
          } catch (ArithmeticException e) {
            throw new ModuleRevert("challenge: the recomputed fee leaves uint256");
          }
        }
        yield new Verdict.Found(u.reason(), u.attribution(), fee);
      }
    };
  }

  /** The batch a record challenge names: posted, neither final nor voided, inside its window. */
  private static Batch challengeableBatch(ModuleContext ctx, Address operator, long seq) {
    String which = "challenge: batch " + seq + " of " + operator;
    Batch b =
        InferenceModule.batch(new MeteredStateReader(ctx), operator, seq)
            .orElseThrow(() -> new ModuleRevert(which + " was never posted"));
    if (b.finalized()) {
      throw new ModuleRevert(which + " is final");
    }
    if (b.voided()) {
      throw new ModuleRevert(which + " was voided");
    }
    if (ctx.blockTimestamp() >= b.finalizableAt()) {
      throw new ModuleRevert(
          which
              + "'s challenge window ended at "
              + b.finalizableAt()
              + " (now "
              + ctx.blockTimestamp()
              + ")");
    }
    return b;
  }

  /** The record, decoded strictly, of {@code operator}, at {@code index}, proven in the batch. */
  private static InferenceRecord provenRecord(
      ModuleContext ctx,
      Address operator,
      long seq,
      Batch batch,
      byte[] encoded,
      List<Hash> proof,
      long index) {
    InferenceRecord record;
    try {
      record = InferenceRecord.decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new ModuleRevert("challenge: the record does not decode: " + e.getMessage());
    }
    if (!record.operator().equals(operator)) {
      throw new ModuleRevert(
          "challenge: the record is of operator " + record.operator() + ", not " + operator);
    }
    if (index >= batch.recordCount() || batch.recordCount() > Integer.MAX_VALUE) {
      throw new ModuleRevert(
          "challenge: index "
              + index
              + " is outside batch "
              + seq
              + "'s "
              + batch.recordCount()
              + " records");
    }
    if (record.number() != batch.firstRecord() + index) {
      throw new ModuleRevert(
          "challenge: record "
              + record.number()
              + " is not at index "
              + index
              + " of batch "
              + seq
              + " (which holds record "
              + (batch.firstRecord() + index)
              + " there)");
    }
    // Ethereum's KECCAK256 price: the record's body once, then one 64-byte node per level
    ctx.charge(keccakGas(record.encodeBody().length) + proof.size() * keccakGas(64));
    RecordsMerkle.Proof p = new RecordsMerkle.Proof((int) index, (int) batch.recordCount(), proof);
    if (!RecordsMerkle.verify(batch.recordsRoot(), record.hash(), p)) {
      throw new ModuleRevert(
          "challenge: the proof does not show record "
              + record.number()
              + " in batch "
              + seq
              + "'s records root "
              + batch.recordsRoot());
    }
    return record;
  }

  // ---- unavailability ----

  private long challengeUnanswered(
      ModuleContext ctx,
      Address operator,
      long modelId,
      Hash requestHash,
      long signedAt,
      byte[] payerSignature,
      Amount bond) {
    checkBond(ctx, bond);
    Model m = model(ctx, modelId);
    if (!m.operator().equals(operator)) {
      throw new ModuleRevert(
          "challenge: model " + modelId + "'s operator is " + m.operator() + ", not " + operator);
    }
    long now = ctx.blockTimestamp();
    if (signedAt > now) {
      throw new ModuleRevert(
          "challenge: the request was signed at " + signedAt + ", after now (" + now + ")");
    }
    Address payer = ctx.caller();
    ctx.charge(SIGNATURE_CHECK_GAS);
    Optional<Address> signer =
        new PaidRequest(operator, modelId, requestHash, signedAt)
            .recoverSigner(chainId, payerSignature);
    if (!signer.equals(Optional.of(payer))) {
      throw new ModuleRevert(
          "challenge: the signature is not "
              + payer
              + "'s PaidRequest(operator, modelId, requestHash, signedAt)");
    }
    if (InferenceModule.escrowOf(new MeteredStateReader(ctx), payer).balance().isZero()) {
      throw new ModuleRevert("challenge: " + payer + " has no escrow, so it sent no paid request");
    }
    Optional<byte[]> earlier = ctx.load(requestSlot(operator, requestHash));
    if (earlier.isPresent()) {
      throw new ModuleRevert(
          "challenge: request "
              + requestHash
              + " of "
              + operator
              + " was already challenged (challenge "
              + ByteBuffer.wrap(earlier.get()).getLong()
              + ")");
    }
    long id = count(ctx::load) + 1;
    ctx.store(COUNT_SLOT, Codec.u64(id));
    ctx.store(requestSlot(operator, requestHash), Codec.u64(id));
    ChallengeTotals t = totals(ctx::load);
    putChallenge(
        ctx,
        new Challenge(
            id,
            ChallengeKind.UNAVAILABILITY,
            ChallengeStatus.OPEN,
            operator,
            payer,
            payer,
            Hash.ZERO,
            0,
            0,
            modelId,
            requestHash,
            bond,
            now,
            Math.addExact(now, parameters(ctx).answerWindow()),
            t.activeStake(),
            Amount.ZERO,
            Amount.ZERO,
            Amount.ZERO));
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake(), t.activeStake(), t.bonds().add(bond), t.validators()));
    ctx.emit(
        CHALLENGE_FILED,
        uint(id),
        operator,
        payer,
        uint(ChallengeKind.UNAVAILABILITY.code()),
        BigInteger.ZERO,
        BigInteger.ZERO,
        bond.value());
    return id;
  }

  private void answer(
      ModuleContext ctx, long id, long seq, byte[] encodedRecord, List<Hash> proof, long index) {
    Challenge c = openChallenge(ctx, id);
    if (c.kind() != ChallengeKind.UNAVAILABILITY) {
      throw new ModuleRevert(
          "challenge: challenge "
              + id
              + " is not an unavailability claim; only those are answered");
    }
    if (ctx.blockTimestamp() >= c.deadline()) {
      throw new ModuleRevert(
          "challenge: challenge "
              + id
              + "'s answer window ended at "
              + c.deadline()
              + " (now "
              + ctx.blockTimestamp()
              + ")");
    }
    Batch batch =
        InferenceModule.batch(new MeteredStateReader(ctx), c.operator(), seq)
            .orElseThrow(
                () ->
                    new ModuleRevert(
                        "challenge: batch " + seq + " of " + c.operator() + " was never posted"));
    InferenceRecord r = provenRecord(ctx, c.operator(), seq, batch, encodedRecord, proof, index);
    if (!r.requestHash().equals(c.requestHash())
        || !r.payer().equals(c.payer())
        || r.modelId() != c.subject()) {
      throw new ModuleRevert(
          "challenge: record "
              + r.number()
              + " answers request "
              + r.requestHash()
              + " of "
              + r.payer()
              + " on model "
              + r.modelId()
              + ", not request "
              + c.requestHash()
              + " of "
              + c.payer()
              + " on model "
              + c.subject());
    }
    Challenge answered = c.answeredBy(seq, r.number());
    settleBond(ctx, answered, false);
    putChallenge(ctx, answered.withStatus(ChallengeStatus.REJECTED, Amount.ZERO));
    ctx.emit(CHALLENGE_ANSWERED, uint(id), c.operator(), uint(seq), uint(r.number()));
    ctx.emit(
        CHALLENGE_DECIDED,
        uint(id),
        false,
        BigInteger.ZERO,
        "the operator answered with record " + r.number() + " in batch " + seq);
  }

  // ---- adversarial data ----

  private long flag(ModuleContext ctx, long contributionId, String reason, Amount bond) {
    checkBond(ctx, bond);
    Contribution contribution =
        DatanetModule.readContribution(new MeteredStateReader(ctx), contributionId)
            .orElseThrow(
                () -> new ModuleRevert("challenge: unknown contribution " + contributionId));
    if (contribution.status() != ContributionStatus.ACCEPTED) {
      throw new ModuleRevert(
          "challenge: contribution "
              + contributionId
              + " is "
              + contribution.status().name().toLowerCase(Locale.ROOT)
              + "; only accepted data is flagged");
    }
    requireVoters(ctx);
    Optional<byte[]> earlier = ctx.load(flagSlot(contributionId));
    if (earlier.isPresent()) {
      long e = ByteBuffer.wrap(earlier.get()).getLong();
      throw new ModuleRevert(
          "challenge: contribution "
              + contributionId
              + (challenge(ctx::load, e).orElseThrow().open()
                  ? " is already flagged (challenge " + e + ", open)"
                  : " was already penalized (challenge " + e + ", upheld)"));
    }
    long id = count(ctx::load) + 1;
    ctx.store(COUNT_SLOT, Codec.u64(id));
    ctx.store(flagSlot(contributionId), Codec.u64(id));
    long now = ctx.blockTimestamp();
    ChallengeTotals t = totals(ctx::load);
    putChallenge(
        ctx,
        new Challenge(
            id,
            ChallengeKind.ADVERSARIAL_DATA,
            ChallengeStatus.OPEN,
            contribution.contributor(),
            ctx.caller(),
            Address.ZERO,
            Hash.ZERO,
            0,
            0,
            contributionId,
            Hash.keccak256(reason.getBytes(StandardCharsets.UTF_8)),
            bond,
            now,
            Math.addExact(now, parameters(ctx).voteWindow()),
            t.activeStake(),
            Amount.ZERO,
            Amount.ZERO,
            Amount.ZERO));
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake(), t.activeStake(), t.bonds().add(bond), t.validators()));
    ctx.emit(
        CHALLENGE_FILED,
        uint(id),
        contribution.contributor(),
        ctx.caller(),
        uint(ChallengeKind.ADVERSARIAL_DATA.code()),
        BigInteger.ZERO,
        BigInteger.ZERO,
        bond.value());
    return id;
  }

  // ---- votes ----

  private void vote(ModuleContext ctx, long id, boolean upheld) {
    Challenge c = openChallenge(ctx, id);
    if (!c.kind().voted()) {
      throw new ModuleRevert(
          "challenge: challenge " + id + " (" + c.kind() + ") is not decided by a vote");
    }
    long now = ctx.blockTimestamp();
    if (now >= c.deadline()) {
      throw new ModuleRevert(
          "challenge: the vote on challenge "
              + id
              + " ended at "
              + c.deadline()
              + " (now "
              + now
              + ")");
    }
    Address who = ctx.caller();
    Validator v = activeValidator(ctx, who);
    if (!v.mayVoteOn(id)) {
      throw new ModuleRevert(
          "challenge: validator " + who + " registered after challenge " + id + " was filed");
    }
    int earlier = voteOf(ctx::load, id, who);
    if (earlier != 0) {
      throw new ModuleRevert("challenge: validator " + who + " already voted on challenge " + id);
    }
    ctx.store(voteSlot(id, who), new byte[] {(byte) (upheld ? 1 : 2)});
    putChallenge(ctx, c.withVote(upheld, v.stake()));
    if (v.misses() != 0) {
      putValidator(ctx, who, v.withMisses(0));
    }
    ctx.emit(VOTED, uint(id), who, upheld, v.stake().value());
  }

  private ChallengeStatus resolve(ModuleContext ctx, long id) {
    Challenge c = openChallenge(ctx, id);
    if (!c.kind().voted() && c.kind() != ChallengeKind.UNAVAILABILITY) {
      throw new ModuleRevert("challenge: challenge " + id + " was decided when it was filed");
    }
    long now = ctx.blockTimestamp();
    if (now < c.deadline()) {
      throw new ModuleRevert(
          "challenge: challenge "
              + id
              + (c.kind().voted() ? "'s vote ends at " : "'s answer window ends at ")
              + c.deadline()
              + " (now "
              + now
              + ")");
    }
    if (c.kind() == ChallengeKind.UNAVAILABILITY) {
      Amount cut = slashOperator(ctx, c);
      settleBond(ctx, c, true);
      putChallenge(ctx, c.withStatus(ChallengeStatus.UPHELD, cut));
      ctx.emit(
          CHALLENGE_DECIDED,
          uint(id),
          true,
          cut.value(),
          "no record answered request " + c.requestHash() + " within the answer window");
      return ChallengeStatus.UPHELD;
    }
    Amount voted = c.upheldWeight().add(c.rejectedWeight());
    ChallengeParameters p = parameters(ctx);
    ChallengeStatus outcome;
    String reason;
    if (voted.isZero() || voted.multiply(BPS).lessThan(c.eligibleStake().multiply(p.quorumBps()))) {
      outcome = ChallengeStatus.NO_QUORUM;
      reason = "no quorum: " + voted + " of " + c.eligibleStake() + " validator stake voted";
    } else if (c.upheldWeight().multiply(BPS).lessThan(voted.multiply(p.majorityBps()))) {
      outcome = ChallengeStatus.REJECTED;
      reason = "validators rejected it: " + c.rejectedWeight() + " against " + c.upheldWeight();
    } else {
      outcome = ChallengeStatus.UPHELD;
      reason = "validators upheld it: " + c.upheldWeight() + " against " + c.rejectedWeight();
    }
    settleValidators(ctx, c, outcome);
    Amount cut = Amount.ZERO;
    if (outcome == ChallengeStatus.UPHELD) {
      cut =
          c.kind() == ChallengeKind.ADVERSARIAL_DATA
              ? penalizeContribution(ctx, c)
              : slashOperator(ctx, c);
      if (c.kind() == ChallengeKind.HARMFUL_OUTPUT) {
        InferenceRecord r = InferenceRecord.decode(ctx.load(recordSlot(id)).orElseThrow());
        correct(ctx, c, r, List.of(), Amount.ZERO);
      }
    } else if (c.kind() == ChallengeKind.ADVERSARIAL_DATA) {
      ctx.store(flagSlot(c.subject()), new byte[0]);
    } else {
      ctx.store(challengedSlot(c.operator(), c.recordNumber()), new byte[0]);
    }
    if (c.kind() == ChallengeKind.HARMFUL_OUTPUT) {
      long open = openCount(ctx::load, c.operator(), c.seq()) - 1;
      ctx.store(openSlot(c.operator(), c.seq()), open == 0 ? new byte[0] : Codec.u64(open));
      ctx.store(recordSlot(id), new byte[0]);
    }
    settleBond(ctx, c, outcome != ChallengeStatus.REJECTED);
    putChallenge(ctx, c.withStatus(outcome, cut));
    ctx.emit(CHALLENGE_DECIDED, uint(id), outcome == ChallengeStatus.UPHELD, cut.value(), reason);
    return outcome;
  }

  /**
   * After a vote: validators on the losing side of a decided vote lose {@code validatorPenaltyBps}
   * of their stake; eligible active validators who did not vote count a miss, and lose as much at
   * {@code validatorMissLimit} misses in a row. One pass over at most {@code maxValidators}
   * validators, every read and write charged.
   */
  private void settleValidators(ModuleContext ctx, Challenge c, ChallengeStatus outcome) {
    ChallengeParameters p = parameters(ctx);
    int n = totals(ctx::load).validators();
    for (int i = 0; i < n; i++) {
      Address who = listed(ctx::load, i);
      Validator v = validator(ctx::load, who).orElseThrow();
      int vote = voteOf(ctx::load, c.id(), who);
      if (vote != 0) {
        boolean votedUpheld = vote == 1;
        boolean lost =
            outcome == ChallengeStatus.UPHELD
                ? !votedUpheld
                : outcome == ChallengeStatus.REJECTED && votedUpheld;
        if (lost) {
          penalize(ctx, p, who, v, "voted against the outcome of challenge " + c.id());
        }
      } else if (v.mayVoteOn(c.id())) {
        int misses = v.misses() + 1;
        if (misses >= p.validatorMissLimit()) {
          penalize(
              ctx,
              p,
              who,
              v.withMisses(0),
              "missed " + misses + " votes in a row (challenge " + c.id() + ")");
        } else {
          putValidator(ctx, who, v.withMisses(misses));
        }
      }
    }
  }

  private void penalize(
      ModuleContext ctx, ChallengeParameters p, Address who, Validator v, String why) {
    Amount cut = v.stake().multiply(p.validatorPenaltyBps()).divide(BPS);
    putValidator(ctx, who, v.withStake(v.stake().subtract(cut)));
    ChallengeTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake().subtract(cut),
            v.unbonding() ? t.activeStake() : t.activeStake().subtract(cut),
            t.bonds(),
            t.validators()));
    pay(ctx, treasury, cut);
    ctx.emit(VALIDATOR_PENALIZED, who, cut.value(), why);
  }

  // ---- decisions: slashes, bonds, corrections ----

  /**
   * Slashes the operator's pool by the kind's rate and splits the cut: {@code challengerBps} to the
   * challenger, {@code harmedPayerBps} to the harmed payer (not for wrong attribution: the
   * correction pays the contributors back), the rest to the treasury; both shares rounded down.
   */
  private Amount slashOperator(ModuleContext ctx, Challenge c) {
    Amount cut =
        received(
            ctx,
            StakingModule.ADDRESS,
            StakingModule.SLASH.encodeCall(c.operator(), uint(parameters(ctx).slashBps(c.kind()))),
            "the staking module refused the slash");
    Address payer = c.kind() == ChallengeKind.WRONG_ATTRIBUTION ? Address.ZERO : c.payer();
    split(ctx, c, cut, payer);
    return cut;
  }

  /** Takes the contribution's bond through the datanet module and splits it like a slash. */
  private Amount penalizeContribution(ModuleContext ctx, Challenge c) {
    Amount bond =
        received(
            ctx,
            DatanetModule.ADDRESS,
            PENALIZE.encodeCall(uint(c.subject())),
            "the datanet module refused penalize(" + c.subject() + ")");
    split(ctx, c, bond, Address.ZERO);
    return bond;
  }

  /** Calls {@code target} and returns what it paid this module; reverts when the call fails. */
  private static Amount received(ModuleContext ctx, Address target, byte[] call, String refusal) {
    MeteredStateReader state = new MeteredStateReader(ctx);
    Amount before = state.balance(ADDRESS);
    ModuleContext.CallOutcome out = ctx.call(target, call, Amount.ZERO);
    if (!out.success()) {
      throw new ModuleRevert(
          "challenge: " + refusal + ": " + Abi.decodeError(out.returnData()).orElse("no reason"));
    }
    return state.balance(ADDRESS).subtract(before);
  }

  private void split(ModuleContext ctx, Challenge c, Amount cut, Address payer) {
    ChallengeParameters p = parameters(ctx);
    Amount toChallenger = cut.multiply(p.challengerBps()).divide(BPS);
    Amount toPayer =
        payer.equals(Address.ZERO) ? Amount.ZERO : cut.multiply(p.harmedPayerBps()).divide(BPS);
    Amount toTreasury = cut.subtract(toChallenger).subtract(toPayer);
    pay(ctx, c.challenger(), toChallenger);
    pay(ctx, payer, toPayer);
    pay(ctx, treasury, toTreasury);
    ctx.emit(
        SLASH_PAID,
        uint(c.id()),
        c.challenger(),
        payer,
        toChallenger.value(),
        toPayer.value(),
        toTreasury.value());
  }

  /** The bond back to the challenger ({@code returned}) or to the treasury. */
  private void settleBond(ModuleContext ctx, Challenge c, boolean returned) {
    ChallengeTotals t = totals(ctx::load);
    putTotals(
        ctx,
        new ChallengeTotals(
            t.validatorStake(), t.activeStake(), t.bonds().subtract(c.bond()), t.validators()));
    pay(ctx, returned ? c.challenger() : treasury, c.bond());
    ctx.emit(BOND_SETTLED, uint(c.id()), c.challenger(), c.bond().value(), returned);
  }

  /**
   * Corrects the record's batch on the inference module: its claimed split (the fee rule over the
   * record's fee and attribution) out, the split of {@code fee} over {@code attribution} in, the
   * difference back to the payer's escrow. A record whose claimed split cannot be computed (an
   * unknown model or contribution, a fee below the platform fee) voids the batch; so does a batch
   * that does not hold the claimed split. A batch already voided is left alone.
   */
  private void correct(
      ModuleContext ctx,
      Challenge c,
      InferenceRecord record,
      List<Attribution> attribution,
      Amount fee) {
    MeteredStateReader state = new MeteredStateReader(ctx);
    Batch b = InferenceModule.batch(state, c.operator(), c.seq()).orElseThrow();
    if (b.voided()) {
      return;
    }
    FeeRuleV1 rule = batchRule(state, c.operator(), c.seq());
    Optional<List<Payout>> claimed =
        splitOf(state, record, record.fee(), record.attribution(), rule);
    byte[] call;
    if (claimed.isEmpty()) {
      call = InferenceModule.VOID_BATCH.encodeCall(c.operator(), uint(c.seq()));
    } else {
      List<Payout> corrected =
          fee.isZero()
              ? List.of()
              : splitOf(state, record, fee, attribution, rule)
                  .orElseThrow(
                      () ->
                          new ModuleRevert(
                              "challenge: the recomputed attribution names an unknown"
                                  + " contribution"));
      call =
          InferenceModule.encodeCorrectBatch(
              c.operator(), c.seq(), record.payer(), record.keyHash(), claimed.get(), corrected);
    }
    ModuleContext.CallOutcome out = ctx.call(InferenceModule.ADDRESS, call, Amount.ZERO);
    if (!out.success()) {
      throw new ModuleRevert(
          "challenge: the inference module refused the correction: "
              + Abi.decodeError(out.returnData()).orElse("no reason"));
    }
  }

  private Optional<List<Payout>> splitOf(
      StateReader state,
      InferenceRecord record,
      Amount fee,
      List<Attribution> attribution,
      FeeRuleV1 rule) {
    return RecordPayouts.of(state, record, fee, attribution, rule, treasury);
  }

  /** The shares and platform fee the open batch was posted with: its records' split rule. */
  private static FeeRuleV1 batchRule(StateReader state, Address operator, long seq) {
    return InferenceModule.batchFeeRule(state, operator, seq)
        .orElseThrow(
            () -> new ModuleRevert("challenge: batch " + seq + " of " + operator + " is not open"));
  }

  private static FeeRuleV1 batchRule(ModuleContext ctx, Address operator, long seq) {
    return batchRule(new MeteredStateReader(ctx), operator, seq);
  }

  /** A vote nobody can cast would only hold the batch up: refused while no validator is active. */
  private static void requireVoters(ModuleContext ctx) {
    if (totals(ctx::load).activeStake().isZero()) {
      throw new ModuleRevert("challenge: no active validator could vote on it");
    }
  }

  private void checkBond(ModuleContext ctx, Amount bond) {
    Amount minimum = parameters(ctx).minimumBond();
    if (bond.lessThan(minimum)) {
      throw new ModuleRevert(
          "challenge: a bond of "
              + bond.toOpenString()
              + " OPEN is below the minimum "
              + minimum.toOpenString()
              + " OPEN");
    }
  }

  private static Model model(ModuleContext ctx, long modelId) {
    return ModelModule.readModel(new MeteredStateReader(ctx), modelId)
        .orElseThrow(() -> new ModuleRevert("challenge: unknown model " + modelId));
  }

  private static Challenge openChallenge(ModuleContext ctx, long id) {
    Challenge c =
        challenge(ctx::load, id)
            .orElseThrow(() -> new ModuleRevert("challenge: no challenge " + id));
    if (!c.open()) {
      throw new ModuleRevert(
          "challenge: challenge "
              + id
              + " is already decided ("
              + c.status().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + ")");
    }
    return c;
  }

  private static void pay(ModuleContext ctx, Address to, Amount amount) {
    if (!amount.isZero()) {
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, to, amount);
    }
  }

  // ---- views ----

  private static byte[] challengeInfoView(Slots slots, Object idArg) {
    BigInteger id = (BigInteger) idArg;
    Optional<Challenge> o =
        id.bitLength() > 63 ? Optional.empty() : challenge(slots, id.longValue());
    if (o.isEmpty()) {
      return CHALLENGE_INFO.encodeResult(
          BigInteger.ZERO,
          BigInteger.ZERO,
          Address.ZERO,
          Address.ZERO,
          Address.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO,
          BigInteger.ZERO);
    }
    Challenge c = o.get();
    return CHALLENGE_INFO.encodeResult(
        uint(c.kind().code()),
        uint(c.status().code()),
        c.operator(),
        c.challenger(),
        c.payer(),
        uint(c.seq()),
        uint(c.recordNumber()),
        uint(c.subject()),
        c.bond().value(),
        uint(c.filedAt()),
        uint(c.deadline()),
        c.upheldWeight().value(),
        c.rejectedWeight().value(),
        c.slashed().value());
  }

  private static byte[] parametersView(ChallengeParameters p) {
    return CHALLENGE_PARAMETERS.encodeResult(
        p.minimumBond().value(),
        uint(p.attributionSlashBps()),
        uint(p.tokenCountSlashBps()),
        uint(p.harmfulOutputSlashBps()),
        uint(p.fabricatedUsageSlashBps()),
        uint(p.unavailabilitySlashBps()),
        uint(p.challengerBps()),
        uint(p.harmedPayerBps()),
        uint(p.voteWindow()),
        uint(p.answerWindow()),
        uint(p.quorumBps()),
        uint(p.majorityBps()),
        p.validatorMinimumStake().value(),
        uint(p.validatorPenaltyBps()),
        uint(p.maxValidators()),
        uint(p.validatorMissLimit()));
  }

  // ---- gas-free readers (inference module, node, tests) ----

  /** How many undecided challenges name a record of batch {@code seq} of {@code operator}. */
  public static long openChallenges(StateReader state, Address operator, long seq) {
    return openCount(free(state), operator, seq);
  }

  public static Optional<Challenge> challenge(StateReader state, long id) {
    return challenge(free(state), id);
  }

  public static long challengeCount(StateReader state) {
    return count(free(state));
  }

  public static Optional<Validator> validator(StateReader state, Address who) {
    return validator(free(state), who);
  }

  /** The registered validators in list order. */
  public static List<Address> validators(StateReader state) {
    Slots s = free(state);
    int n = totals(s).validators();
    List<Address> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(listed(s, i));
    }
    return out;
  }

  /** 0 none, 1 upheld, 2 rejected. */
  public static int voteOf(StateReader state, long id, Address who) {
    return voteOf(free(state), id, who);
  }

  public static ChallengeTotals totals(StateReader state) {
    return totals(free(state));
  }

  /**
   * Empty when the module's account holds exactly every validator's stake plus every open bond
   * ({@link ChallengeTotals#held()}); else what differs.
   */
  public static Optional<String> audit(StateReader state) {
    ChallengeTotals t = totals(state);
    Amount balance = state.balance(ADDRESS);
    if (balance.equals(t.held())) {
      return Optional.empty();
    }
    return Optional.of(
        "challenge module holds "
            + balance
            + " but owes validator stakes "
            + t.validatorStake()
            + " + open bonds "
            + t.bonds()
            + " = "
            + t.held());
  }

  // ---- storage ----

  private static Slots free(StateReader state) {
    return Slots.of(state, ADDRESS);
  }

  private static Optional<Challenge> challenge(Slots s, long id) {
    return s.load(challengeSlot(id)).map(v -> Challenge.decode(id, v));
  }

  private static long count(Slots s) {
    return s.load(COUNT_SLOT).map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
  }

  private static long openCount(Slots s, Address operator, long seq) {
    return s.load(openSlot(operator, seq)).map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
  }

  private static Optional<Long> challengedRecord(Slots s, Address operator, long number) {
    return s.load(challengedSlot(operator, number)).map(v -> ByteBuffer.wrap(v).getLong());
  }

  private static Optional<Validator> validator(Slots s, Address who) {
    return s.load(validatorSlot(who)).map(Validator::decode);
  }

  private static Address listed(Slots s, int index) {
    return Address.wrap(
        s.load(listSlot(index))
            .orElseThrow(() -> new IllegalStateException("corrupt validator list at " + index)));
  }

  private static int voteOf(Slots s, long id, Address who) {
    return s.load(voteSlot(id, who)).map(v -> (int) v[0]).orElse(0);
  }

  private static ChallengeTotals totals(Slots s) {
    return s.load(TOTALS_SLOT).map(ChallengeTotals::decode).orElse(ChallengeTotals.ZERO);
  }

  private static void putChallenge(ModuleContext ctx, Challenge c) {
    ctx.store(challengeSlot(c.id()), c.encode());
  }

  private static void putValidator(ModuleContext ctx, Address who, Validator v) {
    ctx.store(validatorSlot(who), v.encode());
  }

  private static void putTotals(ModuleContext ctx, ChallengeTotals t) {
    ctx.store(TOTALS_SLOT, t.equals(ChallengeTotals.ZERO) ? new byte[0] : t.encode());
  }

  private static byte[] challengeSlot(long id) {
    return SystemModule.slot(CHALLENGE_PREFIX, Codec.u64(id));
  }

  private static byte[] recordSlot(long id) {
    return SystemModule.slot(RECORD_PREFIX, Codec.u64(id));
  }

  private static byte[] openSlot(Address operator, long seq) {
    return SystemModule.slot(OPEN_PREFIX, operator.toArray(), Codec.u64(seq));
  }

  private static byte[] challengedSlot(Address operator, long number) {
    return SystemModule.slot(CHALLENGED_PREFIX, operator.toArray(), Codec.u64(number));
  }

  private static byte[] requestSlot(Address operator, Hash requestHash) {
    return SystemModule.slot(REQUEST_PREFIX, operator.toArray(), requestHash.toArray());
  }

  private static byte[] flagSlot(long contributionId) {
    return SystemModule.slot(FLAG_PREFIX, Codec.u64(contributionId));
  }

  private static byte[] validatorSlot(Address who) {
    return SystemModule.slot(VALIDATOR_PREFIX, who.toArray());
  }

  private static byte[] listSlot(int index) {
    return SystemModule.slot(LIST_PREFIX, ByteBuffer.allocate(4).putInt(index).array());
  }

  private static byte[] voteSlot(long id, Address who) {
    return SystemModule.slot(VOTE_PREFIX, Codec.u64(id), who.toArray());
  }

  // ---- helpers ----

  private static AbiEvent event(String name, AbiEvent.Parameter... parameters) {
    return new AbiEvent(name, List.of(parameters));
  }

  private static AbiEvent.Parameter p(String name, AbiType type, boolean indexed) {
    return new AbiEvent.Parameter(name, type, indexed);
  }

  private static List<Hash> hashes(Object abiValue) {
    return ((List<?>) abiValue).stream().map(h -> Hash.wrap((byte[]) h)).toList();
  }

  private static BigInteger uint(long v) {
    return BigInteger.valueOf(v);
  }

  private static long u63(Object abiValue, String what) {
    BigInteger v = (BigInteger) abiValue;
    if (v.bitLength() > 63) {
      throw new ModuleRevert("challenge: " + what + " " + v + " is above 2^63 - 1");
    }
    return v.longValue();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
