package io.openledger.chain.trie;

class InMemorySparseMerkleTreeTest extends SparseMerkleTreeContractTest {
  @Override
  protected SparseMerkleTree newTree() {
    return new InMemorySparseMerkleTree();
  }
}
