package io.openledger.chain.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.ContributionWeight;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.inference.SpendAuthorization;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The devnet with a deterministic fake {@link RecordVerifier}, a model on a datanet of two
 * contributors (alice, bob), an operator with 2,000 OPEN bonded, a payer with an escrow and an API
 * key, and helpers that build real signed records and post them in real batches.
 *
 * <p>The fake "attribution engine" reads the truth from the output text itself: every word {@code
 * #id@ppm} attributes {@code ppm} to contribution {@code id}; its "tokenizer" counts
 * whitespace-separated words. So a test writes the honest answer into the output and lets a
 * cheating operator claim something else in its record.
 */
final class ChallengeFixture {
  static final Hash KEY = keccak("sk-challenge-test");
  static final Amount PRICE_IN = Amount.open(1); // per 1,000 tokens
  static final Amount PRICE_OUT = Amount.open(2);
  static final Amount OPERATOR_STAKE = Amount.open(2_000);
  static final EconomyParameters ECONOMY = EconomyParameters.DEVNET;
  static final ChallengeParameters P = ECONOMY.challenges();
  static final FeeRuleV1 RULE =
      new FeeRuleV1(ECONOMY.inference().shares(), ECONOMY.inference().platformFee());

  final EconomyChain c;
  final KeyPair curator = EconomyChain.dev(0);
  final KeyPair owner = EconomyChain.dev(1);
  final KeyPair operator = EconomyChain.dev(2);
  final KeyPair payer = EconomyChain.dev(3);
  final KeyPair challenger = EconomyChain.dev(4);
  final List<KeyPair> validators =
      List.of(EconomyChain.dev(5), EconomyChain.dev(6), EconomyChain.dev(7));
  final KeyPair alice = EconomyChain.dev(8);
  final KeyPair bob = EconomyChain.dev(9);
  final Address treasury;
  final long datanet;
  final long aliceContribution;
  final long bobContribution;
  final long model;
  private long nextRecord;
  private long nextSeq;

  /** A posted batch: its records, in order, and its number. */
  record Posted(long seq, List<InferenceRecord> records) {
    Hash root() {
      return RecordsMerkle.root(records.stream().map(InferenceRecord::hash).toList());
    }

    List<byte[]> proof(int index) {
      return RecordsMerkle.proof(records.stream().map(InferenceRecord::hash).toList(), index)
          .siblings()
          .stream()
          .map(Hash::toArray)
          .toList();
    }
  }

  ChallengeFixture() {
    this(true);
  }

  /** With the fake verifier in the rules, or with none ({@link Genesis#rules()}). */
  ChallengeFixture(boolean withVerifier) {
    this(Genesis.devnet().withTimestamp(TestChain.GENESIS_TIME), withVerifier);
  }

  /** Over {@code g} (e.g. the devnet with a points rule). */
  ChallengeFixture(Genesis g, boolean withVerifier) {
    c =
        new EconomyChain(
            new TestChain(
                new InMemoryKeyValueStore(),
                g,
                withVerifier ? g.schedule(new FakeVerifier()) : g.schedule()));
    treasury = g.treasury();
    datanet = c.createDatanet(curator, "facts", Licence.COMMERCIAL_USE);
    aliceContribution = c.contributeOk(alice, datanet, EconomyChain.blob("alice's facts"), 1_000);
    bobContribution = c.contributeOk(bob, datanet, EconomyChain.blob("bob's facts"), 1_000);
    c.ok(curator, DatanetModule.ADDRESS, EconomyChain.approve(aliceContribution, 90));
    c.ok(curator, DatanetModule.ADDRESS, EconomyChain.approve(bobContribution, 80));
    c.ok(
        curator,
        DatanetModule.ADDRESS,
        EconomyChain.publish(datanet, c.offChainRoot(datanet), EconomyChain.blob("index")));
    Hash base = keccak("base");
    model =
        ((BigInteger)
                c.okCall(
                        owner,
                        ModelModule.ADDRESS,
                        ModelModule.REGISTER_MODEL,
                        "m",
                        base.toArray(),
                        base.toArray(),
                        List.of(u(datanet)),
                        List.of(u(1)),
                        PRICE_IN.value(),
                        PRICE_OUT.value(),
                        operator.address())
                    .getFirst())
            .longValue();
    c.ok(operator, StakingModule.ADDRESS, StakingModule.SERVE.encodeCall(u(model)));
    send(
        operator,
        StakingModule.ADDRESS,
        OPERATOR_STAKE,
        StakingModule.STAKE.encodeCall(operator.address(), u(0)));
    send(payer, InferenceModule.ADDRESS, Amount.open(100), InferenceModule.DEPOSIT.encodeCall());
    c.ok(
        payer,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(KEY.toArray(), Amount.open(100).value()));
  }

  // ---- the fake engine ----

  /** Deterministic: attribution from {@code #id@ppm} words, tokens as word counts. */
  static final class FakeVerifier implements RecordVerifier {
    @Override
    public Verdict verify(
        StateReader state, ChallengeKind kind, InferenceRecord record, byte[] evidence) {
      if (kind == ChallengeKind.WRONG_ATTRIBUTION) {
        if (!Hash.keccak256(evidence).equals(record.outputHash())) {
          return new Verdict.Invalid("the output's hash is not the record's outputHash");
        }
        List<Attribution> truth = attributionOf(text(evidence));
        return truth.equals(record.attribution())
            ? new Verdict.Rejected("the attribution matches")
            : new Verdict.Upheld(
                "recomputed attribution " + truth,
                truth,
                record.promptTokens(),
                record.completionTokens());
      }
      List<Object> texts;
      try {
        texts = Abi.decode(List.of(AbiType.BYTES, AbiType.BYTES), evidence);
      } catch (IllegalArgumentException e) {
        return new Verdict.Invalid("evidence is not abi.encode(bytes request, bytes output)");
      }
      byte[] request = (byte[]) texts.get(0);
      byte[] output = (byte[]) texts.get(1);
      if (!Hash.keccak256(request).equals(record.requestHash())
          || !Hash.keccak256(output).equals(record.outputHash())) {
        return new Verdict.Invalid("the texts' hashes are not the record's");
      }
      long in = words(text(request));
      long out = words(text(output));
      return in == record.promptTokens() && out == record.completionTokens()
          ? new Verdict.Rejected("the token counts match")
          : new Verdict.Upheld(
              "recomputed " + in + " in, " + out + " out", record.attribution(), in, out);
    }
  }

  static List<Attribution> attributionOf(String output) {
    List<Attribution> out = new ArrayList<>();
    for (String w : output.split("\\s+")) {
      if (w.startsWith("#") && w.contains("@")) {
        String[] p = w.substring(1).split("@");
        out.add(new Attribution(Long.parseLong(p[0]), Integer.parseInt(p[1])));
      }
    }
    return out;
  }

  static long words(String s) {
    return s.isBlank() ? 0 : s.strip().split("\\s+").length;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  // ---- records and batches ----

  /** An honest output crediting alice 300,000 ppm and bob 100,000 ppm. */
  String output(String topic) {
    return "about " + topic + " #" + aliceContribution + "@300000 #" + bobContribution + "@100000";
  }

  static byte[] evidence(String request, String output) {
    return Abi.encode(
        List.of(AbiType.BYTES, AbiType.BYTES),
        List.of(request.getBytes(StandardCharsets.UTF_8), output.getBytes(StandardCharsets.UTF_8)));
  }

  /** The next record of the operator in key mode, honest unless the arguments lie. */
  InferenceRecord keyRecord(
      String request, String output, List<Attribution> attribution, long in, long out) {
    return record(KEY, request, output, attribution, in, out, Amount.ZERO, new byte[0]);
  }

  /** The honest key-mode record of {@code request} answered by {@code output}. */
  InferenceRecord honest(String request, String output) {
    return keyRecord(request, output, attributionOf(output), words(request), words(output));
  }

  InferenceRecord record(
      Hash keyHash,
      String request,
      String output,
      List<Attribution> attribution,
      long in,
      long out,
      Amount authorized,
      byte[] spendSignature) {
    return record(
        payer.address(),
        keyHash,
        request,
        output,
        attribution,
        in,
        out,
        authorized,
        spendSignature);
  }

  InferenceRecord record(
      Address payerAddress,
      Hash keyHash,
      String request,
      String output,
      List<Attribution> attribution,
      long in,
      long out,
      Amount authorized,
      byte[] spendSignature) {
    return new InferenceRecord(
            operator.address(),
            nextRecord++,
            model,
            keccak("base"),
            payerAddress,
            keyHash,
            keccak(request),
            keccak(output),
            in,
            out,
            RULE.fee(in, out, PRICE_IN, PRICE_OUT),
            attribution,
            authorized,
            spendSignature,
            new byte[0])
        .signedBy(operator);
  }

  /** The number the next record gets (after a batch that was refused). */
  void nextRecord(long number) {
    nextRecord = number;
  }

  /** The payouts the record claims: fee rule 1 over its fee and attribution. */
  List<Payout> claimedSplit(InferenceRecord r) {
    return split(r, r.fee(), r.attribution());
  }

  List<Payout> split(InferenceRecord r, Amount fee, List<Attribution> attribution) {
    List<ContributionWeight> weights = new ArrayList<>();
    for (Attribution a : attribution) {
      Address who =
          DatanetModule.readContribution(c.state(), a.contributionId()).orElseThrow().contributor();
      weights.add(a.withContributor(who));
    }
    return RULE.splitFee(
            fee,
            weights,
            new FeeParties(r.payer(), owner.address(), StakingModule.ADDRESS, treasury))
        .payouts();
  }

  /** Posts the records as the next batch with the charges and payouts they claim (key mode). */
  Posted post(List<InferenceRecord> records) {
    List<Payout> all = new ArrayList<>();
    Amount total = Amount.ZERO;
    for (InferenceRecord r : records) {
      all.addAll(claimedSplit(r));
      total = total.add(r.fee());
    }
    return post(records, List.of(Charge.withKey(payer.address(), KEY, total)), Payout.merge(all));
  }

  Posted post(List<InferenceRecord> records, List<Charge> charges, List<Payout> payouts) {
    Posted p = new Posted(nextSeq++, records);
    c.ok(
        operator,
        InferenceModule.ADDRESS,
        InferenceModule.encodePostBatch(
            p.seq(), p.root(), records.getFirst().number(), records.size(), charges, payouts));
    audit();
    return p;
  }

  /** A signed-mode charge of {@code amount} backed by the payer's authorization of a request. */
  Charge signedCharge(SpendAuthorization spend, Amount amount) {
    return Charge.signed(payer.address(), amount, spend, spend.sign(payer, c.chain.chainId()));
  }

  // ---- calls ----

  byte[] challengeCall(Posted p, int index, ChallengeKind kind, byte[] evidence) {
    return challengeCall(p, index, p.records().get(index), kind, evidence);
  }

  byte[] challengeCall(
      Posted p, int index, InferenceRecord r, ChallengeKind kind, byte[] evidence) {
    return ChallengeModule.CHALLENGE.encodeCall(
        operator.address(),
        u(p.seq()),
        u(kind.code()),
        r.encode(),
        p.proof(index),
        u(index),
        evidence);
  }

  TransactionResult send(KeyPair from, Address to, Amount value, byte[] data) {
    TransactionResult r = c.block(2, List.of(c.tx(from, to, value, data))).results().getFirst();
    assertThat(r.success()).as("call failed: %s", r.revertReason()).isTrue();
    audit();
    return r;
  }

  TransactionResult send(KeyPair from, Amount value, byte[] data) {
    return send(from, ChallengeModule.ADDRESS, value, data);
  }

  TransactionResult send(KeyPair from, byte[] data) {
    return send(from, ChallengeModule.ADDRESS, Amount.ZERO, data);
  }

  /** The call reverts, changing nothing but the fees; its reason. */
  String refused(KeyPair from, Amount value, byte[] data) {
    return refused(from, ChallengeModule.ADDRESS, value, data, 2);
  }

  String refused(KeyPair from, Address to, Amount value, byte[] data, long seconds) {
    String reason = c.refused(from, to, value, data, seconds);
    audit();
    return reason;
  }

  /** Moves time on by {@code seconds} with an empty block. */
  void passTime(long seconds) {
    c.block(seconds, List.of());
  }

  long challenge(KeyPair from, Amount bond, byte[] call) {
    return ChallengeModule.CHALLENGE.decodeResult(send(from, bond, call).returnData()).stream()
        .map(v -> ((BigInteger) v).longValue())
        .findFirst()
        .orElseThrow();
  }

  void registerValidators(Amount... stakes) {
    for (int i = 0; i < stakes.length; i++) {
      send(validators.get(i), stakes[i], ChallengeModule.REGISTER_VALIDATOR.encodeCall());
    }
  }

  void vote(KeyPair v, long id, boolean upheld) {
    send(v, ChallengeModule.VOTE.encodeCall(u(id), upheld));
  }

  TransactionResult resolve(long id) {
    return send(challenger, ChallengeModule.RESOLVE.encodeCall(u(id)));
  }

  // ---- reading ----

  Challenge info(long id) {
    return ChallengeModule.challenge(c.state(), id).orElseThrow();
  }

  Amount balance(KeyPair k) {
    return c.state().balance(k.address());
  }

  Amount balance(Address a) {
    return c.state().balance(a);
  }

  Amount pending(Address a) {
    return InferenceModule.earnings(c.state(), a).pending();
  }

  Amount bonded() {
    return StakingModule.pool(c.state(), operator.address()).bondedStake();
  }

  Amount escrow() {
    return InferenceModule.escrowOf(c.state(), payer.address()).balance();
  }

  /** Payouts of batch {@code seq}, per account. */
  Map<Address, Amount> payouts(long seq) {
    Map<Address, Amount> out = new TreeMap<>();
    for (Payout p :
        InferenceModule.batch(c.state(), operator.address(), seq).orElseThrow().payouts()) {
      out.put(p.account(), p.amount());
    }
    return out;
  }

  static Map<Address, Amount> asMap(List<Payout> payouts) {
    Map<Address, Amount> out = new TreeMap<>();
    for (Payout p : Payout.merge(payouts)) {
      out.put(p.account(), p.amount());
    }
    return out;
  }

  /** Every module holds exactly its running totals and the supply invariant holds. */
  void audit() {
    StateReader s = c.state();
    assertThat(SupplyAudit.check(s)).isEmpty();
    assertThat(InferenceModule.audit(s)).isEmpty();
    assertThat(StakingModule.audit(s)).isEmpty();
    assertThat(ChallengeModule.audit(s)).isEmpty();
  }

  static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  static Hash keccak(String s) {
    return Hash.keccak256(s.getBytes(StandardCharsets.UTF_8));
  }
}
