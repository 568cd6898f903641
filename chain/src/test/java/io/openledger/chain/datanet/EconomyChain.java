package io.openledger.chain.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.Call;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.SimulationResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.tx.Transaction;
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
 * The devnet through real signed transactions, for the economy modules' tests: one transaction per
 * block unless asked, nonces tracked, and for every refusal a proof that it changed nothing but the
 * fees: the block's state root is recomputed from the parent's state plus the fee movements alone.
 */
public final class EconomyChain {
  public static final long GAS = 3_000_000;

  /** The devnet's {@code contributionBond}: what every {@code contribute} sends. */
  public static final Amount BOND = EconomyParameters.DEVNET.contributionBond();

  public final TestChain chain;
  private final Map<Address, Long> nonces = new HashMap<>();

  /** The devnet rules at {@link TestChain#GENESIS_TIME}. */
  public EconomyChain() {
    this(TestChain.devnet());
  }

  /** Over {@code chain} (e.g. rules with a record verifier). */
  public EconomyChain(TestChain chain) {
    this.chain = chain;
  }

  /** Dev account {@code i} (100,000 OPEN each). */
  public static KeyPair dev(int i) {
    return TestChain.dev(i);
  }

  public StateReader state() {
    return chain.state();
  }

  public long now() {
    return chain.head().timestamp();
  }

  public Transaction tx(KeyPair from, Address to, Amount value, byte[] data) {
    long nonce = nonces.merge(from.address(), 1L, Long::sum) - 1;
    return chain.call(from, to, value, data, GAS, nonce);
  }

  /** One block {@code seconds} after the head holding {@code txs}, all included. */
  public ExecutedBlock block(long seconds, List<Transaction> txs) {
    ExecutedBlock b = chain.produce(chain.next(seconds), txs);
    assertThat(b.skipped()).as("skipped transactions").isEmpty();
    assertThat(SupplyAudit.check(chain.state())).isEmpty();
    return b;
  }

  /**
   * The value a call sends by default: the contribution bond with a {@code contribute}, nothing
   * with anything else.
   */
  public static Amount valueOf(Address to, byte[] data) {
    return to.equals(DatanetModule.ADDRESS) && DatanetModule.CONTRIBUTE.matches(data)
        ? BOND
        : Amount.ZERO;
  }

  /** Sends one call 2 s after the head, with {@link #valueOf} it; it must succeed. */
  public TransactionResult ok(KeyPair from, Address to, byte[] data) {
    ExecutedBlock b = block(2, List.of(tx(from, to, valueOf(to, data), data)));
    TransactionResult r = b.results().getFirst();
    assertThat(r.success()).as("call failed: %s", r.revertReason()).isTrue();
    return r;
  }

  /** The return values of a successful call of {@code f}. */
  public List<Object> okCall(KeyPair from, Address to, AbiFunction f, Object... args) {
    return f.decodeResult(ok(from, to, f.encodeCall(args)).returnData());
  }

  /**
   * A call (with {@link #valueOf} it) that must revert and change nothing but the fees; returns the
   * reason.
   */
  public String refused(KeyPair from, Address to, byte[] data) {
    return refused(from, to, valueOf(to, data), data, 2);
  }

  /** As {@link #refused(KeyPair, Address, byte[])}, with value, {@code seconds} after the head. */
  public String refused(KeyPair from, Address to, Amount value, byte[] data, long seconds) {
    BlockHeader parent = chain.head();
    ExecutedBlock b = block(seconds, List.of(tx(from, to, value, data)));
    TransactionResult r = b.results().getFirst();
    assertThat(r.success()).as("call succeeded but should revert").isFalse();
    assertOnlyFeesMoved(parent, b, from.address());
    return r.revertReason().orElseThrow();
  }

  /**
   * The state root of {@code b} (one failed transaction of {@code sender}) is the parent's state
   * with the nonce moved and the gas paid: to the treasury (base fee) and sequencer (tip).
   */
  private void assertOnlyFeesMoved(BlockHeader parent, ExecutedBlock b, Address sender) {
    Receipt r = b.receipts().getFirst();
    BlockEnvironment env = BlockEnvironment.of(b.block().header());
    WorldState expected = chain.states.open(parent.stateRoot(), parent.number());
    Amount price = r.effectiveGasPrice();
    expected.incrementNonce(sender);
    expected.debit(sender, price.multiply(r.gasUsed()));
    expected.credit(chain.genesis.treasury(), env.baseFee().multiply(r.gasUsed()));
    expected.credit(env.sequencer(), price.subtract(env.baseFee()).multiply(r.gasUsed()));
    assertThat(expected.commit().stateRoot())
        .as("the refused call changed more than the fees")
        .isEqualTo(b.block().header().stateRoot());
  }

