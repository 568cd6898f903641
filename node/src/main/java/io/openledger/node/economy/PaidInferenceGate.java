package io.openledger.node.economy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.attribution.AttributionWeights;
import io.openledger.attribution.trace.TraceResult;
import io.openledger.attribution.trace.TracedSpan;
import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.inference.EarningAttribution;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRule;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.TierCheck;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import io.openledger.node.economy.SpendBook.Limits;
import io.openledger.node.economy.SpendBook.Reservation;
import io.openledger.openlora.server.Admission;
import io.openledger.openlora.server.AdmissionRequest;
import io.openledger.openlora.server.Completed;
import io.openledger.openlora.server.InferenceGate;
import io.openledger.openlora.server.Settlement;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes inference paid (docs/economy.md, "Paying for inference"). A request for an adapter that a
 * model registered with this node as operator is admitted only with a valid API key or a signed
 * spend whose escrow, cap or signed amount covers the most it can cost on top of everything this
 * operator is still owed; once answered, the output is traced against the model's datanet-version
 * indexes, the fee split, and the signed record written to disk before the client sees the answer.
 *
 * <p>The base model and adapters that no model registered are served free (no record); an adapter
 * that only other operators' models registered is refused, so no one serves another operator's paid
 * model for nothing.
 */
public final class PaidInferenceGate implements InferenceGate<PaidInferenceGate.Ticket> {
  /** The header of signed mode: {@code <requestHash>,<authorized decimal>,<0x signature>}. */
  public static final String SPEND_HEADER = "X-OpenLedger-Spend";

  /** Names the model when several models of this operator share the adapter. */
  public static final String MODEL_HEADER = "X-OpenLedger-Model";

  /** Retry-After of a paid model whose operator is under its tier's minimum stake. */
  static final int STAKE_RETRY_SECONDS = 30;

  private final ChainQueries chain;
  private final StateQueries states;
  private final KeyPair operatorKey;
  private final Address treasury;
  private final ParametersInForce inForce;
  private final EconomyIndexer indexer;
  private final RecordLog log;
  private final SpendBook book;
  private final Consumer<StoredRecord> onRecord;

  /** What admit decided, carried to settle or abandon. */
  public sealed interface Ticket {}

  private record Free() implements Ticket {}

  private record Paid(
      Model model,
      Address payer,
      Hash keyHash,
      Hash requestHash,
      Amount authorized,
      byte[] spendSignature,
      Reservation reservation,
      Tracer tracer)
      implements Ticket {}

  /**
   * @param inForce the fee rule and tier minimums, read from the head state for each request and
   *     each record (the parameter registry's values, as the chain reads them)
   * @param onRecord told of each record once it is on disk (the read API's aggregates)
   */
  public PaidInferenceGate(
      ChainQueries chain,
      StateQueries states,
      KeyPair operatorKey,
      Address treasury,
      ParametersInForce inForce,
      EconomyIndexer indexer,
      RecordLog log,
      Consumer<StoredRecord> onRecord) {
    this.chain = chain;
    this.states = states;
    this.operatorKey = operatorKey;
    this.treasury = treasury;
    this.inForce = inForce;
    this.indexer = indexer;
    this.log = log;
    this.onRecord = onRecord;
    long firstUnbatched = InferenceModule.nextBatch(head(), operator()).firstRecord();
    this.book = new SpendBook(firstUnbatched);
    for (long n = firstUnbatched; n < log.nextNumber(); n++) {
      book.add(StoredRecord.decode(log.get(n).orElseThrow()).record());
    }
  }

  public Address operator() {
    return operatorKey.address();
  }

  private StateReader head() {
    return states.state(BlockRef.LATEST).orElseThrow();
  }

  // ---- admit ----

