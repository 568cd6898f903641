package io.openledger.node.economy;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.dedup.NearDuplicate;
import io.openledger.attribution.dedup.NearDuplicateIndex;
import io.openledger.attribution.index.Contribution;
import io.openledger.chain.datanet.DataType;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.node.blob.UploadInspector;
import io.openledger.node.economy.DatanetIndexes.Accepted;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The structural checks of a datanet submission at upload ({@code PUT
 * /v1/blobs/{hash}?datanet=ID}): a text datanet takes UTF-8 text within the attribution engine's
 * limit; and a near duplicate (MinHash/LSH) of an accepted contribution of another address is
 * reported, since it would be left out of the index and earn nothing if accepted. Without {@code
 * ?datanet} an upload is not checked (adapters, metadata).
 */
final class DatanetUploadCheck implements UploadInspector {
  private final StateQueries states;
  private final EconomyIndexer indexer;

  /** The accepted contributions' signatures of one datanet, as of an accepted count. */
  private record Seen(
      long acceptedCount, NearDuplicateIndex index, Map<String, Address> by, String incomplete) {}

  private final Map<Long, Seen> seen = new java.util.concurrent.ConcurrentHashMap<>();

  DatanetUploadCheck(StateQueries states, EconomyIndexer indexer) {
    this.states = states;
    this.indexer = indexer;
  }

  @Override
  public Verdict inspect(Upload upload) throws IOException {
    String param = upload.queryParam("datanet");
    if (param == null) {
      return new Verdict.Accept(Map.of());
    }
    long id;
    try {
      id = Long.parseLong(param);
    } catch (NumberFormatException e) {
      id = 0;
    }
    if (id < 1) {
      return new Verdict.Refuse(
          400, "invalid_parameter", "datanet must be a positive integer id, got '" + param + "'");
    }
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    Datanet.Header header = DatanetModule.readHeader(state, id).orElse(null);
    if (header == null) {
      return new Verdict.Refuse(404, "unknown_datanet", "no datanet " + id);
    }
    if (header.dataType() != DataType.TEXT) {
      return new Verdict.Accept(Map.of("datanet", id));
    }
    String text;
    try (InputStream in = upload.open()) {
      text = Contribution.fromUtf8(upload.hash().toHex(), in.readAllBytes()).text();
    } catch (AttributionException.InvalidInput e) {
      return new Verdict.Refuse(
          400, "not_text", "datanet " + id + " takes UTF-8 text: " + e.getMessage());
    }
    Seen s = seen(state, id, header.accepted());
    List<Map<String, Object>> near = new ArrayList<>();
    for (NearDuplicate d : s.index().query(text)) {
      Address by = s.by().get(d.contributionId());
      if (!by.equals(upload.uploader())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("contribution", Long.parseLong(d.contributionId()));
        m.put("contributor", by.toHex());
        m.put("similarity", String.format(Locale.ROOT, "%.2f", d.similarity()));
        near.add(m);
      }
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("datanet", id);
    fields.put("near_duplicates", near);
    if (s.incomplete() != null) {
      fields.put("near_duplicate_check", s.incomplete());
    }
    if (!near.isEmpty()) {
      fields.put(
          "warning",
          "this text nearly duplicates accepted contribution "
              + near.getFirst().get("contribution")
              + " of another address: if accepted it is left out of the index and earns nothing");
    }
    return new Verdict.Accept(fields);
  }

  private Seen seen(StateReader state, long datanetId, long accepted) {
    Seen s = seen.get(datanetId);
    if (s != null && s.acceptedCount() == accepted) {
      return s;
    }
    NearDuplicateIndex index = new NearDuplicateIndex(NearDuplicateIndex.DEFAULT_THRESHOLD);
    Map<String, Address> by = new java.util.HashMap<>();
    List<Accepted> all = List.of();
    String incomplete = null;
    try {
      all = indexer.accepted(state, datanetId, accepted);
    } catch (EconomyIndexer.MissingBlob e) {
      incomplete = "not done: " + e.getMessage();
    }
    for (Accepted a : all) {
      try {
        String id = Long.toString(a.contributionId());
        index.add(id, Contribution.fromUtf8(id, a.bytes()).text());
        by.put(id, a.contributor());
      } catch (AttributionException.InvalidInput e) {
        // not text: never indexed, so nothing can duplicate it
      }
    }
    Seen fresh = new Seen(accepted, index, by, incomplete);
    seen.put(datanetId, fresh);
    return fresh;
  }
}
