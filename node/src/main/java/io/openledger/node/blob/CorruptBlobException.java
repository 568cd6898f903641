package io.openledger.node.blob;

import io.openledger.chain.types.Hash;
import java.io.IOException;

/**
 * A stored blob no longer matches its content address (a flipped bit, a truncated file, lost
 * metadata). Reads fail with this rather than serve wrong bytes; uploading the blob again repairs
 * it.
 */
public final class CorruptBlobException extends IOException {
  private final Hash hash;

  public CorruptBlobException(Hash hash, String what) {
    super("blob " + hash.toHex() + " is corrupted in the store: " + what);
    this.hash = hash;
  }

  public Hash hash() {
    return hash;
  }
}
