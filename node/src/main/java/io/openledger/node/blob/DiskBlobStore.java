package io.openledger.node.blob;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a directory:
 *
 * <pre>
 * dir/LOCK                    held while open (one process per directory)
 * dir/ab/ab12…ef              the blob's bytes, named by the 64 hex digits of its keccak-256
 * dir/ab/ab12…ef.meta         {"uploader":"0x…","size":N,"stored_at":epochSeconds}
 * dir/ab/ab12…ef.*.tmp        a write in progress (removed at open: it was never acknowledged)
 * </pre>
 *
 * <p>Durability: bytes go to a temp file in the blob's own directory, are hashed while written,
 * fsynced, and only then renamed into place (atomic on one file system); the directory is fsynced
 * before a put returns. The metadata is renamed into place before the bytes and deleted after them,
 * so a blob's bytes never exist without its metadata: a crash leaves at worst a temp file or a
 * metadata file without bytes, both removed at the next open. What a put acknowledged survives a
 * crash.
 *
 * <p>Reads hash the whole file before returning a stream (see {@link BlobStore#open}); a file that
 * no longer matches its name fails with {@link CorruptBlobException}, and uploading the blob again
 * replaces it.
 */
public final class DiskBlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(DiskBlobStore.class);
  private static final String META = ".meta";
  private static final String TMP = ".tmp";
  private static final HexFormat HEX = HexFormat.of();

  private final Path dir;
  private final InstantSource clock;
  private final FileChannel lockFile;
  private final FileLock lock;
  // Commits and deletes of one blob are serialised; one lock per shard directory.
  private final Object[] shardLocks = new Object[256];

  private DiskBlobStore(Path dir, InstantSource clock, FileChannel lockFile, FileLock lock) {
    this.dir = dir;
    this.clock = clock;
    this.lockFile = lockFile;
    this.lock = lock;
    for (int i = 0; i < shardLocks.length; i++) {
      shardLocks[i] = new Object();
    }
  }

  /**
   * Opens (creating if needed) the store in {@code dir}, removes what interrupted writes left and
   * locks the directory against a second store.
   *
   * @param clock gives each put its stored-at time
   * @throws IOException if another store holds the directory, or it cannot be created
   */
  public static DiskBlobStore open(Path dir, InstantSource clock) throws IOException {
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(dir);
    FileChannel lockFile =
        FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockFile.close();
      throw new IOException("blob store " + dir + " is already open (its LOCK file is held)");
    }
    try {
      recover(dir);
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockFile.close();
      throw e;
    }
    return new DiskBlobStore(dir, clock, lockFile, lock);
  }

  /** Creates the 256 shard directories and removes temp files and metadata without bytes. */
  private static void recover(Path dir) throws IOException {
    int removed = 0;
    for (int shard = 0; shard < 256; shard++) {
      Path d = dir.resolve(HEX.toHexDigits((byte) shard));
      Files.createDirectories(d);
      List<Path> files;
      try (Stream<Path> s = Files.list(d)) {
        files = s.toList();
      }
      boolean changed = false;
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(TMP)) {
          Files.delete(f);
          changed = true;
          removed++;
        } else if (name.endsWith(META)
            && !Files.exists(d.resolve(name.substring(0, name.length() - META.length())))) {
          Files.delete(f); // a put interrupted between its two renames, or a delete between its two
          changed = true;
          removed++;
        } else if (isBlobName(name) && !Files.exists(d.resolve(name + META))) {
          LOG.warn("blob store {}: blob {} has no metadata file; reads of it will fail", dir, name);
        }
      }
      if (changed) {
        syncDirectory(d);
      }
    }
    syncDirectory(dir);
    if (removed > 0) {
      LOG.info("blob store {}: removed {} files left by interrupted writes", dir, removed);
    }
  }

  private static boolean isBlobName(String name) {
    if (name.length() != 2 * Hash.SIZE) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.digit(name.charAt(i), 16) < 0 || Character.isUpperCase(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The directory this store lives in. */
  public Path directory() {
    return dir;
  }

  /** Where a blob's bytes are (whether or not it is stored). */
  public Path pathOf(Hash hash) {
    String hex = digits(hash);
    return dir.resolve(hex.substring(0, 2)).resolve(hex);
  }

  private Path metaPathOf(Hash hash) {
    Path data = pathOf(hash);
    return data.resolveSibling(data.getFileName() + META);
  }

  private static String digits(Hash hash) {
    return hash.toHex().substring(2);
  }

  private Object lockOf(Hash hash) {
    return shardLocks[hash.toArray()[0] & 0xff];
  }

  @Override
  public StageResult stage(Hash expected, InputStream content, long maxBytes) throws IOException {
    StoreChecks.limit(maxBytes);
    Path data = pathOf(expected);
    Path temp = Files.createTempFile(data.getParent(), data.getFileName() + ".", TMP);
    boolean staged = false;
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      BlobHasher.Copied copied = BlobHasher.copy(content, Channels.newOutputStream(out), maxBytes);
      if (copied.overLimit()) {
        return new PutRefusal.TooLarge(expected, maxBytes);
      }
      if (!copied.hash().equals(expected)) {
        return new PutRefusal.HashMismatch(expected, copied.hash(), copied.size());
      }
      out.force(true);
      staged = true;
      return new StageResult.Staged(new Staged(expected, temp, copied.size()));
    } finally {
      if (!staged) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private final class Staged implements StagedBlob {
    private final Hash hash;
    private final Path temp;
    private final long size;
    private boolean done;

    Staged(Hash hash, Path temp, long size) {
      this.hash = hash;
      this.temp = temp;
      this.size = size;
    }

    @Override
    public Hash hash() {
      return hash;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public synchronized InputStream open() throws IOException {
      checkLive();
      return Files.newInputStream(temp);
    }

    @Override
    public synchronized PutResult.Stored commit(Address uploader) throws IOException {
      Objects.requireNonNull(uploader, "uploader");
      checkLive();
      done = true;
      try {
        return commitStaged(hash, temp, size, uploader);
      } finally {
        Files.deleteIfExists(temp); // only there if the commit failed
      }
    }

    private void checkLive() {
      if (done) {
        throw new IllegalStateException("staged blob " + hash.toHex() + " was already used");
      }
    }

    @Override
    public synchronized void close() throws IOException {
      if (!done) {
        done = true;
        Files.deleteIfExists(temp);
      }
    }
  }

  private PutResult.Stored commitStaged(Hash hash, Path temp, long size, Address uploader)
      throws IOException {
    Path data = pathOf(hash);
    synchronized (lockOf(hash)) {
      boolean existing = Files.exists(data);
      Address first = uploader;
      if (existing) {
        try {
          first = readMeta(hash).map(BlobInfo::uploader).orElse(uploader);
        } catch (CorruptBlobException e) {
          LOG.warn("{}; rewriting it from this upload", e.getMessage());
        }
      }
      BlobInfo info = new BlobInfo(hash, size, first, clock.instant().getEpochSecond());
      writeMeta(info);
      Files.move(temp, data, ATOMIC_MOVE, REPLACE_EXISTING);
      syncDirectory(data.getParent());
      return new PutResult.Stored(info, existing);
    }
  }

  private void writeMeta(BlobInfo info) throws IOException {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("uploader", info.uploader().toHex());
    o.put("size", info.size());
    o.put("stored_at", info.storedAt());
    Path meta = metaPathOf(info.hash());
    Path temp = Files.createTempFile(meta.getParent(), meta.getFileName() + ".", TMP);
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        out.write(ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(o)));
        out.force(true);
      }
      Files.move(temp, meta, ATOMIC_MOVE, REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The metadata file's content; empty if it does not exist. */
  private Optional<BlobInfo> readMeta(Hash hash) throws IOException {
    byte[] raw;
    try {
      raw = Files.readAllBytes(metaPathOf(hash));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonNode o = Json.MAPPER.readTree(raw);
      JsonNode uploader = o.get("uploader");
      JsonNode size = o.get("size");
      JsonNode storedAt = o.get("stored_at");
      if (uploader == null || !uploader.isTextual()) {
        throw new IllegalArgumentException("no uploader");
      }
      if (size == null || !size.canConvertToExactIntegral() || !size.canConvertToLong()) {
        throw new IllegalArgumentException("no size");
      }
      if (storedAt == null
          || !storedAt.canConvertToExactIntegral()
          || !storedAt.canConvertToLong()) {
        throw new IllegalArgumentException("no stored_at");
      }
      return Optional.of(
          new BlobInfo(hash, size.asLong(), Address.fromHex(uploader.asText()), storedAt.asLong()));
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptBlobException(
          hash, "its metadata file is unreadable (" + e.getMessage() + ")");
    }
  }

  @Override
  public Optional<BlobInfo> info(Hash hash) throws IOException {
    if (!Files.exists(pathOf(hash))) {
      return Optional.empty();
    }
    Optional<BlobInfo> info = readMeta(hash);
    if (info.isEmpty() && Files.exists(pathOf(hash))) {
      throw new CorruptBlobException(hash, "its metadata file is missing");
    }
    return info; // empty: deleted meanwhile
  }

  @Override
  public boolean exists(Hash hash) {
    return Files.exists(pathOf(hash));
  }

  @Override
  public Optional<InputStream> open(Hash hash, long offset, long length) throws IOException {
    StoreChecks.range(offset, length);
    Optional<BlobInfo> info = info(hash);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    FileChannel in;
    try {
      in = FileChannel.open(pathOf(hash), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted meanwhile
    }
    try {
      long size = in.size();
      if (size != info.get().size()) {
        throw new CorruptBlobException(
            hash, "its file holds " + size + " bytes but " + info.get().size() + " were stored");
      }
      Hash actual = hashOf(in);
      if (!actual.equals(hash)) {
        throw new CorruptBlobException(hash, "its " + size + " bytes hash to " + actual.toHex());
      }
      StoreChecks.offsetWithin(hash, offset, size);
      in.position(offset);
      return Optional.of(new Limited(Channels.newInputStream(in), Math.min(length, size - offset)));
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Hashes the whole channel with positional reads (its position is left alone). */
  private static Hash hashOf(FileChannel in) throws IOException {
    BlobHasher hasher = new BlobHasher();
    ByteBuffer buffer = ByteBuffer.allocate(BlobHasher.BUFFER);
    long position = 0;
    for (int n; (n = in.read(buffer.clear(), position)) >= 0; ) {
      hasher.update(buffer.array(), 0, n);
      position += n;
    }
    return hasher.finish();
  }

  /** At most {@code remaining} bytes of a stream; closing it closes the stream. */
  private static final class Limited extends java.io.FilterInputStream {
    private long remaining;

    Limited(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      remaining -= b >= 0 ? 1 : 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return len == 0 ? 0 : -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      remaining -= Math.max(n, 0);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  @Override
  public boolean delete(Hash hash, Predicate<BlobInfo> condition) throws IOException {
    synchronized (lockOf(hash)) {
      Optional<BlobInfo> info = info(hash);
      if (info.isEmpty() || !condition.test(info.get())) {
        return false;
      }
      Path data = pathOf(hash);
      Files.deleteIfExists(data); // bytes first: they never exist without their metadata
      Files.deleteIfExists(metaPathOf(hash));
      syncDirectory(data.getParent());
      return true;
    }
  }

  /**
   * Every blob with readable metadata; one without is logged and left out, so that a single bad
   * file cannot stop the garbage collector.
   */
  @Override
  public Stream<BlobInfo> blobs() {
    return IntStream.range(0, 256)
        .mapToObj(shard -> dir.resolve(HEX.toHexDigits((byte) shard)))
        .flatMap(DiskBlobStore::blobNames)
        .map(name -> Hash.fromHex(name))
        .flatMap(
            hash -> {
              try {
                return info(hash).stream();
              } catch (IOException e) {
                LOG.warn("blob store {}: skipping a blob: {}", dir, e.getMessage());
                return Stream.empty();
              }
            });
  }

  private static Stream<String> blobNames(Path shard) {
    try {
      List<String> names = new ArrayList<>();
      try (Stream<Path> s = Files.list(shard)) {
        s.map(p -> p.getFileName().toString())
            .filter(DiskBlobStore::isBlobName)
            .forEach(names::add);
      }
      return names.stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list blob directory " + shard, e);
    }
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Releases the directory lock. Streams already opened stay readable. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockFile.close();
    }
  }
}
