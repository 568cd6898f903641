package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code openledger tx HASH}: a transaction, mined or pending. */
@Command(
    name = "tx",
    mixinStandardHelpOptions = true,
    description = "Show a transaction by hash (mined or pending).")
public final class TxCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

  @Parameters(index = "0", paramLabel = "HASH", description = "Transaction hash.")
  String hash;

  @Override
  public void run() {
    String h = Wallets.parseHash(hash, "HASH").toHex();
    JsonNode t = rpc.client().call("eth_getTransactionByHash", h);
    if (t.isNull()) {
      throw new CliException("no transaction " + h + " (neither mined nor pending)");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Wallets.printJson(out, t);
      return;
    }
    out.println("Transaction " + h);
    JsonNode block = t.get("blockNumber");
    out.println(
        "  status     "
            + (block == null || block.isNull()
                ? "pending"
                : "mined in block "
                    + Wallets.number(block)
                    + " at index "
                    + Wallets.number(t.get("transactionIndex"))));
    out.println("  type       " + Wallets.number(t.get("type")));
    out.println("  from       " + t.get("from").asText());
    out.println("  to         " + t.path("to").asText("(create)"));
    out.println("  value      " + Wallets.open(Wallets.amount(t.get("value"))));
    out.println("  nonce      " + Wallets.number(t.get("nonce")));
    out.println("  gas limit  " + Wallets.number(t.get("gas")));
    if (t.has("maxFeePerGas")) {
      out.println("  max fee    " + Wallets.gwei(Wallets.amount(t.get("maxFeePerGas"))));
      out.println("  max tip    " + Wallets.gwei(Wallets.amount(t.get("maxPriorityFeePerGas"))));
    } else {
      out.println("  gas price  " + Wallets.gwei(Wallets.amount(t.get("gasPrice"))));
    }
    String input = t.get("input").asText();
    out.println("  input      " + (input.length() > 74 ? input.substring(0, 74) + "..." : input));
    out.flush();
  }
}
