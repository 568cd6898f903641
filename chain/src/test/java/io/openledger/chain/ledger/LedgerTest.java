package io.openledger.chain.ledger;

import static io.openledger.chain.ledger.TestChain.GWEI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.tx.AccessListEntry;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
  static final long CHAIN = 1337;
  static final List<KeyPair> KEYS = TestChain.devKeys(4);
  static final ChainSpec SPEC = TestChain.spec(CHAIN, KEYS);
  static final Address BOB = Address.ofLowBytes(0xb0b);

  @TempDir Path dir;

  /** A clock that stands still at a fixed second, so block timestamps come from parent + 1. */
  final AtomicLong nowMillis = new AtomicLong(1_700_000_000_000L);

  final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());

  Ledger open() {
    return Ledger.open(dir, SPEC, LedgerConfig.onDemand(), clock);
  }

  static Hash accepted(SubmitResult r) {
    assertThat(r).isInstanceOf(SubmitResult.Accepted.class);
    return ((SubmitResult.Accepted) r).txHash();
  }

  static String rejected(SubmitResult r) {
    assertThat(r).isInstanceOf(SubmitResult.Rejected.class);
    return ((SubmitResult.Rejected) r).message();
  }

  @Test
  void freshDirectoryGetsGenesisAndAReopenRecoversTheHead() {
    Hash genesis;
    Hash third;
    try (Ledger ledger = open()) {
      assertThat(ledger.chain().headNumber()).isZero();
      genesis = ledger.chain().block(BlockRef.EARLIEST).orElseThrow().hash();
      ledger.produceBlock();
      ledger.produceBlock();
      third = ledger.produceBlock().hash();
      assertThat(ledger.chain().headNumber()).isEqualTo(3);
    }
    try (Ledger ledger = open()) {
      assertThat(ledger.chain().headNumber()).isEqualTo(3);
      assertThat(ledger.chain().block(BlockRef.LATEST).orElseThrow().hash()).isEqualTo(third);
      assertThat(ledger.chain().block(BlockRef.number(0)).orElseThrow().hash()).isEqualTo(genesis);
      assertThat(ledger.produceBlock().parentHash()).isEqualTo(third);
    }
  }

  @Test
  void transfersAreMinedWithReceiptsFeesAndReplayableRoots() {
    Hash first;
    Hash second;
    try (Ledger ledger = open()) {
      KeyPair alice = KEYS.get(0);
      first =
          accepted(
              ledger
                  .intake()
                  .submit(TestChain.transfer(alice, 0, BOB, Amount.open(5), CHAIN).encode()));
      second =
          accepted(
              ledger
                  .intake()
                  .submit(TestChain.transfer(alice, 1, BOB, Amount.open(2), CHAIN).encode()));
      assertThat(ledger.chain().transaction(first).orElseThrow().isPending()).isTrue();
      assertThat(ledger.chain().receipt(first)).isEmpty();
      assertThat(ledger.state().nonce(alice.address(), BlockRef.PENDING)).hasValue(2);
      assertThat(ledger.state().nonce(alice.address(), BlockRef.LATEST)).hasValue(0);

      BlockView block = ledger.produceBlock();
      assertThat(block.number()).isEqualTo(1);
      assertThat(block.transactionHashes()).containsExactly(first, second);
      assertThat(block.timestamp()).isEqualTo(SPEC.genesisTimestamp() + 1);

      ReceiptView r = ledger.chain().receipt(second).orElseThrow();
      assertThat(r.success()).isTrue();
      assertThat(r.blockHash()).isEqualTo(block.hash());
      assertThat(r.transactionIndex()).isEqualTo(1);
      assertThat(r.gasUsed()).isEqualTo(21_000);
      assertThat(r.cumulativeGasUsed()).isEqualTo(42_000);
      assertThat(r.from()).isEqualTo(alice.address());
      // Block 1's base fee is the initial 1 gwei; tip 1 gwei: 2 gwei per gas.
      assertThat(r.effectiveGasPrice()).isEqualTo(GWEI.multiply(2));
      assertThat(ledger.state().balance(BOB, BlockRef.LATEST)).hasValue(Amount.open(7));
      assertThat(ledger.state().balance(BOB, BlockRef.number(0))).hasValue(Amount.ZERO);
      Amount spent = Amount.open(7).add(GWEI.multiply(2).multiply(42_000));
      assertThat(ledger.state().balance(alice.address(), BlockRef.LATEST))
          .hasValue(Amount.open(1_000_000).subtract(spent));
      TransactionView tv = ledger.chain().transaction(first).orElseThrow();
      assertThat(tv.inclusion()).isEqualTo(new TransactionView.Inclusion(block.hash(), 1, 0));
      assertThat(tv.gasPrice()).isEqualTo(GWEI.multiply(2));
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(0, 0));
      assertThat(ledger.chain().blockReceipts(BlockRef.number(1)).orElseThrow()).hasSize(2);
    }
    ChainAudit.Report report = ChainAudit.run(dir, SPEC);
    assertThat(report.problems()).isEmpty();
    assertThat(report.head()).isEqualTo(1);
    assertThat(report.transactions()).isEqualTo(2);
  }

  @Test
  void eip2930TransactionsAreMinedWithTypedReceiptsAndTheirAccessList() {
    KeyPair alice = KEYS.get(1);
    List<AccessListEntry> accessList =
        List.of(new AccessListEntry(BOB, List.of(Hash.keccak256(new byte[] {1}))));
    Transaction tx =
        TransactionBuilder.eip2930(CHAIN)
            .nonce(0)
            .gasPrice(GWEI.multiply(3))
            .gasLimit(21_000)
            .to(BOB)
            .value(Amount.open(1))
            .accessList(accessList)
            .sign(alice);
    try (Ledger ledger = open()) {
      Hash hash = accepted(ledger.intake().submit(tx.encode()));
      assertThat(hash).isEqualTo(tx.hash());
      TransactionView pending = ledger.chain().transaction(hash).orElseThrow();
      assertThat(pending.type()).isEqualTo(1);
      assertThat(pending.gasPrice()).isEqualTo(GWEI.multiply(3));
      assertThat(pending.maxFeePerGas()).isNull();
      BlockView block = ledger.produceBlock();
      assertThat(block.transactionHashes()).containsExactly(hash);
      ReceiptView r = ledger.chain().receipt(hash).orElseThrow();
      assertThat(r.type()).isEqualTo(1);
      assertThat(r.success()).isTrue();
      // One price for everything: the base fee (1 gwei) to the treasury, the rest to the sequencer.
      assertThat(r.effectiveGasPrice()).isEqualTo(GWEI.multiply(3));
      TransactionView mined = ledger.chain().transaction(hash).orElseThrow();
      assertThat(mined.accessList())
          .containsExactly(
              new TransactionView.AccessListEntry(BOB, accessList.getFirst().storageKeys()));
      assertThat(mined.v()).isEqualTo(tx.v());
      assertThat(ledger.state().balance(BOB, BlockRef.LATEST)).hasValue(Amount.open(1));
      assertThat(ledger.state().balance(alice.address(), BlockRef.LATEST))
          .hasValue(
              Amount.open(1_000_000).subtract(Amount.open(1)).subtract(GWEI.multiply(63_000)));
    }
    ChainAudit.Report report = ChainAudit.run(dir, SPEC);
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void pendingIsTheBlockBeingBuiltWithThePoolsTransactions() throws Exception {
    try (Ledger ledger = open()) {
      KeyPair alice = KEYS.get(0);
      List<Hash> announced = new CopyOnWriteArrayList<>();
      ledger.events().onPendingTransaction(announced::add);
      ledger.produceBlock();
      BlockView empty = ledger.chain().block(BlockRef.PENDING).orElseThrow();
      assertThat(empty.isPending()).isTrue();
      assertThat(empty.number()).isEqualTo(2);
      assertThat(empty.parentHash())
          .isEqualTo(ledger.chain().block(BlockRef.LATEST).orElseThrow().hash());
      assertThat(empty.transactions()).isEmpty();

      Transaction first = TestChain.transfer(alice, 0, BOB, Amount.open(5), CHAIN);
      Transaction gapped = TestChain.transfer(alice, 2, BOB, Amount.open(7), CHAIN);
      accepted(ledger.intake().submit(first.encode()));
      accepted(ledger.intake().submit(gapped.encode()));
      BlockView pending = ledger.chain().block(BlockRef.PENDING).orElseThrow();
      assertThat(pending.number()).isEqualTo(2);
      assertThat(pending.transactionHashes()).containsExactly(first.hash());
      assertThat(pending.gasUsed()).isEqualTo(21_000);
      assertThat(ledger.chain().transactionByBlock(BlockRef.PENDING, 0).orElseThrow().hash())
          .isEqualTo(first.hash());
      assertThat(ledger.chain().blockReceipts(BlockRef.PENDING)).isEmpty();
      // State at pending is after the block being built; latest is the head's.
      assertThat(ledger.state().balance(BOB, BlockRef.PENDING)).hasValue(Amount.open(5));
      assertThat(ledger.state().balance(BOB, BlockRef.LATEST)).hasValue(Amount.ZERO);
      assertThat(ledger.state().nonce(alice.address(), BlockRef.PENDING)).hasValue(1);

      // The raw bytes and the pool's split, as txpool_content shows it.
      assertThat(ledger.chain().rawTransaction(first.hash()))
          .hasValueSatisfying(b -> assertThat(b).isEqualTo(first.encode()));
      PoolContent content = ledger.intake().poolContent();
      assertThat(content.pending()).extracting(TransactionView::hash).containsExactly(first.hash());
      assertThat(content.queued()).extracting(TransactionView::hash).containsExactly(gapped.hash());

      ledger.produceBlock();
      assertThat(ledger.chain().rawTransaction(first.hash()))
          .hasValueSatisfying(b -> assertThat(b).isEqualTo(first.encode()));
      assertThat(ledger.chain().block(BlockRef.PENDING).orElseThrow().number()).isEqualTo(3);
      assertThat(ledger.chain().rawTransaction(Hash.ZERO)).isEmpty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (announced.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(announced).containsExactly(first.hash(), gapped.hash());
    }
  }

  @Test
  void badInputIsRefusedWithEthereumMessagesAndChangesNothing() {
    try (Ledger ledger = open()) {
      KeyPair alice = KEYS.get(0);
      assertThat(rejected(ledger.intake().submit(new byte[] {0x01, 0x02}))).isNotBlank();
      assertThat(
              rejected(
                  ledger
                      .intake()
                      .submit(TestChain.transfer(alice, 0, BOB, Amount.of(1), 999).encode())))
          .contains("chain id");
      assertThat(
              rejected(
                  ledger
                      .intake()
                      .submit(
                          TestChain.transfer(alice, 0, BOB, Amount.open(2_000_000), CHAIN)
                              .encode())))
          .startsWith("insufficient funds for gas * price + value");
      KeyPair broke = TestChain.devKeys(10).get(9);
      assertThat(
              rejected(
                  ledger
                      .intake()
                      .submit(TestChain.transfer(broke, 0, BOB, Amount.ZERO, CHAIN).encode())))
          .startsWith("insufficient funds");
      byte[] ok = TestChain.transfer(alice, 0, BOB, Amount.open(1), CHAIN).encode();
      accepted(ledger.intake().submit(ok));
      assertThat(rejected(ledger.intake().submit(ok))).isEqualTo("already known");
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(1, 0));
      ledger.produceBlock();
      assertThat(
              rejected(
                  ledger
                      .intake()
                      .submit(TestChain.transfer(alice, 0, BOB, Amount.open(3), CHAIN).encode())))
          .startsWith("nonce too low");
      assertThat(ledger.chain().headNumber()).isEqualTo(1);
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(0, 0));
    }
  }

  @Test
  void pendingTransactionsSurviveARestartAndAreMinedAfterIt() {
    KeyPair alice = KEYS.get(1);
    Hash pending;
    Hash queued;
    try (Ledger ledger = open()) {
      pending =
          accepted(
              ledger
                  .intake()
                  .submit(TestChain.transfer(alice, 0, BOB, Amount.open(1), CHAIN).encode()));
      queued =
          accepted(
              ledger
                  .intake()
                  .submit(TestChain.transfer(alice, 2, BOB, Amount.open(1), CHAIN).encode()));
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(1, 1));
    }
    try (Ledger ledger = open()) {
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(1, 1));
      assertThat(ledger.chain().transaction(pending).orElseThrow().isPending()).isTrue();
      assertThat(ledger.chain().transaction(queued)).isPresent();
      ledger.produceBlock();
      assertThat(ledger.chain().receipt(pending)).isPresent();
      assertThat(ledger.chain().receipt(queued)).isEmpty();
      accepted(
          ledger
              .intake()
              .submit(TestChain.transfer(alice, 1, BOB, Amount.open(1), CHAIN).encode()));
      ledger.produceBlock();
      assertThat(ledger.chain().receipt(queued)).isPresent();
    }
    try (Ledger ledger = open()) {
      // Mined transactions do not come back as pending after a restart.
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(0, 0));
    }
  }

  @Test
  void syncedAdmissionsFromConcurrentClientsAllSurviveARestart() throws Exception {
    LedgerConfig synced = LedgerConfig.onDemand().withSyncAdmissions(true);
    List<Hash> hashes = new CopyOnWriteArrayList<>();
    try (Ledger ledger = Ledger.open(dir, SPEC, synced, clock)) {
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        KeyPair key = KEYS.get(c);
        clients.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int n = 0; n < 10; n++) {
                        hashes.add(
                            accepted(
                                ledger
                                    .intake()
                                    .submit(
                                        TestChain.transfer(key, n, BOB, Amount.open(1), CHAIN)
                                            .encode())));
                      }
                    }));
      }
      for (Thread t : clients) {
        t.join();
      }
    }
    assertThat(hashes).hasSize(40);
    try (Ledger ledger = Ledger.open(dir, SPEC, synced, clock)) {
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(40, 0));
      assertThat(ledger.produceBlock().transactionHashes())
          .containsExactlyInAnyOrderElementsOf(hashes);
    }
  }

  @Test
  void aDirectoryOfAnotherChainIsRefused() {
    try (Ledger ledger = open()) {
      ledger.produceBlock();
    }
    ChainSpec other = TestChain.spec(4242, KEYS);
    assertThatThrownBy(() -> Ledger.open(dir, other, LedgerConfig.onDemand(), clock))
        .isInstanceOf(LedgerOpenException.class)
        .hasMessageContaining("another chain")
        .hasMessageContaining("chain id 1337")
        .hasMessageContaining("chain id 4242");
    ChainSpec otherAllocation = TestChain.spec(CHAIN, TestChain.devKeys(5));
    assertThatThrownBy(() -> Ledger.open(dir, otherAllocation, LedgerConfig.onDemand(), clock))
        .isInstanceOf(LedgerOpenException.class)
        .hasMessageContaining("another chain");
    try (Ledger ledger = open()) {
      assertThat(ledger.chain().headNumber()).isEqualTo(1);
    }
  }

  @Test
  void aDirectoryInUseIsRefused() {
    try (Ledger ledger = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(LedgerOpenException.class)
          .hasMessageContaining("in use");
      assertThat(ledger.chain().headNumber()).isZero();
    }
  }

  @Test
  void theDevnetGenesisKeepsItsCreationTimeAcrossRestarts() {
    Genesis devnet = Genesis.devnet();
    Hash genesis;
    try (Ledger ledger = Ledger.open(dir, devnet, LedgerConfig.onDemand())) {
      genesis = ledger.chain().block(BlockRef.EARLIEST).orElseThrow().hash();
      ledger.produceBlock();
    }
    try (Ledger ledger = Ledger.open(dir, devnet, LedgerConfig.onDemand())) {
      assertThat(ledger.chain().block(BlockRef.EARLIEST).orElseThrow().hash()).isEqualTo(genesis);
      assertThat(ledger.chain().chainId()).isEqualTo(Genesis.DEVNET_CHAIN_ID);
      assertThat(ledger.chain().headNumber()).isEqualTo(1);
    }
    ChainAudit.Report report = ChainAudit.run(dir, ChainSpec.from(devnet));
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void timestampsFollowTheClockButAlwaysIncrease() {
    try (Ledger ledger = open()) {
      nowMillis.set((SPEC.genesisTimestamp() + 100) * 1000 + 999);
      assertThat(ledger.produceBlock().timestamp()).isEqualTo(SPEC.genesisTimestamp() + 100);
      assertThat(ledger.produceBlock().timestamp()).isEqualTo(SPEC.genesisTimestamp() + 101);
      nowMillis.set(0);
      assertThat(ledger.produceBlock().timestamp()).isEqualTo(SPEC.genesisTimestamp() + 102);
    }
  }

  @Test
  void intervalModeMakesBlocksByItselfAndNotifiesSubscribers() throws Exception {
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSequencer(SequencerConfig.DEFAULT.withBlockInterval(Duration.ofMillis(50)))
            .withSyncWrites(false);
    try (Ledger ledger = Ledger.open(dir, SPEC, config, clock)) {
      CountDownLatch heads = new CountDownLatch(3);
      List<Long> numbers = new CopyOnWriteArrayList<>();
      try (Subscription s =
          ledger
              .events()
              .onNewHead(
                  b -> {
                    numbers.add(b.number());
                    heads.countDown();
                  })) {
        assertThat(heads.await(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(numbers.subList(0, 3)).isSorted();
      assertThat(ledger.chain().headNumber()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void whenPendingModeMinesSubmittedTransactionsWithoutAsking() throws Exception {
    LedgerConfig config =
        LedgerConfig.DEFAULT.withSequencer(
            SequencerConfig.DEFAULT
                .withProduction(SequencerConfig.Production.WHEN_PENDING)
                .withBlockInterval(Duration.ofHours(1)));
    try (Ledger ledger = Ledger.open(dir, SPEC, config, clock)) {
      CountDownLatch mined = new CountDownLatch(1);
      ledger.events().onNewHead(b -> mined.countDown());
      Hash h =
          accepted(
              ledger
                  .intake()
                  .submit(TestChain.transfer(KEYS.get(2), 0, BOB, Amount.open(1), CHAIN).encode()));
      assertThat(mined.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ledger.chain().receipt(h)).isPresent();
    }
  }

  @Test
  void aSenderMayQueueMoreThanTheGuaranteedSlotsWhileThePoolHasRoom() {
    try (Ledger ledger = open()) {
      KeyPair alice = KEYS.get(2);
      for (int n = 0; n < 100; n++) {
        // What a script does: ask for the pending nonce, sign with it, send.
        long nonce = ledger.state().nonce(alice.address(), BlockRef.PENDING).getAsLong();
        assertThat(nonce).isEqualTo(n);
        accepted(
            ledger
                .intake()
                .submit(TestChain.transfer(alice, nonce, BOB, Amount.of(1), CHAIN).encode()));
      }
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(100, 0));
      assertThat(ledger.produceBlock().transactions()).hasSize(100);
    }
  }

  @Test
  void replacementAndPoolLimitsReachTheUser() {
    LedgerConfig config =
        LedgerConfig.onDemand()
            .withMempool(MempoolConfig.DEFAULT.withAccountSlots(2).withGlobalSlots(0));
    try (Ledger ledger = Ledger.open(dir, SPEC, config, clock)) {
      KeyPair alice = KEYS.get(3);
      accepted(
          ledger
              .intake()
              .submit(TestChain.transfer(alice, 0, BOB, Amount.open(1), CHAIN).encode()));
      assertThat(
              rejected(
                  ledger
                      .intake()
                      .submit(TestChain.transfer(alice, 0, BOB, Amount.open(2), CHAIN).encode())))
          .isEqualTo("replacement transaction underpriced");
      accepted(
          ledger
              .intake()
              .submit(TestChain.transfer(alice, 1, BOB, Amount.open(1), CHAIN).encode()));
      assertThat(
              rejected(
                  ledger
                      .intake()
                      .submit(TestChain.transfer(alice, 2, BOB, Amount.open(1), CHAIN).encode())))
          .startsWith("account limit exceeded");
    }
  }

  @Test
  void batchSubmissionKeepsOrderAndResults() {
    try (Ledger ledger = open()) {
      List<byte[]> raws = new ArrayList<>();
      List<Transaction> txs = new ArrayList<>();
      for (int n = 0; n < 40; n++) {
        Transaction tx = TestChain.transfer(KEYS.get(n % 4), n / 4, BOB, Amount.open(1), CHAIN);
        txs.add(tx);
        raws.add(tx.encode());
      }
      raws.add(new byte[] {(byte) 0xc0});
      List<SubmitResult> results = ledger.intake().submitAll(raws);
      for (int i = 0; i < 40; i++) {
        assertThat(results.get(i))
            .as("tx %d", i)
            .isEqualTo(SubmitResult.accepted(txs.get(i).hash()));
      }
      assertThat(results.get(40)).isInstanceOf(SubmitResult.Rejected.class);
      assertThat(ledger.produceBlock().transactions()).hasSize(40);
    }
  }
}
