package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Params;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an {@code eth_getLogs} / {@code eth_subscribe logs} filter object: {@code fromBlock},
 * {@code toBlock} (default {@code latest}) or {@code blockHash}; {@code address} as one address or
 * a list; {@code topics} as up to four positions, each null (any), a topic, or a list (any of).
 */
final class LogFilters {
  static final int MAX_TOPICS = 4;

  private LogFilters() {}

  static LogFilter parse(JsonNode o) {
    if (!o.isObject()) {
      throw new IllegalArgumentException("want a filter object");
    }
    JsonNode blockHash = present(o, "blockHash");
    JsonNode from = present(o, "fromBlock");
    JsonNode to = present(o, "toBlock");
    if (blockHash != null && (from != null || to != null)) {
      throw new IllegalArgumentException(
          "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    }
    return new LogFilter(
        blockHash != null ? null : block(from),
        blockHash != null ? null : block(to),
        blockHash == null ? null : Params.hash(blockHash),
        addresses(present(o, "address")),
        topics(present(o, "topics")));
  }

  private static BlockRef block(JsonNode n) {
    return n == null ? BlockRef.LATEST : Params.block(n);
  }

  private static List<Address> addresses(JsonNode n) {
    if (n == null) {
      return List.of();
    }
    return n.isArray() ? Params.list(n, Params::address) : List.of(Params.address(n));
  }

  private static List<List<Hash>> topics(JsonNode n) {
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException("\"topics\" must be an array");
    }
    if (n.size() > MAX_TOPICS) {
      throw new IllegalArgumentException("exceed max topics");
    }
    List<List<Hash>> out = new ArrayList<>();
    for (JsonNode position : n) {
      if (position.isNull()) {
        out.add(List.of());
      } else if (position.isArray()) {
        List<Hash> any = new ArrayList<>();
        for (JsonNode t : position) {
          if (t.isNull()) {
            any = null; // a null inside a position means any topic, as geth reads it
            break;
          }
          any.add(Params.hash(t));
        }
        out.add(any == null ? List.of() : any);
      } else {
        out.add(List.of(Params.hash(position)));
      }
    }
    return out;
  }

  private static JsonNode present(JsonNode o, String name) {
    JsonNode n = o.get(name);
    return n == null || n.isNull() ? null : n;
  }
}
