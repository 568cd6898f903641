package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Amount;
import io.openledger.node.economy.RecordSplit.Role;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/models/{id}}: a model as the chain has it, and from this operator's
 * records its inferences, tokens, fees and payouts by role. 404 for a model the chain does not
 * have; zeros for one this node never served.
 */
record ModelRoute(PayoutBook book, Supplier<StateReader> head) implements EconomyRoute {
  @Override
  public String path() {
    return "/v1/economy/models/{id}";
  }

  @Override
  public JsonNode answer(Context ctx) {
    long id = Params.pathId(ctx, "id");
    Model m =
        ModelModule.readModel(head.get(), id)
            .orElseThrow(() -> Params.notFound("model_not_found", "no model " + id));
    Optional<PayoutBook.ModelUsage> u = book.model(id);
    ObjectNode o = EconomyJson.object();
    o.set("model", EconomyJson.model(m));
    o.put("inferences", u.map(x -> x.inferences()).orElse(0L));
    o.put("promptTokens", u.map(x -> x.promptTokens()).orElse(BigInteger.ZERO));
    o.put("completionTokens", u.map(x -> x.completionTokens()).orElse(BigInteger.ZERO));
    o.put("fees", EconomyJson.amount(u.map(x -> x.fees()).orElse(Amount.ZERO)));
    Map<Role, Amount> payouts = u.map(x -> x.payouts()).orElse(Map.of());
    o.set("payouts", EconomyJson.roles(payouts, true));
    o.put("contributions", u.map(x -> x.contributions()).orElse(0L));
    o.put("accounts", u.map(x -> x.accounts()).orElse(0L));
    return o;
  }
}
