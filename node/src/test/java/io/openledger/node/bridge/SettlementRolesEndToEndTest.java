package io.openledger.node.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.l1.Anvil;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The proposer and the batcher of a node against a real anvil: outputs of every N-th L2 block and
 * batches of every L2 block reach L1 in order, across restarts of the roles and of the node, with
 * no gap and nothing twice, and what L1 holds is exactly the node's chain.
 */
class SettlementRolesEndToEndTest {
  private static final long INTERVAL = 3;

  @TempDir Path dir;
  private Anvil anvil;
  private L1Deployment l1;
  private Ledger ledger;
  private final SplittableRandom random = new SplittableRandom(42);

  @BeforeEach
  void start() {
    anvil = Anvil.start(Path.of(System.getProperty("l1.nodeModules", "../l1/node_modules")));
    L1Sender deployer = sender(0);
    l1 =
        L1Deployment.deploy(
            deployer,
            new L1Deployment.Config(
                Address.fromHex(sender(1).address()),
                Address.fromHex(deployer.address()),
                Address.fromHex(sender(2).address()),
                3600,
                BridgeModule.ADDRESS));
    ledger = open(dir);
  }

  @AfterEach
  void stop() {
    ledger.close();
    anvil.close();
  }

  private static Ledger open(Path d) {
    return Ledger.open(d, Genesis.devnet(), LedgerConfig.onDemand().withSyncWrites(false));
  }

