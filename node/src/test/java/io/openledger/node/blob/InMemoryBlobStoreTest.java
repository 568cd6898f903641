package io.openledger.node.blob;

import io.openledger.chain.types.Hash;

class InMemoryBlobStoreTest extends BlobStoreContractTest {
  @Override
  protected BlobStore newStore() {
    return new InMemoryBlobStore(clock);
  }

  @Override
  protected BlobStore reopen(BlobStore store) {
    return store; // nothing to restart: the same process keeps it
  }

  @Override
  protected void corrupt(Hash hash, byte[] bytes) {
    ((InMemoryBlobStore) store).corrupt(hash, bytes);
  }
}
