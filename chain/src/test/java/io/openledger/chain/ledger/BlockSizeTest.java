package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block size JSON-RPC reports is the length of the block's encoding, computed without it. */
class BlockSizeTest {
  @Test
  void sizeEqualsTheEncodingLengthFromEmptyToLargeBlocks() {
    KeyPair key = TestChain.devKeys(1).getFirst();
    List<Transaction> txs = new ArrayList<>();
    for (int n : new int[] {0, 1, 2, 3, 60, 700}) {
      while (txs.size() < n) {
        txs.add(TestChain.transfer(key, txs.size(), Address.ofLowBytes(1), Amount.of(1), 1337));
      }
      BlockHeader header =
          new BlockHeader(
              Hash.ZERO,
              n,
              1_700_000_000L + n,
              Hash.keccak256(new byte[] {1}),
              Block.transactionsRoot(txs),
              Hash.ZERO,
              LogsBloom.EMPTY,
              21_000L * n,
              30_000_000,
              Amount.of(1_000_000_000L),
              Address.ofLowBytes(2),
              new byte[0]);
      assertThat(Views.encodedSize(header, txs))
          .as("%d transactions", n)
          .isEqualTo(new Block(header, txs).encode().length);
    }
  }
}
