package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/earnings/{address}}: the account's on-chain earnings ({@code
 * pending/claimable/claimed}, from every operator's batches) and, from this operator's records,
 * what they credited it: total, batched and unbatched, by role, by model and by contribution. An
 * account nothing paid gets zeros; a malformed address is a 400.
 */
record EarningsRoute(PayoutBook book, Supplier<StateReader> head, Address operator)
    implements EconomyRoute {
  @Override
  public String path() {
    return "/v1/economy/earnings/{address}";
  }

  @Override
  public JsonNode answer(Context ctx) {
    Address account = Params.address(ctx, "address");
    StateReader state = head.get();
    Earnings onChain = InferenceModule.earnings(state, account);
    book.batchedBelow(InferenceModule.nextBatch(state, operator).firstRecord());
    PayoutBook.AccountEarnings e = book.account(account);

    ObjectNode o = EconomyJson.object();
    o.put("account", EconomyJson.hex(account));
    o.putObject("onChain")
        .put("pending", EconomyJson.amount(onChain.pending()))
        .put("claimable", EconomyJson.amount(onChain.claimable()))
        .put("claimed", EconomyJson.amount(onChain.claimed()));
    ObjectNode r = o.putObject("records");
    r.put("operator", EconomyJson.hex(operator));
    r.put("records", e.records());
    r.put("total", EconomyJson.amount(e.total()));
    r.put("batched", EconomyJson.amount(e.batched()));
    r.put("unbatched", EconomyJson.amount(e.unbatched()));
    r.set("byRole", EconomyJson.roles(e.byRole(), false));
    ArrayNode byModel = r.putArray("byModel");
    for (PayoutBook.ModelAmount m : e.byModel()) {
      byModel.addObject().put("model", m.modelId()).put("amount", EconomyJson.amount(m.amount()));
    }
    ArrayNode byContribution = r.putArray("byContribution");
    for (PayoutBook.ContributionAmount c : e.byContribution()) {
      byContribution
          .addObject()
          .put("contribution", c.contributionId())
          .put("amount", EconomyJson.amount(c.amount()))
          .put("inferences", c.inferences());
    }
    return o;
  }
}
