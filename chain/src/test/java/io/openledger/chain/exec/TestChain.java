package io.openledger.chain.exec;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.List;

/**
 * A chain for tests: the devnet genesis on a real store, blocks made by the real executor and
 * committed in one batch each, as the ledger does.
 */
public final class TestChain {
  /** Genesis time of test chains: 2027-01-15T08:00:00Z. */
  public static final long GENESIS_TIME = 1_800_000_000L;

  public static final Amount GWEI = Amount.of(1_000_000_000L);

  public final KeyValueStore store;
  public final StateDatabase states;
  public final Genesis genesis;
  public final BlockExecutor executor;
  public final Simulator simulator;
  private final java.util.List<ExecutedBlock> produced = new java.util.ArrayList<>();
  private ExecutedBlock head;

  public TestChain(KeyValueStore store, Genesis genesis) {
    this(store, genesis, genesis.schedule());
  }

  /**
   * A chain whose rules are {@code schedule} (e.g. with a record verifier) over {@code genesis}.
   */
  public TestChain(KeyValueStore store, Genesis genesis, ProtocolSchedule schedule) {
    this.store = store;
    this.states = new StateDatabase(store);
    this.genesis = genesis;
    this.executor = new BlockExecutor(schedule, states);
    this.simulator = new Simulator(schedule, states);
    ExecutedBlock g = genesis.toState(states);
    commit(g);
    this.head = g;
  }

  /** The devnet genesis at {@link #GENESIS_TIME}, in memory. */
  public static TestChain devnet() {
    return new TestChain(new InMemoryKeyValueStore(), Genesis.devnet().withTimestamp(GENESIS_TIME));
  }

  public BlockHeader head() {
    return head.block().header();
  }

  public ExecutedBlock headBlock() {
    return head;
  }

  public StateReader state() {
    return states.at(head().stateRoot());
  }

  /** The environment of the next block, {@code seconds} after the head. */
  public BlockEnvironment next(long seconds) {
    return BlockEnvironment.after(
        head(),
        head().timestamp() + seconds,
        genesis.gasLimit(),
        genesis.sequencer(),
        genesis.rules().feeMarket());
  }

  /** Executes and commits the next block, 2 s after the head. */
  public ExecutedBlock produce(List<Transaction> candidates) {
    return produce(next(2), candidates);
  }

  public ExecutedBlock produce(BlockEnvironment env, List<Transaction> candidates) {
    ExecutedBlock b = executor.execute(head(), env, candidates);
    commit(b);
    head = b;
    produced.add(b);
    return b;
  }

  /** Every block produced after genesis, in order (for a follower to replay). */
  public List<ExecutedBlock> produced() {
    return List.copyOf(produced);
  }

  /**
   * Replays a block another chain produced on this chain's head, as a follower does, and commits it
   * when it reproduces the header.
   */
  public ReplayResult follow(io.openledger.chain.block.Block block) {
    ReplayResult r = executor.replay(head(), block);
    if (r instanceof ReplayResult.Match(ExecutedBlock e)) {
      commit(e);
      head = e;
    }
    return r;
  }

  private void commit(ExecutedBlock b) {
    try (WriteBatch batch = store.newBatch()) {
      b.stateCommit().writeTo(batch);
      batch.commit();
    }
  }

  public static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  public long chainId() {
    return genesis.chainId();
  }

  /** A signed EIP-1559 transfer paying at most 2x the head's next base fee plus a 1 gwei tip. */
  public Transaction transfer(KeyPair from, Address to, Amount value, long nonce) {
    return call(from, to, value, new byte[0], 21_000, nonce);
  }

  public Transaction call(
      KeyPair from, Address to, Amount value, byte[] data, long gasLimit, long nonce) {
    return TransactionBuilder.eip1559(chainId())
        .nonce(nonce)
        .maxPriorityFeePerGas(GWEI)
        .maxFeePerGas(next(2).baseFee().multiply(2).add(GWEI))
        .gasLimit(gasLimit)
        .to(to)
        .value(value)
        .data(data)
        .sign(from);
  }
}