  /** eth_call of {@code f} at the head; the values, or an AssertionError with the revert. */
  public List<Object> view(Address to, AbiFunction f, Object... args) {
    SimulationResult r = simulate(to, f.encodeCall(args));
    if (r instanceof SimulationResult.Success s) {
      return f.decodeResult(s.returnData());
    }
    throw new AssertionError("view reverted: " + r);
  }

  /** eth_call of {@code data} at the head. */
  public SimulationResult simulate(Address to, byte[] data) {
    return chain.simulator.call(chain.head().stateRoot(), chain.next(2), Call.of(null, to, data));
  }

  /** The revert reason of a view that must revert. */
  public String viewRefused(Address to, byte[] data) {
    SimulationResult r = simulate(to, data);
    assertThat(r).isInstanceOf(SimulationResult.Reverted.class);
    return ((SimulationResult.Reverted) r).reason();
  }

  // ---- values ----

  public static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  /** A deterministic 32-byte hash standing for a blob. */
  public static Hash blob(String name) {
    return Hash.keccak256(name.getBytes(StandardCharsets.UTF_8));
  }

  /** createDatanet calldata. */
  public static byte[] create(String name, int dataType, int licence) {
    return DatanetModule.CREATE_DATANET.encodeCall(
        name, "about " + name, List.of("tag-a", "tag-b"), u(dataType), u(licence), "be nice");
  }

  public static byte[] contribute(long datanetId, Hash blobHash, long size) {
    return DatanetModule.CONTRIBUTE.encodeCall(
        u(datanetId), blobHash.toArray(), u(size), blob("meta " + blobHash).toArray());
  }

  public static byte[] approve(long contributionId, int score) {
    return DatanetModule.APPROVE.encodeCall(u(contributionId), u(score));
  }

  public static byte[] publish(long datanetId, Hash root, Hash indexHash) {
    return DatanetModule.PUBLISH_VERSION.encodeCall(
        u(datanetId), root.toArray(), indexHash.toArray());
  }

  /** Creates a datanet owned by {@code owner}; returns its id. */
  public long createDatanet(KeyPair owner, String name, int licence) {
    return ((BigInteger)
            okCall(
                    owner,
                    DatanetModule.ADDRESS,
                    DatanetModule.CREATE_DATANET,
                    name,
                    "about " + name,
                    List.of("tag"),
                    u(0),
                    u(licence),
                    "rules")
                .getFirst())
        .longValue();
  }

  /** Contributes; returns the contribution id. */
  public long contributeOk(KeyPair who, long datanetId, Hash blobHash, long size) {
    return ((BigInteger)
            DatanetModule.CONTRIBUTE
                .decodeResult(
                    ok(who, DatanetModule.ADDRESS, contribute(datanetId, blobHash, size))
                        .returnData())
                .getFirst())
        .longValue();
  }

  /** The root the off-chain class computes over the accepted contributions of a datanet now. */
  public Hash offChainRoot(long datanetId) {
    StateReader s = state();
    long accepted = DatanetModule.readDatanet(s, datanetId).orElseThrow().accepted();
    List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
    for (long id : DatanetModule.acceptedContributions(s, datanetId, accepted)) {
      leaves.add(
          new ContributionsMerkle.Leaf(
              id, DatanetModule.readContribution(s, id).orElseThrow().blobHash()));
    }
    return ContributionsMerkle.root(leaves);
  }

  /** A datanet with one accepted contribution and version 1 published; returns its id. */
  public long publishedDatanet(KeyPair owner, String name, int licence) {
    long id = createDatanet(owner, name, licence);
    long c = contributeOk(owner, id, blob(name + " data"), 1_000);
    ok(owner, DatanetModule.ADDRESS, approve(c, 90));
    ok(owner, DatanetModule.ADDRESS, publish(id, offChainRoot(id), blob(name + " index")));
    return id;
  }
}
