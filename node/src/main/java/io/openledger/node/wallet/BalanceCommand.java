package io.openledger.node.wallet;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger balance ADDRESS}: OPEN held by an account, and its nonce. */
@Command(
    name = "balance",
    mixinStandardHelpOptions = true,
    description = "Show an account's OPEN balance and nonce.")
public final class BalanceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

  @Parameters(index = "0", paramLabel = "ADDRESS", description = "The account (0x + 40 hex).")
  String address;

  @Option(
      names = "--block",
      paramLabel = "N|latest",
      defaultValue = "latest",
      description = "At this block: a number or latest (default).")
  String block;

  @Override
  public void run() {
    Address account = Wallets.parseAddress(address, "ADDRESS");
    String ref = BlockCommand.blockParameter(block);
    NodeClient node = rpc.client();
    Amount balance = Wallets.amount(node.call("eth_getBalance", account.toHex(), ref));
    long nonce = Wallets.number(node.call("eth_getTransactionCount", account.toHex(), ref));
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("address", account.toHex());
      o.put("balance", balance.value().toString());
      o.put("balanceOpen", balance.toOpenString());
      o.put("nonce", nonce);
      Wallets.printJson(out, o);
    } else {
      out.println(
          Wallets.open(balance) + "  (" + balance.value() + " base units, nonce " + nonce + ")");
      out.flush();
    }
  }
}
