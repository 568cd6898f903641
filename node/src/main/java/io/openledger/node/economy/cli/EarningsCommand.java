package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.types.Address;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger earnings [ADDRESS]}: what an account has earned from inference fees, on chain
 * ({@code earnings(address)}: pending in open batches, claimable, claimed), and from the node's
 * records ({@code GET /v1/economy/earnings/{address}}) per contribution and per model.
 */
@Command(
    name = "earnings",
    mixinStandardHelpOptions = true,
    description = {
      "Show an account's earnings: pending (in batches not yet final), claimable, claimed;"
          + " and, from the node's API, per contribution and per model."
    })
public final class EarningsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin OptionalSigner signer = new OptionalSigner();
  @CommandLine.Mixin ApiOptions api = new ApiOptions();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ADDRESS",
      description = "The account (default: the --from / --private-key-file account).")
  String address;

  /** The node's breakdown, or why there is none. */
  private record Breakdown(JsonNode body, String unavailable) {}

  @Override
  public void run() {
    Address account = signer.accountOr(address, "ADDRESS");
    Earnings e = new EconomyViews(rpc.client()).earnings(account);
    Breakdown b = breakdown(account);
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Map<String, Object> o = json(account, e);
      o.put("breakdown", b.body());
      if (b.unavailable() != null) {
        o.put("breakdownUnavailable", b.unavailable());
      }
      Wallets.printJson(out, o);
      return;
    }
    out.println("Earnings of " + account);
    out.println("  pending    " + Wallets.open(e.pending()) + "  (in batches not final yet)");
    out.println("  claimable  " + Wallets.open(e.claimable()) + "  (openledger claim)");
    out.println("  claimed    " + Wallets.open(e.claimed()));
    if (b.unavailable() != null) {
      out.println("Breakdown: " + b.unavailable());
    } else {
      printRows(out, "Per contribution", b.body().path("contributions"));
      printRows(out, "Per model", b.body().path("models"));
    }
    out.flush();
  }

  static Map<String, Object> json(Address account, Earnings e) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("account", account.toHex());
    o.put("pending", e.pending().value().toString());
    o.put("claimable", e.claimable().value().toString());
    o.put("claimed", e.claimed().value().toString());
    return o;
  }

  private Breakdown breakdown(Address account) {
    NodeApi node = api.client();
    NodeApi.Response r;
    try {
      r = node.get("/v1/economy/earnings/" + account.toHex());
    } catch (CliException unreachable) {
      return new Breakdown(null, unreachable.getMessage());
    }
    if (!r.ok()) {
      return new Breakdown(
          null, "the node at " + node.base() + " answered HTTP " + r.status() + ": " + r.error());
    }
    return new Breakdown(r.body(), null);
  }

  /** One line per element, its fields as {@code name value}. */
  private static void printRows(PrintWriter out, String title, JsonNode rows) {
    if (!rows.isArray()) {
      return;
    }
    out.println(title + (rows.isEmpty() ? ": none" : ""));
    for (JsonNode row : rows) {
      List<String> fields = new ArrayList<>();
      row.properties().forEach(f -> fields.add(f.getKey() + " " + text(f.getValue())));
      out.println("  " + String.join("  ", fields));
    }
  }

  private static String text(JsonNode v) {
    return v.isValueNode() ? v.asText() : v.toString();
  }
}
