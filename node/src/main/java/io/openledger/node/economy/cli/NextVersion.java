package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.DatanetIndexes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What publishing a datanet's next version records (docs/economy.md, {@code GET
 * /v1/datanets/{id}/next-version}): the root of the accepted set, the index hash, and which of the
 * new contributions the index holds or leaves out and why.
 */
record NextVersion(
    long datanet,
    int version,
    long acceptedCount,
    Hash contributionsRoot,
    Hash indexHash,
    List<Long> indexed,
    List<DatanetIndexes.Exclusion> excluded) {

  NextVersion {
    indexed = List.copyOf(indexed);
    excluded = List.copyOf(excluded);
  }

  /** Where the next version comes from: the node's route, or computed here. */
  interface Source {
    NextVersion next(long datanetId);
  }

  /** Parses the route's JSON answer. */
  static NextVersion fromJson(JsonNode o) {
    try {
      List<Long> indexed = new ArrayList<>();
      o.path("indexed").forEach(n -> indexed.add(n.asLong()));
      List<DatanetIndexes.Exclusion> excluded = new ArrayList<>();
      o.path("excluded")
          .forEach(
              n ->
                  excluded.add(
                      new DatanetIndexes.Exclusion(
                          n.path("contribution").asLong(), n.path("reason").asText())));
      return new NextVersion(
          o.get("datanet").asLong(),
          o.get("version").asInt(),
          o.get("acceptedCount").asLong(),
          Hash.fromHex(o.get("contributionsRoot").asText()),
          Hash.fromHex(o.get("indexHash").asText()),
          indexed,
          excluded);
    } catch (NullPointerException | IllegalArgumentException e) {
      throw new CliException("the node's next-version answer is not as documented: " + o);
    }
  }

  Map<String, Object> toJson() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("datanet", datanet);
    o.put("version", version);
    o.put("acceptedCount", acceptedCount);
    o.put("contributionsRoot", contributionsRoot.toHex());
    o.put("indexHash", indexHash.toHex());
    o.put("indexed", indexed);
    o.put(
        "excluded",
        excluded.stream()
            .map(
                e ->
                    Map.<String, Object>of(
                        "contribution", e.contributionId(), "reason", e.reason()))
            .toList());
    return o;
  }
}
