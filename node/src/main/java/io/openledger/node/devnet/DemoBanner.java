package io.openledger.node.devnet;

import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.ModelStake;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.node.economy.EconomyService;
import io.openledger.node.factory.TrainedModelRegistration;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The devnet's economy section of its start-up banner: the API, the demo's accounts and keys. */
final class DemoBanner {
  private DemoBanner() {}

  /**
   * The paid request the banner suggests: greedy decoding, so the demo model answers with phrases
   * of its training data, which the answer's attribution credits to the demo contributors.
   */
  static final String TRY_PROMPT = "Life is";

  static final int TRY_MAX_TOKENS = 32;

  /** The suggested request's body, for a served model name. */
  static Map<String, Object> tryRequest(String model) {
    return Map.of(
        "model", model, "prompt", TRY_PROMPT, "max_tokens", TRY_MAX_TOKENS, "temperature", 0);
  }

  /** The training fee the demo model's registration paid, per contribution. */
  static void printTraining(PrintWriter out, DemoSetup.Demo d, DemoSetup.Training t) {
    out.println(
        "    training fee   "
            + t.fee().toOpenString()
            + " OPEN paid at registration (block "
            + t.block()
            + "), split by "
            + (t.basis().equals("tokens") ? "token share" : "measured influence")
            + ":");
    out.println("      report       " + t.reportHash().toHex() + " = keccak-256 of");
    out.println("                   " + t.manifest());
    Map<Long, String> files = new HashMap<>();
    d.contributors().forEach(c -> files.put(c.contributionId(), c.file()));
    for (TrainedModelRegistration.Paid p : t.payouts()) {
      if (p.contributionId() == 0) {
        out.printf(
            "      remainder                    %s OPEN to %s (datanet owner)%n",
            p.amount().toOpenString(), p.paidTo());
      } else {
        out.printf(
            "      contribution %-3d %-11s %s OPEN (%d ppm) to %s%n",
            p.contributionId(),
            files.getOrDefault(p.contributionId(), "?"),
            p.amount().toOpenString(),
            p.ppm(),
            p.paidTo());
      }
    }
  }

  static void print(PrintWriter out, NodeRunner runner, Optional<DemoSetup.Demo> demo) {
    EconomyService economy = runner.economy().orElseThrow();
    String api = economy.server().baseUri().toString().replaceAll("/$", "");
    StateReader state = runner.ledger().state().state(BlockRef.LATEST).orElseThrow();
    out.println("Data economy");
    out.println("  API          " + api + " (OpenAI /v1/completions, blobs, receipts, earnings)");
    var operator = economy.gate().operator();
    out.println(
        "  operator     "
            + operator
            + (operator.equals(DemoSetup.OPERATOR.address()) ? " (dev account 9)" : "")
            + ": serves the models registered to it, posts their batches");
    out.println("  model        " + economy.engine().model().id() + " (base)");
    out.println(
        "  records      "
            + economy.publicUrl()
            + "/v1/records (published on the staking module with setEndpoint, for auditors)");
    economy
        .auditor()
        .ifPresentOrElse(
            a ->
                out.println(
                    "  auditor      "
                        + a.address()
                        + (a.address().equals(DemoSetup.AUDITOR.address())
                            ? " (dev account 8)"
                            : "")
                        + ": re-checks other operators' batches, challenges wrong attributions"),
            () -> out.println("  auditor      off (--audit to run one)"));
    if (demo.isEmpty()) {
      long datanets = DatanetModule.datanetCount(state);
      long models = ModelModule.modelCount(state);
      out.println(
          "  on chain     "
              + datanets
              + " datanets, "
              + models
              + " models"
              + (datanets == 0 ? "" : " (the demo's keys were printed at the first start)"));
      out.println();
      out.flush();
      return;
    }
    DemoSetup.Demo d = demo.get();
    out.println();
    out.println(
        "Demo (made now; its keys are PUBLIC, like the dev keys: never use them for value):");
    out.println(
        "  datanet "
            + d.datanetId()
            + "    \"fortunes\" by "
            + DemoSetup.DATANET_OWNER.address()
            + " (dev account 2), version "
            + d.version()
            + " published and indexed");
    for (DemoSetup.Contributor c : d.contributors()) {
      out.printf(
          "    contribution %d  %-11s %s%n      key %s%n",
          c.contributionId(), c.file(), c.address(), c.keyHex());
    }
    if (d.servedModel().isPresent()) {
      Model m = ModelModule.readModel(state, d.modelId()).orElseThrow();
      out.println(
          "  model "
              + d.modelId()
              + "      \""
              + m.name()
              + "\" by "
              + m.owner()
              + " (dev account 3): "
              + DemoSetup.PRICE_IN.toOpenString()
              + " / "
              + DemoSetup.PRICE_OUT.toOpenString()
              + " OPEN per 1,000 tokens in / out");
      out.println("    request it as  " + d.servedModel().get());
      ModelStake ms = StakingModule.modelStake(state, d.modelId());
      out.println(
          "    staked         "
              + StakingModule.pool(state, m.operator()).bondedStake().toOpenString()
              + " OPEN bonded by the operator (dev account 9), served on the staking module ("
              + ms.tier().name().toLowerCase(Locale.ROOT)
              + " tier, minimum "
              + economy.stakingParameters().minimum(ms.tier()).toOpenString()
              + " OPEN); the stakers' share of each fee goes to its pool");
      d.training().ifPresent(t -> printTraining(out, d, t));
    } else {
      out.println(
          "  model        none: pass --demo-adapter DIR (a PEFT adapter of --model) to register"
              + " one");
    }
    out.println(
        "  application  "
            + d.app()
            + "  escrow "
            + InferenceModule.escrowOf(state, d.app()).balance().toOpenString()
            + " OPEN");
    out.println("      key " + d.appKeyHex());
    out.println("  API key      " + d.apiKey() + " (cap 50 OPEN)");
    d.servedModel()
        .ifPresent(
            model -> {
              out.println();
              out.println("Try a paid inference:");
              out.println(
                  "  curl -s "
                      + api
                      + "/v1/completions -H 'Authorization: Bearer "
                      + d.apiKey()
                      + "' -H 'Content-Type: application/json' -d '{\"model\": \""
                      + model
                      + "\", \"prompt\": \""
                      + TRY_PROMPT
                      + "\", \"max_tokens\": "
                      + TRY_MAX_TOKENS
                      + ", \"temperature\": 0}'");
            });
    out.println();
    out.flush();
  }
}
