package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.state.StateRetention;
import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that keeps the state of the last N blocks: its state columns level off over a long run of
 * transfers while an archive's grow, reads and proofs at kept blocks work, older blocks are refused
 * with a clear error, and a restart (in either mode) keeps both promises.
 */
class LedgerPruningTest {
  static final long CHAIN = 1337;
  static final List<KeyPair> KEYS = TestChain.devKeys(4);
  static final ChainSpec SPEC = TestChain.spec(CHAIN, KEYS);
  static final InstantSource CLOCK = () -> Instant.ofEpochMilli(1_700_000_000_000L);

  @TempDir Path tmp;

  private final long[] nonces = new long[KEYS.size()];
  private int transfers;

  private static LedgerConfig config(StateRetention retention) {
    return LedgerConfig.onDemand().withSyncWrites(false).withStateRetention(retention);
  }

  /** Blocks of a few transfers each, to 64 recipients, so the state itself stays small. */
  private void run(Ledger ledger, int blocks) {
    for (int b = 0; b < blocks; b++) {
      for (int i = 0; i < KEYS.size(); i++) {
        Address to = Address.ofLowBytes(0x10000 + (transfers++ % 64));
        Amount value = Amount.of(1 + transfers);
        SubmitResult r =
            ledger
                .intake()
                .submit(TestChain.transfer(KEYS.get(i), nonces[i]++, to, value, CHAIN).encode());
        assertThat(r).isInstanceOf(SubmitResult.Accepted.class);
      }
      assertThat(ledger.produceBlock().transactionHashes()).hasSize(KEYS.size());
    }
  }

  private static long keys(Path dir, Column column) {
    try (KeyValueStore store = RocksDbKeyValueStore.open(dir);
        KeyValueCursor c = store.iterate(column, KeyRange.all())) {
      long n = 0;
      while (c.hasNext()) {
        c.next();
        n++;
      }
      return n;
    }
  }

  /** Tree nodes after each stretch of blocks, the ledger closed and reopened in between. */
  private List<Long> nodesAfterStretches(
      Path dir, StateRetention retention, int stretches, int blocks) {
    java.util.Arrays.fill(nonces, 0);
    transfers = 0;
    List<Long> nodes = new ArrayList<>();
    for (int s = 0; s < stretches; s++) {
      try (Ledger ledger = Ledger.open(dir, SPEC, config(retention), CLOCK)) {
        run(ledger, blocks);
      }
      nodes.add(keys(dir, Column.TRIE_NODES));
    }
    return nodes;
  }

  /**
   * Four stretches of {@code blocks} blocks of 4 transfers over 64 recipients, pruned and archived:
   * the archive adds a few dozen nodes a block, the pruned store holds the kept versions' nodes
   * whatever the length of the run.
   */
  private void levelsOff(int blocks, int keep) {
    List<Long> pruned =
        nodesAfterStretches(tmp.resolve("pruned"), StateRetention.keepLast(keep), 4, blocks);
    List<Long> archive =
        nodesAfterStretches(tmp.resolve("archive"), StateRetention.ARCHIVE, 4, blocks);
    System.out.printf(
        "state nodes after %s blocks: pruned (keep %d) %s, archive %s%n",
        List.of(blocks, 2 * blocks, 3 * blocks, 4 * blocks), keep, pruned, archive);
    assertThat(archive.get(3)).isGreaterThan(3 * archive.get(0));
    long last = pruned.get(3);
    assertThat(pruned.get(1)).isBetween(last * 9 / 10, last * 11 / 10);
    assertThat(pruned.get(2)).isBetween(last * 9 / 10, last * 11 / 10);
    assertThat(last).isLessThan(archive.get(3) / 4);
    // the journal holds at most one entry per kept block
    assertThat(keys(tmp.resolve("pruned"), Column.STALE_NODES)).isLessThanOrEqualTo(keep);
  }

  @Test
  void stateNodesLevelOffUnderPruningAndGrowInAnArchive() {
    levelsOff(120, 16);
  }

  /** The same over 4,000 blocks with the node's default of 128 kept states. */
  @Test
  @org.junit.jupiter.api.Tag("slow")
  void stateNodesLevelOffOverFourThousandBlocks() {
    levelsOff(1000, 128);
  }

