package io.openledger.attribution.index;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.AttributionException.CorruptIndex;
import io.openledger.attribution.AttributionVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An index directory: a manifest listing shards, the shards of each datanet version added together,
 * each a shard file (spec section "Index files"). A version is one shard, or several parts when it
 * is larger than {@link ShardFormat#PART_POSITIONS} positions ({@link ShardWriter#writeParts}).
 * Adding a version writes its shards and then replaces the manifest atomically, so a reader sees
 * the old or the new list, never half of one. A query names the versions it spans; their shards are
 * searched together.
 *
 * <pre>
 * index.manifest:
 *   openledger-attribution-index 1
 *   attribution.version 1
 *   shard VERSION FILE POSITIONS CONTRIBUTIONS HEADER_CRC32C_HEX     (one line per shard; the
 *                                                                   lines of a version together)
 * </pre>
 */
public final class CorpusIndex implements AutoCloseable {
  /** The manifest's file name inside an index directory. */
  public static final String MANIFEST = "index.manifest";

  private static final String FIRST_LINE = "openledger-attribution-index 1";
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** One shard as the manifest lists it. */
  public record ShardInfo(
      String version, String file, long positions, int contributions, int headerCrc) {}

  private final Path dir;
  private final List<ShardInfo> infos;
  private final List<Shard> shards;

  private CorpusIndex(Path dir, List<ShardInfo> infos, List<Shard> shards) {
    this.dir = dir;
    this.infos = List.copyOf(infos);
    this.shards = List.copyOf(shards);
  }

  /**
   * Opens an index directory: reads the manifest, maps every shard and verifies it.
   *
   * @throws CorruptIndex if the directory is not an index or any shard fails verification
   */
  public static CorpusIndex open(Path dir) {
    List<ShardInfo> infos = readManifest(dir);
    List<Shard> shards = new ArrayList<>();
    try {
      for (ShardInfo info : infos) {
        Shard s = Shard.open(dir.resolve(info.file()));
        shards.add(s);
        if (s.headerCrc() != info.headerCrc()
            || s.positions() != info.positions()
            || s.contributionCount() != info.contributions()) {
          throw new CorruptIndex(
              "index shard "
                  + info.file()
                  + " does not match the manifest of "
                  + dir
                  + " (replaced or damaged); rebuild the index");
        }
      }
    } catch (RuntimeException e) {
      shards.forEach(Shard::close);
      throw e;
    }
    return new CorpusIndex(dir, infos, shards);
  }

  /**
   * Indexes {@code contributions} as a new version labelled {@code version}, one shard or several
   * parts, creating the directory and manifest when absent. Nothing in the directory changes if
   * this throws.
   *
   * @param version label of the datanet version, [A-Za-z0-9._-]{1,64}, not yet in the index
   * @return the version's shards, in order
   * @throws AttributionException.InvalidInput on a bad label or bad contributions
   */
  public static List<ShardInfo> append(
      Path dir,
      String version,
      Iterator<Contribution> contributions,
      int threads,
      BuildProgress progress) {
    return append(dir, version, contributions, new ShardWriter(threads), progress);
  }

  /** {@link #append} with the given writer (tests cut parts smaller). */
  static List<ShardInfo> append(
      Path dir,
      String version,
      Iterator<Contribution> contributions,
      ShardWriter writer,
      BuildProgress progress) {
    if (!VERSION.matcher(version).matches()) {
      throw new AttributionException.InvalidInput(
          "version label must be 1 to 64 characters of A-Z a-z 0-9 . _ -, got: " + version);
    }
    try {
      Files.createDirectories(dir);
      try (FileChannel lockChannel =
              FileChannel.open(
                  dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockChannel.tryLock()) {
        if (lock == null) {
          throw new AttributionException.InvalidInput(
              "another process is adding to the index " + dir);
        }
        return appendLocked(dir, version, contributions, writer, progress);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write index " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<ShardInfo> appendLocked(
      Path dir,
      String version,
      Iterator<Contribution> contributions,
      ShardWriter writer,
      BuildProgress progress)
      throws IOException {
    List<ShardInfo> infos =
        Files.exists(dir.resolve(MANIFEST)) ? readManifest(dir) : new ArrayList<>();
    for (ShardInfo i : infos) {
      if (i.version().equals(version)) {
        throw new AttributionException.InvalidInput(
            "the index already has version " + version + "; name the new version differently");
      }
    }
    int first = infos.size() + 1;
    List<Path> written = new ArrayList<>();
    try {
      List<ShardWriter.ShardStats> parts =
          writer.writeParts(
              contributions,
              k -> {
                Path tmp = dir.resolve(fileName(first + k) + ".tmp");
                synchronized (written) {
                  written.add(tmp);
                }
                return tmp;
              },
              progress);
      List<ShardInfo> added = new ArrayList<>();
      for (int k = 0; k < parts.size(); k++) {
        String file = fileName(first + k);
        Files.move(dir.resolve(file + ".tmp"), dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
        ShardWriter.ShardStats stats = parts.get(k);
        added.add(
            new ShardInfo(
                version, file, stats.positions(), stats.contributions(), stats.headerCrc()));
      }
      List<ShardInfo> all = new ArrayList<>(infos);
      all.addAll(added);
      writeManifest(dir, all);
      return added;
    } finally {
      for (Path tmp : written) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static String fileName(int shard) {
    return String.format(Locale.ROOT, "shard-%06d.olsa", shard);
  }

  private static void writeManifest(Path dir, List<ShardInfo> infos) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(FIRST_LINE).append('\n');
    sb.append("attribution.version ").append(AttributionVersion.V1).append('\n');
    for (ShardInfo i : infos) {
      sb.append(
          String.format(
              Locale.ROOT,
              "shard %s %s %d %d %08x%n",
              i.version(),
              i.file(),
              i.positions(),
              i.contributions(),
              i.headerCrc()));
    }
    Path tmp = dir.resolve(MANIFEST + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The shards an index directory lists, read from its manifest only (no shard is opened).
   *
   * @throws CorruptIndex if the directory has no valid manifest
   */
  public static List<ShardInfo> manifest(Path dir) {
    return List.copyOf(readManifest(dir));
  }

  static List<ShardInfo> readManifest(Path dir) {
    Path m = dir.resolve(MANIFEST);
    List<String> lines;
    try {
      lines = Files.readAllLines(m, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CorruptIndex(
          dir
              + " is not an attribution index (no "
              + MANIFEST
              + "); build one with"
              + " `openledger attribution index`",
          e);
    } catch (IOException e) {
      throw new CorruptIndex("cannot read " + m + ": " + e.getMessage(), e);
    }
    if (lines.size() < 2 || !lines.get(0).equals(FIRST_LINE)) {
      throw new CorruptIndex(m + " is not an attribution index manifest of format 1");
    }
    if (!lines.get(1).equals("attribution.version " + AttributionVersion.V1)) {
      throw new CorruptIndex(m + ": unsupported " + lines.get(1));
    }
    List<ShardInfo> out = new ArrayList<>();
    Set<String> versions = new HashSet<>();
    for (int i = 2; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      try {
        if (f.length != 6
            || !f[0].equals("shard")
            || !VERSION.matcher(f[1]).matches()
            || !f[2].matches("shard-[0-9]{6}\\.olsa")) {
          throw new NumberFormatException();
        }
        ShardInfo info =
            new ShardInfo(
                f[1],
                f[2],
                Long.parseLong(f[3]),
                Integer.parseInt(f[4]),
                Integer.parseUnsignedInt(f[5], 16));
        // a version's shards are listed together
        boolean continues = !out.isEmpty() && out.getLast().version().equals(info.version());
        if (!versions.add(info.version()) && !continues) {
          throw new NumberFormatException();
        }
        out.add(info);
      } catch (NumberFormatException e) {
        throw new CorruptIndex(m + " line " + (i + 1) + " is damaged: " + line);
      }
    }
    if (out.isEmpty()) {
      throw new CorruptIndex(m + " lists no shards");
    }
    return out;
  }

  /** The index directory. */
  public Path directory() {
    return dir;
  }

  /** The shards in the order they were added (a version in parts has several). */
  public List<ShardInfo> shardInfos() {
    return infos;
  }

  /** All shards, in the order they were added. */
  public List<Shard> shards() {
    return shards;
  }

  /**
   * The shards of the named versions (every part of each), in index order; all shards when {@code
   * versions} is empty.
   *
   * @throws AttributionException.InvalidInput if a version is not in the index
   */
  public List<Shard> select(Collection<String> versions) {
    if (versions.isEmpty()) {
      return shards;
    }
    Set<String> wanted = new LinkedHashSet<>(versions);
    Set<String> found = new HashSet<>();
    List<Shard> out = new ArrayList<>();
    for (int i = 0; i < infos.size(); i++) {
      if (wanted.contains(infos.get(i).version())) {
        found.add(infos.get(i).version());
        out.add(shards.get(i));
      }
    }
    wanted.removeAll(found);
    if (!wanted.isEmpty()) {
      List<String> known = infos.stream().map(ShardInfo::version).toList();
      throw new AttributionException.InvalidInput(
          "the index has no version " + String.join(", ", wanted) + " (it has " + known + ")");
    }
    return out;
  }

  @Override
  public void close() {
    shards.forEach(Shard::close);
  }
}
