package io.openledger.chain.store;

/** How far a committed {@link WriteBatch} is persisted before {@code commit} returns. */
public enum Durability {
  /**
   * The write-ahead log is fsynced: the batch survives a power loss or a kill of the process. Use
   * it for anything acknowledged to a user (a block with its receipts).
   */
  SYNC,
  /**
   * The batch is in the write-ahead log in the OS page cache: it survives a kill of the process
   * (SIGKILL) but may be lost on power failure or a kernel crash. Cheaper.
   */
  BUFFERED
}
