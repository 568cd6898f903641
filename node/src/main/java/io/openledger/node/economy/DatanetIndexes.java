package io.openledger.node.economy;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.dedup.NearDuplicate;
import io.openledger.attribution.dedup.NearDuplicateIndex;
import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.index.Contribution;
import io.openledger.attribution.index.CorpusIndex;
import io.openledger.attribution.index.Shard;
import io.openledger.attribution.tokenize.Tokenizer;
import io.openledger.attribution.trace.TraceParameters;
import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attribution indexes of datanet versions, built by the node from the accepted blobs so that
 * any node rebuilds the same bytes (docs/economy.md, "Index").
 *
 * <p>Each datanet has one index directory ({@code <root>/datanet-<id>}) holding one shard per
 * published version, labelled {@code v<N>}: the contributions accepted since the previous version.
 * A version's {@code indexHash} is the keccak-256 of its shard file (of the empty string when the
 * version adds nothing indexable). Tracing against version {@code v} searches the shards {@code
 * v1..v}. A contribution is left out of the index, and so can never be credited, when its bytes are
 * not UTF-8 text or when it nearly duplicates (MinHash/LSH, the attribution engine's threshold) an
 * earlier accepted contribution of another address; the reasons are kept beside the shard as {@code
 * v<N>.excluded}.
 *
 * <p>Thread-safe: builds are serialised; tracers read shards that never change once written.
 */
public final class DatanetIndexes implements AutoCloseable {
  /** The index hash of a version whose new contributions were all left out (keccak of ""). */
  public static final Hash EMPTY_INDEX = Hash.keccak256(new byte[0]);

  private final Path root;
  private final Map<Long, CorpusIndex> open = new ConcurrentHashMap<>();
  private final List<CorpusIndex> superseded = new ArrayList<>();

  /** One accepted contribution, in acceptance order, with its blob's bytes. */
  public record Accepted(long contributionId, Address contributor, byte[] bytes) {}

  /** Why a contribution is not in a version's index. */
  public record Exclusion(long contributionId, String reason) {}

  /**
   * A built version.
   *
   * @param indexHash what {@code publishVersion} records on chain
   * @param indexed contributions of this version in the index
   * @param excluded contributions of this version left out, with the reason
   */
  public record BuiltVersion(
      long datanetId, int version, Hash indexHash, List<Long> indexed, List<Exclusion> excluded) {}

  public DatanetIndexes(Path root) {
    this.root = root;
  }

  /** The label of a version's shard. */
  static String label(int version) {
    return "v" + version;
  }

  private Path dir(long datanetId) {
    return root.resolve("datanet-" + datanetId);
  }

  /** Written first by {@link #build}: a version is built when this file exists. */
  private Path excludedFile(long datanetId, int version) {
    return dir(datanetId).resolve(label(version) + ".excluded");
  }

  /**
   * Builds the shard of {@code version}, unless it is already built.
   *
   * @param accepted every contribution accepted up to this version, in acceptance order
   * @param previousCount how many of them belong to earlier versions
   */
  public synchronized BuiltVersion build(
      long datanetId,
      int version,
      List<Accepted> accepted,
      int previousCount,
      BuildProgress progress) {
    Optional<BuiltVersion> existing = built(datanetId, version);
    if (existing.isPresent()) {
      return existing.get();
    }
    Selection s = select(accepted, previousCount);
    Path dir = dir(datanetId);
    try {
      Files.createDirectories(dir);
      writeExclusions(excludedFile(datanetId, version), s.excluded);
      if (!s.indexed.isEmpty()) {
        CorpusIndex.append(dir, label(version), contributions(s.indexed), 1, progress);
        reopen(datanetId);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write index " + dir + ": " + e.getMessage(), e);
    }
    return built(datanetId, version).orElseThrow();
  }

  /**
   * What {@link #build} would record for the next version, computed in a scratch directory: the
   * index hash to publish. Nothing under the index root changes.
   */
  public static BuiltVersion preview(
      long datanetId, int version, List<Accepted> accepted, int previousCount) {
    Selection s = select(accepted, previousCount);
    if (s.indexed.isEmpty()) {
      return new BuiltVersion(datanetId, version, EMPTY_INDEX, List.of(), s.excluded);
    }
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("openledger-index-preview");
      List<CorpusIndex.ShardInfo> shards =
          CorpusIndex.append(tmp, label(version), contributions(s.indexed), 1, BuildProgress.NONE);
      return new BuiltVersion(
          datanetId,
          version,
          indexHash(tmp, shards),
          s.indexed.stream().map(Accepted::contributionId).toList(),
          s.excluded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build a preview index: " + e.getMessage(), e);
    } finally {
      deleteTree(tmp);
    }
  }

  /** The version as built on this node, if it is. */
  public synchronized Optional<BuiltVersion> built(long datanetId, int version) {
    Path dir = dir(datanetId);
    Path excludedFile = excludedFile(datanetId, version);
    if (!Files.exists(excludedFile)) {
      return Optional.empty();
    }
    List<Exclusion> excluded = readExclusions(excludedFile);
    List<CorpusIndex.ShardInfo> shards = shardInfos(datanetId, version);
    if (shards.isEmpty()) {
      return Optional.of(new BuiltVersion(datanetId, version, EMPTY_INDEX, List.of(), excluded));
    }
    List<Long> ids = new ArrayList<>();
    for (Shard s : index(datanetId).orElseThrow().select(List.of(label(version)))) {
      for (int i = 0; i < s.contributionCount(); i++) {
        ids.add(Long.parseLong(s.contributionId(i)));
      }
    }
    return Optional.of(
        new BuiltVersion(datanetId, version, indexHash(dir, shards), List.copyOf(ids), excluded));
  }

  /** The shards of a version as the manifest lists them: none, one, or its parts in order. */
  private List<CorpusIndex.ShardInfo> shardInfos(long datanetId, int version) {
    Path dir = dir(datanetId);
    if (!Files.exists(dir.resolve(CorpusIndex.MANIFEST))) {
      return List.of();
    }
    return CorpusIndex.manifest(dir).stream()
        .filter(i -> i.version().equals(label(version)))
        .toList();
  }

  /**
   * A tracer over the given datanet versions (each meaning its shards {@code v1..v}).
   *
   * @throws IllegalStateException if a version is not built on this node
   */
  public synchronized Tracer tracer(List<DatanetVersionRef> versions) {
    List<Shard> shards = new ArrayList<>();
    for (DatanetVersionRef ref : versions) {
      // The gate asks for a tracer on every paid request: check that the version is built as
      // built() does (its exclusions file exists), without built()'s hash of the whole shard.
      if (!Files.exists(excludedFile(ref.datanetId(), ref.version()))) {
        throw new IllegalStateException(
            "datanet " + ref.datanetId() + " version " + ref.version() + " is not indexed yet");
      }
      Optional<CorpusIndex> index = index(ref.datanetId());
      if (index.isEmpty()) {
        continue; // every version so far added nothing indexable
      }
      List<String> labels = new ArrayList<>();
      for (CorpusIndex.ShardInfo i : index.get().shardInfos()) {
        int v = Integer.parseInt(i.version().substring(1));
        if (v <= ref.version()) {
          labels.add(i.version());
        }
      }
      if (!labels.isEmpty()) {
        shards.addAll(index.get().select(labels));
      }
    }
    return new Tracer(shards, TraceParameters.V1);
  }

  /** A datanet version a model names. */
  public record DatanetVersionRef(long datanetId, int version) {}

  private Optional<CorpusIndex> index(long datanetId) {
    CorpusIndex i = open.get(datanetId);
    if (i != null) {
      return Optional.of(i);
    }
    if (!Files.exists(dir(datanetId).resolve(CorpusIndex.MANIFEST))) {
      return Optional.empty();
    }
    reopen(datanetId);
    return Optional.of(open.get(datanetId));
  }

  private void reopen(long datanetId) {
    CorpusIndex fresh = CorpusIndex.open(dir(datanetId));
    CorpusIndex old = open.put(datanetId, fresh);
    if (old != null) {
      superseded.add(old); // a tracer may still read it; closed with this object
    }
  }

  // ---- the selection rule ----

  private record Selection(List<Accepted> indexed, List<Exclusion> excluded) {}

  /**
   * Which of the version's new contributions go into its shard: UTF-8 text that does not nearly
   * duplicate an earlier indexed contribution of another address. Earlier versions' contributions
   * are replayed through the same rule so their exclusions are the same ones they had.
   */
  private static Selection select(List<Accepted> accepted, int previousCount) {
    if (previousCount < 0 || previousCount > accepted.size()) {
      throw new IllegalArgumentException(
          "previousCount " + previousCount + " outside 0.." + accepted.size());
    }
    NearDuplicateIndex seen = new NearDuplicateIndex(NearDuplicateIndex.DEFAULT_THRESHOLD);
    Map<String, Address> contributorOf = new java.util.HashMap<>();
    Set<Long> ids = new HashSet<>();
    List<Accepted> indexed = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      Accepted a = accepted.get(i);
      if (!ids.add(a.contributionId())) {
        throw new IllegalArgumentException("contribution " + a.contributionId() + " listed twice");
      }
      Optional<String> reason = Optional.empty();
      String text = null;
      try {
        text = Contribution.fromUtf8(Long.toString(a.contributionId()), a.bytes()).text();
      } catch (AttributionException.InvalidInput e) {
        reason = Optional.of("not indexable: " + e.getMessage());
      }
      if (text != null) {
        for (NearDuplicate d : seen.query(text)) {
          if (!contributorOf.get(d.contributionId()).equals(a.contributor())) {
            reason =
                Optional.of(
                    String.format(
                        Locale.ROOT,
                        "near duplicate of contribution %s by %s (similarity %.2f)",
                        d.contributionId(),
                        contributorOf.get(d.contributionId()),
                        d.similarity()));
            break;
          }
        }
      }
      if (reason.isEmpty()) {
        String id = Long.toString(a.contributionId());
        seen.add(id, text);
        contributorOf.put(id, a.contributor());
      }
      if (i >= previousCount) {
        if (reason.isPresent()) {
          excluded.add(new Exclusion(a.contributionId(), reason.get()));
        } else {
          indexed.add(a);
        }
      }
    }
    return new Selection(indexed, excluded);
  }

  private static Iterator<Contribution> contributions(List<Accepted> indexed) {
    return indexed.stream()
        .map(a -> Contribution.fromUtf8(Long.toString(a.contributionId()), a.bytes()))
        .iterator();
  }

  // ---- files ----

  private static void writeExclusions(Path file, List<Exclusion> excluded) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Exclusion e : excluded) {
      sb.append(e.contributionId()).append(' ').append(e.reason().replace('\n', ' ')).append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<Exclusion> readExclusions(Path file) {
    try {
      List<Exclusion> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int sp = line.indexOf(' ');
        out.add(new Exclusion(Long.parseLong(line.substring(0, sp)), line.substring(sp + 1)));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A version's index hash: the keccak-256 of its shard file, or, for a version indexed in parts,
   * the keccak-256 of the parts' keccak-256 hashes one after the other, in order.
   */
  static Hash indexHash(Path dir, List<CorpusIndex.ShardInfo> shards) {
    if (shards.size() == 1) {
      return hashFile(dir.resolve(shards.getFirst().file()));
    }
    Hash.Hasher digest = Hash.hasher();
    for (CorpusIndex.ShardInfo shard : shards) {
      byte[] part = hashFile(dir.resolve(shard.file())).toArray();
      digest.update(part, 0, part.length);
    }
    return digest.digest();
  }

  static Hash hashFile(Path file) {
    Hash.Hasher digest = Hash.hasher();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return digest.digest();
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a scratch directory under the system temp dir; the OS cleans what is left
    }
  }

  @Override
  public synchronized void close() {
    open.values().forEach(CorpusIndex::close);
    superseded.forEach(CorpusIndex::close);
    open.clear();
    superseded.clear();
  }

  /** Largest blob the indexer accepts as text (the attribution engine's contribution limit). */
  public static final int MAX_TEXT_BYTES = Tokenizer.MAX_CONTRIBUTION_BYTES;
}
