package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.types.Hash;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.StoredRecord;
import java.util.Optional;

/**
 * {@code GET /v1/receipts/{id}}: the record with this receipt id ({@code 0x} + record hash), its
 * output, where its fee went, and once batched the batch and the record's Merkle proof; {@code
 * batch: null} before. 400 for a malformed id, 404 for a record this node did not make.
 */
record ReceiptRoute(RecordLog log, PayoutBook book, PostedBatches batches) implements EconomyRoute {
  @Override
  public String path() {
    return "/v1/receipts/{id}";
  }

  @Override
  public JsonNode answer(Context ctx) {
    Hash id = Params.receiptId(ctx, "id");
    long number =
        log.numberOf(id)
            .orElseThrow(
                () ->
                    Params.notFound(
                        "receipt_not_found",
                        "no receipt " + id + ": this node made no such record"));
    StoredRecord stored =
        StoredRecord.decode(
            log.get(number)
                .orElseThrow(
                    () ->
                        new IllegalStateException("record " + number + " is indexed but missing")));
    ObjectNode o = EconomyJson.published(stored);
    EconomyJson.split(o, book.split(stored.record()), book);
    Optional<PostedBatches.Inclusion> in = batches.find(number);
    if (in.isEmpty()) {
      o.putNull("batch");
    } else {
      o.set("batch", batch(in.get()));
    }
    return o;
  }

  private static ObjectNode batch(PostedBatches.Inclusion in) {
    Batch b = in.batch();
    ObjectNode o = EconomyJson.object();
    o.put("seq", in.seq());
    o.put("recordsRoot", b.recordsRoot().toHex());
    o.put("firstRecord", b.firstRecord());
    o.put("recordCount", b.recordCount());
    o.put("index", in.proof().index());
    ArrayNode proof = o.putArray("proof");
    in.proof().siblings().forEach(h -> proof.add(h.toHex()));
    o.put("total", EconomyJson.amount(b.total()));
    o.put("postedAt", b.postedAt());
    o.put("finalizableAt", b.finalizableAt());
    o.put("finalized", b.finalized());
    return o;
  }
}
