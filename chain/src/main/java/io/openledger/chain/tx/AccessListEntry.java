package io.openledger.chain.tx;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * One entry of an EIP-2930 access list: an address and storage keys. Decoded and kept (it is part
 * of the signed encoding and the hash) though this chain has no EVM storage to warm.
 */
public record AccessListEntry(Address address, List<Hash> storageKeys) {
  public AccessListEntry {
    storageKeys = List.copyOf(storageKeys);
  }
}
