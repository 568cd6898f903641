package io.openledger.node.blob;

import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Deletes blobs nothing on chain refers to. An upload comes before the transaction that records it,
 * so a blob is kept for a grace period after it was stored (or last uploaded again) whatever the
 * chain says; after that, a blob no record references is deleted.
 */
public final class BlobCollector {
  private final BlobStore store;
  private final Predicate<Hash> referenced;
  private final Duration grace;
  private final InstantSource clock;

  /**
   * @param referenced whether an on-chain record (a contribution, a model's adapter) names a hash
   * @param grace how long an unreferenced blob is kept after its stored-at time
   */
  public BlobCollector(
      BlobStore store, Predicate<Hash> referenced, Duration grace, InstantSource clock) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace period cannot be negative: " + grace);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.referenced = Objects.requireNonNull(referenced, "referenced");
    this.grace = grace;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * One pass over the store: deletes every unreferenced blob stored more than the grace period ago
   * (a blob exactly at the limit is kept).
   *
   * @return what was deleted
   */
  public List<BlobInfo> collect() throws IOException {
    long now = clock.instant().getEpochSecond();
    long graceSeconds = grace.getSeconds();
    Predicate<BlobInfo> expired = info -> now - info.storedAt() > graceSeconds;
    List<BlobInfo> candidates;
    try (Stream<BlobInfo> blobs = store.blobs()) {
      candidates = blobs.filter(expired).toList();
    }
    List<BlobInfo> deleted = new ArrayList<>();
    for (BlobInfo candidate : candidates) {
      if (referenced.test(candidate.hash())) {
        continue;
      }
      // Checked again under the store's lock: an upload since the listing refreshes stored-at.
      if (store.delete(candidate.hash(), expired)) {
        deleted.add(candidate);
      }
    }
    return deleted;
  }
}
