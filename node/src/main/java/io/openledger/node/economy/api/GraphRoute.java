package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.inference.ContributionShare;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.state.StateReader;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.RecordSplit;
import io.openledger.node.economy.StoredRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/graph?model=ID&limit=N}: the attribution graph of a model's latest {@code
 * N} inferences on this node (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}): the
 * model, the datanet versions it was trained on, the contributions those inferences credited and
 * the inferences, joined by edges {@code trainedOn} (model → version), {@code contains} (version →
 * contribution), {@code credited} (contribution → inference, with its weight and amount) and {@code
 * served} (model → inference, with the model's weight and the unattributed data share).
 */
record GraphRoute(RecordLog log, PayoutBook book, Supplier<StateReader> head)
    implements EconomyRoute {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;

  @Override
  public String path() {
    return "/v1/economy/graph";
  }

  @Override
  public JsonNode answer(Context ctx) {
    long modelId = Params.requiredQuery(ctx, "model");
    int limit = (int) Params.query(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Model m =
        ModelModule.readModel(head.get(), modelId)
            .orElseThrow(() -> Params.notFound("model_not_found", "no model " + modelId));
    List<Long> numbers = book.latestRecords(modelId, limit);

    ObjectNode o = EconomyJson.object();
    o.put("model", modelId);
    o.put("limit", limit);
    o.put("inferences", book.model(modelId).map(PayoutBook.ModelUsage::inferences).orElse(0L));
    o.put("shown", numbers.size());
    Graph g = new Graph(o.putArray("nodes"), o.putArray("edges"));

    String modelKey = "model:" + modelId;
    g.node(modelKey, "model").put("model", modelId).put("name", m.name());
    Map<Long, String> versionKeys = new HashMap<>();
    for (Model.DatanetRef d : m.datanets()) {
      String key = "datanet:" + d.datanetId() + ":v" + d.version();
      versionKeys.put(d.datanetId(), key);
      g.node(key, "datanetVersion").put("datanet", d.datanetId()).put("version", d.version());
      g.edge(modelKey, key, "trainedOn");
    }
    Set<Long> shownContributions = new HashSet<>();
    for (long n : numbers) {
      StoredRecord s =
          StoredRecord.decode(
              log.get(n).orElseThrow(() -> new IllegalStateException("record " + n + " missing")));
      RecordSplit split = book.split(s.record());
      String inference = "inference:" + n;
      g.node(inference, "inference")
          .put("record", n)
          .put("receiptId", s.receiptId())
          .put("payer", EconomyJson.hex(s.record().payer()))
          .put("fee", EconomyJson.amount(s.record().fee()))
          .set("payouts", EconomyJson.payouts(split.payouts()));
      g.edge(modelKey, inference, "served")
          .put("ppm", split.modelPpm())
          .put("amount", EconomyJson.amount(split.fee().unattributed()));
      for (ContributionShare c : split.fee().contributions()) {
        String key = "contribution:" + c.contributionId();
        if (shownContributions.add(c.contributionId())) {
          contributionNode(g, key, modelId, c.contributionId(), versionKeys);
        }
        g.edge(key, inference, "credited")
            .put("ppm", c.ppm())
            .put("amount", EconomyJson.amount(c.amount()))
            .put("paidTo", EconomyJson.hex(c.paidTo()));
      }
    }
    return o;
  }

  /** A contribution node with its totals over all of the model's records here. */
  private void contributionNode(
      Graph g, String key, long modelId, long id, Map<Long, String> versionKeys) {
    Contribution c = book.contributionOnChain(id);
    ObjectNode node =
        g.node(key, "contribution")
            .put("contribution", id)
            .put("datanet", c.datanetId())
            .put("contributor", EconomyJson.hex(c.contributor()));
    book.contributionInModel(modelId, id)
        .ifPresent(
            t ->
                node.put("amount", EconomyJson.amount(t.amount()))
                    .put("inferences", t.inferences())
                    .put("ppmTotal", t.ppmTotal()));
    String version =
        versionKeys.computeIfAbsent(
            c.datanetId(),
            d -> {
              // a datanet the model does not name: shown without a version
              String k = "datanet:" + d;
              g.node(k, "datanetVersion").put("datanet", d).putNull("version");
              return k;
            });
    g.edge(version, key, "contains");
  }

  private record Graph(ArrayNode nodes, ArrayNode edges) {
    ObjectNode node(String id, String kind) {
      return nodes.addObject().put("id", id).put("kind", kind);
    }

    ObjectNode edge(String from, String to, String kind) {
      return edges.addObject().put("from", from).put("to", to).put("kind", kind);
    }
  }
}
