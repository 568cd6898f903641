package io.openledger.chain.ledger;

import static io.openledger.chain.ledger.TestChain.GWEI;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.ProtocolRules;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.state.Supply;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool admits under the rules of the block a transaction would go into (head + 1), not under
 * genesis rules: a two-version schedule whose version 2, active from block 2, changes the largest
 * transaction size. The refusal is the validator's message, unchanged.
 */
class ProtocolUpgradeAdmissionTest {
  static final long CHAIN = 1337;
  static final List<KeyPair> KEYS = TestChain.devKeys(2);
  static final Address BOB = Address.ofLowBytes(0xb0b);
  static final int DATA = 2_000; // bytes of call data: a ~2.1 kB transaction

  @TempDir Path dir;

  @Test
  void aSmallerSizeLimitFromTheNextBlockRefusesWhatGenesisRulesAdmitted() {
    try (Ledger ledger = open(ProtocolRules.DEFAULT_MAX_TRANSACTION_SIZE, 1_000)) {
      KeyPair alice = KEYS.get(0);
      // head 0: block 1 is still version 1
      LedgerTest.accepted(ledger.intake().submit(withData(alice, 0).encode()));
      ledger.produceBlock();
      // head 1: block 2 is version 2
      Transaction big = withData(alice, 1);
      assertThat(LedgerTest.rejected(ledger.intake().submit(big.encode())))
          .isEqualTo("oversized data: transaction size " + big.size() + ", limit 1000");
      assertThat(ledger.intake().poolStatus()).isEqualTo(new PoolStatus(0, 0));
    }
  }

  @Test
  void aLargerSizeLimitFromTheNextBlockAdmitsWhatGenesisRulesRefused() {
    try (Ledger ledger = open(1_000, ProtocolRules.DEFAULT_MAX_TRANSACTION_SIZE)) {
      KeyPair alice = KEYS.get(0);
      Transaction first = withData(alice, 0);
      assertThat(LedgerTest.rejected(ledger.intake().submit(first.encode())))
          .isEqualTo("oversized data: transaction size " + first.size() + ", limit 1000");
      LedgerTest.accepted(
          ledger
              .intake()
              .submit(TestChain.transfer(alice, 0, BOB, Amount.open(1), CHAIN).encode()));
      ledger.produceBlock();
      LedgerTest.accepted(ledger.intake().submit(withData(alice, 1).encode()));
      assertThat(ledger.produceBlock().transactions()).hasSize(1);
    }
  }

  private Ledger open(int sizeLimitV1, int sizeLimitV2) {
    ProtocolRules base = TestChain.spec(CHAIN, KEYS).protocol().rulesAt(0);
    ProtocolSchedule schedule =
        ProtocolSchedule.of(
            Map.of(0L, sized(base, 1, sizeLimitV1), 2L, sized(base, 2, sizeLimitV2)));
    Amount each = Amount.open(1_000_000);
    ChainSpec spec =
        ChainSpec.of(
            CHAIN,
            schedule,
            TestChain.GAS_LIMIT,
            TestChain.SEQUENCER,
            1_700_000_000L,
            state -> {
              KEYS.forEach(k -> state.credit(k.address(), each));
              state.credit(TestChain.RESERVE, Supply.TOTAL.subtract(each.multiply(KEYS.size())));
            });
    return Ledger.open(
        dir, spec, LedgerConfig.onDemand(), () -> Instant.ofEpochSecond(1_700_000_000L));
  }

  private static ProtocolRules sized(ProtocolRules r, int version, int maxTransactionSize) {
    return new ProtocolRules(
        version,
        r.chainId(),
        r.gasSchedule(),
        r.feeMarket(),
        r.modules(),
        r.treasury(),
        r.lockedBalances(),
        maxTransactionSize);
  }

  private static Transaction withData(KeyPair from, long nonce) {
    return TransactionBuilder.eip1559(CHAIN)
        .nonce(nonce)
        .maxFeePerGas(GWEI.multiply(10))
        .maxPriorityFeePerGas(GWEI)
        .gasLimit(100_000)
        .to(BOB)
        .data(new byte[DATA])
        .sign(from);
  }
}
