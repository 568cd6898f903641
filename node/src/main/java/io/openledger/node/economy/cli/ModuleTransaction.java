package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.TransactionSender;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A call of an economy module sent as a transaction through {@link TransactionSender} (signed here,
 * nonce and fees from the node) and waited for. A call the module would refuse is refused by {@code
 * eth_estimateGas} before anything is sent, with the module's reason.
 *
 * @param hash the transaction hash
 * @param block the block that holds it
 * @param receipt the receipt as the node sent it
 */
public record ModuleTransaction(String hash, long block, JsonNode receipt) {

  /**
   * Sends {@code data} to {@code module} with {@code value}, waits for the receipt (progress on
   * {@code err}) and checks that it succeeded.
   *
   * @throws CliException with the module's reason when the call is refused or reverts
   */
  public static ModuleTransaction send(
      NodeClient node,
      KeyPair key,
      Address module,
      Amount value,
      byte[] data,
      Duration timeout,
      PrintWriter err) {
    TransactionSender sender = new TransactionSender(node);
    var draft = new TransactionSender.Draft(module, value, data, null, null, null, false);
    TransactionSender.Sent sent = sender.send(key, draft);
    String hash = sent.tx().hash().toHex();
    err.println("Sent " + hash);
    JsonNode receipt = sender.awaitReceipt(hash, timeout, err);
    long block = Wallets.number(receipt.get("blockNumber"));
    if (!"0x1".equals(receipt.path("status").asText())) {
      throw new CliException(
          "the transaction "
              + hash
              + " reverted"
              + replay(node, key.address(), module, value, data, block));
    }
    return new ModuleTransaction(hash, block, receipt);
  }

  /** Why the call reverts at the parent block, when a replay there says so. */
  private static String replay(
      NodeClient node, Address from, Address module, Amount value, byte[] data, long block) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("from", from.toHex());
    call.put("to", module.toHex());
    call.put("value", value.toHexQuantity());
    call.put("input", Bytes.toHex(data));
    return switch (node.request(
        "eth_call", call, "0x" + Long.toHexString(Math.max(0, block - 1)))) {
      case NodeClient.Reply.Error e ->
          " (replayed at block " + (block - 1) + ": " + e.message() + ")";
      case NodeClient.Reply.Result r -> "";
    };
  }

  /** The decoded values (declaration order) of each log of {@code event} from {@code module}. */
  List<List<Object>> events(Address module, AbiEvent event) {
    List<List<Object>> out = new ArrayList<>();
    for (JsonNode log : receipt.path("logs")) {
      if (!module.toHex().equalsIgnoreCase(log.path("address").asText())) {
        continue;
      }
      JsonNode topics = log.path("topics");
      if (topics.isEmpty() || !event.topic().toHex().equals(topics.get(0).asText())) {
        continue;
      }
      out.add(decode(event, topics, Bytes.fromHex(log.path("data").asText())));
    }
    return out;
  }

  /** The single log of {@code event}; a receipt without it means the node is not this chain. */
  public List<Object> event(Address module, AbiEvent event) {
    List<List<Object>> all = events(module, event);
    if (all.size() != 1) {
      throw new CliException(
          "the receipt of " + hash + " has " + all.size() + " " + event.name() + " logs, not one");
    }
    return all.getFirst();
  }

  /** The values of a log of {@code event} as JSON-RPC returns it (topics as hex strings). */
  static List<Object> decode(AbiEvent event, JsonNode topics, byte[] data) {
    List<Hash> t = new ArrayList<>();
    for (JsonNode topic : topics) {
      t.add(Hash.fromHex(topic.asText()));
    }
    return event.decode(t, data);
  }

  /** {@code transaction} and {@code block} for a command's JSON output. */
  public Map<String, Object> json() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("transaction", hash);
    o.put("block", block);
    return o;
  }
}
