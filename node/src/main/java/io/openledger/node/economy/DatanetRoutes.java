package io.openledger.node.economy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.state.StateReader;
import io.openledger.node.economy.DatanetIndexes.BuiltVersion;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import io.openledger.node.economy.DatanetIndexes.Exclusion;
import io.openledger.openlora.server.ApiError;
import io.openledger.openlora.server.ExtensionRoute;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/datanets/{id}/next-version} (what publishing now would record) and {@code GET
 * /v1/datanets/{id}/versions/{v}/index} (where a version's index stands on this node); see
 * docs/economy.md, "The node's economy API".
 */
final class DatanetRoutes {
  private final StateQueries states;
  private final EconomyIndexer indexer;

  DatanetRoutes(StateQueries states, EconomyIndexer indexer) {
    this.states = states;
    this.indexer = indexer;
  }

  List<ExtensionRoute> routes() {
    return List.of(
        new ExtensionRoute(HandlerType.GET, "/v1/datanets/{id}/next-version", this::nextVersion),
        new ExtensionRoute(
            HandlerType.GET, "/v1/datanets/{id}/versions/{version}/index", this::index));
  }

  private void nextVersion(Context ctx) {
    long id = positive(ctx.pathParam("id"), "datanet id");
    requireDatanet(id);
    EconomyIndexer.Preview p;
    try {
      p = indexer.preview(id);
    } catch (EconomyIndexer.MissingBlob e) {
      throw ApiError.ofStatus(409, "missing_blob", e.getMessage()).toException();
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("datanet", id);
    o.put("version", p.version().version());
    o.put("acceptedCount", p.acceptedCount());
    o.put("contributionsRoot", p.contributionsRoot().toHex());
    o.put("indexHash", p.version().indexHash().toHex());
    describe(o, p.version());
    ctx.json(o);
  }

  private void index(Context ctx) {
    long id = positive(ctx.pathParam("id"), "datanet id");
    long v = positive(ctx.pathParam("version"), "version");
    requireDatanet(id);
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    Optional<DatanetVersion> onChain =
        v > Integer.MAX_VALUE ? Optional.empty() : DatanetModule.readVersion(state, id, (int) v);
    if (onChain.isEmpty()) {
      throw ApiError.ofStatus(
              404, "unknown_version", "datanet " + id + " has no published version " + v)
          .toException();
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("datanet", id);
    o.put("version", v);
    o.put("onChainIndexHash", onChain.get().indexHash().toHex());
    switch (indexer.status(new DatanetVersionRef(id, (int) v))) {
      case EconomyIndexer.Status.Ready r -> {
        o.put("status", "ready");
        o.put("indexHash", r.built().indexHash().toHex());
        describe(o, r.built());
      }
      case EconomyIndexer.Status.Building b -> o.put("status", "building");
      case EconomyIndexer.Status.Failed f -> {
        o.put("status", "failed");
        o.put("error", f.reason());
      }
    }
    ctx.json(o);
  }

  private static void describe(ObjectNode o, BuiltVersion v) {
    ArrayNode indexed = o.putArray("indexed");
    v.indexed().forEach(indexed::add);
    ArrayNode excluded = o.putArray("excluded");
    for (Exclusion e : v.excluded()) {
      ObjectNode x = excluded.addObject();
      x.put("contribution", e.contributionId());
      x.put("reason", e.reason());
    }
  }

  private void requireDatanet(long id) {
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    if (DatanetModule.readHeader(state, id).isEmpty()) {
      throw ApiError.ofStatus(404, "unknown_datanet", "no datanet " + id).toException();
    }
  }

  static long positive(String s, String what) {
    try {
      long v = Long.parseLong(s);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the error
    }
    throw ApiError.ofStatus(
            400, "invalid_parameter", what + " must be a positive integer, got " + s)
        .toException();
  }
}
