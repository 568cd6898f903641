package io.openledger.chain.store;

/**
 * The store failed: the data directory is locked by another process, is corrupt, the disk is full,
 * or the store was used after close. The message is written for the node operator.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
