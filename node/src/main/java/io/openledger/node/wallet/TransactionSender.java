package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds, signs and submits a transaction through any node, as a wallet does: the nonce from {@code
 * eth_getTransactionCount(pending)}, the gas from {@code eth_estimateGas}, the fees from the latest
 * base fee and {@code eth_maxPriorityFeePerGas} (max fee = 2 x base fee + tip, as ethers does, so
 * the transaction stays valid while the base fee rises for a few blocks).
 */
public final class TransactionSender {
  private final NodeClient node;

  public TransactionSender(NodeClient node) {
    this.node = node;
  }

  /** What to send; null fields are filled from the node. */
  public record Draft(
      Address to,
      Amount value,
      byte[] data,
      Long gasLimit,
      Amount maxFeePerGas,
      Amount maxPriorityFeePerGas,
      boolean legacy) {}

  /** A signed, submitted transaction. */
  public record Sent(Transaction tx, Address from) {
    public Map<String, Object> toJson() {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("hash", tx.hash().toHex());
      o.put("from", from.toHex());
      o.put("to", tx.to().map(Address::toHex).orElse(null));
      o.put("value", tx.value().value().toString());
      o.put("nonce", tx.nonce());
      o.put("gasLimit", tx.gasLimit());
      o.put("maxFeePerGas", tx.maxFeePerGas().value().toString());
      o.put("maxPriorityFeePerGas", tx.maxPriorityFeePerGas().value().toString());
      return o;
    }
  }

  public Sent send(KeyPair key, Draft d) {
    Address from = key.address();
    long chainId = node.chainId();
    long nonce = Wallets.number(node.call("eth_getTransactionCount", from.toHex(), "pending"));
    long gas = d.gasLimit() != null ? d.gasLimit() : estimateGas(from, d);
    TransactionBuilder b;
    if (d.legacy()) {
      Amount price =
          d.maxFeePerGas() != null ? d.maxFeePerGas() : Wallets.amount(node.call("eth_gasPrice"));
      b = TransactionBuilder.legacy(chainId).gasPrice(price);
    } else {
      Amount tip =
          d.maxPriorityFeePerGas() != null
              ? d.maxPriorityFeePerGas()
              : Wallets.amount(node.call("eth_maxPriorityFeePerGas"));
      Amount maxFee = d.maxFeePerGas() != null ? d.maxFeePerGas() : defaultMaxFee(tip);
      if (maxFee.lessThan(tip)) {
        throw new CliException(
            "max fee per gas ("
                + Wallets.gwei(maxFee)
                + ") is below the priority fee ("
                + Wallets.gwei(tip)
                + ")");
      }
      b = TransactionBuilder.eip1559(chainId).maxPriorityFeePerGas(tip).maxFeePerGas(maxFee);
    }
    Transaction tx =
        b.nonce(nonce).gasLimit(gas).to(d.to()).value(d.value()).data(d.data()).sign(key);
    JsonNode hash = node.call("eth_sendRawTransaction", Bytes.toHex(tx.encode()));
    if (!tx.hash().toHex().equals(hash.asText())) {
      throw new CliException(
          "the node answered hash " + hash.asText() + " for transaction " + tx.hash());
    }
    return new Sent(tx, from);
  }

  private Amount defaultMaxFee(Amount tip) {
    JsonNode latest = node.call("eth_getBlockByNumber", "latest", false);
    Amount base = Wallets.amount(latest.get("baseFeePerGas"));
    return base.multiply(2).add(tip);
  }

  private long estimateGas(Address from, Draft d) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("from", from.toHex());
    call.put("to", d.to().toHex());
    call.put("value", d.value().toHexQuantity());
    call.put("input", Bytes.toHex(d.data()));
    return Wallets.number(node.call("eth_estimateGas", call, "pending"));
  }

  /**
   * Polls for the receipt every 250 ms; progress dots on {@code progress}.
   *
   * @throws CliException after {@code timeout}
   */
  public JsonNode awaitReceipt(String txHash, Duration timeout, PrintWriter progress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    progress.print("Waiting for the receipt");
    progress.flush();
    while (true) {
      JsonNode r = node.call("eth_getTransactionReceipt", txHash);
      if (!r.isNull()) {
        progress.println(" done.");
        progress.flush();
        return r;
      }
      if (System.nanoTime() > deadline) {
        progress.println();
        throw new CliException(
            "no receipt after "
                + timeout.toSeconds()
                + " s; the transaction may still be mined"
                + " (check: openledger receipt "
                + txHash
                + ")");
      }
      progress.print(".");
      progress.flush();
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while waiting for the receipt of " + txHash);
      }
    }
  }
}
