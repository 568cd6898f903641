package io.openledger.node.economy;

import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainEvents;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.ledger.Subscription;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobStore;
import io.openledger.node.economy.DatanetIndexes.Accepted;
import io.openledger.node.economy.DatanetIndexes.BuiltVersion;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's attribution indexes in step with the chain: whenever a datanet version is
 * published, it builds the version's shard from the blobs of its accepted contributions and checks
 * its hash against the one recorded on chain. A version is served only when the two agree.
 *
 * <p>Builds run on one background thread, started by each new head and once at start-up; a version
 * whose blobs are not all here yet stays {@link Status.Failed} and is tried again on later heads.
 */
public final class EconomyIndexer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EconomyIndexer.class);

  private final StateQueries states;
  private final ChainEvents events;
  private final BlobStore blobs;
  private final DatanetIndexes indexes;
  private final Map<DatanetVersionRef, Status> status = new ConcurrentHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("indexer").factory());
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Subscription heads;

  /** Where a version's index stands on this node. */
  public sealed interface Status {
    record Ready(BuiltVersion built) implements Status {}

    record Building() implements Status {}

    record Failed(String reason) implements Status {}
  }

  public EconomyIndexer(
      StateQueries states, ChainEvents events, BlobStore blobs, DatanetIndexes indexes) {
    this.states = states;
    this.events = events;
    this.blobs = blobs;
    this.indexes = indexes;
  }

  /** Catches up now and after every new head. */
  public void start() {
    heads = events.onNewHead(b -> schedule());
    schedule();
  }

  /** Runs a catch-up on the worker unless one is already waiting. */
  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      worker.execute(
          () -> {
            scheduled.set(false);
            try {
              catchUp();
            } catch (RuntimeException e) {
              LOG.error("indexing failed", e);
            }
          });
    }
  }

  /** Builds every published version that is not ready here yet. Runs on the worker. */
  void catchUp() {
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    long count = DatanetModule.datanetCount(state);
    for (long d = 1; d <= count; d++) {
      Datanet.Header header = DatanetModule.readHeader(state, d).orElseThrow();
      for (int v = 1; v <= header.versions(); v++) {
        DatanetVersionRef ref = new DatanetVersionRef(d, v);
        if (!(status.get(ref) instanceof Status.Ready)) {
          status.put(ref, build(state, ref));
        }
      }
    }
  }

  /** Waits until every version published up to now has been tried (tests, start-up). */
  public void awaitCatchUp() {
    try {
      worker.submit(this::catchUp).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("indexing failed: " + e.getCause(), e.getCause());
    }
  }

  private Status build(StateReader state, DatanetVersionRef ref) {
    DatanetVersion onChain =
        DatanetModule.readVersion(state, ref.datanetId(), ref.version()).orElseThrow();
    Optional<BuiltVersion> existing = indexes.built(ref.datanetId(), ref.version());
    BuiltVersion built;
    if (existing.isPresent()) {
      built = existing.get();
    } else {
      status.put(ref, new Status.Building());
      int previous =
          ref.version() == 1
              ? 0
              : (int)
                  DatanetModule.readVersion(state, ref.datanetId(), ref.version() - 1)
                      .orElseThrow()
                      .acceptedCount();
      List<Accepted> accepted;
      try {
        accepted = accepted(state, ref.datanetId(), onChain.acceptedCount());
      } catch (MissingBlob e) {
        return new Status.Failed(e.getMessage());
      }
      built = indexes.build(ref.datanetId(), ref.version(), accepted, previous, BuildProgress.NONE);
      LOG.info(
          "indexed datanet {} version {}: {} contributions, {} left out",
          ref.datanetId(),
          ref.version(),
          built.indexed().size(),
          built.excluded().size());
    }
    if (!built.indexHash().equals(onChain.indexHash())) {
      String reason =
          "the index built here has hash "
              + built.indexHash()
              + " but the chain recorded "
              + onChain.indexHash()
              + " for datanet "
              + ref.datanetId()
              + " version "
              + ref.version()
              + "; the version is not served";
      LOG.error(reason);
      return new Status.Failed(reason);
    }
    return new Status.Ready(built);
  }

  /**
   * The first {@code count} accepted contributions of a datanet with their blobs' bytes.
   *
   * @throws MissingBlob when a blob is not in this node's store
   */
  List<Accepted> accepted(StateReader state, long datanetId, long count) {
    List<Accepted> out = new ArrayList<>();
    for (long id : DatanetModule.acceptedContributions(state, datanetId, count)) {
      Contribution c = DatanetModule.readContribution(state, id).orElseThrow();
      out.add(new Accepted(id, c.contributor(), read(id, c.blobHash())));
    }
    return out;
  }

  private byte[] read(long contributionId, Hash hash) {
    try {
      Optional<InputStream> in = blobs.open(hash);
      if (in.isEmpty()) {
        throw new MissingBlob(
            "blob "
                + hash
                + " of contribution "
                + contributionId
                + " is not in this node's blob store (upload it with `openledger datanet"
                + " contribute` or PUT /v1/blobs/"
                + hash
                + ")");
      }
      try (InputStream s = in.get()) {
        return s.readAllBytes();
      }
    } catch (IOException e) {
      throw new MissingBlob(
          "blob " + hash + " of contribution " + contributionId + ": " + e.getMessage());
    }
  }

  /** A contribution's blob is missing or damaged here. */
  static final class MissingBlob extends RuntimeException {
    MissingBlob(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Where a version stands. A version not tried yet is {@link Status.Building}: each new head
   * starts a catch-up that reaches it (the caller checks that the version is published).
   */
  public Status status(DatanetVersionRef ref) {
    Status s = status.get(ref);
    return s != null ? s : new Status.Building();
  }

  /** Why the versions cannot be traced against now, or empty when they all can. */
  public Optional<String> notReady(List<DatanetVersionRef> refs) {
    for (DatanetVersionRef ref : refs) {
      Status s = status(ref);
      if (!(s instanceof Status.Ready)) {
        return Optional.of(
            "datanet "
                + ref.datanetId()
                + " version "
                + ref.version()
                + " is not ready on this node: "
                + switch (s) {
                  case Status.Building b -> "its index is being built";
                  case Status.Failed f -> f.reason();
                  case Status.Ready r -> "ready";
                });
      }
    }
    return Optional.empty();
  }

  /** A tracer over versions that are all {@link Status.Ready}. */
  public Tracer tracer(List<DatanetVersionRef> refs) {
    return indexes.tracer(refs);
  }

  /**
   * What publishing {@code datanetId} now would record: the next version's index over the
   * contributions accepted since the last version.
   *
   * @throws MissingBlob when a blob of an accepted contribution is not here
   * @throws IllegalArgumentException for an unknown datanet
   */
  public Preview preview(long datanetId) {
    StateReader state = states.state(BlockRef.LATEST).orElseThrow();
    Datanet.Header h =
        DatanetModule.readHeader(state, datanetId)
            .orElseThrow(() -> new IllegalArgumentException("unknown datanet " + datanetId));
    int next = h.versions() + 1;
    long previous =
        h.versions() == 0
            ? 0
            : DatanetModule.readVersion(state, datanetId, h.versions())
                .orElseThrow()
                .acceptedCount();
    List<Accepted> accepted = accepted(state, datanetId, h.accepted());
    return new Preview(
        DatanetIndexes.preview(datanetId, next, accepted, (int) previous),
        h.accepted(),
        DatanetModule.acceptedRoot(state, datanetId));
  }

  /** The next version as {@link #preview} computes it. */
  public record Preview(BuiltVersion version, long acceptedCount, Hash contributionsRoot) {}

  @Override
  public void close() {
    Subscription h = heads;
    if (h != null) {
      h.close();
    }
    worker.shutdownNow();
  }
}
