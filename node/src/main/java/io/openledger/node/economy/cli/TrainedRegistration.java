package io.openledger.node.economy.cli;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.governance.TreasuryModule;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.model.TrainingFeeSplit;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code model register --from DIR} sends: the credits of each datanet version named in the
 * factory's {@code training.json} (weights in ppm from positive influence, or token share, {@link
 * TrainingWeights}), each checked against the chain (the version's root, each contribution accepted
 * in it), and the training-fee split they make ({@link TrainingFeeSplit}, the chain's own rule).
 */
final class TrainedRegistration {
  private TrainedRegistration() {}

  /** How the weights are measured: {@code auto} takes influence where it was computed. */
  enum Basis {
    AUTO,
    INFLUENCE,
    TOKENS;

    static Basis parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "influence" -> INFLUENCE;
        case "tokens" -> TOKENS;
        default -> throw new CliException("--weights: want auto, influence or tokens, got " + text);
      };
    }
  }

  /** A credit as {@code registerTrainedModel} takes it. */
  record Credit(long contributionId, long acceptedIndex, int ppm) {
    List<Object> abi() {
      return List.of(
          BigInteger.valueOf(contributionId),
          BigInteger.valueOf(acceptedIndex),
          BigInteger.valueOf(ppm));
    }
  }

  /**
   * One datanet's part.
   *
   * @param basis {@code influence} or {@code tokens}
   * @param split the fee's split on the chain's state now
   */
  record DatanetPlan(
      long datanetId, int version, String basis, List<Credit> credits, TrainingFeeSplit split) {}

  /** Everything {@code registerTrainedModel} will carry and pay. */
  record Plan(TrainingFile file, List<DatanetPlan> datanets) {
    Amount totalFee() {
      Amount sum = Amount.ZERO;
      for (DatanetPlan d : datanets) {
        sum = sum.add(d.split().fee());
      }
      return sum;
    }

    List<BigInteger> datanetIds() {
      return datanets.stream().map(d -> BigInteger.valueOf(d.datanetId())).toList();
    }

    List<BigInteger> versions() {
      return datanets.stream().map(d -> BigInteger.valueOf(d.version())).toList();
    }

    List<Object> credits() {
      List<Object> out = new ArrayList<>();
      datanets.forEach(d -> d.credits().forEach(c -> out.add(c.abi())));
      return out;
    }
  }

  /** The address the split shows for the treasury (the devnet's and testnet's treasury). */
  static final Address TREASURY = TreasuryModule.ADDRESS;

  static Plan plan(EconomyViews views, TrainingFile file, Address registrant, Basis basis) {
    List<DatanetPlan> out = new ArrayList<>();
    for (TrainingFile.Version v : file.datanets()) {
      String where = "datanet " + v.id() + " version " + v.version();
      Datanet d = views.datanet(v.id());
      if (v.version() > d.versions()) {
        throw new CliException(
            "training.json names " + where + ", but the datanet has " + d.versions());
      }
      DatanetVersion onChain = views.version(v.id(), v.version());
      if (!onChain.contributionsRoot().equals(v.contributionsRoot())) {
        throw new CliException(
            "training.json says "
                + where
                + " has root "
                + v.contributionsRoot().toHex()
                + ", the chain recorded "
                + onChain.contributionsRoot().toHex());
      }
      List<TrainingFile.Contribution> mine =
          file.contributions().stream().filter(c -> c.datanet() == v.id()).toList();
      if (mine.isEmpty()) {
        throw new CliException("training.json lists no contribution of " + where);
      }
      Map<Long, Long> index = new HashMap<>();
      for (long i = 0; i < onChain.acceptedCount(); i++) {
        index.put(views.acceptedAt(v.id(), i), i);
      }
      for (TrainingFile.Contribution c : mine) {
        if (!index.containsKey(c.id())) {
          throw new CliException(
              "training.json credits contribution " + c.id() + ", which is not in " + where);
        }
      }
      String used = basis(mine, basis, where);
      Map<Long, BigDecimal> masses = new LinkedHashMap<>();
      for (TrainingFile.Contribution c : mine) {
        BigDecimal m =
            used.equals("influence")
                ? c.influence().orElseThrow().max(BigDecimal.ZERO)
                : BigDecimal.valueOf(c.tokens());
        if (masses.put(c.id(), m) != null) {
          throw new CliException("training.json lists contribution " + c.id() + " twice");
        }
      }
      if (masses.values().stream().allMatch(m -> m.signum() == 0)) {
        throw new CliException(
            used.equals("influence")
                ? "no contribution of "
                    + where
                    + " has positive influence in training.json (--weights tokens splits by"
                    + " token share)"
                : "the contributions of " + where + " have no tokens in training.json");
      }
      List<Credit> credits = new ArrayList<>();
      List<TrainingFeeSplit.Credit> splitCredits = new ArrayList<>();
      for (TrainingWeights.Weight w : TrainingWeights.ppm(masses)) {
        credits.add(new Credit(w.contributionId(), index.get(w.contributionId()), w.ppm()));
        Contribution c = views.contribution(w.contributionId());
        splitCredits.add(
            new TrainingFeeSplit.Credit(
                c.id(),
                w.ppm(),
                new io.openledger.chain.datanet.ContributionStanding(
                    c.contributor(), views.earns(c))));
      }
      TrainingFeeSplit split =
          TrainingFeeSplit.of(
              v.id(), views.trainingFee(v.id()), d.owner(), registrant, TREASURY, splitCredits);
      out.add(new DatanetPlan(v.id(), v.version(), used, credits, split));
    }
    return new Plan(file, out);
  }

  /** {@code influence} or {@code tokens} for one datanet's contributions. */
  private static String basis(List<TrainingFile.Contribution> mine, Basis basis, String where) {
    long measured = mine.stream().filter(c -> c.influence().isPresent()).count();
    return switch (basis) {
      case TOKENS -> "tokens";
      case INFLUENCE -> {
        if (measured != mine.size()) {
          throw new CliException(
              "--weights influence: "
                  + (mine.size() - measured)
                  + " contributions of "
                  + where
                  + " have no influence in training.json");
        }
        yield "influence";
      }
      case AUTO -> {
        if (measured == mine.size()) {
          yield "influence";
        }
        if (measured == 0) {
          yield "tokens";
        }
        throw new CliException(
            "training.json gives influence for "
                + measured
                + " of the "
                + mine.size()
                + " contributions of "
                + where
                + "; pass --weights tokens or --weights influence");
      }
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

  /** One payout line as printed. */
  record Paid(long datanetId, long contributionId, Integer ppm, Amount amount, Address paidTo) {}

  /** The plan's payouts (what a dry run prints). */
  static List<Paid> planned(Plan plan) {
    List<Paid> out = new ArrayList<>();
    for (DatanetPlan d : plan.datanets()) {
      for (TrainingFeeSplit.Line l : d.split().lines()) {
        out.add(new Paid(d.datanetId(), l.contributionId(), l.ppm(), l.amount(), l.paidTo()));
      }
      if (!d.split().remainder().isZero()) {
        out.add(new Paid(d.datanetId(), 0, null, d.split().remainder(), d.split().owner()));
      }
    }
    return out;
  }

  /** The payouts the receipt's {@code TrainingFeePaid} logs record. */
  static List<Paid> paid(ModuleTransaction sent, Plan plan) {
    Map<Long, Integer> ppm = new HashMap<>();
    plan.datanets().forEach(d -> d.credits().forEach(c -> ppm.put(c.contributionId(), c.ppm())));
    List<Paid> out = new ArrayList<>();
    for (List<Object> e : sent.events(ModelModule.ADDRESS, ModelModule.TRAINING_FEE_PAID)) {
      long contribution = EconomyViews.u64(e.get(2));
      out.add(
          new Paid(
              EconomyViews.u64(e.get(1)),
              contribution,
              contribution == 0 ? null : ppm.get(contribution),
              EconomyViews.amount(e.get(4)),
              (Address) e.get(3)));
    }
    return out;
  }

  static void print(PrintWriter out, Plan plan, List<Paid> paid, Address registrant) {
    for (DatanetPlan d : plan.datanets()) {
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
    for (Paid p : paid) {
      String to = p.paidTo().toHex();
      if (p.paidTo().equals(TREASURY)) {
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

  static Map<String, Object> json(Plan plan, List<Paid> paid) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("reportHash", plan.file().hash().toHex());
    o.put("trainingFee", plan.totalFee().value().toString());
    List<Object> ds = new ArrayList<>();
    for (DatanetPlan d : plan.datanets()) {
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