  private L1Sender sender(int i) {
    return new L1Sender(
        anvil.web3j(), Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  private OutputProposer proposer() {
    return new OutputProposer(
        ledger.chain(),
        ledger.state(),
        sender(1),
        new PostedOutputs(anvil.web3j(), l1.oracle()),
        INTERVAL);
  }

  private L1Batcher batcher(int minBlocks) {
    return new L1Batcher(
        ledger.chain(),
        sender(2),
        l1.inbox(),
        new PostedBatches(anvil.web3j(), l1.inbox(), 0),
        minBlocks,
        L1Batcher.DEFAULT_MAX_FRAME_BYTES);
  }

  private L1Batcher batcher(int maxFrameBytes, int confirmations) {
    return new L1Batcher(
        ledger.chain(),
        sender(2),
        l1.inbox(),
        new PostedBatches(anvil.web3j(), l1.inbox(), 0),
        1,
        maxFrameBytes,
        confirmations);
  }

  /** A block of {@code count} transfers from six dev accounts to fresh addresses. */
  private BlockView produceBlockOf(int count) {
    List<KeyPair> senders = List.of(dev(0), dev(3), dev(4), dev(5), dev(6), dev(7));
    for (int i = 0; i < count; i++) {
      KeyPair from = senders.get(i % senders.size());
      long nonce = ledger.state().nonce(from.address(), BlockRef.PENDING).orElseThrow();
      submit(transfer(from, nonce, randomAddress(), Amount.of(1 + random.nextInt(1_000_000))));
    }
    BlockView b = ledger.produceBlock();
    assertThat(b.transactions()).hasSize(count);
    return b;
  }

  /** The parts the batcher cuts L2 block {@code n} into at {@code maxFrameBytes}. */
  private List<byte[]> partsOf(long n, int maxFrameBytes) {
    return new BatchFrame(List.of(L1Batcher.batchBlock(ledger.chain(), n)))
        .encodeParts(maxFrameBytes);
  }

  /** Posts one frame with the batcher's key, as a batcher that stopped after it would have. */
  private void postRaw(byte[] frame) {
    sender(2).send(l1.inbox(), "0x" + HexFormat.of().formatHex(frame));
  }

  private static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  private Transaction transfer(KeyPair from, long nonce, Address to, Amount value) {
    return TransactionBuilder.eip1559(ledger.chain().chainId())
        .nonce(nonce)
        .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
        .maxFeePerGas(ledger.fees().nextBaseFee().multiply(2).add(Amount.of(1_000_000_000L)))
        .gasLimit(21_000)
        .to(to)
        .value(value)
        .sign(from);
  }

  private Address randomAddress() {
    byte[] a = new byte[20];
    random.nextBytes(a);
    return Address.wrap(a);
  }

  /** A block with a few transfers and, now and then, a withdrawal (so the roots move). */
  private BlockView produceBusyBlock() {
    KeyPair alice = dev(0);
    long nonce = ledger.state().nonce(alice.address(), BlockRef.LATEST).orElseThrow();
    int n = random.nextInt(0, 4);
    for (int i = 0; i < n; i++) {
      submit(transfer(alice, nonce++, randomAddress(), Amount.of(1 + random.nextInt(1000))));
    }
    if (random.nextInt(3) == 0) {
      submit(
          TransactionBuilder.eip1559(ledger.chain().chainId())
              .nonce(nonce)
              .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
              .maxFeePerGas(ledger.fees().nextBaseFee().multiply(2).add(Amount.of(1_000_000_000L)))
              .gasLimit(200_000)
              .to(BridgeModule.ADDRESS)
              .value(Amount.open(1))
              .data(BridgeModule.WITHDRAW.encodeCall(randomAddress()))
              .sign(alice));
    }
    return ledger.produceBlock();
  }

  private void submit(Transaction tx) {
    assertThat(ledger.intake().submit(tx.encode())).isInstanceOf(SubmitResult.Accepted.class);
  }

  @Test
  void outputsOfEveryNthBlockAcrossRestartsWithoutGapOrDuplicate() throws Exception {
    for (int i = 0; i < 7; i++) {
      produceBusyBlock();
    }
    OutputProposer p = proposer();
    assertThat(p.nextBlock()).isEqualTo(3);
    assertThat(p.proposeDue())
        .extracting(PostedOutputs.Output::l2BlockNumber)
        .containsExactly(3L, 6L);
    assertThat(p.proposeDue()).as("nothing new is due").isEmpty();

    // the proposer runs on its own thread while blocks are made, and is stopped mid-way
    OutputProposer running = proposer().start(Duration.ofMillis(20));
    for (int i = 0; i < 8; i++) {
      produceBusyBlock();
      Thread.sleep(random.nextInt(0, 40));
    }
    running.close();

    // the node restarts; a fresh proposer resumes from the oracle
    ledger.close();
    ledger = open(dir);
    for (int i = 0; i < 6; i++) {
      produceBusyBlock();
    }
    OutputProposer resumed = proposer();
    resumed.proposeDue();
    long head = ledger.chain().headNumber();
    assertThat(head).isEqualTo(21);

    PostedOutputs oracle = new PostedOutputs(anvil.web3j(), l1.oracle());
    long count = oracle.nextOutputIndex();
    assertThat(count).isEqualTo(head / INTERVAL);
    for (long i = 0; i < count; i++) {
      PostedOutputs.Output o = oracle.get(i);
      assertThat(o.l2BlockNumber()).as("output %d", i).isEqualTo((i + 1) * INTERVAL);
      assertThat(o.outputRoot())
          .as("output of block %d", o.l2BlockNumber())
          .isEqualTo(
              OutputProposer.outputAt(ledger.chain(), ledger.state(), o.l2BlockNumber()).hash());
    }
    assertThat(BridgeModule.withdrawalNonce(ledger.state().state(BlockRef.LATEST).orElseThrow()))
        .as("withdrawals moved the roots")
        .isPositive();
  }

  @Test
  void aProposerOnAnotherChainRefusesToPost() {
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    proposer().proposeDue();
    // another node, other transactions: its block 3 is not the one posted
    try (Ledger other = open(dir.resolve("other"))) {
      for (int i = 0; i < 6; i++) {
        other.produceBlock();
      }
      OutputProposer wrong =
          new OutputProposer(
              other.chain(),
              other.state(),
              sender(1),
              new PostedOutputs(anvil.web3j(), l1.oracle()),
              INTERVAL);
      assertThatThrownBy(wrong::proposeDue)
          .hasMessageContaining("for L2 block 3 is")
          .hasMessageContaining("not proposing on another chain's outputs");
    }
    assertThat(new PostedOutputs(anvil.web3j(), l1.oracle()).nextOutputIndex()).isEqualTo(1);
  }

  @Test
  void batchesHoldEveryBlockOnceAcrossRestarts() throws Exception {
    for (int i = 0; i < 5; i++) {
      produceBusyBlock();
    }
    L1Batcher b = batcher(2);
    assertThat(b.nextBlock()).isEqualTo(1);
    assertThat(b.postDue()).hasSize(1);
    assertThat(b.nextBlock()).isEqualTo(6);
    produceBusyBlock();
    assertThat(b.postDue()).as("one block waiting, two needed").isEmpty();

    // the batcher runs on its own thread while blocks are made, and is stopped mid-way
    L1Batcher running = batcher(1).start(Duration.ofMillis(20));
    for (int i = 0; i < 8; i++) {
      produceBusyBlock();
      Thread.sleep(random.nextInt(0, 40));
    }
    running.close();

    // the node restarts; a fresh batcher resumes from what the inbox holds
    ledger.close();
    ledger = open(dir);
    for (int i = 0; i < 4; i++) {
      produceBusyBlock();
    }
    L1Batcher resumed = batcher(1);
    resumed.postDue();
    assertThat(resumed.nextBlock()).isEqualTo(ledger.chain().headNumber() + 1);

    assertTheInboxHoldsTheChain();
  }

  /** What L1 holds, read as the follower reads it, is every L2 block once, in order, as made. */
  private void assertTheInboxHoldsTheChain() {
    List<BatchFrame.Block> derived =
        InboxBlocks.of(new PostedBatches(anvil.web3j(), l1.inbox(), 0));
    assertThat(derived)
        .extracting(BatchFrame.Block::number)
        .as("every block once, in order")
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, ledger.chain().headNumber())
                .boxed()
                .toList());
    for (BatchFrame.Block d : derived) {
      BlockView block = ledger.chain().block(BlockRef.number(d.number())).orElseThrow();
      assertThat(d.timestamp()).isEqualTo(block.timestamp());
      assertThat(
              d.transactions().stream()
                  .map(t -> TransactionDecoder.decodeStored(t).hash())
                  .toList())
          .as("transactions of block %d", d.number())
          .isEqualTo(block.transactionHashes());
      assertThat(d.transactions().stream().map(HexFormat.of()::formatHex).toList())
          .isEqualTo(
              block.transactionHashes().stream()
                  .map(
                      h -> HexFormat.of().formatHex(ledger.chain().rawTransaction(h).orElseThrow()))
                  .toList());
    }
  }

