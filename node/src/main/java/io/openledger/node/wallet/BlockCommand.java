package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger block [N|latest] [--full]}: a block's header and transactions. */
@Command(
    name = "block",
    mixinStandardHelpOptions = true,
    description = "Show a block (default: the latest).")
public final class BlockCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "N|latest|HASH",
      defaultValue = "latest",
      description = "Block number (decimal or 0x hex), latest, earliest, or a block hash.")
  String block;

  @Option(names = "--full", description = "Show each transaction, not only its hash.")
  boolean full;

  /** A block argument as JSON-RPC wants it: tags as is, numbers in hex. */
  static String blockParameter(String text) {
    String t = text.trim();
    if (t.equals("latest") || t.equals("earliest") || t.equals("pending")) {
      return t;
    }
    try {
      long n = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return "0x" + Long.toHexString(n);
    } catch (NumberFormatException e) {
      throw new CliException("not a block number or tag: " + text);
    }
  }

  @Override
  public void run() {
    NodeClient node = rpc.client();
    JsonNode b =
        block.startsWith("0x") && block.length() == 66
            ? node.call("eth_getBlockByHash", Wallets.parseHash(block, "block").toHex(), full)
            : node.call("eth_getBlockByNumber", blockParameter(block), full);
    if (b.isNull()) {
      throw new CliException(
          "no block " + block + " (head is " + Wallets.number(node.call("eth_blockNumber")) + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Wallets.printJson(out, b);
      return;
    }
    out.println("Block " + Wallets.number(b.get("number")) + "  " + b.get("hash").asText());
    out.println("  parent        " + b.get("parentHash").asText());
    out.println("  time          " + Instant.ofEpochSecond(Wallets.number(b.get("timestamp"))));
    out.println("  sequencer     " + b.get("miner").asText());
    out.println("  state root    " + b.get("stateRoot").asText());
    out.println(
        "  gas used      "
            + Wallets.number(b.get("gasUsed"))
            + " of "
            + Wallets.number(b.get("gasLimit")));
    out.println("  base fee      " + Wallets.gwei(Wallets.amount(b.get("baseFeePerGas"))));
    JsonNode txs = b.get("transactions");
    out.println("  transactions  " + txs.size());
    for (JsonNode t : txs) {
      if (t.isTextual()) {
        out.println("    " + t.asText());
      } else {
        out.println(
            "    "
                + t.get("hash").asText()
                + "  "
                + t.get("from").asText()
                + " -> "
                + t.path("to").asText("(create)")
                + "  "
                + Wallets.open(Wallets.amount(t.get("value"))));
      }
    }
    out.flush();
  }
}