  @Test
  void keptBlocksAnswerWithProofsAndOlderOnesAreRefusedClearly() {
    Path dir = tmp.resolve("node");
    Address alice = KEYS.get(0).address();
    try (Ledger ledger = Ledger.open(dir, SPEC, config(StateRetention.keepLast(8)), CLOCK)) {
      run(ledger, 40);
      long head = ledger.chain().headNumber();
      assertThat(head).isEqualTo(40);
      for (long b = head - 7; b <= head; b++) {
        BlockRef ref = BlockRef.number(b);
        assertThat(ledger.state().nonce(alice, ref)).hasValue(b);
        AccountProof p = ok(ledger.state().proof(alice, List.of(), ref));
        assertThat(p.nonce()).isEqualTo(b);
        byte[] encoded = new io.openledger.chain.state.Account(p.balance(), p.nonce()).encode();
        assertThat(
                SparseMerkleProof.verify(
                    p.stateRoot(),
                    StateKeys.account(alice),
                    Optional.of(encoded),
                    SparseMerkleProof.decode(p.accountProof().getFirst())))
            .isTrue();
        assertThat(ledger.state().call(simpleCall(alice), ref))
            .isInstanceOf(CallResult.Success.class);
        assertThat(ledger.state().state(ref).orElseThrow().nonce(alice)).isEqualTo(b);
      }
      for (long b : new long[] {0, 1, 20, head - 8}) {
        BlockRef ref = BlockRef.number(b);
        String message =
            "state not available: block "
                + b
                + " was pruned (this node keeps the state of the last 8 blocks, from block "
                + (head - 7)
                + "; run the node with --archive to keep all)";
        assertThatThrownBy(() -> ledger.state().balance(alice, ref))
            .isInstanceOf(StateUnavailableException.class)
            .hasMessage(message);
        assertThatThrownBy(() -> ledger.state().proof(alice, List.of(), ref)).hasMessage(message);
        assertThatThrownBy(() -> ledger.state().call(simpleCall(alice), ref)).hasMessage(message);
        assertThatThrownBy(() -> ledger.state().state(ref)).hasMessage(message);
        // blocks, receipts and logs are kept
        assertThat(ledger.chain().block(ref)).isPresent();
      }
      assertThat(ledger.state().balance(alice, BlockRef.number(head + 1)))
          .isEmpty(); // no such block
    }
    // as an archive from now on: what was pruned stays refused, everything new is kept
    try (Ledger ledger = Ledger.open(dir, SPEC, config(StateRetention.ARCHIVE), CLOCK)) {
      run(ledger, 30);
      assertThat(ledger.state().nonce(alice, BlockRef.number(33))).hasValue(33);
      assertThat(ledger.state().nonce(alice, BlockRef.number(41))).hasValue(41);
      assertThatThrownBy(() -> ledger.state().nonce(alice, BlockRef.number(32)))
          .hasMessage(
              "state not available: block 32 was pruned (this node's state starts at block 33,"
                  + " pruned before it ran as an archive)");
    }
    // and pruning again
    try (Ledger ledger = Ledger.open(dir, SPEC, config(StateRetention.keepLast(8)), CLOCK)) {
      run(ledger, 30);
      long head = ledger.chain().headNumber();
      for (long b = head - 7; b <= head; b++) {
        assertThat(ledger.state().nonce(alice, BlockRef.number(b))).hasValue(b);
      }
      assertThatThrownBy(() -> ledger.state().nonce(alice, BlockRef.number(head - 8)))
          .isInstanceOf(StateUnavailableException.class);
    }
    assertThat(ChainAudit.run(dir, SPEC).problems()).isEmpty();
  }

  private static <T> T ok(QueryResult<T> r) {
    assertThat(r).isInstanceOf(QueryResult.Ok.class);
    return ((QueryResult.Ok<T>) r).value();
  }

  private static CallRequest simpleCall(Address from) {
    return new CallRequest(
        from, Address.ofLowBytes(0xb0b), null, null, null, null, Amount.of(1), new byte[0]);
  }
}
