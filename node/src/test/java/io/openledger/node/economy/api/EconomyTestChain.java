package io.openledger.node.economy.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The devnet chain for the economy API's tests, driven by real signed transactions through the real
 * block executor (the chain module's {@code TestChain} and {@code EconomyChain} live in its test
 * classes, out of the node's reach): one transaction per block, each required to succeed, the
 * supply audited after every block.
 */
final class EconomyTestChain {
  static final long GENESIS_TIME = 1_800_000_000L;
  private static final long GAS = 5_000_000;
  private static final Amount GWEI = Amount.of(1_000_000_000L);

  final Genesis genesis = Genesis.devnet().withTimestamp(GENESIS_TIME);
  private final KeyValueStore store = new InMemoryKeyValueStore();
  private final StateDatabase states = new StateDatabase(store);
  private final BlockExecutor executor = new BlockExecutor(genesis.schedule(), states);
  private final Map<Address, Long> nonces = new HashMap<>();
  private volatile ExecutedBlock head;

  EconomyTestChain() {
    ExecutedBlock g = genesis.toState(states);
    commit(g);
    head = g;
  }

  static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  StateReader state() {
    return states.at(head.block().header().stateRoot());
  }

  long now() {
    return head.block().header().timestamp();
  }

  /** Sends one call in a block {@code seconds} after the head; it must succeed. */
  TransactionResult ok(long seconds, KeyPair from, Address to, Amount value, byte[] data) {
    BlockEnvironment env =
        BlockEnvironment.after(
            head.block().header(),
            now() + seconds,
            genesis.gasLimit(),
            genesis.sequencer(),
            genesis.rules().feeMarket());
    long nonce = nonces.merge(from.address(), 1L, Long::sum) - 1;
    Transaction tx =
        TransactionBuilder.eip1559(genesis.chainId())
            .nonce(nonce)
            .maxPriorityFeePerGas(GWEI)
            .maxFeePerGas(env.baseFee().multiply(2).add(GWEI))
            .gasLimit(GAS)
            .to(to)
            .value(value)
            .data(data)
            .sign(from);
    ExecutedBlock b = executor.execute(head.block().header(), env, List.of(tx));
    commit(b);
    head = b;
    assertThat(b.skipped()).as("skipped transactions").isEmpty();
    assertThat(SupplyAudit.check(state())).isEmpty();
    assertThat(InferenceModule.audit(state())).isEmpty();
    assertThat(StakingModule.audit(state())).isEmpty();
    assertThat(DatanetModule.audit(state())).isEmpty();
    assertThat(ModelModule.audit(state())).isEmpty();
    TransactionResult r = b.results().getFirst();
    assertThat(r.success()).as("call failed: %s", r.revertReason()).isTrue();
    return r;
  }

  /** Sends one call 2 s after the head; a {@code contribute} sends the bond. */
  TransactionResult ok(KeyPair from, Address to, byte[] data) {
    boolean contribute = to.equals(DatanetModule.ADDRESS) && DatanetModule.CONTRIBUTE.matches(data);
    return ok(2, from, to, contribute ? genesis.economy().contributionBond() : Amount.ZERO, data);
  }

  long okId(KeyPair from, Address to, AbiFunction f, Object... args) {
    byte[] ret = ok(from, to, f.encodeCall(args)).returnData();
    return ((BigInteger) f.decodeResult(ret).getFirst()).longValueExact();
  }

  private void commit(ExecutedBlock b) {
    try (WriteBatch w = store.newBatch()) {
      b.stateCommit().writeTo(w);
      w.commit();
    }
  }

  // ---- the economy's steps ----

  long createDatanet(KeyPair owner, String name, int licence) {
    return okId(
        owner,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET,
        name,
        "about " + name,
        List.of("test"),
        u(0),
        u(licence),
        "rules");
  }

  /** Contributes a blob named {@code name} and has the datanet's owner accept it. */
  long acceptedContribution(KeyPair owner, KeyPair contributor, long datanetId, String name) {
    long id =
        okId(
            contributor,
            DatanetModule.ADDRESS,
            DatanetModule.CONTRIBUTE,
            u(datanetId),
            hash(name).toArray(),
            u(1_000),
            hash("meta " + name).toArray());
    ok(owner, DatanetModule.ADDRESS, DatanetModule.APPROVE.encodeCall(u(id), u(90)));
    return id;
  }

  /** Publishes the next version of a datanet over its accepted set; returns the version. */
  int publish(KeyPair owner, long datanetId) {
    StateReader s = state();
    long accepted = DatanetModule.readDatanet(s, datanetId).orElseThrow().accepted();
    List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
    for (long id : DatanetModule.acceptedContributions(s, datanetId, accepted)) {
      leaves.add(
          new ContributionsMerkle.Leaf(
              id, DatanetModule.readContribution(s, id).orElseThrow().blobHash()));
    }
    return (int)
        okId(
            owner,
            DatanetModule.ADDRESS,
            DatanetModule.PUBLISH_VERSION,
            u(datanetId),
            ContributionsMerkle.root(leaves).toArray(),
            hash("index of " + datanetId).toArray());
  }

  long registerModel(
      KeyPair owner,
      String name,
      List<Long> datanets,
      List<Integer> versions,
      Amount priceIn,
      Amount priceOut,
      Address operator) {
    return okId(
        owner,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL,
        name,
        hash("base").toArray(),
        hash("adapter " + name).toArray(),
        datanets.stream().map(BigInteger::valueOf).toList(),
        versions.stream().map(BigInteger::valueOf).toList(),
        priceIn.value(),
        priceOut.value(),
        operator);
  }

  void setPrices(KeyPair owner, long modelId, Amount priceIn, Amount priceOut) {
    ok(
        owner,
        ModelModule.ADDRESS,
        ModelModule.SET_PRICES.encodeCall(u(modelId), priceIn.value(), priceOut.value()));
  }

  /**
   * The operator bonds {@code stake} (flexible) in its own pool and declares the model on the
   * staking module: what the chain asks before it takes the operator's paid batches.
   */
  void stakeAndServe(KeyPair operator, Amount stake, long... modelIds) {
    ok(
        2,
        operator,
        StakingModule.ADDRESS,
        stake,
        StakingModule.STAKE.encodeCall(operator.address(), u(LockTerm.FLEXIBLE.code())));
    for (long id : modelIds) {
      ok(operator, StakingModule.ADDRESS, StakingModule.SERVE.encodeCall(u(id)));
    }
  }

  void depositWithKey(KeyPair payer, Amount amount, Hash keyHash, Amount cap) {
    ok(2, payer, InferenceModule.ADDRESS, amount, InferenceModule.DEPOSIT.encodeCall());
    ok(
        payer,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(keyHash.toArray(), cap.value()));
  }

  void postBatch(
      KeyPair operator,
      long seq,
      Hash root,
      long first,
      long count,
      List<Charge> charges,
      List<Payout> payouts) {
    ok(
        operator,
        InferenceModule.ADDRESS,
        InferenceModule.encodePostBatch(seq, root, first, count, charges, payouts));
  }

  /** Finalizes a batch in a block at its {@code finalizableAt}. */
  void finalizeBatch(KeyPair anyone, Address operator, long seq) {
    long at = InferenceModule.batch(state(), operator, seq).orElseThrow().finalizableAt();
    ok(
        Math.max(1, at - now()),
        anyone,
        InferenceModule.ADDRESS,
        Amount.ZERO,
        InferenceModule.FINALIZE_BATCH.encodeCall(operator, u(seq)));
  }

  void claim(KeyPair account) {
    ok(account, InferenceModule.ADDRESS, InferenceModule.CLAIM.encodeCall());
  }

  static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  static Hash hash(String s) {
    return Hash.keccak256(s.getBytes(StandardCharsets.UTF_8));
  }
}
