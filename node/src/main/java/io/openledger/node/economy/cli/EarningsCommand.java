package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
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
      printTraining(out, b.body().path("training"));
      printBreakdown(out, b.body().path("records"));
    }
    out.flush();
  }

  /**
   * The {@code records} part of {@code GET /v1/economy/earnings/{address}}: what the operator's
   * records credited the account, by role, per contribution and per model.
   */
  static void printBreakdown(PrintWriter out, JsonNode r) {
    out.println(
        "From the records of operator "
            + r.path("operator").asText()
            + ": "
            + r.path("records").asLong()
            + " paid inference(s)");
    out.println("  total      " + open(r.path("total")));
    out.println("  batched    " + open(r.path("batched")));
    out.println("  unbatched  " + open(r.path("unbatched")) + "  (in the operator's next batch)");
    List<String> roles = new ArrayList<>();
    r.path("byRole")
        .properties()
        .forEach(
            e -> {
              Amount a = InferCommand.amount(e.getValue(), e.getKey() + " amount");
              if (!a.isZero()) {
                roles.add(e.getKey() + " " + Wallets.open(a));
              }
            });
    if (!roles.isEmpty()) {
      out.println("  as         " + String.join(", ", roles));
    }
    JsonNode contributions = r.path("byContribution");
    out.println("Per contribution" + (contributions.isEmpty() ? ": none" : ""));
    for (JsonNode c : contributions) {
      out.printf(
          "  #%-6s %4d inference(s)  %s%n",
          c.path("contribution").asText(), c.path("inferences").asLong(), open(c.path("amount")));
    }
    JsonNode models = r.path("byModel");
    out.println("Per model" + (models.isEmpty() ? ": none" : ""));
    for (JsonNode m : models) {
      out.printf("  model %-6s %s%n", m.path("model").asText(), open(m.path("amount")));
    }
  }

  /**
   * The {@code training} part of {@code GET /v1/economy/earnings/{address}}: the training fees paid
   * to the account at the registration of models trained on its contributions (already in its
   * balance).
   */
  static void printTraining(PrintWriter out, JsonNode t) {
    JsonNode payments = t.path("payments");
    out.println(
        "Training fees received: "
            + open(t.path("total"))
            + (payments.isEmpty() ? "" : " (in the balance)"));
    for (JsonNode p : payments) {
      long contribution = p.path("contribution").asLong();
      out.printf(
          "  model %-6s datanet %-4s %-18s %s  block %s%n",
          p.path("model").asText(),
          p.path("datanet").asText(),
          contribution == 0 ? "(owner's remainder)" : "contribution #" + contribution,
          open(p.path("amount")),
          p.path("block").asText());
    }
  }

  /** A decimal amount of base units as {@code 0.0028 OPEN (2800000000000000)}. */
  private static String open(JsonNode amount) {
    Amount a = InferCommand.amount(amount, "amount");
    return Wallets.open(a) + " (" + a.value() + ")";
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
}
