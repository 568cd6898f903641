package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.state.StateRetention;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * A node that keeps the state of its last 4 blocks, seen through JSON-RPC: the state methods answer
 * at kept blocks (web3j, proofs verified against the header's root) and refuse older blocks with
 * geth's code -32000 and a message that says what happened and what to do.
 */
class PruningE2ETest {
  static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);

  @TempDir Path dir;

  @Test
  void stateMethodsAnswerAtKeptBlocksAndRefusePrunedOnes() throws Exception {
    try (TestNode node = TestNode.start(dir, StateRetention.keepLast(4))) {
      Credentials from = TestNode.dev(3);
      String to = "0x0000000000000000000000000000000000c0ffee";
      for (int i = 0; i < 8; i++) {
        node.awaitReceipt(send(node, from, i, to));
      }
      long head = node.web3.ethBlockNumber().send().getBlockNumber().longValueExact();
      assertThat(head).isGreaterThanOrEqualTo(8);

      for (long b = head - 3; b <= head; b++) {
        String tag = "0x" + Long.toHexString(b);
        BigInteger balance =
            node.web3
                .ethGetBalance(to, DefaultBlockParameter.valueOf(BigInteger.valueOf(b)))
                .send()
                .getBalance();
        assertThat(balance).isPositive();
        JsonNode p = node.call("eth_getProof", "[\"" + to + "\", [], \"" + tag + "\"]");
        assertThat(p.has("error")).as("eth_getProof at kept block %d: %s", b, p).isFalse();
        JsonNode r = p.get("result");
        Hash root =
            Hash.fromHex(
                node.web3
                    .ethGetBlockByNumber(
                        DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), false)
                    .send()
                    .getBlock()
                    .getStateRoot());
        assertThat(
                SparseMerkleProof.verify(
                    root,
                    StateKeys.account(Address.fromHex(to)),
                    Optional.of(new Account(Amount.of(balance), 0).encode()),
                    SparseMerkleProof.decode(Bytes.fromHex(r.get("accountProof").get(0).asText()))))
            .isTrue();
        JsonNode call =
            node.call(
                "eth_call",
                "[{\"from\":\""
                    + from.getAddress()
                    + "\",\"to\":\""
                    + to
                    + "\",\"value\":\"0x1\"},"
                    + " \""
                    + tag
                    + "\"]");
        assertThat(call.get("result").asText()).isEqualTo("0x");
      }

      long pruned = head - 5;
      String tag = "0x" + Long.toHexString(pruned);
      String message =
          "state not available: block "
              + pruned
              + " was pruned (this node keeps the state of the last 4 blocks, from block ";
      for (String request :
          List.of(
              "\"eth_getBalance\", \"params\": [\"" + to + "\", \"" + tag + "\"]",
              "\"eth_getTransactionCount\", \"params\": [\"" + to + "\", \"" + tag + "\"]",
              "\"eth_getProof\", \"params\": [\"" + to + "\", [], \"" + tag + "\"]",
              "\"eth_getStorageAt\", \"params\": [\"" + to + "\", \"0x0\", \"" + tag + "\"]",
              "\"eth_call\", \"params\": [{\"to\":\"" + to + "\"}, \"" + tag + "\"]")) {
        JsonNode e =
            node.rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":" + request + "}").get("error");
        assertThat(e).as(request).isNotNull();
        assertThat(e.get("code").asInt()).as(request).isEqualTo(-32000);
        assertThat(e.get("message").asText())
            .as(request)
            .startsWith(message)
            .endsWith("; run the node with --archive to keep all)");
      }
      // the block itself is still there, and the web3j client sees the error as an error
      assertThat(
              node.web3
                  .ethGetBlockByNumber(
                      DefaultBlockParameter.valueOf(BigInteger.valueOf(pruned)), false)
                  .send()
                  .getBlock())
          .isNotNull();
      var refused =
          node.web3
              .ethGetBalance(to, DefaultBlockParameter.valueOf(BigInteger.valueOf(pruned)))
              .send();
      assertThat(refused.getError().getMessage()).startsWith(message);
      assertThat(node.web3.ethGetBalance(to, DefaultBlockParameterName.LATEST).send().getBalance())
          .isEqualTo(BigInteger.valueOf(8 * 1000));
    }
  }

  private static String send(TestNode node, Credentials from, long nonce, String to)
      throws Exception {
    RawTransaction raw =
        RawTransaction.createEtherTransaction(
            TestNode.CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(21_000),
            to,
            BigInteger.valueOf(1000),
            GWEI,
            GWEI.multiply(BigInteger.valueOf(100)));
    String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, from));
    var r = node.web3.ethSendRawTransaction(signed).send();
    assertThat(r.getError()).as("send").isNull();
    return r.getTransactionHash();
  }
}
