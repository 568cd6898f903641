package io.openledger.node.blob;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.Objects;

/**
 * What the store knows about a stored blob.
 *
 * @param hash keccak-256 of the bytes: the content address the chain records
 * @param size bytes
 * @param uploader the address that signed the first upload
 * @param storedAt epoch seconds of the latest accepted put (a re-upload refreshes it, so the
 *     garbage collector's grace period counts from the last time someone asked for the blob)
 */
public record BlobInfo(Hash hash, long size, Address uploader, long storedAt) {
  public BlobInfo {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(uploader, "uploader");
    if (size < 0) {
      throw new IllegalArgumentException("blob size cannot be negative: " + size);
    }
  }
}
