package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.LogView;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/earnings/{address}}: the account's on-chain earnings ({@code
 * pending/claimable/claimed}, from every operator's batches); the training fees paid to it when
 * models trained on its contributions were registered (the chain's {@code TrainingFeePaid} logs);
 * and, from this operator's records, what they credited it: total, batched and unbatched, by role,
 * by model and by contribution. An account nothing paid gets zeros; a malformed address is a 400.
 */
record EarningsRoute(
    PayoutBook book,
    Supplier<StateReader> head,
    Address operator,
    Function<LogFilter, QueryResult<List<LogView>>> logs)
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
    training(o.putObject("training"), account);
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

  /** The training fees paid to the account: total and each payment, oldest first. */
  private void training(ObjectNode out, Address account) {
    LogFilter f =
        LogFilter.range(BlockRef.number(0), BlockRef.LATEST)
            .withAddresses(List.of(ModelModule.ADDRESS))
            .withTopics(
                List.of(
                    List.of(ModelModule.TRAINING_FEE_PAID.topic()),
                    List.of(),
                    List.of(),
                    List.of(Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(account))))));
    List<LogView> paid =
        switch (logs.apply(f)) {
          case QueryResult.Ok<List<LogView>> ok -> ok.value();
          case QueryResult.Failed<List<LogView>> failed ->
              throw Params.bad(
                  "address", "cannot read this account's training fees: " + failed.message());
        };
    Amount total = Amount.ZERO;
    ArrayNode payments = EconomyJson.F.arrayNode();
    for (LogView l : paid) {
      // (modelId, datanetId, contributionId, paidTo, amount)
      List<Object> v = ModelModule.TRAINING_FEE_PAID.decode(l.topics(), l.data());
      Amount amount = Amount.of((BigInteger) v.get(4));
      total = total.add(amount);
      payments
          .addObject()
          .put("model", ((BigInteger) v.get(0)).longValueExact())
          .put("datanet", ((BigInteger) v.get(1)).longValueExact())
          .put("contribution", ((BigInteger) v.get(2)).longValueExact())
          .put("amount", EconomyJson.amount(amount))
          .put("block", l.blockNumber())
          .put("transaction", l.transactionHash().toHex());
    }
    out.put("total", EconomyJson.amount(total));
    out.set("payments", payments);
  }
}