  /**
   * A real L1 reorganisation (anvil's evm_snapshot / evm_revert drops the newest blocks): the
   * batcher counts a frame only once it has its confirmations, notices its frame is gone and posts
   * the same blocks again; the inbox holds every block once.
   */
  @Test
  void aFrameReorganisedAwayIsPostedAgainAndOnlyConfirmedFramesCount() {
    L1Batcher b =
        new L1Batcher(
            ledger.chain(),
            sender(2),
            l1.inbox(),
            new PostedBatches(anvil.web3j(), l1.inbox(), 0),
            1,
            L1Batcher.DEFAULT_MAX_FRAME_BYTES,
            2);
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    assertThat(b.postDue()).hasSize(1);
    assertThat(b.postedThrough()).as("blocks 1..3 are on L1, not yet confirmed").isZero();
    Object snapshot = anvil.rpc("evm_snapshot", List.of());
    produceBusyBlock();
    produceBusyBlock();
    assertThat(b.postDue()).extracting(f -> f.frame().firstBlock()).containsExactly(4L);
    assertThat(anvil.rpc("evm_revert", List.of(snapshot))).isEqualTo(true);

    // the frame of blocks 4..5 is gone: posted again, and nothing else
    assertThat(b.postDue())
        .extracting(f -> f.frame().firstBlock() + ".." + f.frame().lastBlock())
        .containsExactly("4..5");
    anvil.rpc("anvil_mine", List.of(2));
    assertThat(b.postDue()).isEmpty();
    assertThat(b.postedThrough()).as("two blocks on top of 4..5's").isEqualTo(5);
    assertThat(b.deepReorgs()).isZero();

    List<Long> derived = new ArrayList<>();
    for (PostedBatches.Posted p : new PostedBatches(anvil.web3j(), l1.inbox(), 0).all()) {
      p.frame().blocks().forEach(block -> derived.add(block.number()));
    }
    assertThat(derived).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void withTheBatcherTheProposerPostsOnlyBlocksWhoseBatchIsOnL1() {
    L1Batcher b = batcher(5);
    OutputProposer p =
        new OutputProposer(
            ledger.chain(),
            ledger.state(),
            sender(1),
            new PostedOutputs(anvil.web3j(), l1.oracle()),
            INTERVAL,
            b::postedThrough);
    for (int i = 0; i < 4; i++) {
      produceBusyBlock();
    }
    assertThat(b.postDue()).as("4 blocks wait, 5 needed").isEmpty();
    assertThat(p.proposeDue()).as("block 3 is not on L1 yet").isEmpty();
    produceBusyBlock();
    assertThat(b.postDue()).hasSize(1);
    assertThat(p.proposeDue()).extracting(PostedOutputs.Output::l2BlockNumber).containsExactly(3L);
  }

  /**
   * Bytes and L1 gas per simple L2 transfer, for docs/BENCHMARKS.md: 600 transfers from 6 senders
   * to fresh addresses in 6 blocks, posted as one frame. Printed, not asserted.
   */
  @Test
  void recordsTheL1CostOfTransfers() {
    int perBlock = 100;
    int blocks = 6;
    List<KeyPair> senders = List.of(dev(0), dev(2), dev(3), dev(4), dev(5), dev(6));
    long[] nonces = new long[senders.size()];
    for (int s = 0; s < senders.size(); s++) {
      nonces[s] = ledger.state().nonce(senders.get(s).address(), BlockRef.LATEST).orElseThrow();
    }
    for (int b = 0; b < blocks; b++) {
      for (int i = 0; i < perBlock; i++) {
        int s = i % senders.size();
        submit(
            transfer(
                senders.get(s),
                nonces[s]++,
                randomAddress(),
                Amount.of(1_000_000_000_000L * (1 + random.nextInt(1_000_000)))));
      }
      assertThat(ledger.produceBlock().transactions()).hasSize(perBlock);
    }
    List<L1Batcher.PostedFrame> frames = batcher(blocks).postDue();
    assertThat(frames).hasSize(1);
    int transfers = perBlock * blocks;
    long raw = 0;
    for (long n = 1; n <= blocks; n++) {
      for (byte[] t : L1Batcher.batchBlock(ledger.chain(), n).transactions()) {
        raw += t.length;
      }
    }
    long bytes = frames.getFirst().bytes();
    long gas = frames.getFirst().receipt().getGasUsed().longValueExact();
    System.out.printf(
        "L1 cost of %d L2 transfers in one frame: %d bytes of signed transactions, %d bytes"
            + " posted (%.1f per transfer, zlib ratio %.2f), %d L1 gas (%.0f per transfer)%n",
        transfers,
        raw,
        bytes,
        (double) bytes / transfers,
        (double) raw / bytes,
        gas,
        (double) gas / transfers);
    assertThat(bytes).isLessThan(raw);
  }

  /**
   * A block larger than a frame goes in parts; a batcher that stopped after some parts is continued
   * by the next (the same parts), and one that stopped after a set under another frame limit is
   * superseded by a new set from part 0. L1 holds every block once.
   */
  @Test
  void aBlockLargerThanAFrameIsPostedInPartsAndContinuedAfterACrash() {
    int limit = 2_000;
    produceBusyBlock();
    BlockView big = produceBlockOf(60);
    produceBusyBlock();
    List<L1Batcher.PostedFrame> frames = batcher(limit, 0).postDue();
    int parts = partsOf(big.number(), limit).size();
    assertThat(parts).isGreaterThan(2);
    assertThat(frames)
        .extracting(f -> f.frame().firstBlock() + "." + f.part() + "/" + f.parts())
        .as("block 1 whole, block 2 in %d parts, block 3 whole", parts)
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.concat(
                        java.util.stream.Stream.of("1.0/1"),
                        java.util.stream.IntStream.range(0, parts)
                            .mapToObj(k -> "2." + k + "/" + parts)),
                    java.util.stream.Stream.of("3.0/1"))
                .toList());
    assertThat(frames).allSatisfy(f -> assertThat(f.bytes()).isLessThanOrEqualTo(limit));

