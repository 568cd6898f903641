package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.state.StateRetention;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production loop builds block n+1 on block n's staged state while n is being committed. Many
 * small blocks of long nonce chains from a few senders make every block depend on the one before
 * it: each transaction must be mined exactly once, in nonce order, the blocks must chain, and the
 * stored chain must replay from genesis to the same roots, with and without state pruning.
 */
class PipelinedSequencerTest {
  static final long CHAIN = 1337;
  static final List<KeyPair> KEYS = TestChain.devKeys(4);
  static final ChainSpec SPEC = TestChain.spec(CHAIN, KEYS);

  @TempDir Path dir;

  @Test
  void nonceChainsSpreadOverManyBlocksAreMinedOnceInOrder() throws Exception {
    mineChains(LedgerConfig.DEFAULT.withStateRetention(StateRetention.ARCHIVE));
  }

  @Test
  void aPruningNodeBuildsOnStagedStateToo() throws Exception {
    mineChains(LedgerConfig.DEFAULT.withStateRetention(StateRetention.keepLast(2)));
  }

  private void mineChains(LedgerConfig base) throws Exception {
    LedgerConfig config =
        base.withSequencer(
            new SequencerConfig(Duration.ofMillis(50), SequencerConfig.Production.WHEN_PENDING, 7));
    int perSender = 60;
    Map<Hash, KeyPair> senderOf = new HashMap<>();
    Map<Hash, Long> nonceOf = new HashMap<>();
    Address sink = Address.ofLowBytes(0x51);
    try (Ledger ledger = Ledger.open(dir, SPEC, config, InstantSource.system())) {
      List<byte[]> raw = new ArrayList<>();
      for (int n = 0; n < perSender; n++) {
        for (KeyPair k : KEYS) {
          var tx = TestChain.transfer(k, n, sink, Amount.of(1_000 + n), CHAIN);
          raw.add(tx.encode());
          senderOf.put(tx.hash(), k);
          nonceOf.put(tx.hash(), (long) n);
        }
      }
      for (SubmitResult r : ledger.intake().submitAll(raw)) {
        assertThat(r).isInstanceOf(SubmitResult.Accepted.class);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (ledger.intake().poolStatus().pending() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(0, 0));

      // every transaction once, successful, and each sender's nonces in block order
      Map<KeyPair, Long> lastBlock = new HashMap<>();
      Map<KeyPair, Long> lastNonce = new HashMap<>();
      List<Hash> inOrder = new ArrayList<>();
      Hash parent = ledger.chain().block(BlockRef.number(0)).orElseThrow().hash();
      long head = ledger.chain().headNumber();
      assertThat(head).isGreaterThanOrEqualTo(KEYS.size() * perSender / 7);
      for (long b = 1; b <= head; b++) {
        BlockView block = ledger.chain().block(BlockRef.number(b)).orElseThrow();
        assertThat(block.parentHash()).as("parent of block %d", b).isEqualTo(parent);
        assertThat(block.transactionHashes()).hasSizeLessThanOrEqualTo(7);
        for (Hash h : block.transactionHashes()) {
          KeyPair k = senderOf.get(h);
          long nonce = nonceOf.get(h);
          assertThat(nonce).isEqualTo(lastNonce.getOrDefault(k, -1L) + 1);
          assertThat(b).isGreaterThanOrEqualTo(lastBlock.getOrDefault(k, 0L));
          lastNonce.put(k, nonce);
          lastBlock.put(k, b);
          assertThat(ledger.chain().receipt(h).orElseThrow().success()).isTrue();
          inOrder.add(h);
        }
        parent = block.hash();
      }
      assertThat(inOrder).hasSize(KEYS.size() * perSender).doesNotHaveDuplicates();
      for (KeyPair k : KEYS) {
        assertThat(ledger.state().nonce(k.address(), BlockRef.LATEST)).hasValue(perSender);
      }
    }
    ChainAudit.Report report = ChainAudit.run(dir, SPEC);
    assertThat(report.problems()).isEmpty();
    assertThat(report.transactions()).isEqualTo((long) KEYS.size() * perSender);
  }
}
