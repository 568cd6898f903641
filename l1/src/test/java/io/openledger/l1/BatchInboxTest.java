package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The inbox takes the batcher's calldata and nobody else's. */
class BatchInboxTest {
  private static Anvil anvil;
  private static L1Contracts l1;

  @BeforeAll
  static void deploy() {
    anvil = TestAnvil.start();
    l1 = new L1Contracts(anvil);
  }

  @AfterAll
  static void stop() {
    anvil.close();
  }

  @Test
  void theBatcherPostsCalldataThatDerivationCanReadBack() throws Exception {
    byte[] batch = new byte[20_000];
    new SplittableRandom(7).nextBytes(batch); // incompressible, like a compressed batch
    batch[0] = 0x00; // a version byte (the batch format is the batcher's)
    String data = "0x" + HexFormat.of().formatHex(batch);

    TransactionReceipt r = l1.batcher.send(l1.deployment.inbox(), data);
    Log log = L1Contracts.onlyLog(r, l1.deployment.inbox(), "BatchReceived(uint256)");
    assertThat(L1Contracts.dataWord(log, 0)).isEqualTo(batch.length);
    Transaction tx =
        anvil.web3j().ethGetTransactionByHash(r.getTransactionHash()).send().getResult();
    assertThat(tx.getInput()).isEqualTo(data);
    assertThat(tx.getFrom()).isEqualToIgnoringCase(l1.batcher.address());
    // Data-heavy transactions pay the EIP-7623 calldata floor (Prague, anvil's default): 21,000
    // + 10 per token, 4 tokens per non-zero byte and 1 per zero byte, i.e. 40 gas per byte of a
    // compressed batch; the inbox's check and log cost less than the floor's margin.
    long tokens = 0;
    for (byte b : batch) {
      tokens += b == 0 ? 1 : 4;
    }
    assertThat(r.getGasUsed().longValueExact()).isEqualTo(21_000 + 10 * tokens);
  }

  @Test
  void anyoneElseIsRefused() {
    assertThatThrownBy(() -> l1.user.send(l1.deployment.inbox(), "0x00aabbcc"))
        .hasMessageContaining("BatchInbox: only the batcher posts batches");
    assertThatThrownBy(() -> l1.proposer.send(l1.deployment.inbox(), "0x"))
        .hasMessageContaining("BatchInbox: only the batcher posts batches");
  }
}
