package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.StoredRecord;

/**
 * {@code GET /v1/records?from=N&limit=M}: records {@code N..N+M-1} of this operator with their
 * outputs, published for anyone to check against the posted roots. {@code from} defaults to 0,
 * {@code limit} to {@value #DEFAULT_LIMIT} (at most {@value #MAX_LIMIT}); {@code next} is the
 * number the next record will get, so a page past it is empty.
 */
record RecordsRoute(RecordLog log) implements EconomyRoute {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;

  @Override
  public String path() {
    return "/v1/records";
  }

  @Override
  public JsonNode answer(Context ctx) {
    long from = Params.query(ctx, "from", 0, 0, Long.MAX_VALUE - MAX_LIMIT);
    long limit = Params.query(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long next = log.nextNumber();
    ObjectNode o = EconomyJson.object();
    o.put("from", from);
    o.put("limit", limit);
    o.put("next", next);
    ArrayNode records = o.putArray("records");
    if (from < next) {
      for (byte[] bytes : log.range(from, Math.min(next, from + limit))) {
        records.add(EconomyJson.published(StoredRecord.decode(bytes)));
      }
    }
    return o;
  }
}