  @Override
  public Admission<Ticket> admit(AdmissionRequest request) {
    List<String> hashes =
        request.adapterIds().stream().filter(PaidInferenceGate::isAdapterHash).toList();
    if (hashes.isEmpty()) {
      return Admission.admit(new Free());
    }
    StateReader state = head();
    List<Model> paid = new ArrayList<>();
    for (String h : hashes) {
      List<Model> models = modelsFor(Hash.fromHex(h));
      List<Model> mine = models.stream().filter(m -> m.operator().equals(operator())).toList();
      if (!models.isEmpty() && mine.isEmpty()) {
        return Admission.refuse(
            404,
            "model_not_served",
            "adapter " + h + " belongs to models served by other operators, not " + operator());
      }
      if (!mine.isEmpty()) {
        Optional<String> named = request.header(MODEL_HEADER);
        Optional<Model> chosen = choose(mine, named);
        if (chosen.isEmpty() && named.isPresent()) {
          return Admission.refuse(
              400,
              "unknown_model",
              MODEL_HEADER
                  + " names '"
                  + named.get().strip()
                  + "', which is not a model of adapter "
                  + h
                  + " served here: models "
                  + mine.stream().map(m -> Long.toString(m.id())).toList());
        }
        if (chosen.isEmpty()) {
          return Admission.refuse(
              400,
              "ambiguous_model",
              "adapter "
                  + h
                  + " is registered by models "
                  + mine.stream().map(m -> Long.toString(m.id())).toList()
                  + " of this operator: name one with the "
                  + MODEL_HEADER
                  + " header");
        }
        paid.add(chosen.get());
      }
    }
    if (paid.isEmpty()) {
      return Admission.admit(new Free());
    }
    if (request.adapterIds().size() > 1) {
      return Admission.refuse(
          400,
          "paid_ensemble",
          "a paid model cannot be part of an ensemble: request model " + paid.getFirst().id());
    }
    return admitPaid(state, paid.getFirst(), request);
  }

  private Admission<Ticket> admitPaid(StateReader state, Model model, AdmissionRequest request) {
    List<DatanetVersionRef> versions = RecordAttribution.versions(model);
    Optional<String> notReady = indexer.notReady(versions);
    if (notReady.isPresent()) {
      return Admission.unavailable("model " + model.id() + ": " + notReady.get(), 5);
    }
    // the chain refuses a paid batch of an operator under its tier minimum: serve nothing it
    // could not post
    EconomyParameters rules = inForce.in(state);
    if (StakingModule.check(state, model.id(), rules.staking())
        instanceof TierCheck.Unmet(String why)) {
      return Admission.unavailable(why, STAKE_RETRY_SECONDS);
    }
    FeeRule feeRule = rules.inference().feeRule();
    Amount maxFee =
        feeRule.fee(
            request.promptTokens(),
            request.maxNewTokens(),
            model.pricePerKIn(),
            model.pricePerKOut());
    Hash requestHash = Hash.keccak256(request.body());
    Optional<String> bearer = request.header("Authorization");
    Optional<String> spend = request.header(SPEND_HEADER);
    Address payer;
    Hash keyHash = Hash.ZERO;
    Amount authorized = Amount.ZERO;
    byte[] signature = new byte[0];
    Optional<Amount> keyRemaining = Optional.empty();
    Optional<Amount> signedHeadroom = Optional.empty();
    if (bearer.isPresent()) {
      String value = bearer.get().strip();
      if (!value.regionMatches(true, 0, "Bearer ", 0, 7) || value.length() == 7) {
        return Admission.unauthorized("Authorization must be 'Bearer <API key>'");
      }
      keyHash = Hash.keccak256(value.substring(7).strip().getBytes(StandardCharsets.UTF_8));
      Optional<ApiKey> key = InferenceModule.apiKey(state, keyHash);
      if (key.isEmpty()) {
        return Admission.unauthorized("unknown API key (no key with this hash is registered)");
      }
      if (key.get().revokedAt() != 0) {
        return Admission.unauthorized("API key revoked at " + key.get().revokedAt());
      }
      payer = key.get().payer();
      keyRemaining = Optional.of(key.get().remaining());
    } else if (spend.isPresent()) {
      SignedSpend s;
      try {
        s = SignedSpend.parse(spend.get());
      } catch (IllegalArgumentException e) {
        return Admission.unauthorized(SPEND_HEADER + ": " + e.getMessage());
      }
      if (!s.requestHash().equals(requestHash)) {
        return Admission.unauthorized(
            SPEND_HEADER
                + ": signs request "
                + s.requestHash()
                + " but the body's keccak-256 is "
                + requestHash);
      }
      Optional<Address> signer =
          new SpendAuthorization(operator(), requestHash, s.authorized())
              .recoverSigner(chain.chainId(), s.signature());
      if (signer.isEmpty()) {
        return Admission.unauthorized(
            SPEND_HEADER + ": not a valid signature for operator " + operator());
      }
      payer = signer.get();
      authorized = s.authorized();
      signature = s.signature();
      Amount charged = InferenceModule.charged(state, payer, operator());
      signedHeadroom =
          Optional.of(authorized.lessThan(charged) ? Amount.ZERO : authorized.subtract(charged));
    } else {
      return Admission.unauthorized(
          "model "
              + model.id()
              + " is paid: send 'Authorization: Bearer <API key>' or a signed "
              + SPEND_HEADER
              + " header (docs/economy.md)");
    }
    Escrow escrow = InferenceModule.escrowOf(state, payer);
    Amount available =
        escrow.balance().lessThan(escrow.pendingWithdrawal())
            ? Amount.ZERO
            : escrow.balance().subtract(escrow.pendingWithdrawal());
    Reservation r = new Reservation(payer, keyHash, keyHash.equals(Hash.ZERO), maxFee);
    long chainNext = InferenceModule.nextBatch(state, operator()).firstRecord();
    Optional<String> refusal =
        book.tryReserve(r, chainNext, new Limits(available, keyRemaining, signedHeadroom));
    if (refusal.isPresent()) {
      return Admission.paymentRequired(refusal.get());
    }
    return Admission.admit(
        new Paid(
            model,
            payer,
            keyHash,
            requestHash,
            authorized,
            signature,
            r,
            indexer.tracer(versions)));
  }

