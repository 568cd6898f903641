package io.openledger.node.blob;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in memory, for tests and tools. It keeps the disk store's behaviour (limits,
 * verification on every read) so that one contract test holds for both; only durability differs.
 */
public final class InMemoryBlobStore implements BlobStore {
  private record Entry(byte[] bytes, BlobInfo info) {}

  private final ConcurrentHashMap<Hash, Entry> blobs = new ConcurrentHashMap<>();
  private final InstantSource clock;

  /**
   * @param clock gives each put its stored-at time
   */
  public InMemoryBlobStore(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public StageResult stage(Hash expected, InputStream content, long maxBytes) throws IOException {
    StoreChecks.limit(maxBytes);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    BlobHasher.Copied copied = BlobHasher.copy(content, buffer, maxBytes);
    if (copied.overLimit()) {
      return new PutRefusal.TooLarge(expected, maxBytes);
    }
    if (!copied.hash().equals(expected)) {
      return new PutRefusal.HashMismatch(expected, copied.hash(), copied.size());
    }
    return new StageResult.Staged(new Staged(expected, buffer.toByteArray()));
  }

  private final class Staged implements StagedBlob {
    private final Hash hash;
    private byte[] bytes;

    Staged(Hash hash, byte[] bytes) {
      this.hash = hash;
      this.bytes = bytes;
    }

    @Override
    public Hash hash() {
      return hash;
    }

    @Override
    public long size() {
      return live().length;
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(live());
    }

    @Override
    public PutResult.Stored commit(Address uploader) {
      Objects.requireNonNull(uploader, "uploader");
      byte[] content = live();
      bytes = null;
      long now = clock.instant().getEpochSecond();
      boolean[] existing = {false};
      Entry stored =
          blobs.compute(
              hash,
              (h, old) -> {
                existing[0] = old != null;
                Address first = old != null ? old.info().uploader() : uploader;
                return new Entry(content, new BlobInfo(h, content.length, first, now));
              });
      return new PutResult.Stored(stored.info(), existing[0]);
    }

    private byte[] live() {
      if (bytes == null) {
        throw new IllegalStateException("staged blob " + hash.toHex() + " was already used");
      }
      return bytes;
    }

    @Override
    public void close() {
      bytes = null;
    }
  }

  @Override
  public Optional<BlobInfo> info(Hash hash) {
    return Optional.ofNullable(blobs.get(hash)).map(Entry::info);
  }

  @Override
  public boolean exists(Hash hash) {
    return blobs.containsKey(hash);
  }

  @Override
  public Optional<InputStream> open(Hash hash, long offset, long length) throws IOException {
    StoreChecks.range(offset, length);
    Entry e = blobs.get(hash);
    if (e == null) {
      return Optional.empty();
    }
    Hash actual = Hash.keccak256(e.bytes());
    if (!actual.equals(hash)) {
      throw new CorruptBlobException(
          hash, "its " + e.bytes().length + " bytes hash to " + actual.toHex());
    }
    StoreChecks.offsetWithin(hash, offset, e.bytes().length);
    int n = (int) Math.min(length, e.bytes().length - offset);
    return Optional.of(new ByteArrayInputStream(e.bytes(), (int) offset, n));
  }

  @Override
  public boolean delete(Hash hash, Predicate<BlobInfo> condition) {
    boolean[] deleted = {false};
    blobs.computeIfPresent(
        hash,
        (h, e) -> {
          deleted[0] = condition.test(e.info());
          return deleted[0] ? null : e;
        });
    return deleted[0];
  }

  @Override
  public Stream<BlobInfo> blobs() {
    return List.copyOf(blobs.values()).stream().map(Entry::info);
  }

  /** Test hook: replaces a blob's bytes without any check, as a failing disk would. */
  void corrupt(Hash hash, byte[] bytes) {
    blobs.computeIfPresent(hash, (h, e) -> new Entry(bytes.clone(), e.info()));
  }

  @Override
  public void close() {}
}
