package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.vesting.VestingModule;
import io.openledger.node.rpc.Json;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.websocket.WebSocketService;
import org.web3j.protocol.websocket.events.NewHead;
import org.web3j.utils.Numeric;

/** {@code eth_subscribe} over WebSocket: newHeads through web3j, logs through a raw socket. */
class SubscriptionE2ETest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir.resolve("chain"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void newHeadsArriveInOrderAndMatchTheChain() throws Exception {
    WebSocketService ws = new WebSocketService(node.runner.rpc().wsUrl(), false);
    ws.connect();
    Web3j web3 = Web3j.build(ws);
    try {
      // Blocks come every 250 ms even when empty: three heads arrive without sending anything.
      List<NewHead> heads =
          web3.newHeadsNotifications()
              .take(3)
              .timeout(30, TimeUnit.SECONDS)
              .map(n -> n.getParams().getResult())
              .toList()
              .blockingGet();
      for (int i = 0; i < heads.size(); i++) {
        NewHead h = heads.get(i);
        BigInteger number = Numeric.decodeQuantity(h.getNumber());
        if (i > 0) {
          assertThat(number)
              .isEqualTo(Numeric.decodeQuantity(heads.get(i - 1).getNumber()).add(BigInteger.ONE));
        }
        var block =
            node.web3
                .ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false)
                .send()
                .getBlock();
        assertThat(h.getHash()).isEqualTo(block.getHash());
        assertThat(h.getStateRoot()).isEqualTo(block.getStateRoot());
      }
    } finally {
      web3.shutdown();
    }
  }

  @Test
  void logsSubscriptionDeliversModuleEventsAndUnsubscribes() throws Exception {
    BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(node.runner.rpc().wsUrl()),
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      inbox.add(text.toString());
                      text.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    String module = VestingModule.ADDRESS.toHex();
    socket.sendText(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"logs\",{\"address\":\""
            + module
            + "\",\"topics\":[\""
            + VestingModule.CLAIMED.topic().toHex()
            + "\"]}]}",
        true);
    JsonNode subscribed = Json.MAPPER.readTree(inbox.poll(10, TimeUnit.SECONDS));
    String id = subscribed.get("result").asText();
    assertThat(id).matches("0x(0|[1-9a-f][0-9a-f]{0,31})");

    var who = TestNode.dev(1);
    BigInteger nonce =
        node.web3
            .ethGetTransactionCount(who.getAddress(), DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    BigInteger base =
        node.web3
            .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getBaseFeePerGas();
    BigInteger tip = BigInteger.TEN.pow(9);
    RawTransaction claim =
        RawTransaction.createTransaction(
            TestNode.CHAIN_ID,
            nonce,
            BigInteger.valueOf(200_000),
            module,
            BigInteger.ZERO,
            Bytes.toHex(VestingModule.CLAIM.encodeCall()),
            tip,
            base.multiply(BigInteger.TWO).add(tip));
    String hash =
        node.web3
            .ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(claim, who)))
            .send()
            .getTransactionHash();

    JsonNode note = Json.MAPPER.readTree(inbox.poll(30, TimeUnit.SECONDS));
    assertThat(note.get("method").asText()).isEqualTo("eth_subscription");
    assertThat(note.get("params").get("subscription").asText()).isEqualTo(id);
    JsonNode log = note.get("params").get("result");
    assertThat(log.get("address").asText()).isEqualTo(module);
    assertThat(log.get("transactionHash").asText()).isEqualTo(hash);
    assertThat(log.get("topics").get(1).asText())
        .isEqualTo(Numeric.toHexStringWithPrefixZeroPadded(Numeric.toBigInt(who.getAddress()), 64));

    socket.sendText(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_unsubscribe\",\"params\":[\"" + id + "\"]}",
        true);
    JsonNode unsubscribed = Json.MAPPER.readTree(inbox.poll(10, TimeUnit.SECONDS));
    assertThat(unsubscribed.get("result").asBoolean()).isTrue();
    socket.sendText(
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_unsubscribe\",\"params\":[\"" + id + "\"]}",
        true);
    assertThat(Json.MAPPER.readTree(inbox.poll(10, TimeUnit.SECONDS)).get("result").asBoolean())
        .isFalse();
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
  }

  @Test
  void subscribeOverHttpIsRefused() throws Exception {
    JsonNode r = node.call("eth_subscribe", "[\"newHeads\"]");
    assertThat(r.get("error").get("code").asInt()).isEqualTo(-32601);
    assertThat(r.get("error").get("message").asText()).isEqualTo("notifications not supported");
  }
}
