package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Hash;
import org.junit.jupiter.api.Test;

/** encode -> decode -> encode is the identity, over thousands of seeded random transactions. */
class TransactionRoundTripTest {
  private static final long CHAIN = 1337;

  @Test
  void randomSignedTransactionsDecodeToThemselves() {
    RandomTransactions gen = new RandomTransactions(42);
    int valid = 0;
    for (int i = 0; i < 5_000; i++) {
      Transaction tx = gen.next(CHAIN);
      byte[] raw = tx.encode();
      DecodeResult result = TransactionDecoder.decode(raw, CHAIN);
      if (result instanceof DecodeResult.Invalid(String reason)) {
        // The only reason a well-signed random transaction may fail: its cost overflows 256 bits.
        assertThat(reason).as("case %d", i).isEqualTo(TransactionDecoder.COST_OVERFLOW);
        continue;
      }
      valid++;
      Transaction back = result.orElseThrow();
      assertThat(back).as("case %d", i).isEqualTo(tx);
      assertThat(back.encode()).as("case %d", i).isEqualTo(raw);
      assertThat(back.hash()).as("case %d", i).isEqualTo(Hash.keccak256(raw));
      assertThat(back.sender()).as("case %d", i).isEqualTo(tx.sender());
      assertThat(back.signingHash()).as("case %d", i).isEqualTo(tx.signingHash());
      assertThat(back.nonce()).isEqualTo(tx.nonce());
      assertThat(back.gasLimit()).isEqualTo(tx.gasLimit());
      assertThat(back.value()).isEqualTo(tx.value());
      assertThat(back.maxFeePerGas()).isEqualTo(tx.maxFeePerGas());
      assertThat(back.maxPriorityFeePerGas()).isEqualTo(tx.maxPriorityFeePerGas());
      assertThat(back.to()).isEqualTo(tx.to());
      assertThat(back.data()).isEqualTo(tx.data());
      assertThat(back.v()).isEqualTo(tx.v());
      assertThat(back.type()).isEqualTo(tx.type());
      assertThat(back.accessList()).isEqualTo(tx.accessList());
      // storage path: structure only, sender recovered lazily, same result
      Transaction stored = TransactionDecoder.decodeStored(raw);
      assertThat(stored).isEqualTo(tx);
      assertThat(stored.sender()).as("case %d", i).isEqualTo(tx.sender());
    }
    assertThat(valid).isGreaterThan(4_000);
  }
}
