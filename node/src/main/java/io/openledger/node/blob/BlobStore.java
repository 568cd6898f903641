package io.openledger.node.blob;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Content-addressed blob storage: a blob's address is the keccak-256 of its bytes, the hash the
 * chain records for a contribution or an adapter. Bytes are streamed in and out, never held whole
 * by the disk store; every write is checked against its address before it becomes visible and every
 * read is checked before its first byte is returned.
 *
 * <p>Implementations: {@link DiskBlobStore} and {@link InMemoryBlobStore}, both held to one
 * contract test. All methods are safe to call from many threads.
 */
public interface BlobStore extends AutoCloseable {

  /**
   * Receives bytes for {@code expected} without making them visible: hashes them while writing,
   * stops reading at the first byte over {@code maxBytes}, and refuses (keeping nothing) when they
   * are too many or hash to something else.
   */
  StageResult stage(Hash expected, InputStream content, long maxBytes) throws IOException;

  /** {@link #stage} then {@link StagedBlob#commit}: the whole upload in one call. */
  default PutResult put(Hash expected, InputStream content, long maxBytes, Address uploader)
      throws IOException {
    return switch (stage(expected, content, maxBytes)) {
      case StageResult.Staged s -> {
        try (StagedBlob blob = s.blob()) {
          yield blob.commit(uploader);
        }
      }
      case PutRefusal refusal -> refusal;
    };
  }

  /**
   * The metadata of a stored blob, without reading its bytes.
   *
   * @throws CorruptBlobException if the blob is present but its metadata is unreadable
   */
  Optional<BlobInfo> info(Hash hash) throws IOException;

  boolean exists(Hash hash) throws IOException;

  /** Bytes, if stored. */
  default OptionalLong size(Hash hash) throws IOException {
    return info(hash).map(i -> OptionalLong.of(i.size())).orElseGet(OptionalLong::empty);
  }

  /**
   * Up to {@code length} bytes from {@code offset} (fewer when the blob ends first). The whole blob
   * is hashed before the stream is returned, also for a short range: blobs are a few MB at most,
   * and a per-process "already verified" flag would miss a file that rots after it was checked.
   *
   * @return empty if the blob is not stored
   * @throws CorruptBlobException if the stored bytes no longer hash to {@code hash}
   * @throws IllegalArgumentException if {@code offset} is negative or past the end, or {@code
   *     length} is negative
   */
  Optional<InputStream> open(Hash hash, long offset, long length) throws IOException;

  /** The whole blob, verified as {@link #open(Hash, long, long)}. */
  default Optional<InputStream> open(Hash hash) throws IOException {
    return open(hash, 0, Long.MAX_VALUE);
  }

  /**
   * Deletes the blob if it is stored and {@code condition} holds for it, atomically with respect to
   * a concurrent upload of the same blob (the collector deletes only what is still old).
   *
   * @return whether it was deleted
   */
  boolean delete(Hash hash, Predicate<BlobInfo> condition) throws IOException;

  default boolean delete(Hash hash) throws IOException {
    return delete(hash, info -> true);
  }

  /**
   * Every stored blob, in no particular order; a blob stored or deleted while the stream is read
   * may or may not appear. Close the stream (try-with-resources): the disk store reads its
   * directories lazily.
   */
  Stream<BlobInfo> blobs() throws IOException;

  @Override
  void close() throws IOException;
}
