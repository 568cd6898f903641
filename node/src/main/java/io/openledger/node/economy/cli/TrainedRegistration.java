package io.openledger.node.economy.cli;

import io.openledger.chain.model.ModelModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import io.openledger.node.factory.TrainedModelRegistration;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code model register --from DIR} checks, sends and prints a {@link TrainedModelRegistration}
 * (the plan itself is made there, shared with the devnet's demo).
 */
final class TrainedRegistration {
  private TrainedRegistration() {}

  /** {@code --weights}: auto, influence or tokens. */
  static TrainedModelRegistration.Basis basis(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "auto" -> TrainedModelRegistration.Basis.AUTO;
      case "influence" -> TrainedModelRegistration.Basis.INFLUENCE;
      case "tokens" -> TrainedModelRegistration.Basis.TOKENS;
      default -> throw new CliException("--weights: want auto, influence or tokens, got " + text);
    };
  }

  /**
   * The registration run as an {@code eth_call} from {@code from} with the fee: the chain's checks
   * (licences, weights, versions, the fee) without sending anything.
   */
  static void simulate(NodeClient node, Address from, Amount value, byte[] data) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("from", from.toHex());
    call.put("to", ModelModule.ADDRESS.toHex());
    call.put("value", value.toHexQuantity());
    call.put("input", Bytes.toHex(data));
    if (node.request("eth_call", call, "latest") instanceof NodeClient.Reply.Error e) {
      throw new CliException(e.message());
    }
  }

  /** The payouts the receipt's {@code TrainingFeePaid} logs record. */
  static List<TrainedModelRegistration.Paid> paid(
      ModuleTransaction sent, TrainedModelRegistration.Plan plan) {
    Map<Long, Integer> ppm = new HashMap<>();
    plan.datanets().forEach(d -> d.credits().forEach(c -> ppm.put(c.contributionId(), c.ppm())));
    List<TrainedModelRegistration.Paid> out = new ArrayList<>();
    for (List<Object> e : sent.events(ModelModule.ADDRESS, ModelModule.TRAINING_FEE_PAID)) {
      long contribution = EconomyViews.u64(e.get(2));
      out.add(
          new TrainedModelRegistration.Paid(
              EconomyViews.u64(e.get(1)),
              contribution,
              contribution == 0 ? null : ppm.get(contribution),
              EconomyViews.amount(e.get(4)),
              (Address) e.get(3)));
    }
    return out;
  }

  static void print(
      PrintWriter out,
      TrainedModelRegistration.Plan plan,
      List<TrainedModelRegistration.Paid> paid,
      Address registrant) {
    for (TrainedModelRegistration.DatanetPlan d : plan.datanets()) {
      out.println(
          "Datanet "
              + d.datanetId()
              + " version "
              + d.version()
              + ": training fee "
              + Wallets.open(d.split().fee())
              + " to "
              + d.credits().size()
              + " contributions by "
              + d.basis()
              + ", owner "
              + d.split().owner());
    }
    out.printf("%-8s %-13s %-8s %-28s %s%n", "datanet", "contribution", "ppm", "OPEN", "paid to");
    for (TrainedModelRegistration.Paid p : paid) {
      String to = p.paidTo().toHex();
      if (p.paidTo().equals(TrainedModelRegistration.TREASURY)) {
        to += " (treasury: the contributor registers the model)";
      } else if (p.contributionId() == 0) {
        to += " (datanet owner: the remainder)";
      }
      out.printf(
          "%-8d %-13s %-8s %-28s %s%n",
          p.datanetId(),
          p.contributionId() == 0 ? "-" : Long.toString(p.contributionId()),
          p.ppm() == null ? "-" : Integer.toString(p.ppm()),
          p.amount().toOpenString(),
          to);
    }
    out.println("Total " + Wallets.open(plan.totalFee()) + " paid by " + registrant);
  }

  static Map<String, Object> json(
      TrainedModelRegistration.Plan plan, List<TrainedModelRegistration.Paid> paid) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("reportHash", plan.file().hash().toHex());
    o.put("trainingFee", plan.totalFee().value().toString());
    List<Object> ds = new ArrayList<>();
    for (TrainedModelRegistration.DatanetPlan d : plan.datanets()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("datanet", d.datanetId());
      j.put("version", d.version());
      j.put("fee", d.split().fee().value().toString());
      j.put("owner", d.split().owner().toHex());
      j.put("weights", d.basis());
      j.put(
          "credits",
          d.credits().stream()
              .map(
                  c -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("contribution", c.contributionId());
                    x.put("acceptedIndex", c.acceptedIndex());
                    x.put("ppm", c.ppm());
                    return x;
                  })
              .toList());
      ds.add(j);
    }
    o.put("datanets", ds);
    o.put(
        "payouts",
        paid.stream()
            .map(
                p -> {
                  Map<String, Object> x = new LinkedHashMap<>();
                  x.put("datanet", p.datanetId());
                  x.put("contribution", p.contributionId());
                  x.put("ppm", p.ppm());
                  x.put("amount", p.amount().value().toString());
                  x.put("paidTo", p.paidTo().toHex());
                  return x;
                })
            .toList());
    return o;
  }
}
