package io.openledger.node.blob;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes received and verified against their hash but not yet visible in the store: the upload API
 * lets its {@link UploadInspector} look at them before deciding. {@link #commit} makes them
 * visible; {@link #close()} without a commit discards them, leaving the store as it was.
 */
public interface StagedBlob extends AutoCloseable {
  Hash hash();

  /** Bytes. */
  long size();

  /** The staged bytes from the start; usable until the blob is committed or closed. */
  InputStream open() throws IOException;

  /**
   * Makes the blob visible (durably, on disk stores, before returning). If the store already holds
   * it, its first uploader is kept, its stored-at time is refreshed and its bytes are replaced by
   * these verified ones (which repairs a corrupted copy).
   *
   * @throws IllegalStateException if already committed or closed
   */
  PutResult.Stored commit(Address uploader) throws IOException;

  /** Discards the staged bytes unless committed. */
  @Override
  void close() throws IOException;
}
