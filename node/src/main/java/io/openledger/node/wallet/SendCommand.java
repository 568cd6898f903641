package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger send}: signs an EIP-1559 transfer (or a legacy EIP-155 one) locally and submits
 * it; the private key never leaves this process.
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = "Sign and send OPEN (or a call with --data) through a node.")
public final class SendCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin SignerOptions signer = new SignerOptions();

  @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "Recipient.")
  String to;

  @Option(
      names = "--value",
      paramLabel = "OPEN",
      defaultValue = "0",
      description = "Amount in OPEN, up to 18 decimals (e.g. 1.5).")
  String value;

  @Option(names = "--data", paramLabel = "HEX", description = "Call data (0x...).")
  String data;

  @Option(names = "--gas-limit", paramLabel = "GAS", description = "Default: eth_estimateGas.")
  Long gasLimit;

  @Option(
      names = "--max-fee",
      paramLabel = "GWEI",
      description = "Max fee per gas in gwei (default: 2 x base fee + tip); legacy: the gas price.")
  String maxFee;

  @Option(
      names = "--priority-fee",
      paramLabel = "GWEI",
      description = "Priority fee (tip) per gas in gwei (default: eth_maxPriorityFeePerGas).")
  String priorityFee;

  @Option(names = "--legacy", description = "Send a legacy (type 0, EIP-155) transaction.")
  boolean legacy;

  @Option(names = "--wait", description = "Wait for the receipt and print it.")
  boolean await;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public void run() {
    Address recipient = Wallets.parseAddress(to, "--to");
    Amount amount = Wallets.parseOpen(value, "--value");
    byte[] calldata;
    try {
      calldata = data == null ? new byte[0] : Bytes.fromHex(data);
    } catch (IllegalArgumentException e) {
      throw new CliException("--data: " + e.getMessage());
    }
    if (legacy && priorityFee != null) {
      throw new CliException("--priority-fee does not apply to --legacy transactions");
    }
    var draft =
        new TransactionSender.Draft(
            recipient,
            amount,
            calldata,
            gasLimit,
            maxFee == null ? null : Wallets.parseGwei(maxFee, "--max-fee"),
            priorityFee == null ? null : Wallets.parseGwei(priorityFee, "--priority-fee"),
            legacy);
    send(spec, rpc, signer, draft, await, Duration.ofSeconds(timeoutSeconds));
  }

  /** Signs, submits, prints, and with {@code await} waits for and prints the receipt. */
  static void send(
      CommandLine.Model.CommandSpec spec,
      RpcOptions rpc,
      SignerOptions signer,
      TransactionSender.Draft draft,
      boolean await,
      Duration timeout) {
    var key = signer.unlock();
    TransactionSender sender = new TransactionSender(rpc.client());
    TransactionSender.Sent sent = sender.send(key, draft);
    PrintWriter out = spec.commandLine().getOut();
    String hash = sent.tx().hash().toHex();
    if (!rpc.json()) {
      out.println(hash);
      out.flush();
    }
    JsonNode receipt =
        await ? sender.awaitReceipt(hash, timeout, spec.commandLine().getErr()) : null;
    if (rpc.json()) {
      Map<String, Object> o = new LinkedHashMap<>(sent.toJson());
      if (receipt != null) {
        o.put("receipt", receipt);
      }
      Wallets.printJson(out, o);
    } else if (receipt != null) {
      ReceiptCommand.print(out, receipt);
    }
    if (receipt != null && !"0x1".equals(receipt.get("status").asText())) {
      throw new CliException("the transaction " + hash + " reverted");
    }
  }
}
