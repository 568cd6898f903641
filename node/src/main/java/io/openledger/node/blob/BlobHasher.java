package io.openledger.node.blob;

import io.openledger.chain.crypto.Keccak256;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * keccak-256 over a stream, the same digest as {@link Hash#keccak256} (Ethereum's Keccak, not NIST
 * SHA3-256), fed a buffer at a time so no blob is ever held whole.
 */
public final class BlobHasher {
  /** Bytes per read when copying. */
  static final int BUFFER = 64 * 1024;

  private Keccak256.Sponge sponge = Keccak256.sponge();

  public void update(byte[] bytes, int offset, int length) {
    sponge.update(bytes, offset, length);
  }

  /** The hash of everything fed so far; the hasher starts over afterwards. */
  public Hash finish() {
    Hash h = Hash.wrap(sponge.digest());
    sponge = Keccak256.sponge();
    return h;
  }

  /** keccak-256 of everything the stream holds, read to its end (not closed). */
  public static Hash hash(InputStream in) throws IOException {
    BlobHasher hasher = new BlobHasher();
    byte[] buffer = new byte[BUFFER];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      hasher.update(buffer, 0, n);
    }
    return hasher.finish();
  }

  /** keccak-256 of a file's bytes, streamed. */
  public static Hash hash(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return hash(in);
    }
  }

  /**
   * What {@link #copy} saw.
   *
   * @param size bytes written ({@code maxBytes + 1} when over the limit)
   * @param hash of the bytes written; null when over the limit
   */
  record Copied(long size, Hash hash) {
    boolean overLimit() {
      return hash == null;
    }
  }

  /**
   * Copies {@code in} to {@code out} while hashing, reading at most {@code maxBytes + 1} bytes: the
   * first byte over the limit stops the copy.
   */
  static Copied copy(InputStream in, OutputStream out, long maxBytes) throws IOException {
    BlobHasher hasher = new BlobHasher();
    byte[] buffer = new byte[BUFFER];
    long size = 0;
    while (true) {
      long allowed = maxBytes + 1 - size;
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, allowed));
      if (n < 0) {
        return new Copied(size, hasher.finish());
      }
      size += n;
      if (size > maxBytes) {
        return new Copied(size, null);
      }
      hasher.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
  }
}