    // a batcher posted parts 0 and 1 of the next block, then stopped: the next one continues
    BlockView big2 = produceBlockOf(60);
    List<byte[]> set = partsOf(big2.number(), limit);
    postRaw(set.get(0));
    postRaw(set.get(1));
    L1Batcher resumed = batcher(limit, 0);
    assertThat(resumed.postDue())
        .extracting(L1Batcher.PostedFrame::part)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(2, set.size()).boxed().toList());
    assertThat(resumed.postedThrough()).isEqualTo(big2.number());

    // one that stopped after part 0 of a set under another limit: the block goes again, whole set
    BlockView big3 = produceBlockOf(60);
    postRaw(partsOf(big3.number(), 3_000).get(0));
    L1Batcher again = batcher(limit, 0);
    assertThat(again.postDue())
        .extracting(L1Batcher.PostedFrame::part)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, partsOf(big3.number(), limit).size())
                .boxed()
                .toList());
    assertThat(again.postedThrough()).isEqualTo(big3.number());
    assertThat(again.postDue()).isEmpty();
    assertTheInboxHoldsTheChain();
  }

  /**
   * A real L1 reorganisation that takes the later parts of a block's set: the batcher counts the
   * block only once its last part has the confirmations, notices the parts are gone and posts them
   * again (continuing the set whose first part L1 kept).
   */
  @Test
  void partsReorganisedAwayArePostedAgain() {
    int limit = 2_000;
    BlockView big = produceBlockOf(60);
    List<byte[]> set = partsOf(big.number(), limit);
    postRaw(set.get(0));
    L1Batcher b = batcher(limit, 2);
    Object snapshot = anvil.rpc("evm_snapshot", List.of());
    List<Integer> rest = java.util.stream.IntStream.range(1, set.size()).boxed().toList();
    assertThat(b.postDue()).extracting(L1Batcher.PostedFrame::part).containsExactlyElementsOf(rest);
    assertThat(b.postedThrough()).as("the last part is not confirmed yet").isZero();
    assertThat(anvil.rpc("evm_revert", List.of(snapshot))).isEqualTo(true);

    assertThat(b.postDue()).extracting(L1Batcher.PostedFrame::part).containsExactlyElementsOf(rest);
    anvil.rpc("anvil_mine", List.of(2));
    assertThat(b.postDue()).isEmpty();
    assertThat(b.postedThrough()).isEqualTo(big.number());
    assertThat(b.deepReorgs()).isZero();
    assertTheInboxHoldsTheChain();
  }

  /**
   * A batch transaction that passed its estimate but reverted when mined (here: the inbox's code
   * replaced in between) is forgotten, with an error, and its blocks are posted again.
   */
  @Test
  void aBatchThatRevertsOnL1IsPostedAgain() throws Exception {
    produceBusyBlock();
    produceBusyBlock();
    Object code = anvil.rpc("eth_getCode", List.of(l1.inbox(), "latest"));
    anvil.rpc("evm_setAutomine", List.of(false));
    L1Batcher b = batcher(1);
    var posting = java.util.concurrent.CompletableFuture.supplyAsync(b::postDue);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pendingCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(pendingCount()).as("the batch transaction is pending").isEqualTo(1);
    anvil.rpc("anvil_setCode", List.of(l1.inbox(), "0xfe"));
    anvil.rpc("anvil_mine", List.of(1));
    assertThatThrownBy(posting::join).hasMessageContaining("reverted on L1");
    anvil.rpc("anvil_setCode", List.of(l1.inbox(), code));
    anvil.rpc("evm_setAutomine", List.of(true));

    assertThat(b.postDue())
        .extracting(f -> f.frame().firstBlock() + ".." + f.frame().lastBlock())
        .containsExactly("1..2");
    assertTheInboxHoldsTheChain();
  }

  private long pendingCount() {
    Object n = anvil.rpc("eth_getBlockTransactionCountByNumber", List.of("pending"));
    return Long.decode(String.valueOf(n));
  }
}
