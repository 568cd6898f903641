package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionBond;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.PenaltyScore;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Amount;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/contributions/{id}}: a contribution as the chain has it, what this
 * operator's records paid it, from how many inferences, its summed weights and a per-model
 * breakdown; its bond now, whether it was penalized, its contributor's penalty score and whether it
 * earns from fees now. 404 for a contribution the chain does not have; zeros for one never
 * credited.
 */
record ContributionRoute(PayoutBook book, Supplier<StateReader> head) implements EconomyRoute {
  @Override
  public String path() {
    return "/v1/economy/contributions/{id}";
  }

  @Override
  public JsonNode answer(Context ctx) {
    long id = Params.pathId(ctx, "id");
    StateReader state = head.get();
    Contribution c =
        DatanetModule.readContribution(state, id)
            .orElseThrow(() -> Params.notFound("contribution_not_found", "no contribution " + id));
    Optional<PayoutBook.ContributionEarnings> e = book.contribution(id);
    ObjectNode o = EconomyJson.object();
    o.set("contribution", EconomyJson.contribution(c));
    ContributionBond bond = DatanetModule.readBond(state, id);
    PenaltyScore score = DatanetModule.readPenaltyScore(state, c.contributor());
    o.put("bond", EconomyJson.amount(bond.held()));
    o.put("penalized", bond.penalized());
    o.put("penaltyScore", score.score());
    o.put("earns", !bond.penalized() && !score.barred());
    o.put("earned", EconomyJson.amount(e.map(x -> x.earned()).orElse(Amount.ZERO)));
    o.put("toTreasury", EconomyJson.amount(e.map(x -> x.toTreasury()).orElse(Amount.ZERO)));
    o.put("inferences", e.map(x -> x.inferences()).orElse(0L));
    o.put("ppmTotal", e.map(x -> x.ppmTotal()).orElse(0L));
    ArrayNode byModel = o.putArray("byModel");
    for (PayoutBook.ModelTally m : e.map(x -> x.byModel()).orElse(List.of())) {
      byModel
          .addObject()
          .put("model", m.modelId())
          .put("amount", EconomyJson.amount(m.amount()))
          .put("inferences", m.inferences());
    }
    return o;
  }
}
