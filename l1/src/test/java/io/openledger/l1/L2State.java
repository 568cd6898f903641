package io.openledger.l1;

import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.store.Durability;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The L2's state, built with the chain's own state code (WorldState over the stored sparse Merkle
 * tree, the one eth_getProof proves from), standing in for the L2 bridge module until it exists: a
 * withdrawal burns the sender's OPEN and records the withdrawal in the bridge module's storage with
 * the layout of docs/settlement.md.
 */
final class L2State {
  /** The L2 bridge module's address (docs/settlement.md). */
  static final Address BRIDGE = Address.fromHex("0x0000000000000000000000000000000000001010");

  static final byte[] NONCE_SLOT = "withdrawalNonce".getBytes(StandardCharsets.US_ASCII);
  static final byte[] WITHDRAWALS_ROOT_SLOT = "withdrawalsRoot".getBytes(StandardCharsets.US_ASCII);

  private final InMemoryKeyValueStore store = new InMemoryKeyValueStore();
  private final StateDatabase db = new StateDatabase(store);
  private Hash root = Hash.ZERO;
  private long blockNumber = -1;
  private BigInteger nextNonce = BigInteger.ZERO;
  private Hash withdrawalsRoot = Hash.ZERO;

  /** Executes one "block" of state changes and commits it like the block producer does. */
  void block(Consumer<WorldState> changes) {
    WorldState state = db.open(root, blockNumber);
    changes.accept(state);
    StateCommit commit = state.commit();
    try (WriteBatch batch = store.newBatch()) {
      commit.writeTo(batch);
      batch.commit(Durability.SYNC);
    }
    root = commit.stateRoot();
    blockNumber++;
  }

  /** One block in which {@code sender} withdraws {@code amount} to {@code target} on L1. */
  Withdrawal withdraw(Address sender, Address target, Amount amount) {
    Withdrawal w = new Withdrawal(nextNonce, sender, target, amount);
    nextNonce = nextNonce.add(BigInteger.ONE);
    withdrawalsRoot = w.chain(withdrawalsRoot);
    Hash chained = withdrawalsRoot;
    block(
        s -> {
          s.burn(sender, amount);
          s.putStorage(BRIDGE, w.slot(), Withdrawal.RECORD_VALUE);
          s.putStorage(BRIDGE, NONCE_SLOT, word(nextNonce));
          s.putStorage(BRIDGE, WITHDRAWALS_ROOT_SLOT, chained.toArray());
        });
    return w;
  }

  /** The output root preimage of the latest block (its hash: a stand-in, opaque to L1). */
  OutputRoot output() {
    Hash blockHash = Hash.keccak256(root.toArray(), word(BigInteger.valueOf(blockNumber)));
    return new OutputRoot(root, withdrawalsRoot, blockHash);
  }

  long blockNumber() {
    return blockNumber;
  }

  Hash root() {
    return root;
  }

  /** eth_getProof's proof bytes for a withdrawal's slot at the latest block. */
  byte[] proof(Withdrawal w) {
    return db.storageProof(root, BRIDGE, w.slot()).encode();
  }

  Amount balance(Address a) {
    return db.at(root).account(a).balance();
  }

  /** OPEN in L2 accounts (the supply counter of balances; genesis here allocates no vesting). */
  Amount circulating() {
    return db.at(root).supply().balances();
  }

  private static byte[] word(BigInteger v) {
    byte[] out = new byte[32];
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, 32 - len, len);
    return out;
  }
}
