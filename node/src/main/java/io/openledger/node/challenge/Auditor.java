package io.openledger.node.challenge;

import io.openledger.chain.challenge.ChallengeKind;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.challenge.RecordVerifier;
import io.openledger.chain.challenge.RecordVerifier.Verdict;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.FeeOracle;
import io.openledger.chain.ledger.LocalSender;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.LogView;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.ledger.TransactionIntake;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.challenge.AuditCursor.PendingBatch;
import io.openledger.node.challenge.PublishedRecords.Published;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's automated auditor ({@code --audit}): takes in every {@code BatchPosted} of operators
 * other than its own, fetches the batch's records from the endpoint the operator published on the
 * staking module ({@link PublishedRecords}), checks them against the batch's {@code recordsRoot},
 * recomputes each record's attribution with the {@link RecordVerifier} the chain decides with, and
 * files a wrong-attribution challenge (bond: the genesis {@code challengeBond}, from its own key)
 * with the record's Merkle proof when the recomputation upholds it. An honest node so catches a
 * cheating one with no person in the loop.
 *
 * <p>Progress is an {@link AuditCursor} on disk: saved before every filing (a restart never files a
 * record twice) and after each batch (none is skipped). A batch that cannot be audited now (the
 * endpoint is unset or unreachable, this node's index of the model is not ready) stays pending and
 * is retried each round until its challenge window has passed; then it is dropped with a warning.
 */
public final class Auditor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  /** Gas of a challenge transaction: the module prices a recomputation by the evidence's size. */
  static final long CHALLENGE_GAS = 5_000_000;

  /** Blocks scanned per log query (each query returns at most 10,000 logs). */
  private static final long SCAN_BLOCKS = 2_000;

  /**
   * How the auditor runs.
   *
   * @param key pays the bonds and signs the challenges
   * @param ownOperator the operator this node runs, whose batches it does not audit
   * @param bond the bond of each challenge (the genesis {@code challengeBond})
   * @param cursorFile where progress is kept
   * @param pageSize records per {@code GET /v1/records} (1..1000)
   * @param challengeModule whether the chain runs the challenge module now; when not, findings are
   *     kept (and logged) but nothing is sent, so no bond goes to an address without a module
   */
  public record Config(
      KeyPair key,
      Address ownOperator,
      Amount bond,
      Path cursorFile,
      int pageSize,
      BooleanSupplier challengeModule) {
    public Config {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(ownOperator, "ownOperator");
      Objects.requireNonNull(bond, "bond");
      Objects.requireNonNull(cursorFile, "cursorFile");
      Objects.requireNonNull(challengeModule, "challengeModule");
      if (pageSize < 1 || pageSize > 1_000) {
        throw new IllegalArgumentException("pageSize must be 1..1000, got " + pageSize);
      }
    }
  }

  /**
   * A record the recomputation upheld, and the challenge filed (or built) for it.
   *
   * @param index the record's index in its batch
   * @param calldata {@code challenge(operator, seq, 1, record, proof, index, output)}
   * @param tx the challenge transaction, when sent
   * @param note what happened: sent, or why not
   */
  public record Filing(
      Address operator,
      long seq,
      long recordNumber,
      long index,
      String reason,
      byte[] calldata,
      Amount bond,
      Optional<Hash> tx,
      String note) {}

  /**
   * What the auditor has done since it started.
   *
   * @param batches batches finished (every record checked)
   * @param records records recomputed
   * @param upheld records whose recomputation differed
   * @param verifyNanos time spent recomputing, for records per second
   */
  public record Stats(long batches, long records, long upheld, long verifyNanos) {
    /** Records recomputed per second of recomputation (0 before the first). */
    public double recordsPerSecond() {
      return verifyNanos == 0 ? 0 : records * 1e9 / verifyNanos;
    }
  }

  private final ChainQueries chain;
  private final StateQueries states;
  private final FeeOracle fees;
  private final TransactionIntake intake;
  private final RecordVerifier verifier;
  private final PublishedRecords source;
  private final Config config;
  private final List<Filing> filings = new CopyOnWriteArrayList<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong upheld = new AtomicLong();
  private final AtomicLong verifyNanos = new AtomicLong();
  private AuditCursor cursor;
  private ScheduledExecutorService every;

  public Auditor(
      ChainQueries chain,
      StateQueries states,
      FeeOracle fees,
      TransactionIntake intake,
      RecordVerifier verifier,
      PublishedRecords source,
      Config config) {
    this.chain = chain;
    this.states = states;
    this.fees = fees;
    this.intake = intake;
    this.verifier = verifier;
    this.source = source;
    this.config = config;
    this.cursor = AuditCursor.load(config.cursorFile());
  }

  /** Audits every {@code poll} on a background thread until closed. */
  public void start(Duration poll) {
    every =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("auditor").factory());
    every.scheduleWithFixedDelay(
        () -> {
          try {
            auditOnce();
          } catch (RuntimeException e) {
            LOG.warn("audit round failed: {}", e.toString());
          }
        },
        poll.toMillis(),
        poll.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The auditor's address (its bonds and challenges). */
  public Address address() {
    return config.key().address();
  }

  public List<Filing> filings() {
    return List.copyOf(filings);
  }

  public Stats stats() {
    return new Stats(batches.get(), records.get(), upheld.get(), verifyNanos.get());
  }

  /** The progress as saved. */
  public synchronized AuditCursor cursor() {
    return cursor;
  }

  /**
   * One round: takes in the batches posted since the last scan, then audits every pending batch as
   * far as it can. Returns the filings of this round.
   */
  public synchronized List<Filing> auditOnce() {
    scan();
    List<Filing> round = new ArrayList<>();
    int i = 0;
    while (i < cursor.pending().size()) {
      if (auditBatch(i, round)) {
        cursor = cursor.done(i);
        cursor.save(config.cursorFile());
        batches.incrementAndGet();
      } else {
        i++;
      }
    }
    return round;
  }

  // ---- taking batches in ----

  private void scan() {
    long head = chain.headNumber();
    long from = cursor.scannedBlock() + 1;
    while (from <= head) {
      long to = Math.min(head, from + SCAN_BLOCKS - 1);
      LogFilter f =
          LogFilter.range(BlockRef.number(from), BlockRef.number(to))
              .withAddresses(List.of(InferenceModule.ADDRESS))
              .withTopics(List.of(List.of(InferenceModule.BATCH_POSTED.topic())));
      List<LogView> logs =
          switch (chain.logs(f)) {
            case QueryResult.Ok<List<LogView>> ok -> ok.value();
            case QueryResult.Failed<List<LogView>> failed ->
                throw new IllegalStateException(
                    "the auditor cannot read BatchPosted logs: " + failed.message());
          };
      List<PendingBatch> pending = new ArrayList<>(cursor.pending());
      for (LogView log : logs) {
        Address operator = Address.wrap(Arrays.copyOfRange(log.topics().get(1).toArray(), 12, 32));
        long seq = new BigInteger(1, log.topics().get(2).toArray()).longValueExact();
        if (!operator.equals(config.ownOperator())) {
          pending.add(new PendingBatch(operator, seq, 0));
        }
      }
      cursor = new AuditCursor(to, pending);
      cursor.save(config.cursorFile());
      from = to + 1;
    }
  }

  // ---- auditing a batch ----

  /** Audits pending batch {@code i} from its next record; true when it is finished. */
  private boolean auditBatch(int i, List<Filing> round) {
    PendingBatch p = cursor.pending().get(i);
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    long now = chain.block(BlockRef.LATEST).orElseThrow().timestamp();
    Optional<Batch> found = InferenceModule.batch(state, p.operator(), p.seq());
    if (found.isEmpty()) {
      LOG.warn("batch {} of {} is not on chain: dropped", p.seq(), p.operator());
      return true;
    }
    Batch b = found.get();
    if (b.finalized() || now >= b.finalizableAt()) {
      if (p.next() < b.recordCount()) {
        LOG.warn(
            "batch {} of {}: its challenge window passed with records {}..{} unaudited",
            p.seq(),
            p.operator(),
            b.firstRecord() + p.next(),
            b.firstRecord() + b.recordCount() - 1);
      }
      return true;
    }
    Optional<String> url = StakingModule.endpoint(state, p.operator());
    if (url.isEmpty()) {
      LOG.debug("operator {} has published no endpoint: batch {} waits", p.operator(), p.seq());
      return false;
    }
    List<Published> published;
    try {
      published = fetch(url.get(), b);
    } catch (IOException e) {
      LOG.warn("cannot fetch batch {} of {}: {}", p.seq(), p.operator(), e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    List<Hash> hashes = published.stream().map(x -> x.record().hash()).toList();
    Optional<String> unfit = unfit(p, b, published, hashes);
    if (unfit.isPresent()) {
      // no record can be proven against the root: nothing a challenge could name
      LOG.warn("batch {} of {}: {}", p.seq(), p.operator(), unfit.get());
      return true;
    }
    for (long k = p.next(); k < b.recordCount(); k++) {
      Published r = published.get((int) k);
      byte[] output = r.output().getBytes(StandardCharsets.UTF_8);
      if (!Hash.keccak256(output).equals(r.record().outputHash())) {
        LOG.warn(
            "record {} of {}: the published output is not the one its outputHash commits to",
            r.record().number(),
            p.operator());
        continue;
      }
      long t0 = System.nanoTime();
      Verdict v = verifier.verify(state, ChallengeKind.WRONG_ATTRIBUTION, r.record(), output);
      verifyNanos.addAndGet(System.nanoTime() - t0);
      records.incrementAndGet();
      switch (v) {
        case Verdict.Rejected ok -> {}
        case Verdict.Invalid cannot -> {
          // this node cannot recompute now (an index building): try again next round
          LOG.info("record {} of {} waits: {}", r.record().number(), p.operator(), cannot.reason());
          cursor = cursor.advance(i, k);
          return false;
        }
        case Verdict.Upheld wrong -> {
          upheld.incrementAndGet();
          cursor = cursor.advance(i, k + 1);
          cursor.save(config.cursorFile()); // before sending: never filed twice
          Filing f = file(p, b, (int) k, hashes, r.record(), output, wrong.reason());
          filings.add(f);
          round.add(f);
        }
      }
    }
    return true;
  }

  private List<Published> fetch(String url, Batch b) throws IOException, InterruptedException {
    List<Published> out = new ArrayList<>();
    long end = b.firstRecord() + b.recordCount();
    for (long n = b.firstRecord(); n < end; ) {
      int limit = (int) Math.min(config.pageSize(), end - n);
      List<Published> page = source.fetch(url, n, limit);
      if (page.isEmpty()) {
        throw new IOException(
            url + " publishes records up to " + n + " only; the batch ends at " + (end - 1));
      }
      out.addAll(page.subList(0, Math.min(page.size(), limit)));
      n += Math.min(page.size(), limit);
    }
    return out;
  }

  /** Why the published records cannot be the batch's, if they cannot. */
  private static Optional<String> unfit(
      PendingBatch p, Batch b, List<Published> published, List<Hash> hashes) {
    for (int k = 0; k < published.size(); k++) {
      InferenceRecord r = published.get(k).record();
      if (!r.operator().equals(p.operator()) || r.number() != b.firstRecord() + k) {
        return Optional.of(
            "the endpoint published record "
                + r.number()
                + " of "
                + r.operator()
                + " where record "
                + (b.firstRecord() + k)
                + " of "
                + p.operator()
                + " belongs");
      }
    }
    Hash root = RecordsMerkle.root(hashes);
    if (!root.equals(b.recordsRoot())) {
      return Optional.of(
          "the published records hash to root "
              + root
              + ", not the posted "
              + b.recordsRoot()
              + " (the operator publishes other records than it batched)");
    }
    return Optional.empty();
  }

  // ---- filing ----

  /** The challenge of record {@code index} of a batch: the call data the module takes. */
  public static byte[] challengeCall(
      Address operator,
      long seq,
      ChallengeKind kind,
      InferenceRecord record,
      RecordsMerkle.Proof proof,
      byte[] evidence) {
    List<byte[]> siblings = proof.siblings().stream().map(Hash::toArray).toList();
    return ChallengeModule.CHALLENGE.encodeCall(
        operator,
        BigInteger.valueOf(seq),
        BigInteger.valueOf(kind.code()),
        record.encode(),
        siblings,
        BigInteger.valueOf(proof.index()),
        evidence);
  }

  private Filing file(
      PendingBatch p,
      Batch b,
      int index,
      List<Hash> hashes,
      InferenceRecord record,
      byte[] output,
      String reason) {
    byte[] data =
        challengeCall(
            p.operator(),
            p.seq(),
            ChallengeKind.WRONG_ATTRIBUTION,
            record,
            RecordsMerkle.proof(hashes, index),
            output);
    if (!config.challengeModule().getAsBoolean()) {
      LOG.warn(
          "record {} of {} is wrong ({}), but this chain runs no challenge module at {}: not filed",
          record.number(),
          p.operator(),
          reason,
          ChallengeModule.ADDRESS);
      return new Filing(
          p.operator(),
          p.seq(),
          record.number(),
          index,
          reason,
          data,
          config.bond(),
          Optional.empty(),
          "not sent: the chain runs no challenge module at " + ChallengeModule.ADDRESS);
    }
    SubmitResult r =
        new LocalSender(chain, states, fees, intake)
            .send(config.key(), ChallengeModule.ADDRESS, config.bond(), data, CHALLENGE_GAS)
            .result();
    if (r instanceof SubmitResult.Accepted a) {
      LOG.warn(
          "challenged record {} of {} (batch {}): {} (tx {})",
          record.number(),
          p.operator(),
          p.seq(),
          reason,
          a.txHash());
      return new Filing(
          p.operator(),
          p.seq(),
          record.number(),
          index,
          reason,
          data,
          config.bond(),
          Optional.of(a.txHash()),
          "sent");
    }
    LOG.warn("the pool refused the challenge of record {}: {}", record.number(), r);
    return new Filing(
        p.operator(),
        p.seq(),
        record.number(),
        index,
        reason,
        data,
        config.bond(),
        Optional.empty(),
        "refused by the pool: " + r);
  }

  @Override
  public void close() {
    if (every != null) {
      every.shutdownNow();
      try {
        every.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
