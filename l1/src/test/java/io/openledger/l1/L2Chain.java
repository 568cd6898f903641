package io.openledger.l1;

import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.BlockExecutor;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.List;

/**
 * A real L2 chain for the settlement tests: the devnet genesis and rules, blocks made by the
 * chain's own executor and committed as the sequencer commits them, so withdrawals go through the
 * bridge module and proofs come from the same state eth_getProof reads.
 */
final class L2Chain {
  private static final long GENESIS_TIME = 1_800_000_000L;
  private static final Amount GWEI = Amount.of(1_000_000_000L);

  private final InMemoryKeyValueStore store = new InMemoryKeyValueStore();
  final StateDatabase states = new StateDatabase(store);
  final Genesis genesis = Genesis.devnet().withTimestamp(GENESIS_TIME);
  private final BlockExecutor executor = new BlockExecutor(genesis.schedule(), states);
  private ExecutedBlock head;

  L2Chain() {
    head = genesis.toState(states);
    commit(head);
  }

  static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  BlockHeader head() {
    return head.block().header();
  }

  ExecutedBlock headBlock() {
    return head;
  }

  StateReader state() {
    return states.at(head().stateRoot());
  }

  /** Executes and commits the next block (2 s after the head) with {@code txs}. */
  ExecutedBlock produce(Transaction... txs) {
    BlockEnvironment env =
        BlockEnvironment.after(
            head(),
            head().timestamp() + 2,
            genesis.gasLimit(),
            genesis.sequencer(),
            genesis.rules().feeMarket());
    ExecutedBlock b = executor.execute(head(), env, List.of(txs));
    commit(b);
    head = b;
    return b;
  }

  /** A signed call of {@code BridgeModule.withdraw(target)} sending {@code amount}. */
  Transaction withdrawal(KeyPair from, Address target, Amount amount) {
    return TransactionBuilder.eip1559(genesis.chainId())
        .nonce(state().nonce(from.address()))
        .maxPriorityFeePerGas(GWEI)
        .maxFeePerGas(head().baseFeePerGas().multiply(3).add(GWEI))
        .gasLimit(200_000)
        .to(BridgeModule.ADDRESS)
        .value(amount)
        .data(BridgeModule.WITHDRAW.encodeCall(target))
        .sign(from);
  }

  private void commit(ExecutedBlock b) {
    try (WriteBatch batch = store.newBatch()) {
      b.stateCommit().writeTo(batch);
      batch.commit();
    }
  }
}
