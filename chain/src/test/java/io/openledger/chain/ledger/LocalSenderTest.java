package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.tx.Eip1559Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's own signed sends, on a real ledger: nonces in turn, fee caps, refusals passed on. */
class LocalSenderTest {
  private static final List<KeyPair> KEYS = TestChain.devKeys(2);
  private static final Address BOB = Address.ofLowBytes(0xb0b);

  @TempDir Path dir;

  @Test
  void sendsFromTheKeysPendingNonceWithTheOraclesTipAndTwiceTheBaseFee() {
    try (Ledger ledger = Ledger.open(dir, TestChain.spec(1337, KEYS), LedgerConfig.onDemand())) {
      LocalSender sender = LocalSender.of(ledger);
      KeyPair alice = KEYS.getFirst();
      Amount baseFee = ledger.fees().nextBaseFee();
      Amount tip = ledger.fees().maxPriorityFeePerGas();
      LocalSender.Sent first = sender.send(alice, BOB, Amount.of(5), new byte[0], 21_000);
      LocalSender.Sent second = sender.send(alice, BOB, Amount.of(7), new byte[0], 21_000);
      assertThat(first.accepted()).isTrue();
      assertThat(second.accepted()).isTrue();
      var tx = (Eip1559Transaction) TransactionDecoder.decodeStored(second.raw());
      assertThat(tx.nonce()).as("the pending nonce, past the first").isEqualTo(1);
      assertThat(tx.sender()).isEqualTo(alice.address());
      assertThat(tx.maxPriorityFeePerGas()).isEqualTo(tip);
      assertThat(tx.maxFeePerGas()).isEqualTo(baseFee.multiply(2).add(tip));
      assertThat(tx.hash()).isEqualTo(second.hash().orElseThrow());

      ledger.produceBlock();
      for (Hash h : List.of(first.hash().orElseThrow(), second.hash().orElseThrow())) {
        assertThat(ledger.chain().receipt(h).orElseThrow().success()).isTrue();
      }
      assertThat(ledger.state().state(BlockRef.LATEST).orElseThrow().balance(BOB))
          .isEqualTo(Amount.of(12));
    }
  }

  @Test
  void fixedFeesAndARefusalComeBackUnchanged() {
    try (Ledger ledger = Ledger.open(dir, TestChain.spec(1337, KEYS), LedgerConfig.onDemand())) {
      LocalSender sender = LocalSender.of(ledger).withFees(Amount.of(3), 8);
      Amount baseFee = ledger.fees().nextBaseFee();
      LocalSender.Sent sent = sender.send(KEYS.get(1), BOB, Amount.ZERO, new byte[0], 21_000);
      var tx = (Eip1559Transaction) TransactionDecoder.decodeStored(sent.raw());
      assertThat(tx.maxPriorityFeePerGas()).isEqualTo(Amount.of(3));
      assertThat(tx.maxFeePerGas()).isEqualTo(baseFee.multiply(8).add(Amount.of(3)));

      KeyPair broke = KeyPair.fromPrivateKeyHex("11".repeat(32));
      LocalSender.Sent refused = sender.send(broke, BOB, Amount.of(1), new byte[0], 21_000);
      assertThat(refused.accepted()).isFalse();
      assertThat(refused.hash()).isEmpty();
      assertThat(((SubmitResult.Rejected) refused.result()).message())
          .contains("insufficient funds");
      assertThat(ledger.intake().poolStatus().pending()).isEqualTo(1);
      assertThatThrownBy(() -> sender.withFees(Amount.of(1), 0)).hasMessageContaining("at least 1");
    }
  }
}
