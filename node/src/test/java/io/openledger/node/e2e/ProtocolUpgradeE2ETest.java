package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.ProtocolRules;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthSendTransaction;

/**
 * A protocol upgrade through JSON-RPC: the devnet genesis with a version 2 from block 1 that lowers
 * the largest transaction to 1,000 bytes. The pool admits for the next block, so {@code
 * eth_sendRawTransaction} refuses a larger one with -32000 and the validator's message, word for
 * word, though the genesis rules would take it. (ProtocolUpgradeAdmissionTest checks both
 * directions at the exact activation block.)
 */
class ProtocolUpgradeE2ETest {
  @TempDir Path dir;

  @Test
  void admissionFollowsTheNextBlocksRulesAndTheReasonReachesTheClient() throws Exception {
    try (TestNode node = TestNode.start(dir, ProtocolUpgradeE2ETest::upgradedAtBlock1)) {
      KeyPair dev0 = KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(0).privateKeyHex());
      Transaction big = withData(dev0, 0); // genesis rules would admit it; version 2 refuses it
      assertThat(big.size()).isBetween(1_001, ProtocolRules.DEFAULT_MAX_TRANSACTION_SIZE);
      Response.Error error = send(node, big).getError();
      assertThat(error).isNotNull();
      assertThat(error.getCode()).isEqualTo(-32000);
      assertThat(error.getMessage())
          .isEqualTo("oversized data: transaction size " + big.size() + ", limit 1000");
      Transaction small =
          TransactionBuilder.eip1559(TestNode.CHAIN_ID)
              .nonce(0)
              .maxFeePerGas(Amount.of(100_000_000_000L))
              .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
              .to(Address.ofLowBytes(0xb0b))
              .value(Amount.of(1))
              .sign(dev0);
      EthSendTransaction sent = send(node, small);
      assertThat(sent.hasError() ? sent.getError().getMessage() : null).isNull();
      assertThat(node.awaitReceipt(sent.getTransactionHash()).isStatusOK()).isTrue();
    }
  }

  private static EthSendTransaction send(TestNode node, Transaction tx) throws Exception {
    return node.web3.ethSendRawTransaction(Bytes.toHex(tx.encode())).send();
  }

  private static ChainSpec upgradedAtBlock1(Genesis g) {
    ProtocolRules v1 = g.rules();
    ProtocolRules v2 =
        new ProtocolRules(
            v1.version() + 1,
            v1.chainId(),
            v1.gasSchedule(),
            v1.feeMarket(),
            v1.modules(),
            v1.treasury(),
            v1.lockedBalances(),
            1_000);
    ChainSpec base = ChainSpec.from(g);
    return new ChainSpec(
        base.chainId(),
        ProtocolSchedule.of(Map.of(0L, v1, 1L, v2)),
        base.gasLimit(),
        base.sequencer(),
        base.genesisTimestamp(),
        base.genesis());
  }

  private static Transaction withData(KeyPair from, long nonce) {
    return TransactionBuilder.eip1559(TestNode.CHAIN_ID)
        .nonce(nonce)
        .maxFeePerGas(Amount.of(100_000_000_000L))
        .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
        .gasLimit(100_000)
        .to(Address.ofLowBytes(0xb0b))
        .data(new byte[2_000])
        .sign(from);
  }
}