  private static Optional<Model> choose(List<Model> mine, Optional<String> header) {
    if (header.isPresent()) {
      String id = header.get().strip();
      return mine.stream().filter(m -> Long.toString(m.id()).equals(id)).findFirst();
    }
    return mine.size() == 1 ? Optional.of(mine.getFirst()) : Optional.empty();
  }

  /** The registered models by adapter hash, as of one head (models are read once per block). */
  private record ModelsByAdapter(long head, Map<Hash, List<Model>> byAdapter) {}

  private volatile ModelsByAdapter models = new ModelsByAdapter(-1, Map.of());

  /** Models registered with this adapter hash, in id order. */
  private List<Model> modelsFor(Hash adapterHash) {
    long head = chain.headNumber();
    ModelsByAdapter m = models;
    if (m.head() != head) {
      StateReader state = states.state(BlockRef.number(head)).orElseThrow();
      Map<Hash, List<Model>> by = new HashMap<>();
      long count = ModelModule.modelCount(state);
      for (long id = 1; id <= count; id++) {
        Model model = ModelModule.readModel(state, id).orElseThrow();
        by.computeIfAbsent(model.adapterHash(), h -> new ArrayList<>()).add(model);
      }
      m = new ModelsByAdapter(head, by);
      models = m;
    }
    return m.byAdapter().getOrDefault(adapterHash, List.of());
  }

  static boolean isAdapterHash(String id) {
    return id.length() == 66 && id.startsWith("0x");
  }

  // ---- settle ----

  @Override
  public Settlement settle(Ticket ticket, Completed completed) {
    if (!(ticket instanceof Paid p)) {
      ObjectNode free = JsonNodeFactory.instance.objectNode();
      free.put("paid", false);
      return new Settlement(completed.engineReceiptId(), free);
    }
    RecordAttribution.Computed computed = RecordAttribution.of(p.tracer, completed.text());
    TraceResult trace = computed.trace();
    List<Attribution> attribution = computed.attribution();
    StateReader state = head();
    Map<Long, Contribution> onChain = new HashMap<>();
    for (Attribution a : attribution) {
      onChain.put(
          a.contributionId(),
          DatanetModule.readContribution(state, a.contributionId()).orElseThrow());
    }
    // penalized contributions and barred contributors earn nothing: their part goes to the owner
    EarningAttribution earning =
        EarningAttribution.of(attribution, id -> DatanetModule.standing(state, onChain.get(id)));
    FeeRule feeRule = inForce.in(state).inference().feeRule();
    Amount fee =
        feeRule.fee(
            completed.promptTokens(),
            completed.completionTokens(),
            p.model.pricePerKIn(),
            p.model.pricePerKOut());
    FeeSplit split =
        feeRule.splitFee(
            fee,
            earning.weights(),
            new FeeParties(p.payer, p.model.owner(), StakingModule.ADDRESS, treasury));
    Hash outputHash = Hash.keccak256(completed.text().getBytes(StandardCharsets.UTF_8));
    StoredRecord[] stored = new StoredRecord[1];
    log.append(
        number -> {
          InferenceRecord record =
              new InferenceRecord(
                      operator(),
                      number,
                      p.model.id(),
                      p.model.adapterHash(),
                      p.payer,
                      p.keyHash,
                      p.requestHash,
                      outputHash,
                      completed.promptTokens(),
                      completed.completionTokens(),
                      fee,
                      attribution,
                      p.authorized,
                      p.spendSignature,
                      new byte[0])
                  .signedBy(operatorKey);
          book.recorded(p.reservation, record);
          stored[0] = new StoredRecord(record, completed.text());
          return new RecordLog.Entry(record.hash(), stored[0].encode());
        });
    onRecord.accept(stored[0]);
    return new Settlement(
        stored[0].receiptId(),
        describe(stored[0], trace, split, earning.forfeited(), onChain, p.model.owner()));
  }

