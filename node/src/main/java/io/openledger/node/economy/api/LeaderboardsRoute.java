package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.state.StateReader;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/leaderboards?model=ID&limit=N}: from this operator's records, the
 * most-credited contributions and the top earners (of one model when {@code model} is given, else
 * of all models), and the most used models; {@code limit} entries each (default {@value
 * #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}). 404 for a model the chain does not have.
 */
record LeaderboardsRoute(PayoutBook book, Supplier<StateReader> head) implements EconomyRoute {
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 100;

  @Override
  public String path() {
    return "/v1/economy/leaderboards";
  }

  @Override
  public JsonNode answer(Context ctx) {
    OptionalLong model = Params.optionalQuery(ctx, "model");
    int limit = (int) Params.query(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    StateReader state = head.get();
    if (model.isPresent() && ModelModule.readModel(state, model.getAsLong()).isEmpty()) {
      throw Params.notFound("model_not_found", "no model " + model.getAsLong());
    }
    PayoutBook.Leaderboards l = book.leaderboards(model, limit);

    ObjectNode o = EconomyJson.object();
    if (model.isPresent()) {
      o.put("model", model.getAsLong());
    } else {
      o.putNull("model");
    }
    o.put("limit", limit);
    ArrayNode contributions = o.putArray("contributions");
    for (PayoutBook.ContributionRank c : l.contributions()) {
      contributions
          .addObject()
          .put("contribution", c.contributionId())
          .put("datanet", c.datanetId())
          .put("contributor", EconomyJson.hex(c.contributor()))
          .put("amount", EconomyJson.amount(c.amount()))
          .put("inferences", c.inferences())
          .put("ppmTotal", c.ppmTotal());
    }
    ArrayNode models = o.putArray("models");
    for (PayoutBook.ModelRank m : l.models()) {
      models
          .addObject()
          .put("model", m.modelId())
          .put("name", ModelModule.readModel(state, m.modelId()).map(Model::name).orElse(null))
          .put("inferences", m.inferences())
          .put("fees", EconomyJson.amount(m.fees()));
    }
    ArrayNode earners = o.putArray("earners");
    for (PayoutBook.AccountRank a : l.earners()) {
      earners
          .addObject()
          .put("account", EconomyJson.hex(a.account()))
          .put("amount", EconomyJson.amount(a.amount()));
    }
    return o;
  }
}
