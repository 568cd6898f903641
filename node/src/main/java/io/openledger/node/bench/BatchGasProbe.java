package io.openledger.node.bench;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.NextBatch;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LocalSender;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.devnet.DemoSetup;
import io.openledger.node.economy.Batcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The gas of {@code postBatch} for batches of many records, measured on the chain: records are made
 * directly (signed by an operator of their own, on a model registered for it on the bench's
 * datanet) with a realistic mix — payers with API keys and payers who sign each request, several
 * contributions credited per record with random weights — and posted the way the node's {@link
 * Batcher} posts them ({@link Batcher#contents} and {@link InferenceModule#encodePostBatch}), each
 * batch in a transaction of its own whose gas limit is the whole block's. The receipt's {@code
 * gasUsed} is what the batch costs.
 *
 * <p>A batch's gas does not grow with its records (only their Merkle root goes on chain) but with
 * its charges (one per payer and key, or per payer in signed mode) and payouts (one per account
 * paid): the records only bring more distinct accounts.
 */
final class BatchGasProbe {
  static final KeyPair OPERATOR = BenchEconomy.derived("openledger bench economy gas operator");

  /**
   * @param batchSizes records per batch, posted in this order
   * @param keyPayers payers who pay with an API key (one key each)
   * @param signedPayers payers who sign each request (EIP-712; the module checks one signature per
   *     payer and batch)
   * @param credited contributions credited per record
   */
  record Settings(
      List<Integer> batchSizes, int keyPayers, int signedPayers, int credited, long seed) {}

  /**
   * One posted batch.
   *
   * @param refusal why the pool refused the transaction, or empty when it was mined
   * @param gasUsed from the receipt; 0 when refused
   * @param batcherGasLimit the gas limit the node's batcher would give it
   * @param buildMillis computing charges, payouts and root and encoding the calldata
   */
  record Posted(
      int records,
      int charges,
      int payouts,
      int calldataBytes,
      int transactionBytes,
      Optional<String> refusal,
      boolean success,
      long gasUsed,
      long batcherGasLimit,
      double buildMillis) {
    long entries() {
      return (long) charges + payouts;
    }
  }

  private final BenchChain chain;
  private final BenchEconomy economy;
  private final InferenceParameters parameters;
  private final FeeRuleV1 feeRule;
  private final Address treasury;
  private final long blockGasLimit;

  BatchGasProbe(
      BenchChain chain,
      BenchEconomy economy,
      InferenceParameters parameters,
      Address treasury,
      long blockGasLimit) {
    this.chain = chain;
    this.economy = economy;
    this.parameters = parameters;
    this.feeRule = parameters.feeRule();
    this.treasury = treasury;
    this.blockGasLimit = blockGasLimit;
  }

  /** A payer of the probe: key mode when {@code keyHash} is present. */
  private record Payer(KeyPair key, Optional<Hash> keyHash) {}

  List<Posted> run(Settings s, BenchEconomy.Made made) {
    List<Payer> payers = setUp(s);
    Hash adapter =
        Hash.keccak256("openledger bench economy gas adapter".getBytes(StandardCharsets.UTF_8));
    long model =
        economy.registerModel(adapter, made.datanetId(), made.version(), OPERATOR.address(), "gas");
    economy.stakeAndServe(OPERATOR, model);
    SplittableRandom random = new SplittableRandom(s.seed());
    Amount[] authorized = new Amount[payers.size()];
    java.util.Arrays.fill(authorized, Amount.ZERO);
    List<Posted> out = new ArrayList<>();
    for (int size : s.batchSizes()) {
      NextBatch next = InferenceModule.nextBatch(head(), OPERATOR.address());
      List<InferenceRecord> records = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        records.add(
            record(
                next.firstRecord() + i,
                model,
                adapter,
                payers,
                authorized,
                made.contributionIds(),
                s.credited(),
                random));
      }
      out.add(post(next, records));
    }
    return out;
  }

  /** Funds the operator and the payers; deposits their escrows and registers the keys. */
  private List<Payer> setUp(Settings s) {
    chain.transfer(BenchEconomy.FUNDER, OPERATOR.address(), Amount.open(20_000)); // stake, gas
    List<Payer> payers = new ArrayList<>();
    for (int i = 0; i < s.keyPayers() + s.signedPayers(); i++) {
      boolean keyMode = i < s.keyPayers();
      KeyPair k = BenchEconomy.derived("openledger bench economy gas payer " + i);
      Optional<Hash> keyHash =
          keyMode
              ? Optional.of(Hash.keccak256(("olk_bench_gas_" + i).getBytes(StandardCharsets.UTF_8)))
              : Optional.empty();
      payers.add(new Payer(k, keyHash));
      chain.transfer(BenchEconomy.FUNDER, k.address(), Amount.open(20));
    }
    chain.mine();
    for (Payer p : payers) {
      chain.call(
          p.key(), InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), Amount.open(10));
      p.keyHash()
          .ifPresent(
              h ->
                  chain.call(
                      p.key(),
                      InferenceModule.ADDRESS,
                      InferenceModule.REGISTER_API_KEY.encodeCall(
                          h.toArray(), Amount.open(10).value())));
    }
    chain.mine();
    return payers;
  }

  /**
   * One record: a random payer, 5-304 prompt and 1-256 completion tokens at the demo's prices,
   * {@code credited} distinct contributions at 1-{@code 1e6/credited} ppm each.
   */
  private InferenceRecord record(
      long number,
      long model,
      Hash adapter,
      List<Payer> payers,
      Amount[] authorized,
      List<Long> contributions,
      int credited,
      SplittableRandom random) {
    int who = random.nextInt(payers.size());
    Payer payer = payers.get(who);
    long in = 5 + random.nextInt(300);
    long out = 1 + random.nextInt(256);
    Amount fee = feeRule.fee(in, out, DemoSetup.PRICE_IN, DemoSetup.PRICE_OUT);
    List<Attribution> attribution = new ArrayList<>();
    int n = Math.min(credited, contributions.size());
    java.util.Set<Long> chosen = new java.util.HashSet<>();
    while (chosen.size() < n) {
      long id = contributions.get(random.nextInt(contributions.size()));
      if (chosen.add(id)) {
        attribution.add(new Attribution(id, 1 + random.nextInt(1_000_000 / n)));
      }
    }
    Hash requestHash = randomHash(random);
    Hash keyHash = payer.keyHash().orElse(Hash.ZERO);
    Amount signedFor = Amount.ZERO;
    byte[] spendSignature = new byte[0];
    if (payer.keyHash().isEmpty()) {
      // signed mode: the payer authorizes what it was charged so far plus this request
      authorized[who] = authorized[who].add(fee);
      signedFor = authorized[who];
      spendSignature =
          new SpendAuthorization(OPERATOR.address(), requestHash, signedFor)
              .sign(payer.key(), chain.ledger().chain().chainId());
    }
    return new InferenceRecord(
            OPERATOR.address(),
            number,
            model,
            adapter,
            payer.key().address(),
            keyHash,
            requestHash,
            randomHash(random),
            in,
            out,
            fee,
            attribution,
            signedFor,
            spendSignature,
            new byte[0])
        .signedBy(OPERATOR);
  }

  private static Hash randomHash(SplittableRandom random) {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i += 8) {
      long v = random.nextLong();
      for (int k = 0; k < 8; k++) {
        b[i + k] = (byte) (v >>> (8 * k));
      }
    }
    return Hash.wrap(b);
  }

  /** Posts one batch in a transaction of its own, mines it and reads its receipt. */
  private Posted post(NextBatch next, List<InferenceRecord> records) {
    Ledger ledger = chain.ledger();
    long t0 = System.nanoTime();
    long landsAt = ledger.chain().block(BlockRef.LATEST).orElseThrow().timestamp() + 1;
    Batcher.Contents c = Batcher.contents(head(), records, parameters, treasury, landsAt);
    byte[] data =
        InferenceModule.encodePostBatch(
            next.seq(),
            c.recordsRoot(),
            next.firstRecord(),
            records.size(),
            c.charges(),
            c.payouts());
    double buildMillis = (System.nanoTime() - t0) / 1e6;
    LocalSender.Sent sent =
        LocalSender.of(ledger)
            .withFees(Amount.of(1_000_000_000L), 2)
            .send(OPERATOR, InferenceModule.ADDRESS, Amount.ZERO, data, blockGasLimit);
    byte[] raw = sent.raw();
    long batcherLimit = Batcher.gasLimit(c, data.length);
    SubmitResult r = sent.result();
    if (!(r instanceof SubmitResult.Accepted a)) {
      return new Posted(
          records.size(),
          c.charges().size(),
          c.payouts().size(),
          data.length,
          raw.length,
          Optional.of(((SubmitResult.Rejected) r).message()),
          false,
          0,
          batcherLimit,
          buildMillis);
    }
    Optional<ReceiptView> receipt = ledger.chain().receipt(a.txHash());
    for (int blocks = 0; receipt.isEmpty(); blocks++) {
      if (blocks > 100) {
        throw new IllegalStateException("the batch transaction " + a.txHash() + " is not mined");
      }
      ledger.produceBlock();
      receipt = ledger.chain().receipt(a.txHash());
    }
    return new Posted(
        records.size(),
        c.charges().size(),
        c.payouts().size(),
        data.length,
        raw.length,
        Optional.empty(),
        receipt.get().success(),
        receipt.get().gasUsed(),
        batcherLimit,
        buildMillis);
  }

  /** The largest raw transaction the pool takes. */
  static int maxTransactionBytes() {
    return MempoolConfig.DEFAULT.maxTxBytes();
  }

  private StateReader head() {
    return chain.ledger().state().state(BlockRef.LATEST).orElseThrow();
  }
}
