package io.openledger.chain.mempool;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.state.Account;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MempoolTest {
  static final long CHAIN = 1337;
  static final Amount GWEI = Amount.of(1_000_000_000L);
  static final Address TO = Address.ofLowBytes(0xbeef);

  final Map<Address, Account> state = new HashMap<>();
  final List<KeyPair> keys = new ArrayList<>();

  KeyPair key(int i) {
    while (keys.size() <= i) {
      byte[] k = new byte[32];
      k[31] = (byte) (keys.size() + 1);
      k[0] = 0x11;
      KeyPair kp = KeyPair.fromPrivateKey(k);
      keys.add(kp);
      state.put(kp.address(), new Account(Amount.open(1_000), 0));
    }
    return keys.get(i);
  }

  Mempool pool(MempoolConfig config) {
    return new Mempool(
        config, a -> state.getOrDefault(a, Account.EMPTY), GWEI, AdmissionCheck.NONE);
  }

  Mempool pool() {
    return pool(MempoolConfig.DEFAULT);
  }

  /** A transfer with fee cap {@code feeGwei} and tip {@code tipGwei}. */
  Transaction tx(int sender, long nonce, long feeGwei, long tipGwei) {
    return TransactionBuilder.eip1559(CHAIN)
        .nonce(nonce)
        .maxFeePerGas(GWEI.multiply(feeGwei))
        .maxPriorityFeePerGas(GWEI.multiply(tipGwei))
        .to(TO)
        .value(Amount.open(1))
        .sign(key(sender));
  }

  static String refusal(Admission a) {
    return a instanceof Admission.Refused r ? r.message() : null;
  }

  @Test
  void gapIsHeldUntilFilledThenBothAreSelectedInNonceOrder() {
    Mempool pool = pool();
    Admission later = pool.add(tx(0, 1, 10, 5));
    assertThat(later).isInstanceOf(Admission.Added.class);
    assertThat(((Admission.Added) later).executable()).isFalse();
    assertThat(pool.select(GWEI, 30_000_000, 100)).isEmpty();
    assertThat(pool.pendingCount()).isZero();
    assertThat(pool.pendingNonce(key(0).address())).isZero();

    Admission first = pool.add(tx(0, 0, 10, 1));
    assertThat(((Admission.Added) first).executable()).isTrue();
    assertThat(pool.select(GWEI, 30_000_000, 100))
        .extracting(Transaction::nonce)
        .containsExactly(0L, 1L);
    assertThat(pool.pendingNonce(key(0).address())).isEqualTo(2);
    assertThat(pool.pendingCount()).isEqualTo(2);
  }

  @Test
  void selectionOrdersByEffectiveTipAcrossSendersButKeepsEachSendersNonceOrder() {
    Mempool pool = pool();
    Transaction a0 = tx(0, 0, 100, 1);
    Transaction a1 = tx(0, 1, 100, 50);
    Transaction b0 = tx(1, 0, 100, 5);
    // c0 has a high tip but a fee cap that leaves only 2 gwei above the 1 gwei base fee.
    Transaction c0 = tx(2, 0, 3, 40);
    for (Transaction t : List.of(a0, a1, b0, c0)) {
      assertThat(pool.add(t)).isInstanceOf(Admission.Added.class);
    }
    assertThat(pool.select(GWEI, 30_000_000, 100)).containsExactly(b0, c0, a0, a1);
  }

  @Test
  void selectionRespectsGasLimitAndCount() {
    Mempool pool = pool();
    for (int s = 0; s < 5; s++) {
      pool.add(tx(s, 0, 10, 1 + s));
    }
    assertThat(pool.select(GWEI, 21_000 * 3 + 20_999, 100)).hasSize(3);
    assertThat(pool.select(GWEI, 30_000_000, 2))
        .extracting(t -> t.sender())
        .containsExactly(key(4).address(), key(3).address());
    // At a base fee above every fee cap nothing is executable.
    assertThat(pool.select(GWEI.multiply(11), 30_000_000, 100)).isEmpty();
  }

  @Test
  void replacementNeedsTenPercentOnBothFees() {
    Mempool pool = pool();
    Transaction original = tx(0, 0, 100, 10);
    pool.add(original);
    assertThat(refusal(pool.add(tx(0, 0, 109, 11))))
        .isEqualTo("replacement transaction underpriced");
    assertThat(refusal(pool.add(tx(0, 0, 200, 10))))
        .isEqualTo("replacement transaction underpriced");
    assertThat(pool.all()).containsExactly(original);

    Transaction better = tx(0, 0, 110, 11);
    Admission a = pool.add(better);
    assertThat(a).isInstanceOf(Admission.Added.class);
    assertThat(((Admission.Added) a).removed()).containsExactly(original);
    assertThat(pool.all()).containsExactly(better);
    assertThat(pool.contains(original.hash())).isFalse();
  }

  @Test
  void refusalsLeaveThePoolUnchanged() {
    Mempool pool = pool(MempoolConfig.DEFAULT);
    Transaction t = tx(0, 0, 10, 1);
    pool.add(t);
    assertThat(refusal(pool.add(t))).isEqualTo("already known");

    state.put(key(1).address(), new Account(Amount.open(1_000), 5));
    assertThat(refusal(pool.add(tx(1, 4, 10, 1)))).startsWith("nonce too low");
    // A nonce far ahead waits behind its gap, as in geth: queued, not refused.
    Admission far = pool.add(tx(1, 5 + 1_000, 10, 1));
    assertThat(((Admission.Added) far).executable()).isFalse();
    assertThat(refusal(pool.add(tx(1, 5, 0, 0))))
        .startsWith("max fee per gas less than block base fee");

    // 1,000 OPEN: two transfers of 1 OPEN fit, one of 999 after them does not (pending spends).
    state.put(key(2).address(), new Account(Amount.open(1_000), 0));
    assertThat(pool.add(tx(2, 0, 10, 1))).isInstanceOf(Admission.Added.class);
    Transaction big =
        TransactionBuilder.eip1559(CHAIN)
            .nonce(1)
            .maxFeePerGas(GWEI.multiply(10))
            .to(TO)
            .value(Amount.open(999))
            .sign(key(2));
    assertThat(refusal(pool.add(big))).startsWith("insufficient funds for gas * price + value");
    assertThat(pool.size()).isEqualTo(3);
  }

  @Test
  void theDefaultsAreGethsPerSenderSlots() {
    assertThat(MempoolConfig.DEFAULT.accountSlots()).isEqualTo(16);
    assertThat(MempoolConfig.DEFAULT.accountQueue()).isEqualTo(64);
  }

  @Test
  void aSenderHasGuaranteedSlotsAndMoreWhileThePoolHasRoom() {
    // 3 guaranteed pending slots; beyond them only while the pool holds fewer than 6.
    Mempool pool = pool(MempoolConfig.DEFAULT.withAccountSlots(3).withGlobalSlots(6));
    for (int n = 0; n < 6; n++) {
      assertThat(pool.add(tx(0, n, 10, 1))).as("nonce %d", n).isInstanceOf(Admission.Added.class);
      // What eth_getTransactionCount(pending) answers is always the next nonce admitted or refused
      // by the slot rule, never "nonce too high".
      assertThat(pool.pendingNonce(key(0).address())).isEqualTo(n + 1);
    }
    assertThat(refusal(pool.add(tx(0, 6, 10, 1))))
        .isEqualTo(
            "account limit exceeded: address "
                + io.openledger.chain.exec.Eip55.format(key(0).address())
                + " has 6 pending transactions; beyond 3 per sender the pool admits more only"
                + " while it holds fewer than 6");
    // Another sender still gets its guaranteed slots in the full-ish pool.
    for (int n = 0; n < 3; n++) {
      assertThat(pool.add(tx(1, n, 10, 1))).isInstanceOf(Admission.Added.class);
    }
    assertThat(refusal(pool.add(tx(1, 3, 10, 1)))).startsWith("account limit exceeded");
    // A replacement is not a new slot.
    assertThat(pool.add(tx(0, 5, 20, 2))).isInstanceOf(Admission.Added.class);
    assertThat(pool.size()).isEqualTo(9);
    // Mining frees the slots: the account nonce moves, the sender's count starts again.
    state.put(key(0).address(), new Account(Amount.open(990), 6));
    pool.onBlockCommitted(pool.all().subList(0, 6), GWEI);
    assertThat(pool.add(tx(0, 6, 10, 1))).isInstanceOf(Admission.Added.class);
  }

  @Test
  void queuedTransactionsBehindAGapAreLimitedPerSender() {
    Mempool pool = pool(MempoolConfig.DEFAULT.withAccountQueue(2));
    assertThat(pool.add(tx(0, 0, 10, 1))).isInstanceOf(Admission.Added.class);
    assertThat(pool.add(tx(0, 5, 10, 1))).isInstanceOf(Admission.Added.class);
    assertThat(pool.add(tx(0, 9, 10, 1))).isInstanceOf(Admission.Added.class);
    assertThat(refusal(pool.add(tx(0, 7, 10, 1))))
        .isEqualTo(
            "account limit exceeded: address "
                + io.openledger.chain.exec.Eip55.format(key(0).address())
                + " has 2 queued transactions (behind the nonce gap at 1), at most 2 per sender");
    // Filling the gap is a pending slot, not a queued one.
    assertThat(pool.add(tx(0, 1, 10, 1))).isInstanceOf(Admission.Added.class);
  }

  @Test
  void fullPoolEvictsTheCheapestOrRefusesTheCheapestNewcomer() {
    Mempool pool = pool(MempoolConfig.DEFAULT.withMaxTotal(3));
    Transaction cheap = tx(0, 0, 10, 1);
    pool.add(cheap);
    pool.add(tx(1, 0, 10, 3));
    pool.add(tx(2, 0, 10, 4));
    assertThat(refusal(pool.add(tx(3, 0, 10, 1)))).isEqualTo("txpool is full");
    assertThat(pool.size()).isEqualTo(3);

    Admission a = pool.add(tx(3, 0, 10, 2));
    assertThat(((Admission.Added) a).removed()).containsExactly(cheap);
    assertThat(pool.size()).isEqualTo(3);
    assertThat(pool.contains(cheap.hash())).isFalse();
  }

  @Test
  void committedBlockRemovesIncludedAndStaleTransactions() {
    Mempool pool = pool();
    Transaction a0 = tx(0, 0, 10, 1);
    Transaction a1 = tx(0, 1, 10, 1);
    Transaction a2 = tx(0, 2, 10, 1);
    pool.add(a0);
    pool.add(a1);
    pool.add(a2);
    // The block mined a0 and a1: the account nonce moves to 2.
    state.put(key(0).address(), new Account(Amount.open(998), 2));
    List<Transaction> stale = pool.onBlockCommitted(List.of(a0, a1), GWEI);
    assertThat(stale).isEmpty();
    assertThat(pool.all()).containsExactly(a2);
    assertThat(pool.select(GWEI, 30_000_000, 10)).containsExactly(a2);
  }

  /** Transactions of {@code sender} in the pool behind its nonce gap. */
  long queued(Mempool pool, Address sender) {
    List<Transaction> mine = pool.all().stream().filter(t -> t.sender().equals(sender)).toList();
    return mine.size()
        - (pool.pendingNonce(sender) - state.getOrDefault(sender, Account.EMPTY).nonce());
  }

  /**
   * Random admissions, blocks and base fees: whatever happens, the pool's limits hold and every
   * selected block takes each sender's transactions from its account nonce, one by one, and never
   * one whose fee cap is below the base fee.
   */
  @Test
  void randomWorkloadsKeepLimitsAndNonceOrder() {
    SplittableRandom rnd = new SplittableRandom(42);
    MempoolConfig cfg = new MempoolConfig(3, 20, 4, 40, 10, 128 * 1024);
    for (int round = 0; round < 30; round++) {
      state.clear();
      keys.clear();
      Mempool pool = pool(cfg);
      for (int step = 0; step < 200; step++) {
        int sender = rnd.nextInt(8);
        long headNonce = state.getOrDefault(key(sender).address(), Account.EMPTY).nonce();
        Admission admitted =
            pool.add(tx(sender, headNonce + rnd.nextInt(9), 1 + rnd.nextInt(20), rnd.nextInt(5)));
        String where = "round " + round + " step " + step;
        assertThat(pool.size()).as(where).isLessThanOrEqualTo(40);
        if (admitted instanceof Admission.Added added && !added.executable()) {
          // (An eviction from the middle of a sender's run can leave more queued behind it; the
          // limit holds for every admission.)
          assertThat(queued(pool, key(sender).address())).as(where).isLessThanOrEqualTo(4);
        }
        if (rnd.nextInt(10) == 0) {
          Amount baseFee = GWEI.multiply(1 + rnd.nextInt(5));
          List<Transaction> block = pool.select(baseFee, 21_000L * 30, 30);
          Map<Address, Long> next = new HashMap<>();
          for (Transaction t : block) {
            long expected =
                next.getOrDefault(
                    t.sender(), state.getOrDefault(t.sender(), Account.EMPTY).nonce());
            assertThat(t.nonce()).as(where).isEqualTo(expected);
            assertThat(t.maxFeePerGas().lessThan(baseFee)).as(where).isFalse();
            next.put(t.sender(), expected + 1);
          }
          next.forEach((a, n) -> state.put(a, new Account(state.get(a).balance(), n)));
          pool.onBlockCommitted(block, baseFee);
          for (Transaction t : block) {
            assertThat(pool.contains(t.hash())).as(where).isFalse();
          }
        }
      }
    }
  }
}
