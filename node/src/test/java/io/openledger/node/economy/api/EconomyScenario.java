package io.openledger.node.economy.api;

import static io.openledger.node.economy.api.EconomyTestChain.dev;
import static io.openledger.node.economy.api.EconomyTestChain.hash;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.ContributionWeight;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.FeeSplit;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.inference.Usage;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An operator's economy on a real chain, for the API's tests: two datanets (four and one accepted
 * contributions of alice, bob and carol), two served models (the operator bonds the experimental
 * minimum and declares them on the staking module) and one never served, two payers with API keys
 * (bob is also a contributor, so some of his payments credit himself), records served by hand and
 * batches posted, finalized and claimed through real transactions.
 *
 * <p>The expected split of each record is computed the way the gate does when serving: the fee rule
 * over the record's tokens at the model's prices of that moment; batches carry those payouts, so
 * the chain checks them against the charges.
 */
final class EconomyScenario {
  final EconomyTestChain chain = new EconomyTestChain();
  final KeyPair datanetOwner = dev(1);
  final KeyPair alice = dev(2);
  final KeyPair bob = dev(3);
  final KeyPair carol = dev(4);
  final KeyPair modelOwner = dev(5);
  final KeyPair operator = dev(6);
  final KeyPair payer = dev(7);
  final Hash payerKey = hash("sk-payer");
  final Hash bobKey = hash("sk-bob");

  final FeeRuleV1 rule = chain.genesis.economy().inference().feeRule();
  final Address treasury = chain.genesis.treasury();
  final RecordLog log = new RecordLog(new InMemoryKeyValueStore());

  /** What the operator bonds in its own pool: the experimental tier's minimum. */
  final Amount operatorStake = chain.genesis.economy().staking().experimentalMinimum();

  final long datanet1;
  final long datanet2;

  /** Contributions of datanet 1 (alice, bob, carol, alice) then of datanet 2 (carol). */
  final List<Long> contributions = new ArrayList<>();

  final long model1;
  final long model2;
  final long idleModel;

  /** Every record served, in number order, with the split the gate made. */
  final List<StoredRecord> records = new ArrayList<>();

  final List<FeeSplit> splits = new ArrayList<>();
  long nextSeq;
  long batchedUpTo;

  EconomyScenario() {
    int licence = Licence.COMMERCIAL_USE | Licence.ATTRIBUTION;
    datanet1 = chain.createDatanet(datanetOwner, "quotes", licence);
    for (KeyPair who : List.of(alice, bob, carol, alice)) {
      contributions.add(
          chain.acceptedContribution(datanetOwner, who, datanet1, "quote " + contributions.size()));
    }
    chain.publish(datanetOwner, datanet1);
    datanet2 = chain.createDatanet(datanetOwner, "poems", licence);
    contributions.add(chain.acceptedContribution(datanetOwner, carol, datanet2, "poem 0"));
    chain.publish(datanetOwner, datanet2);

    Address op = operator.address();
    model1 =
        chain.registerModel(
            modelOwner,
            "quoter",
            List.of(datanet1, datanet2),
            List.of(1, 1),
            Amount.of(2_000_000_000_000_000L),
            Amount.of(6_000_000_000_000_000L),
            op);
    model2 =
        chain.registerModel(
            modelOwner,
            "cheap",
            List.of(datanet1),
            List.of(1),
            Amount.of(1_000_000_000_000_001L),
            Amount.of(999_999_999_999_999L),
            op);
    idleModel =
        chain.registerModel(
            modelOwner, "idle", List.of(datanet2), List.of(1), Amount.of(1), Amount.of(1), op);

    // the operator bonds the experimental minimum and declares the two models it serves
    chain.stakeAndServe(operator, operatorStake, model1, model2);

    chain.depositWithKey(payer, Amount.open(100), payerKey, Amount.open(100));
    chain.depositWithKey(bob, Amount.open(100), bobKey, Amount.open(100));
  }

  /** The contributions a model may be credited with. */
  List<Long> contributionsOf(long modelId) {
    return modelId == model1 ? contributions : contributions.subList(0, 4);
  }