  /**
   * The response's {@code openledger} object. A forfeited contribution (penalized, or its
   * contributor barred) is listed with amount 0, paid to the model owner, and {@code forfeited:
   * true}.
   */
  private static ObjectNode describe(
      StoredRecord stored,
      TraceResult trace,
      FeeSplit split,
      List<Attribution> forfeited,
      Map<Long, Contribution> onChain,
      Address modelOwner) {
    InferenceRecord r = stored.record();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("paid", true);
    o.put("record", r.number());
    o.put("model", r.modelId());
    o.put("payer", r.payer().toHex());
    o.put("fee", r.fee().value().toString());
    o.put("promptTokens", r.promptTokens());
    o.put("completionTokens", r.completionTokens());
    ArrayNode attribution = o.putArray("attribution");
    for (ContributionShare share : split.contributions()) {
      ObjectNode a = attribution.addObject();
      a.put("contribution", share.contributionId());
      a.put("datanet", onChain.get(share.contributionId()).datanetId());
      a.put("contributor", share.contributor().toHex());
      a.put("ppm", share.ppm());
      a.put("amount", share.amount().value().toString());
      a.put("paidTo", share.paidTo().toHex());
      spans(a, trace, share.contributionId());
    }
    for (Attribution f : forfeited) {
      Contribution c = onChain.get(f.contributionId());
      ObjectNode a = attribution.addObject();
      a.put("contribution", f.contributionId());
      a.put("datanet", c.datanetId());
      a.put("contributor", c.contributor().toHex());
      a.put("ppm", f.ppm());
      a.put("amount", "0");
      a.put("paidTo", modelOwner.toHex());
      a.put("forfeited", true);
      spans(a, trace, f.contributionId());
    }
    AttributionWeights w = trace.weights();
    o.put("modelPpm", w.modelPpm());
    ArrayNode payouts = o.putArray("payouts");
    for (Payout po : split.payouts()) {
      ObjectNode x = payouts.addObject();
      x.put("account", po.account().toHex());
      x.put("amount", po.amount().value().toString());
    }
    return o;
  }

  private static void spans(ObjectNode a, TraceResult trace, long contributionId) {
    ArrayNode spans = a.putArray("spans");
    String id = Long.toString(contributionId);
    for (TracedSpan s : trace.spans()) {
      if (s.contributions().contains(id)) {
        ObjectNode span = spans.addObject();
        span.put("start", s.startChar());
        span.put("end", s.endChar());
        span.put("text", s.text());
      }
    }
  }

  @Override
  public void abandon(Ticket ticket, String reason) {
    if (ticket instanceof Paid p) {
      book.release(p.reservation);
    }
  }

  /** The parsed {@value #SPEND_HEADER} header. */
  record SignedSpend(Hash requestHash, Amount authorized, byte[] signature) {
    static SignedSpend parse(String header) {
      String[] parts = header.strip().split(",", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "expected '<requestHash>,<authorized base units>,<signature>', got "
                + parts.length
                + " parts");
      }
      Hash requestHash;
      try {
        requestHash = Hash.fromHex(parts[0].strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("request hash: " + e.getMessage());
      }
      String decimal = parts[1].strip();
      if (!decimal.matches("[0-9]{1,78}")) {
        throw new IllegalArgumentException(
            "authorized must be a decimal number of base units, got '" + decimal + "'");
      }
      Amount authorized;
      try {
        authorized = Amount.of(new BigInteger(decimal));
      } catch (ArithmeticException | IllegalArgumentException e) {
        throw new IllegalArgumentException("authorized is out of range: " + decimal);
      }
      byte[] sig;
      try {
        sig = Bytes.fromHex(parts[2].strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("signature: " + e.getMessage());
      }
      if (sig.length != 65) {
        throw new IllegalArgumentException(
            "signature must be 65 bytes (r, s, v), got " + sig.length);
      }
      return new SignedSpend(requestHash, authorized, sig);
    }

    /** The header value for a signed spend (what `openledger infer` sends). */
    static String format(Hash requestHash, Amount authorized, byte[] signature) {
      return requestHash.toHex() + "," + authorized.value() + "," + Bytes.toHex(signature);
    }
  }
}
