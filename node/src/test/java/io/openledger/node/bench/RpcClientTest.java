package io.openledger.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.rpc.JsonRpcService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer benchmark's JSON-RPC client against the real server over a real ledger. */
class RpcClientTest {
  @TempDir Path dir;

  @Test
  void sendsABatchOfRawTransactionsAndReadsBlocksAndReceipts() throws Exception {
    try (Ledger ledger =
            Ledger.open(
                dir,
                ChainSpec.from(Genesis.devnet()),
                LedgerConfig.onDemand().withSyncWrites(false));
        JsonRpcService rpc = JsonRpcService.start(ledger, "127.0.0.1", 0)) {
      RpcClient client = new RpcClient(rpc.httpUrl());
      Transaction transfer =
          TransactionBuilder.eip1559(1337)
              .nonce(0)
              .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
              .maxFeePerGas(Amount.of(3_000_000_000L))
              .to(Address.ofLowBytes(0xbeef))
              .value(Amount.of(1))
              .sign(KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(0).privateKeyHex()));

      List<RpcClient.Answer> answers =
          client.sendRawBatch(List.of(Bytes.toHex(transfer.encode()), "0x01"));

      assertThat(answers).hasSize(2);
      assertThat(answers.get(0)).isEqualTo(new RpcClient.Answer(transfer.hash().toHex(), null));
      assertThat(answers.get(1).result()).isNull();
      assertThat(answers.get(1).error()).isNotBlank();

      ledger.produceBlock();
      assertThat(client.call("eth_blockNumber").asText()).isEqualTo("0x1");
      JsonNode block = client.call("eth_getBlockByNumber", "0x1", false);
      assertThat(block.path("transactions").get(0).asText()).isEqualTo(transfer.hash().toHex());
      JsonNode receipt = client.call("eth_getTransactionReceipt", transfer.hash().toHex());
      assertThat(receipt.path("status").asText()).isEqualTo("0x1");
      assertThatThrownBy(() -> client.call("eth_getBlockByNumber", "latest", false, "extra"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("eth_getBlockByNumber: ");
    }
  }
}
