package io.openledger.node.economy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionStanding;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.NextBatch;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainEvents;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.FeeOracle;
import io.openledger.chain.ledger.LocalSender;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.ledger.Subscription;
import io.openledger.chain.ledger.TransactionIntake;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts this operator's records to the chain in batches (docs/economy.md, "Batches"): every {@code
 * everyBlocks} blocks, or as soon as {@code maxRecords} records wait, the records from the chain's
 * {@code nextBatch(operator).firstRecord} on go into one {@code postBatch} with the Merkle root of
 * their hashes, the charges per payer and key, and the payouts per account. Batches whose challenge
 * window has passed are finalized, so their payouts become claimable.
 *
 * <p>Exactly once, across crashes: the chain says which record comes next, so a restarted node
 * continues from there; while a batch transaction of this operator is pending, nothing else is
 * posted, and a batch posted twice would be refused by its sequence number.
 *
 * <p>Never stalled by a payer: batches go on chain in record order, so one the chain refuses would
 * hold up every later record. A record whose fee the chain can no longer take from its payer (the
 * key's cap cut below what it owes, the key revoked past its grace, the escrow withdrawn) is
 * batched without a charge or payouts: the operator loses its fee, and nothing else waits.
 */
public final class Batcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

  /** Gas of {@code addRewards} into a pool of six share classes, with margin. */
  private static final long POOL_REWARD_GAS = 150_000;

  /**
   * Gas of a batch: a base plus a price per charge and per payout, with headroom over what {@code
   * openledger bench economy} measured (docs/BENCHMARKS.md, "Data economy"): about 44,000 for the
   * transaction and the batch, 48,600 per charge in key mode, 52,000 in signed mode (its signature
   * check), 25,000 per payout, calldata included. Since then the batch also records its fee rule
   * (one 40-byte slot, 20,640) and reads the parameters in force (2,100 while none is set by
   * governance, more per parameter set), still well within the base.
   */
  static final long GAS_BASE = 200_000;

  static final long GAS_PER_CHARGE = 60_000;

  /** Bytes a signed EIP-1559 transaction adds to its calldata, with margin. */
  static final int TRANSACTION_OVERHEAD = 1_024;

  static final long GAS_PER_PAYOUT = 40_000;

  private final ChainQueries chain;
  private final StateQueries states;
  private final FeeOracle fees;
  private final TransactionIntake intake;
  private final ChainEvents events;
  private final KeyPair operatorKey;
  private final RecordLog log;
  private final ParametersInForce inForce;
  private final Address treasury;
  private final Config config;
  private final int maxTransactionSize;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("batcher").factory());
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Subscription heads;
  private long lastPostedAtBlock;
  private volatile String lastError = "";

  /**
   * When to batch.
   *
   * @param everyBlocks post what waits at least this often, in blocks
   * @param maxRecords post as soon as this many records wait; also the most records in one batch
   * @param finalizeDue finalize this operator's batches once their window has passed
   */
  public record Config(int everyBlocks, int maxRecords, boolean finalizeDue) {
    public static final Config DEFAULT = new Config(5, 1_000, true);

    public Config {
      if (everyBlocks < 1 || maxRecords < 1 || maxRecords > 100_000) {
        throw new IllegalArgumentException(
            "batching needs everyBlocks >= 1 and 1 <= maxRecords <= 100000, got "
                + everyBlocks
                + " and "
                + maxRecords);
      }
    }
  }

  /**
   * @param inForce the fee rule and revocation grace, read from the state each batch is built on
   *     (the parameter registry's values, as the inference module reads them)
   * @param maxTransactionSize the chain's largest transaction ({@code
   *     ProtocolRules.maxTransactionSize}): a batch is cut to fit it
   */
  public Batcher(
      ChainQueries chain,
      StateQueries states,
      FeeOracle fees,
      TransactionIntake intake,
      ChainEvents events,
      KeyPair operatorKey,
      RecordLog log,
      ParametersInForce inForce,
      Address treasury,
      Config config,
      int maxTransactionSize) {
    this.chain = chain;
    this.states = states;
    this.fees = fees;
    this.intake = intake;
    this.events = events;
    this.operatorKey = operatorKey;
    this.log = log;
    this.inForce = inForce;
    this.treasury = treasury;
    this.config = config;
    this.maxTransactionSize = maxTransactionSize;
    this.lastPostedAtBlock = chain.headNumber();
  }

  /** Considers posting after every new head. */
  public void start() {
    heads = events.onNewHead(this::onHead);
  }

  private void onHead(BlockView block) {
    if (scheduled.compareAndSet(false, true)) {
      worker.execute(
          () -> {
            scheduled.set(false);
            try {
              tick(false);
            } catch (RuntimeException e) {
              lastError = e.getMessage();
              LOG.error("batching failed", e);
            }
          });
    }
  }

  /** Posts now whatever waits (tests, shutdown). Returns the transaction, if one was sent. */
  public Optional<Hash> flush() {
    try {
      return worker.submit(() -> tick(true)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("batching failed: " + e.getCause().getMessage(), e);
    }
  }

  /** The last failure, empty when none (shown by the node's status). */
  public String lastError() {
    return lastError;
  }

  private Address operator() {
    return operatorKey.address();
  }

  /** One decision: finalize what is due, then post a batch if one is due. Runs on the worker. */
  private Optional<Hash> tick(boolean force) {
    if (hasPendingTransaction()) {
      return Optional.empty(); // a batch or finalization of ours is on its way
    }
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    NextBatch next = InferenceModule.nextBatch(state, operator());
    long waiting = log.durableCount() - next.firstRecord();
    long head = chain.headNumber();
    boolean due =
        waiting >= config.maxRecords()
            || (waiting > 0 && (force || head - lastPostedAtBlock >= config.everyBlocks()));
    if (due) {
      lastPostedAtBlock = head;
      return Optional.of(post(state, next, Math.min(waiting, config.maxRecords())));
    }
    if (config.finalizeDue()) {
      return finalizeDue(state, next.seq());
    }
    return Optional.empty();
  }

  private boolean hasPendingTransaction() {
    return states.nonce(operator(), BlockRef.PENDING).orElseThrow()
        > states.nonce(operator(), BlockRef.LATEST).orElseThrow();
  }

  /**
   * What a batch of records carries, computed from the records and the chain's state.
   *
   * @param uncharged the numbers of the records batched without a charge or payouts (their payer
   *     can no longer be charged their fee)
   */
  public record Contents(
      Hash recordsRoot, List<Charge> charges, List<Payout> payouts, List<Long> uncharged) {}

  /**
   * The charges and payouts of {@code records}: per record the fee rule's split of its fee by its
   * attribution, summed per account; charges summed per payer and key (signed mode: per payer, with
   * the signature of the largest amount signed). Records whose fee the chain would refuse to take
   * in a block at {@code landsAt} are left out of the charges and payouts ({@link Collectable}).
   */
  public static Contents contents(
      StateReader state,
      List<InferenceRecord> records,
      InferenceParameters parameters,
      Address treasury,
      long landsAt) {
    List<Hash> hashes = new ArrayList<>(records.size());
    Map<List<Object>, Amount> keyCharges = new LinkedHashMap<>();
    Map<Address, Amount> signedCharges = new LinkedHashMap<>();
    Map<Address, InferenceRecord> signedBest = new HashMap<>();
    for (InferenceRecord r : records) {
      if (r.signedMode()) {
        signedBest.merge(
            r.payer(), r, (a, b) -> b.authorized().compareTo(a.authorized()) > 0 ? b : a);
      }
    }
    Collectable collectable =
        new Collectable(state, parameters.revocationGrace(), landsAt, signedBest);
    TreeMap<Address, Amount> payouts = new TreeMap<>();
    List<Long> uncharged = new ArrayList<>();
    Map<Long, Model> models = new HashMap<>();
    Map<Long, ContributionStanding> standings = new HashMap<>();
    for (InferenceRecord r : records) {
      hashes.add(r.hash());
      if (!collectable.take(r)) {
        uncharged.add(r.number());
        continue;
      }
      if (r.signedMode()) {
        signedCharges.merge(r.payer(), r.fee(), Amount::add);
      } else {
        keyCharges.merge(List.of(r.payer(), r.keyHash()), r.fee(), Amount::add);
      }
      Model model =
          models.computeIfAbsent(r.modelId(), id -> ModelModule.readModel(state, id).orElseThrow());
      RecordSplit split =
          RecordSplit.of(
              r,
              parameters.feeRule(),
              model.owner(),
              treasury,
              id ->
                  standings.computeIfAbsent(
                      id,
                      c ->
                          DatanetModule.standing(state, c)
                              .orElseThrow(
                                  () ->
                                      new IllegalStateException(
                                          "contribution " + c + " of a record is not on chain"))));
      for (Payout p : split.payouts()) {
        payouts.merge(p.account(), p.amount(), Amount::add);
      }
    }
    List<Charge> charges = new ArrayList<>();
    keyCharges.forEach(
        (k, amount) -> {
          if (!amount.isZero()) {
            charges.add(Charge.withKey((Address) k.get(0), (Hash) k.get(1), amount));
          }
        });
    signedCharges.forEach(
        (payer, amount) -> {
          if (!amount.isZero()) {
            InferenceRecord best = signedBest.get(payer);
            charges.add(
                Charge.signed(
                    payer,
                    amount,
                    new SpendAuthorization(best.operator(), best.requestHash(), best.authorized()),
                    best.spendSignature()));
          }
        });
    List<Payout> out = new ArrayList<>();
    payouts.forEach((a, amount) -> out.add(new Payout(a, amount)));
    return new Contents(RecordsMerkle.root(hashes), charges, out, uncharged);
  }

  /**
   * What the inference module lets one batch take, record by record in order, as {@code postBatch}
   * checks it (docs/economy.md, "Batches"): each payer's escrow; in key mode what is left under the
   * key's cap, nothing when the key is not the payer's or was revoked more than the grace before
   * {@code landsAt}; in signed mode the largest amount the payer signed in the batch minus what
   * this operator has charged it. A batch that lands later than {@code landsAt} may still be
   * refused for a revocation; the next attempt, from a later head, leaves that key's records out.
   */
  private static final class Collectable {
    private final StateReader state;
    private final long revocationGrace;
    private final long landsAt;
    private final Map<Address, InferenceRecord> signedBest;
    private final Map<Address, Amount> escrowLeft = new HashMap<>();
    private final Map<List<Object>, Amount> keyLeft = new HashMap<>();
    private final Map<Address, Amount> signedLeft = new HashMap<>();

    Collectable(
        StateReader state,
        long revocationGrace,
        long landsAt,
        Map<Address, InferenceRecord> signedBest) {
      this.state = state;
      this.revocationGrace = revocationGrace;
      this.landsAt = landsAt;
      this.signedBest = signedBest;
    }

    /** Whether {@code r}'s fee can be charged on top of the records taken before it. */
    boolean take(InferenceRecord r) {
      Amount fee = r.fee();
      if (fee.isZero()) {
        return true;
      }
      Amount escrow =
          escrowLeft.computeIfAbsent(r.payer(), p -> InferenceModule.escrowOf(state, p).balance());
      List<Object> key = List.of(r.payer(), r.keyHash());
      Amount limit =
          r.signedMode()
              ? signedLeft.computeIfAbsent(r.payer(), this::signedLimit)
              : keyLeft.computeIfAbsent(key, k -> keyLimit(r));
      if (escrow.lessThan(fee) || limit.lessThan(fee)) {
        return false;
      }
      escrowLeft.put(r.payer(), escrow.subtract(fee));
      if (r.signedMode()) {
        signedLeft.put(r.payer(), limit.subtract(fee));
      } else {
        keyLeft.put(key, limit.subtract(fee));
      }
      return true;
    }

    private Amount keyLimit(InferenceRecord r) {
      ApiKey k = InferenceModule.apiKey(state, r.keyHash()).orElse(null);
      if (k == null
          || !k.payer().equals(r.payer())
          || (k.revoked() && landsAt - k.revokedAt() > revocationGrace)
          || k.capAt(landsAt).lessThan(k.spent())) {
        return Amount.ZERO;
      }
      return k.capAt(landsAt).subtract(k.spent());
    }

    private Amount signedLimit(Address payer) {
      InferenceRecord best = signedBest.get(payer);
      Amount charged = InferenceModule.charged(state, payer, best.operator());
      return best.authorized().lessThan(charged)
          ? Amount.ZERO
          : best.authorized().subtract(charged);
    }
  }

  /**
   * The gas limit this batcher gives the {@code postBatch} of {@code c}: a base, a price per charge
   * and per payout, and its calldata at the non-zero byte price.
   */
  public static long gasLimit(Contents c, int calldataBytes) {
    return GAS_BASE
        + GAS_PER_CHARGE * c.charges().size()
        + GAS_PER_PAYOUT * c.payouts().size()
        + 16L * calldataBytes;
  }

  private Hash post(StateReader state, NextBatch next, long count) {
    List<InferenceRecord> records = new ArrayList<>();
    for (byte[] b : log.range(next.firstRecord(), next.firstRecord() + count)) {
      records.add(StoredRecord.decode(b).record());
    }
    if (records.size() != count) {
      throw new IllegalStateException(
          "records "
              + next.firstRecord()
              + ".."
              + (next.firstRecord() + count - 1)
              + " should be on disk, found "
              + records.size());
    }
    BlockView head = chain.block(BlockRef.LATEST).orElseThrow();
    long landsAt = head.timestamp() + 1;
    InferenceParameters parameters = inForce.in(state).inference();
    Contents c = contents(state, records, parameters, treasury, landsAt);
    byte[] data =
        InferenceModule.encodePostBatch(
            next.seq(), c.recordsRoot(), next.firstRecord(), count, c.charges(), c.payouts());
    // A batch the chain cannot take in one transaction (too many bytes or too much gas for a
    // block) would be refused at every retry and hold up every later record: halve it until it
    // fits. The rest waits for the next batch.
    while (count > 1
        && (data.length + TRANSACTION_OVERHEAD > maxTransactionSize
            || gasLimit(c, data.length) > head.gasLimit())) {
      count = count / 2;
      records = records.subList(0, (int) count);
      c = contents(state, records, parameters, treasury, landsAt);
      data =
          InferenceModule.encodePostBatch(
              next.seq(), c.recordsRoot(), next.firstRecord(), count, c.charges(), c.payouts());
    }
    if (!c.uncharged().isEmpty()) {
      LOG.warn(
          "records {} cannot be charged to their payers any more (cap cut, key revoked past its"
              + " grace, or escrow withdrawn): batched without charge or payouts",
          c.uncharged());
    }
    Hash tx = send(data, gasLimit(c, data.length));
    LOG.info(
        "posted batch {} (records {}..{}, {} charges, {} payouts): {}",
        next.seq(),
        next.firstRecord(),
        next.firstRecord() + count - 1,
        c.charges().size(),
        c.payouts().size(),
        tx);
    return tx;
  }

  /** The stakers' payout of a batch is paid on into the operator's pool when it is finalized. */
  private static boolean paysPool(Batch b) {
    return b.payouts().stream().anyMatch(p -> p.account().equals(StakingModule.ADDRESS));
  }

  /** Finalizes the oldest of this operator's batches whose window has passed, if any. */
  private Optional<Hash> finalizeDue(StateReader state, long nextSeq) {
    long now = chain.block(BlockRef.LATEST).orElseThrow().timestamp();
    for (long seq = firstUnfinalized(state, nextSeq); seq < nextSeq; seq++) {
      Batch b = InferenceModule.batch(state, operator(), seq).orElseThrow();
      if (b.finalized()) {
        continue;
      }
      if (now < b.finalizableAt()) {
        return Optional.empty();
      }
      Hash tx =
          send(
              InferenceModule.FINALIZE_BATCH.encodeCall(
                  operator(), java.math.BigInteger.valueOf(seq)),
              200_000 + 40_000L * b.payouts().size() + (paysPool(b) ? POOL_REWARD_GAS : 0));
      LOG.info("finalizing batch {}: {}", seq, tx);
      return Optional.of(tx);
    }
    return Optional.empty();
  }

  private long finalizedBelow;

  private long firstUnfinalized(StateReader state, long nextSeq) {
    while (finalizedBelow < nextSeq
        && InferenceModule.batch(state, operator(), finalizedBelow).orElseThrow().finalized()) {
      finalizedBelow++;
    }
    return finalizedBelow;
  }

  private Hash send(byte[] data, long gas) {
    SubmitResult r =
        new LocalSender(chain, states, fees, intake)
            .send(operatorKey, InferenceModule.ADDRESS, Amount.ZERO, data, gas)
            .result();
    if (!(r instanceof SubmitResult.Accepted a)) {
      throw new IllegalStateException("the pool refused a transaction of the batcher: " + r);
    }
    return a.txHash();
  }

  /** The receipt of a transaction this batcher sent, once mined. */
  public Optional<ReceiptView> receipt(Hash tx) {
    return chain.receipt(tx);
  }

  @Override
  public void close() {
    Subscription h = heads;
    if (h != null) {
      h.close();
    }
    worker.shutdownNow();
  }
}