  /** Serves one paid request: appends its signed record to the log as the gate would. */
  StoredRecord serve(
      long modelId,
      KeyPair who,
      long promptTokens,
      long completionTokens,
      List<Attribution> attribution,
      String output) {
    Model m = ModelModule.readModel(chain.state(), modelId).orElseThrow();
    Usage usage = new Usage(promptTokens, completionTokens, m.pricePerKIn(), m.pricePerKOut());
    List<ContributionWeight> weights = new ArrayList<>();
    for (Attribution a : attribution) {
      Address contributor =
          DatanetModule.readContribution(chain.state(), a.contributionId())
              .orElseThrow()
              .contributor();
      weights.add(a.withContributor(contributor));
    }
    FeeSplit split =
        rule.split(
            usage,
            weights,
            new FeeParties(who.address(), m.owner(), StakingModule.ADDRESS, treasury));
    Hash key = who.equals(bob) ? bobKey : payerKey;
    StoredRecord[] made = new StoredRecord[1];
    log.append(
        n -> {
          InferenceRecord r =
              new InferenceRecord(
                      operator.address(),
                      n,
                      modelId,
                      m.adapterHash(),
                      who.address(),
                      key,
                      hash("request " + n),
                      Hash.keccak256(output.getBytes(StandardCharsets.UTF_8)),
                      promptTokens,
                      completionTokens,
                      split.fee(),
                      attribution,
                      Amount.ZERO,
                      new byte[0],
                      new byte[0])
                  .signedBy(operator);
          made[0] = new StoredRecord(r, output);
          return new RecordLog.Entry(r.hash(), made[0].encode());
        });
    records.add(made[0]);
    splits.add(split);
    return made[0];
  }

  /** A request with random tokens, payer and attribution over the model's contributions. */
  StoredRecord serveRandom(SplittableRandom rnd) {
    long modelId = rnd.nextBoolean() ? model1 : model2;
    KeyPair who = rnd.nextInt(4) == 0 ? bob : payer;
    List<Attribution> attribution = new ArrayList<>();
    int left = (int) ContributionWeight.PPM;
    for (long c : contributionsOf(modelId)) {
      if (rnd.nextInt(3) > 0) {
        int ppm = rnd.nextInt(left / 2 + 1);
        left -= ppm;
        attribution.add(new Attribution(c, ppm));
      }
    }
    if (rnd.nextInt(8) == 0 && !attribution.isEmpty()) {
      // everything attributed: the model keeps no share
      Attribution last = attribution.removeLast();
      attribution.add(new Attribution(last.contributionId(), last.ppm() + left));
    }
    return serve(
        modelId,
        who,
        rnd.nextLong(0, 4_000),
        rnd.nextLong(0, 1_500),
        attribution,
        "answer " + records.size() + " " + rnd.nextLong());
  }

  /** Posts the next {@code count} unbatched records as a batch, with the gate's payouts. */
  void postBatch(int count) {
    postBatch(count, null);
  }

  /** As {@link #postBatch(int)}, with another root than the records' when {@code root} is given. */
  void postBatch(int count, Hash root) {
    int first = (int) batchedUpTo;
    List<Hash> leaves = new ArrayList<>();
    Map<Address, Amount> byPayer = new LinkedHashMap<>();
    List<Payout> payouts = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      InferenceRecord r = records.get(i).record();
      leaves.add(r.hash());
      byPayer.merge(r.payer(), r.fee(), Amount::add);
      payouts.addAll(splits.get(i).payouts());
    }
    List<Charge> charges = new ArrayList<>();
    byPayer.forEach(
        (p, amount) -> {
          if (!amount.isZero()) {
            charges.add(Charge.withKey(p, p.equals(bob.address()) ? bobKey : payerKey, amount));
          }
        });
    chain.postBatch(
        operator,
        nextSeq,
        root != null ? root : RecordsMerkle.root(leaves),
        first,
        count,
        charges,
        Payout.merge(payouts));
    nextSeq++;
    batchedUpTo += count;
  }

  void finalizeBatch(long seq) {
    chain.finalizeBatch(payer, operator.address(), seq);
  }

  PayoutBook loadBook() {
    return PayoutBook.load(log, operator.address(), state -> rule, treasury, chain::state);
  }

  /** Every account any record paid, with what all records paid it (the gate's splits). */
  Map<Address, Amount> expectedEarnings(int fromRecord, int toRecord) {
    Map<Address, Amount> out = new LinkedHashMap<>();
    for (int i = fromRecord; i < toRecord; i++) {
      for (Payout p : splits.get(i).payouts()) {
        out.merge(p.account(), p.amount(), Amount::add);
      }
    }
    return out;
  }
}
