package io.openledger.chain.store;

class InMemoryKeyValueStoreTest extends KeyValueStoreContractTest {
  @Override
  protected KeyValueStore open() {
    return new InMemoryKeyValueStore();
  }

  @Override
  protected KeyValueStore reopen(KeyValueStore store) {
    return null;
  }
}
