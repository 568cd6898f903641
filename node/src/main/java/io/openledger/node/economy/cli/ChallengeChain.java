package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the challenge commands read from the chain: whether it runs the challenge module, and its
 * events by an indexed argument ({@code eth_getLogs} over the node's log index).
 */
final class ChallengeChain {
  private ChallengeChain() {}

  /**
   * Refuses before anything is sent when the chain has no challenge module: a value sent to its
   * address would otherwise land in an account nobody controls.
   */
  static void requireModule(NodeClient node) {
    JsonNode code = node.call("eth_getCode", ChallengeModule.ADDRESS.toHex(), "latest");
    if (code == null || code.asText().equals("0x")) {
      throw new CliException(
          "the chain at "
              + node.url()
              + " runs no challenge module at "
              + ChallengeModule.ADDRESS
              + " (nothing was sent)");
    }
  }

  /** A decoded log: the block and transaction that emitted it, its values in declaration order. */
  record Event(AbiEvent event, long block, String transaction, List<Object> values) {
    Map<String, Object> json() {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("event", event.name());
      o.put("block", block);
      o.put("transaction", transaction);
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        o.put(
            event.parameters().get(i).name(),
            switch (v) {
              case Address a -> a.toHex();
              case BigInteger b -> b.toString();
              case byte[] b -> Bytes.toHex(b);
              default -> v;
            });
      }
      return o;
    }
  }

  /** Logs of {@code event} whose indexed argument at topic {@code position} is {@code word}. */
  static List<Event> events(NodeClient node, AbiEvent event, int position, byte[] word) {
    List<Object> topics = new ArrayList<>();
    topics.add(event.topic().toHex());
    for (int i = 1; i < position; i++) {
      topics.add(null);
    }
    topics.add(Bytes.toHex(word));
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("fromBlock", "0x0");
    filter.put("toBlock", "latest");
    filter.put("address", ChallengeModule.ADDRESS.toHex());
    filter.put("topics", topics);
    List<Event> out = new ArrayList<>();
    for (JsonNode log : node.call("eth_getLogs", filter)) {
      out.add(
          new Event(
              event,
              NodeClient.quantity(log.get("blockNumber")).longValueExact(),
              log.get("transactionHash").asText(),
              ModuleTransaction.decode(
                  event, log.get("topics"), Bytes.fromHex(log.get("data").asText()))));
    }
    return out;
  }

  static byte[] word(BigInteger v) {
    byte[] w = new byte[32];
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, w, 32 - n, n);
    return w;
  }

  static byte[] word(Address a) {
    byte[] w = new byte[32];
    System.arraycopy(a.toArray(), 0, w, 12, 20);
    return w;
  }
}
