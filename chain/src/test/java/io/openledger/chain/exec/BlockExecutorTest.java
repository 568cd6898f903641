package io.openledger.chain.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockExecutorTest {
  private static final Address BOB = Address.fromHex("0x00000000000000000000000000000000000b0b00");

  @Test
  void transferPaysBaseFeeToTreasuryAndTipToSequencer() {
    TestChain chain = TestChain.devnet();
    KeyPair alice = TestChain.dev(0);
    StateReader before = chain.state();
    Transaction tx = chain.transfer(alice, BOB, Amount.open(5), 0);
    ExecutedBlock b = chain.produce(List.of(tx));

    assertThat(b.skipped()).isEmpty();
    assertThat(b.block().transactions()).containsExactly(tx);
    var receipt = b.receipts().getFirst();
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.gasUsed()).isEqualTo(21_000);
    assertThat(receipt.cumulativeGasUsed()).isEqualTo(21_000);
    Amount baseFee = b.block().header().baseFeePerGas();
    assertThat(baseFee).isEqualTo(chain.genesis.initialBaseFee());
    assertThat(receipt.effectiveGasPrice()).isEqualTo(baseFee.add(TestChain.GWEI));

    StateReader after = chain.state();
    Amount fee = receipt.effectiveGasPrice().multiply(21_000);
    assertThat(after.balance(alice.address()))
        .isEqualTo(before.balance(alice.address()).subtract(Amount.open(5)).subtract(fee));
    assertThat(after.nonce(alice.address())).isEqualTo(1);
    assertThat(after.balance(BOB)).isEqualTo(Amount.open(5));
    Address treasury = chain.genesis.treasury();
    assertThat(after.balance(treasury).subtract(before.balance(treasury)))
        .isEqualTo(baseFee.multiply(21_000));
    Address sequencer = chain.genesis.sequencer();
    assertThat(after.balance(sequencer).subtract(before.balance(sequencer)))
        .isEqualTo(TestChain.GWEI.multiply(21_000));
    assertThat(SupplyAudit.check(after)).isEmpty();
    assertThat(b.block().header().gasUsed()).isEqualTo(21_000);
    assertThat(b.block().header().transactionsRoot())
        .isEqualTo(Block.transactionsRoot(List.of(tx)));
  }

  @Test
  void invalidCandidatesAreSkippedWithTheirReasonAndTheRestExecute() {
    TestChain chain = TestChain.devnet();
    KeyPair alice = TestChain.dev(0);
    KeyPair carol = TestChain.dev(2);
    Transaction ok0 = chain.transfer(alice, BOB, Amount.open(1), 0);
    Transaction replay = chain.transfer(alice, BOB, Amount.open(1), 0);
    Transaction gap = chain.transfer(carol, BOB, Amount.open(1), 3);
    Transaction tooMuch = chain.transfer(carol, BOB, Amount.open(200_000), 0);
    Transaction ok1 = chain.transfer(alice, BOB, Amount.open(1), 1);
    ExecutedBlock b = chain.produce(List.of(ok0, replay, gap, tooMuch, ok1));

    assertThat(b.block().transactions()).containsExactly(ok0, ok1);
    assertThat(b.skipped())
        .extracting(s -> s.reason().reason())
        .containsExactly(
            InvalidReason.NONCE_TOO_LOW,
            InvalidReason.NONCE_TOO_HIGH,
            InvalidReason.INSUFFICIENT_FUNDS);
    assertThat(b.skipped().get(0).retryable()).isFalse();
    assertThat(b.skipped().get(1).retryable()).isTrue();
    assertThat(b.receipts().get(1).cumulativeGasUsed()).isEqualTo(42_000);
  }

  @Test
  void blockStopsAtItsGasLimitAndReportsTheRestAsRetryable() {
    TestChain chain = TestChain.devnet();
    KeyPair alice = TestChain.dev(0);
    List<Transaction> txs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      txs.add(chain.transfer(alice, BOB, Amount.of(1), i));
    }
    BlockEnvironment small = chain.next(2);
    small =
        new BlockEnvironment(
            small.parentHash(),
            small.number(),
            small.timestamp(),
            small.baseFee(),
            3 * 21_000 + 20_999,
            small.sequencer());
    ExecutedBlock b = chain.produce(small, txs);
    assertThat(b.block().transactions()).containsExactlyElementsOf(txs.subList(0, 3));
    assertThat(b.skipped()).hasSize(2);
    assertThat(b.skipped()).allMatch(SkippedTransaction::retryable);
    assertThat(b.skipped()).allMatch(s -> s.reason().message().equals("gas limit reached"));
    assertThat(b.gasUsed()).isEqualTo(63_000);
  }

  @Test
  void replayReproducesTheStateRootAndDetectsTampering() {
    TestChain chain = TestChain.devnet();
    List<BlockHeader> parents = new ArrayList<>();
    List<Block> blocks = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      List<Transaction> txs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        txs.add(
            chain.transfer(
                TestChain.dev(i),
                DevAccounts.ALL.get(i + 4).address(),
                Amount.of(n * 10 + i + 1),
                n));
      }
      parents.add(chain.head());
      blocks.add(chain.produce(txs).block());
    }
    for (int n = 0; n < blocks.size(); n++) {
      ReplayResult r = chain.executor.replay(parents.get(n), blocks.get(n));
      assertThat(r.matches()).as("block %d", n + 1).isTrue();
      assertThat(((ReplayResult.Match) r).executed().block().header())
          .isEqualTo(blocks.get(n).header());
    }
    BlockHeader h = blocks.get(2).header();
    BlockHeader forged =
        new BlockHeader(
            h.parentHash(),
            h.number(),
            h.timestamp(),
            Hash.keccak256(new byte[] {1}),
            h.transactionsRoot(),
            h.receiptsRoot(),
            h.logsBloom(),
            h.gasUsed(),
            h.gasLimit(),
            h.baseFeePerGas(),
            h.sequencer(),
            h.extraData());
    ReplayResult bad =
        chain.executor.replay(parents.get(2), new Block(forged, blocks.get(2).transactions()));
    assertThat(bad).isInstanceOf(ReplayResult.Mismatch.class);
    assertThat(((ReplayResult.Mismatch) bad).message()).startsWith("block 3: state root ");
    ReplayResult dropped =
        chain.executor.replay(
            parents.get(2), new Block(h, blocks.get(2).transactions().subList(1, 4)));
    assertThat(((ReplayResult.Mismatch) dropped).message())
        .startsWith("block 3: gas used 63000 != header 84000");
  }

  @Test
  void baseFeeFollowsEip1559AcrossBlocks() {
    TestChain chain = TestChain.devnet();
    chain.produce(List.of());
    BlockHeader one = chain.head();
    assertThat(one.baseFeePerGas()).isEqualTo(chain.genesis.initialBaseFee());
    chain.produce(List.of());
    // empty parent: down by 1/8
    assertThat(chain.head().baseFeePerGas())
        .isEqualTo(
            chain.genesis.initialBaseFee().subtract(chain.genesis.initialBaseFee().divide(8)));
  }
}
