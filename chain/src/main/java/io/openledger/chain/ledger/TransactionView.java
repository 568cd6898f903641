package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A signed transaction as JSON-RPC shows it ({@code eth_getTransactionByHash}), mined or pending.
 *
 * @param type 0 legacy, 1 EIP-2930, 2 EIP-1559
 * @param chainId null for a pre-EIP-155 legacy transaction
 * @param to null for contract creation (not supported yet, kept for the shape)
 * @param gasPrice legacy and EIP-2930: the signed gas price; EIP-1559: the effective gas price once
 *     mined, else {@code maxFeePerGas}
 * @param maxFeePerGas null for legacy and EIP-2930
 * @param maxPriorityFeePerGas null for legacy and EIP-2930
 * @param v legacy: {@code 27/28} or {@code chainId*2+35/36}; typed: the y-parity {@code 0/1}
 * @param inclusion where it was mined; null while pending
 */
public record TransactionView(
    Hash hash,
    int type,
    Long chainId,
    long nonce,
    Address from,
    Address to,
    Amount value,
    byte[] input,
    long gasLimit,
    Amount gasPrice,
    Amount maxFeePerGas,
    Amount maxPriorityFeePerGas,
    List<AccessListEntry> accessList,
    BigInteger v,
    BigInteger r,
    BigInteger s,
    Inclusion inclusion) {

  /** One entry of an EIP-2930 access list. */
  public record AccessListEntry(Address address, List<Hash> storageKeys) {}

  /** Where a mined transaction sits. */
  public record Inclusion(Hash blockHash, long blockNumber, int index) {}

  public boolean isPending() {
    return inclusion == null;
  }

  public Optional<Inclusion> mined() {
    return Optional.ofNullable(inclusion);
  }
}
