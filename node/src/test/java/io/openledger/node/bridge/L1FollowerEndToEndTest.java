package io.openledger.node.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.AccountProof;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.FollowerLedger;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.l1.Anvil;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.OutputRoot;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import io.openledger.l1.Withdrawal;
import io.openledger.node.rpc.JsonRpcService;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The follower against a real anvil: a sequencer with its batcher and proposer runs transfers, a
 * withdrawal (finalized on L1) and a deposit back; a follower started from nothing, restarted
 * midway, rebuilds the same chain from L1 alone and checks every output. A wrong output, a forged
 * deposit, a deposit left out past the inclusion window and a block posted past the sequencing
 * window each halt it with a report.
 */
class L1FollowerEndToEndTest {
  private static final long CHALLENGE_PERIOD = 60;

  @TempDir Path dir;
  private Anvil anvil;
  private L1Deployment l1;
  private Genesis genesis;
  private L1DepositWatcher watcher;
  private Ledger sequencer;
  private FollowerLedger followerLedger;
  private final SplittableRandom random = new SplittableRandom(7);
  private final Address l1User = dev(3).address();
  private final Address bob = Address.fromHex("0x000000000000000000000000000000000000b0b0");

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
                CHALLENGE_PERIOD,
                BridgeModule.ADDRESS));
    // a fixed genesis time: the follower must build the same block 0
    genesis = Genesis.devnet().withTimestamp(System.currentTimeMillis() / 1000 - 1000);
    watcher =
        new L1DepositWatcher(
            new PortalDeposits(anvil.web3j(), l1.portal(), 0, 0), Duration.ofHours(1));
    sequencer =
        Ledger.open(
            dir.resolve("sequencer"),
            genesis,
            LedgerConfig.onDemand().withSyncWrites(false).withDeposits(watcher));
  }

  @AfterEach
  void stop() {
    if (followerLedger != null) {
      followerLedger.close();
    }
    sequencer.close();
    watcher.close();
    anvil.close();
  }

  private L1Sender sender(int i) {
    return new L1Sender(
        anvil.web3j(), Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  private L1Follower follower() {
    return follower(0);
  }

  private L1Follower follower(int confirmations) {
    if (followerLedger == null) {
      followerLedger =
          Ledger.openFollower(
              dir.resolve("follower"),
              ChainSpec.from(genesis),
              LedgerConfig.DEFAULT.withSyncWrites(false));
    }
    return new L1Follower(
        followerLedger,
        anvil.web3j(),
        new PostedBatches(anvil.web3j(), l1.inbox(), 0),
        new PostedOutputs(anvil.web3j(), l1.oracle()),
        new PortalDeposits(anvil.web3j(), l1.portal(), 0, 0),
        0,
        confirmations);
  }

  private void restartFollower() {
    followerLedger.close();
    followerLedger = null;
  }

  private L1Batcher batcher() {
    return new L1Batcher(
        sequencer.chain(),
        sender(2),
        l1.inbox(),
        new PostedBatches(anvil.web3j(), l1.inbox(), 0),
        1,
        L1Batcher.DEFAULT_MAX_FRAME_BYTES);
  }

  private L1Batcher batcher(int maxFrameBytes) {
    return new L1Batcher(
        sequencer.chain(),
        sender(2),
        l1.inbox(),
        new PostedBatches(anvil.web3j(), l1.inbox(), 0),
        1,
        maxFrameBytes);
  }

  /** A block of {@code count} transfers to random addresses (and the deposits due). */
  private BlockView produceBlockOf(int count) {
    for (int i = 0; i < count; i++) {
      byte[] a = new byte[20];
      random.nextBytes(a);
      submit(
          tx(dev(0))
              .gasLimit(21_000)
              .to(Address.wrap(a))
              .value(Amount.of(1 + random.nextInt(1_000_000)))
              .sign(dev(0)));
    }
    watcher.poll();
    return sequencer.produceBlock();
  }

  /** The parts the batcher cuts L2 block {@code n} into at {@code maxFrameBytes}. */
  private List<byte[]> partsOf(long n, int maxFrameBytes) {
    return new BatchFrame(List.of(L1Batcher.batchBlock(sequencer.chain(), n)))
        .encodeParts(maxFrameBytes);
  }

  private void postRaw(byte[] frame) {
    sender(2).send(l1.inbox(), "0x" + HexFormat.of().formatHex(frame));
  }

  private PostedOutputs oracle() {
    return new PostedOutputs(anvil.web3j(), l1.oracle());
  }

  private static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  private TransactionBuilder tx(KeyPair from) {
    return TransactionBuilder.eip1559(sequencer.chain().chainId())
        .nonce(sequencer.state().nonce(from.address(), BlockRef.PENDING).orElseThrow())
        .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
        .maxFeePerGas(sequencer.fees().nextBaseFee().multiply(2).add(Amount.of(1_000_000_000L)));
  }

  private void submit(Transaction t) {
    assertThat(sequencer.intake().submit(t.encode())).isInstanceOf(SubmitResult.Accepted.class);
  }

  /** A block with a few transfers to random addresses (and the deposits due). */
  private BlockView produceBusyBlock() {
    return produceBlockOf(random.nextInt(0, 4));
  }

  /** Posts the output of the sequencer's block {@code n} with the proposer's key; its index. */
  private long postOutput(long n) {
    sender(1)
        .send(
            l1.oracle(),
            L1Abi.proposeL2Output(
                OutputProposer.outputAt(sequencer.chain(), sequencer.state(), n).hash(), n));
    return oracle().nextOutputIndex() - 1;
  }

  /**
   * Withdraws {@code amount} on the L2 to {@code l1User}, posts the batches and the block's output,
   * proves and finalizes on L1: the L1 OPEN a deposit needs.
   */
  private void withdrawToL1(Amount amount) {
    long nonce =
        BridgeModule.withdrawalNonce(sequencer.state().state(BlockRef.LATEST).orElseThrow());
    submit(
        tx(dev(0))
            .gasLimit(200_000)
            .to(BridgeModule.ADDRESS)
            .value(amount)
            .data(BridgeModule.WITHDRAW.encodeCall(l1User))
            .sign(dev(0)));
    BlockView b = sequencer.produceBlock();
    batcher().postDue();
    long index = postOutput(b.number());
    Withdrawal w = new Withdrawal(BigInteger.valueOf(nonce), dev(0).address(), l1User, amount);
    OutputRoot output = OutputProposer.outputAt(sequencer.chain(), sequencer.state(), b.number());
    AccountProof proof =
        ((QueryResult.Ok<AccountProof>)
                sequencer
                    .state()
                    .proof(BridgeModule.ADDRESS, List.of(w.hash()), BlockRef.number(b.number())))
            .value();
    L1Sender user = sender(3);
    user.send(
        l1.portal(),
        L1Abi.proveWithdrawal(
            w,
            BigInteger.valueOf(index),
            output,
            proof.storageProof().getFirst().proof().getFirst()));
    anvil.advanceTime(CHALLENGE_PERIOD + 1);
    user.send(l1.portal(), L1Abi.finalizeWithdrawal(w));
  }

  /** Deposits {@code amount} to bob on L1; returns the L1 block's timestamp. */
  private long deposit(Amount amount) {
    var receipt = sender(3).send(l1.portal(), L1Abi.deposit(bob, amount));
    try {
      return anvil
          .web3j()
          .ethGetBlockByHash(receipt.getBlockHash(), false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Posts a hand-made frame with the batcher's key. */
  private TransactionReceipt postFrame(BatchFrame.Block... blocks) {
    return sender(2)
        .send(
            l1.inbox(), "0x" + HexFormat.of().formatHex(new BatchFrame(List.of(blocks)).encode()));
  }

  private long l1Time(TransactionReceipt receipt) {
    try {
      return anvil
          .web3j()
          .ethGetBlockByHash(receipt.getBlockHash(), false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long sequencerTimestamp() {
    return sequencer.chain().block(BlockRef.LATEST).orElseThrow().timestamp();
  }

  @Test
  void aFollowerFromNothingRebuildsTheSequencersChainAcrossARestart() throws Exception {
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    withdrawToL1(Amount.open(300));
    produceBusyBlock();
    batcher().postDue();

    // started from nothing, it reaches what L1 holds
    L1Follower f = follower();
    assertThat(f.followOnce()).isEqualTo(sequencer.chain().headNumber());
    assertThat(f.checkedOutputs()).isEqualTo(1);

    // the sequencer goes on: a deposit back from L1, more transfers, outputs by its proposer
    deposit(Amount.open(100));
    BlockView credited = produceBusyBlock();
    assertThat(credited.transactionHashes())
        .contains(new Deposit(0, l1User, bob, Amount.open(100)).toTransaction().hash());
    for (int i = 0; i < 4; i++) {
      produceBusyBlock();
    }
    L1Batcher b = batcher();
    OutputProposer p =
        new OutputProposer(
            sequencer.chain(), sequencer.state(), sender(1), oracle(), 3, b::postedThrough);
    b.postDue();
    p.proposeDue();

    // the follower restarts and resumes from its own head
    long before = followerLedger.chain().headNumber();
    restartFollower();
    f = follower();
    assertThat(followerLedger.chain().headNumber()).isEqualTo(before);
    assertThat(f.followOnce()).isEqualTo(sequencer.chain().headNumber());
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    b.postDue();
    p.proposeDue();
    assertThat(f.followOnce()).isEqualTo(sequencer.chain().headNumber());

    long head = sequencer.chain().headNumber();
    for (long n = 0; n <= head; n++) {
      BlockView want = sequencer.chain().block(BlockRef.number(n)).orElseThrow();
      BlockView got = followerLedger.chain().block(BlockRef.number(n)).orElseThrow();
      assertThat(got.hash()).as("block %d", n).isEqualTo(want.hash());
      assertThat(got.stateRoot()).as("state root of block %d", n).isEqualTo(want.stateRoot());
    }
    assertThat(followerLedger.state().state(BlockRef.LATEST).orElseThrow().balance(bob))
        .isEqualTo(Amount.open(100));
    assertThat(oracle().nextOutputIndex()).isGreaterThan(2);
    assertThat(f.checkedOutputs()).as("every output checked").isEqualTo(oracle().nextOutputIndex());
    assertThat(f.halted()).isNull();

    // its JSON-RPC serves the chain read-only
    Transaction t = tx(dev(0)).gasLimit(21_000).to(bob).value(Amount.of(1)).sign(dev(0));
    assertThat(followerLedger.intake().submit(t.encode()))
        .isEqualTo(SubmitResult.rejected(FollowerLedger.READ_ONLY));
    try (JsonRpcService rpc = JsonRpcService.start(followerLedger, "127.0.0.1", 0)) {
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"0x"
              + HexFormat.of().formatHex(t.encode())
              + "\"]}";
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(rpc.httpUrl()))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).contains("serves the chain read-only").contains("\"error\"");
      String head0 =
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_getBlockByNumber\",\"params\":[\"latest\","
              + "false]}";
      HttpResponse<String> h =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(rpc.httpUrl()))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(head0))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(h.body())
          .contains(sequencer.chain().block(BlockRef.LATEST).orElseThrow().hash().toHex());
    }
  }

  @Test
  void aWrongOutputHaltsTheFollowerWithAReport() {
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    batcher().postDue();
    Hash bogus = Hash.keccak256("not the output".getBytes());
    var posted = sender(1).send(l1.oracle(), L1Abi.proposeL2Output(bogus, 2));
    OutputRoot ours = OutputProposer.outputAt(sequencer.chain(), sequencer.state(), 2);

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("output 0 for L2 block 2")
        .hasMessageContaining("posted by L1 transaction " + posted.getTransactionHash())
        .hasMessageContaining("in L1 block " + posted.getBlockNumber())
        .hasMessageContaining("is " + bogus)
        .hasMessageContaining("gives " + ours.hash())
        .hasMessageContaining("state root " + ours.stateRoot())
        .hasMessageContaining("withdrawals root " + ours.withdrawalsRoot())
        .hasMessageContaining("block hash " + ours.blockHash());
    assertThat(followerLedger.chain().headNumber())
        .as("nothing derived past the output")
        .isEqualTo(2);
    assertThatThrownBy(f::followOnce).isSameAs(f.halted());
    assertThat(followerLedger.chain().headNumber()).isEqualTo(2);
  }

  @Test
  void anOutputDeletedAndPostedAgainWrongIsCheckedAgain() {
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    batcher().postDue();
    postOutput(2);
    L1Follower f = follower();
    assertThat(f.followOnce()).isEqualTo(3);
    assertThat(f.checkedOutputs()).isEqualTo(1);

    // the challenger deletes it and a wrong root is posted at the same index
    sender(0).send(l1.oracle(), L1Abi.deleteL2Outputs(0));
    Hash bogus = Hash.keccak256("posted again".getBytes());
    sender(1).send(l1.oracle(), L1Abi.proposeL2Output(bogus, 2));
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("output 0 for L2 block 2")
        .hasMessageContaining("is " + bogus);
  }

  @Test
  void aBlockThatDoesNotApplyHaltsTheFollower() throws Exception {
    produceBusyBlock();
    batcher().postDue();
    Transaction tooHigh =
        TransactionBuilder.eip1559(sequencer.chain().chainId())
            .nonce(100)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
            .maxFeePerGas(Amount.of(100_000_000_000L))
            .gasLimit(21_000)
            .to(bob)
            .value(Amount.of(1))
            .sign(dev(0));
    postFrame(new BatchFrame.Block(2, sequencerTimestamp() + 1, List.of(tooHigh.encode())));
    long l1Block = anvil.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("(L1 block " + l1Block + ")")
        .hasMessageContaining(
            "L2 block 2 cannot be applied: block 2: transaction "
                + tooHigh.hash()
                + " does not apply");
    assertThat(followerLedger.chain().headNumber()).isEqualTo(1);
  }

  @Test
  void aMissingBlockHaltsTheFollower() {
    produceBusyBlock();
    batcher().postDue();
    postFrame(new BatchFrame.Block(3, sequencerTimestamp() + 5, List.of()));

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining(
            "its frame holds L2 blocks 3..3 but the inbox holds blocks only up to 1: L2 blocks"
                + " 2..2 are missing");
    assertThat(followerLedger.chain().headNumber()).isEqualTo(1);
  }

  @Test
  void aDepositOutOfOrderHaltsTheFollower() throws Exception {
    withdrawToL1(Amount.open(10));
    deposit(Amount.open(3));
    long firstBlock = anvil.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    deposit(Amount.open(4));
    Deposit second = new Deposit(1, l1User, bob, Amount.open(4));
    long head = sequencer.chain().headNumber();
    postFrame(
        new BatchFrame.Block(
            head + 1, sequencerTimestamp() + 1, List.of(second.toTransaction().encode())));

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("deposit 0 (L1 block " + firstBlock + ": 3000000000000000000 base")
        .hasMessageContaining("comes next, but L2 block " + (head + 1) + " credits deposit 1");
    assertThat(followerLedger.chain().headNumber()).isEqualTo(head);
  }

  @Test
  void aForgedDepositHaltsTheFollower() throws Exception {
    for (int i = 0; i < 2; i++) {
      produceBusyBlock();
    }
    batcher().postDue();
    Deposit forged = new Deposit(0, l1User, bob, Amount.open(5));
    postFrame(
        new BatchFrame.Block(
            3, sequencerTimestamp() + 1, List.of(forged.toTransaction().encode())));
    long l1Block = anvil.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("(L1 block " + l1Block + ")")
        .hasMessageContaining("forged deposit: L2 block 3 credits deposit 0")
        .hasMessageContaining("which the Portal has not logged by L1 block " + l1Block);
    assertThat(followerLedger.chain().headNumber())
        .as("the forged block is not stored")
        .isEqualTo(2);
    assertThat(followerLedger.state().state(BlockRef.LATEST).orElseThrow().balance(bob))
        .isEqualTo(Amount.ZERO);
  }

  @Test
  void aDepositLeftOutPastTheWindowHaltsTheFollower() throws Exception {
    withdrawToL1(Amount.open(10));
    long depositTime = deposit(Amount.open(10));
    long depositBlock = anvil.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    long head = sequencer.chain().headNumber();
    long due = depositTime + Deposit.INCLUSION_WINDOW_SECONDS;
    // a sequencer that ignores the deposit: a block within the window in L2 time, though posted
    // after it on L1 (a block made before the deposit, posted late), is allowed ...
    anvil.rpc("evm_setNextBlockTimestamp", List.of(due + 5));
    postFrame(new BatchFrame.Block(head + 1, due - 1, List.of()));
    // ... from the window's end on in both L2 and L1 time, not
    TransactionReceipt late = postFrame(new BatchFrame.Block(head + 2, due, List.of()));
    long lateTime = l1Time(late);

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining(
            "deposit 0 (L1 block " + depositBlock + ", timestamp " + depositTime + ")")
        .hasMessageContaining("was due by time " + due)
        .hasMessageContaining(
            "L2 block "
                + (head + 2)
                + " (timestamp "
                + due
                + ", posted in L1 block "
                + late.getBlockNumber()
                + " at timestamp "
                + lateTime
                + ") leaves it out");
    assertThat(followerLedger.chain().headNumber()).isEqualTo(head + 1);
  }

  @Test
  void aSequencerAheadOfL1IsHeldToADepositOnlyOnceL1TimeIsPastItsWindow() throws Exception {
    withdrawToL1(Amount.open(10));
    long depositTime = deposit(Amount.open(10));
    long head = sequencer.chain().headNumber();
    long due = depositTime + Deposit.INCLUSION_WINDOW_SECONDS;
    // L2 time ahead of L1's (sustained blocks faster than one a second), posted at once: the
    // sequencer cannot have seen the deposit final yet, so the block may leave it out ...
    TransactionReceipt ahead = postFrame(new BatchFrame.Block(head + 1, due + 100, List.of()));
    assertThat(l1Time(ahead)).isLessThan(due);
    // ... but not once L1 time too is past the window
    anvil.rpc("evm_setNextBlockTimestamp", List.of(due));
    postFrame(new BatchFrame.Block(head + 2, due + 101, List.of()));

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("was due by time " + due)
        .hasMessageContaining(
            "L2 block " + (head + 2) + " (timestamp " + (due + 101) + ", posted in L1 block");
    assertThat(followerLedger.chain().headNumber()).isEqualTo(head + 1);
  }

  @Test
  void aBlockPostedPastTheSequencingWindowHaltsTheFollower() {
    produceBusyBlock();
    batcher().postDue();
    long window = Deposit.SEQUENCING_WINDOW_SECONDS;
    long l1Time = sequencerTimestamp() + window + 100;
    // a frame whose block is exactly as old as the window allows ...
    anvil.rpc("evm_setNextBlockTimestamp", List.of(l1Time));
    postFrame(new BatchFrame.Block(2, l1Time - window, List.of()));
    // ... and one posted 10 s later whose block is 9 s older than that
    anvil.rpc("evm_setNextBlockTimestamp", List.of(l1Time + 10));
    TransactionReceipt late = postFrame(new BatchFrame.Block(3, l1Time - window + 1, List.of()));

    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessage(
            "L1 transaction "
                + late.getTransactionHash()
                + " (L1 block "
                + late.getBlockNumber()
                + "): L2 block 3 (timestamp "
                + (l1Time - window + 1)
                + ") is posted past the 43200-second sequencing window: L1 block "
                + late.getBlockNumber()
                + " has timestamp "
                + (l1Time + 10)
                + ", so the L2 blocks it carries must have a timestamp of at least "
                + (l1Time + 10 - window));
    assertThat(followerLedger.chain().headNumber())
        .as("the block at the window's edge is derived")
        .isEqualTo(2);
    assertThatThrownBy(f::followOnce).isSameAs(f.halted());
  }

  @Test
  void anHonestSequencerWithABatcherLateWithinTheWindowIsFollowed() {
    for (int i = 0; i < 3; i++) {
      produceBusyBlock();
    }
    // the batcher comes back after most of the window (an L1 or batcher outage) and posts them
    anvil.advanceTime(Deposit.SEQUENCING_WINDOW_SECONDS - 120);
    batcher().postDue();
    // a deposit on L1, now 12 hours ahead of the sequencer's clock, is credited at once
    withdrawToL1(Amount.open(10));
    deposit(Amount.open(4));
    BlockView credited = produceBusyBlock();
    assertThat(credited.transactionHashes())
        .contains(new Deposit(0, l1User, bob, Amount.open(4)).toTransaction().hash());
    // blocks faster than one a second: their timestamps run ahead of the clock, which is allowed
    for (int i = 0; i < 20; i++) {
      sequencer.produceBlock();
    }
    L1Batcher b = batcher();
    OutputProposer p =
        new OutputProposer(
            sequencer.chain(), sequencer.state(), sender(1), oracle(), 5, b::postedThrough);
    b.postDue();
    p.proposeDue();

    L1Follower f = follower();
    assertThat(f.followOnce()).isEqualTo(sequencer.chain().headNumber());
    assertThat(f.halted()).isNull();
    assertThat(followerLedger.chain().block(BlockRef.LATEST).orElseThrow().hash())
        .isEqualTo(sequencer.chain().block(BlockRef.LATEST).orElseThrow().hash());
    assertThat(f.checkedOutputs()).isEqualTo(oracle().nextOutputIndex()).isGreaterThan(1);
  }

  @Test
  void outputsAreCheckedOnlyOnceTheyHaveTheConfirmations() {
    for (int i = 0; i < 2; i++) {
      produceBusyBlock();
    }
    batcher().postDue();
    anvil.advanceTime(1);
    anvil.advanceTime(1); // the frame has 2 blocks on top
    Hash bogus = Hash.keccak256("not yet confirmed".getBytes());
    var posted = sender(1).send(l1.oracle(), L1Abi.proposeL2Output(bogus, 2));

    L1Follower f = follower(2);
    assertThat(f.followOnce()).isEqualTo(2);
    assertThat(f.checkedOutputs()).as("the output has no confirmations yet").isZero();
    anvil.advanceTime(1);
    assertThat(f.followOnce()).isEqualTo(2);
    assertThat(f.checkedOutputs()).as("one confirmation of two").isZero();
    anvil.advanceTime(1);
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining("output 0 for L2 block 2")
        .hasMessageContaining("in L1 block " + posted.getBlockNumber())
        .hasMessageContaining("is " + bogus);
  }

  /**
   * Blocks larger than a frame, posted in parts, with a deposit among them and a set a stopped
   * batcher left incomplete: the follower joins the parts and reaches the sequencer's chain.
   */
  @Test
  void blocksPostedInPartsAreFollowed() {
    withdrawToL1(Amount.open(50));
    deposit(Amount.open(20));
    int limit = 2_000;
    L1Batcher b = batcher(limit);
    OutputProposer p =
        new OutputProposer(
            sequencer.chain(), sequencer.state(), sender(1), oracle(), 2, b::postedThrough);
    BlockView credited = produceBlockOf(50);
    assertThat(credited.transactionHashes())
        .contains(new Deposit(0, l1User, bob, Amount.open(20)).toTransaction().hash());
    produceBusyBlock();
    b.postDue();
    BlockView big = produceBlockOf(50);
    postRaw(partsOf(big.number(), 3_000).get(0)); // a batcher under another limit stopped here
    produceBlockOf(70);
    produceBusyBlock();
    assertThat(b.postDue()).anySatisfy(f -> assertThat(f.parts()).isGreaterThan(2));
    p.proposeDue();

    L1Follower f = follower();
    assertThat(f.followOnce()).isEqualTo(sequencer.chain().headNumber());
    for (long n = 0; n <= sequencer.chain().headNumber(); n++) {
      BlockView want = sequencer.chain().block(BlockRef.number(n)).orElseThrow();
      BlockView got = followerLedger.chain().block(BlockRef.number(n)).orElseThrow();
      assertThat(got.hash()).as("block %d", n).isEqualTo(want.hash());
      assertThat(got.stateRoot()).as("state root of block %d", n).isEqualTo(want.stateRoot());
    }
    assertThat(followerLedger.state().state(BlockRef.LATEST).orElseThrow().balance(bob))
        .isEqualTo(Amount.open(20));
    assertThat(f.checkedOutputs()).isEqualTo(oracle().nextOutputIndex()).isPositive();
    assertThat(f.halted()).isNull();
  }

  @Test
  void partsThatDoNotJoinHaltTheFollower() {
    BlockView big = produceBlockOf(50);
    List<byte[]> parts = partsOf(big.number(), 2_000);
    byte[] last = parts.getLast().clone();
    for (int i = BatchFrame.PART_HEADER_BYTES; i < last.length; i++) {
      last[i] ^= 0x5a;
    }
    for (int k = 0; k < parts.size() - 1; k++) {
      postRaw(parts.get(k));
    }
    postRaw(last);
    L1Follower f = follower();
    assertThatThrownBy(f::followOnce)
        .isInstanceOf(L1Follower.DerivationHalted.class)
        .hasMessageContaining(
            "L2 block " + big.number() + ", joined from its " + parts.size() + " parts,")
        .hasMessageContaining("cannot be decoded");
    assertThat(followerLedger.chain().headNumber()).isZero();
  }
}
