package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code openledger receipt HASH}: the outcome of a mined transaction. */
@Command(
    name = "receipt",
    mixinStandardHelpOptions = true,
    description = "Show the receipt of a mined transaction: status, gas, fee, logs.")
public final class ReceiptCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

  @Parameters(index = "0", paramLabel = "HASH", description = "Transaction hash.")
  String hash;

  @Override
  public void run() {
    String h = Wallets.parseHash(hash, "HASH").toHex();
    JsonNode r = rpc.client().call("eth_getTransactionReceipt", h);
    if (r.isNull()) {
      throw new CliException(
          "no receipt for " + h + " (pending or unknown; see: openledger tx " + h + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Wallets.printJson(out, r);
      return;
    }
    print(out, r);
  }

  static void print(PrintWriter out, JsonNode r) {
    long gasUsed = Wallets.number(r.get("gasUsed"));
    Amount price = Wallets.amount(r.get("effectiveGasPrice"));
    out.println("Receipt " + r.get("transactionHash").asText());
    out.println(
        "  status     " + ("0x1".equals(r.get("status").asText()) ? "success" : "reverted"));
    out.println(
        "  block      "
            + Wallets.number(r.get("blockNumber"))
            + " ("
            + r.get("blockHash").asText()
            + "), index "
            + Wallets.number(r.get("transactionIndex")));
    out.println("  from       " + r.get("from").asText());
    out.println("  to         " + r.path("to").asText("(create)"));
    out.println("  gas used   " + gasUsed);
    out.println("  gas price  " + Wallets.gwei(price));
    out.println("  fee        " + Wallets.open(price.multiply(gasUsed)));
    JsonNode logs = r.get("logs");
    out.println("  logs       " + logs.size());
    for (JsonNode l : logs) {
      out.println("    " + l.get("address").asText() + " topics " + l.get("topics"));
      out.println("      data " + l.get("data").asText());
    }
    out.flush();
  }
}
