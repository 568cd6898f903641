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
 * An EIP-1559 (type 2) transaction: {@code 0x02 || rlp([chainId, nonce, maxPriorityFeePerGas,
 * maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s])}; the signing hash is
 * keccak256 of the same without the last three fields.
 */
public final class Eip1559Transaction implements Transaction {
  private final long chainId;
  private final long nonce;
  private final Amount maxPriorityFeePerGas;
  private final Amount maxFeePerGas;
  private final long gasLimit;
  private final Optional<Address> to;
  private final Amount value;
  private final byte[] data;
  private final List<AccessListEntry> accessList;
  private final Signature signature;
  private final TransactionCache cache;

  /**
   * @param maxPriorityFeePerGas base units per gas to the sequencer, at most
   * @param maxFeePerGas base units per gas in all, at most
   * @param gasLimit gas, {@code >= 0}
   */
  public Eip1559Transaction(
      long chainId,
      long nonce,
      Amount maxPriorityFeePerGas,
      Amount maxFeePerGas,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      List<AccessListEntry> accessList,
      Signature signature) {
    this(
        chainId,
        nonce,
        maxPriorityFeePerGas,
        maxFeePerGas,
        gasLimit,
        to,
        value,
        data,
        accessList,
        signature,
        null);
  }

  Eip1559Transaction(
      long chainId,
      long nonce,
      Amount maxPriorityFeePerGas,
      Amount maxFeePerGas,
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
    this.maxPriorityFeePerGas = maxPriorityFeePerGas;
    this.maxFeePerGas = maxFeePerGas;
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
    return TransactionType.EIP1559;
  }

  @Override
  public OptionalLong chainId() {
    return OptionalLong.of(chainId);
  }

  @Override
  public long nonce() {
    return nonce;
  }

  @Override
  public Amount maxFeePerGas() {
    return maxFeePerGas;
  }

  @Override
  public Amount maxPriorityFeePerGas() {
    return maxPriorityFeePerGas;
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
    return signingHash(
        chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList);
  }

  static Hash signingHash(
      long chainId,
      long nonce,
      Amount maxPriorityFeePerGas,
      Amount maxFeePerGas,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      List<AccessListEntry> accessList) {
    byte[] body =
        Rlp.encodeList(
            Rlp.encodeLong(chainId),
            Rlp.encodeLong(nonce),
            Rlp.encodeBigInteger(maxPriorityFeePerGas.value()),
            Rlp.encodeBigInteger(maxFeePerGas.value()),
            Rlp.encodeLong(gasLimit),
            TransactionCodec.encodeTo(to),
            Rlp.encodeBigInteger(value.value()),
            Rlp.encodeBytes(data),
            TransactionCodec.encodeAccessList(accessList));
    return Hash.keccak256(new byte[] {2}, body);
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
            Rlp.encodeBigInteger(maxPriorityFeePerGas.value()),
            Rlp.encodeBigInteger(maxFeePerGas.value()),
            Rlp.encodeLong(gasLimit),
            TransactionCodec.encodeTo(to),
            Rlp.encodeBigInteger(value.value()),
            Rlp.encodeBytes(data),
            TransactionCodec.encodeAccessList(accessList),
            Rlp.encodeLong(signature.recId()),
            Rlp.encodeBigInteger(signature.r()),
            Rlp.encodeBigInteger(signature.s()));
    return Rlp.concat(new byte[] {2}, body);
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
    return o instanceof Eip1559Transaction t && Arrays.equals(cache.encoding(), t.cache.encoding());
  }

  @Override
  public int hashCode() {
    return hash().hashCode();
  }

  @Override
  public String toString() {
    return "Eip1559Transaction[" + hash() + "]";
  }
}
