package io.openledger.chain.tx;

import io.openledger.chain.crypto.Signature;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An EIP-2930 (type 1) access-list transaction: {@code 0x01 || rlp([chainId, nonce, gasPrice,
 * gasLimit, to, value, data, accessList, yParity, r, s])}; the signing hash is keccak256 of {@code
 * 0x01 || rlp(...)} without the last three fields. It pays a single gas price, as a legacy
 * transaction does, so that price serves as both fee caps.
 */
public final class Eip2930Transaction implements Transaction {
  private final long chainId;
  private final long nonce;
  private final Amount gasPrice;
  private final long gasLimit;
  private final Optional<Address> to;
  private final Amount value;
  private final byte[] data;
  private final List<AccessListEntry> accessList;
  private final Signature signature;
  private final TransactionCache cache;

  /**
   * @param gasPrice base units per gas
   * @param gasLimit gas, {@code >= 0}
   */
  public Eip2930Transaction(
      long chainId,
      long nonce,
      Amount gasPrice,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      List<AccessListEntry> accessList,
      Signature signature) {
    this(chainId, nonce, gasPrice, gasLimit, to, value, data, accessList, signature, null);
  }

  Eip2930Transaction(
      long chainId,
      long nonce,
      Amount gasPrice,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      List<AccessListEntry> accessList,
      Signature signature,
      byte[] encoding) {
    if (chainId < 0 || nonce < 0 || gasLimit < 0) {
      throw new IllegalArgumentException("chain id, nonce and gas limit must not be negative");
    }
    this.chainId = chainId;
    this.nonce = nonce;
    this.gasPrice = gasPrice;
    this.gasLimit = gasLimit;
    this.to = to;
    this.value = value;
    this.data = data.clone();
    this.accessList = List.copyOf(accessList);
    this.signature = signature;
    this.cache = new TransactionCache(this, encoding);
  }

  @Override
  public TransactionType type() {
    return TransactionType.EIP2930;
  }

  @Override
  public OptionalLong chainId() {
    return OptionalLong.of(chainId);
  }

  @Override
  public long nonce() {
    return nonce;
  }

  public Amount gasPrice() {
    return gasPrice;
  }

  @Override
  public Amount maxFeePerGas() {
    return gasPrice;
  }

  @Override
  public Amount maxPriorityFeePerGas() {
    return gasPrice;
  }

  @Override
  public long gasLimit() {
    return gasLimit;
  }

  @Override
  public Optional<Address> to() {
    return to;
  }

  @Override
  public Amount value() {
    return value;
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public List<AccessListEntry> accessList() {
    return accessList;
  }

  @Override
  public Signature signature() {
    return signature;
  }

  @Override
  public BigInteger v() {
    return BigInteger.valueOf(signature.recId());
  }

  @Override
  public Hash hash() {
    return cache.hash();
  }

  @Override
  public Hash signingHash() {
    return signingHash(chainId, nonce, gasPrice, gasLimit, to, value, data, accessList);
  }

  static Hash signingHash(
      long chainId,
      long nonce,
      Amount gasPrice,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      List<AccessListEntry> accessList) {
    byte[] body =
        Rlp.encodeList(
            Rlp.encodeLong(chainId),
            Rlp.encodeLong(nonce),
            Rlp.encodeBigInteger(gasPrice.value()),
            Rlp.encodeLong(gasLimit),
            TransactionCodec.encodeTo(to),
            Rlp.encodeBigInteger(value.value()),
            Rlp.encodeBytes(data),
            TransactionCodec.encodeAccessList(accessList));
    return Hash.keccak256(new byte[] {1}, body);
  }

  @Override
  public byte[] encode() {
    return cache.encoding().clone();
  }

  @Override
  public int size() {
    return cache.encoding().length;
  }

  byte[] computeEncoding() {
    byte[] body =
        Rlp.encodeList(
            Rlp.encodeLong(chainId),
            Rlp.encodeLong(nonce),
            Rlp.encodeBigInteger(gasPrice.value()),
            Rlp.encodeLong(gasLimit),
            TransactionCodec.encodeTo(to),
            Rlp.encodeBigInteger(value.value()),
            Rlp.encodeBytes(data),
            TransactionCodec.encodeAccessList(accessList),
            Rlp.encodeLong(signature.recId()),
            Rlp.encodeBigInteger(signature.r()),
            Rlp.encodeBigInteger(signature.s()));
    return Rlp.concat(new byte[] {1}, body);
  }

  @Override
  public Address sender() {
    return cache.sender();
  }

  TransactionCache cache() {
    return cache;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Eip2930Transaction t && Arrays.equals(cache.encoding(), t.cache.encoding());
  }

  @Override
  public int hashCode() {
    return hash().hashCode();
  }

  @Override
  public String toString() {
    return "Eip2930Transaction[" + hash() + "]";
  }
}
