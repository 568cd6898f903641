package io.openledger.chain.tx;

import io.openledger.chain.crypto.Signature;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A legacy (type 0) transaction: {@code rlp([nonce, gasPrice, gasLimit, to, value, data, v, r,
 * s])}. With EIP-155 protection {@code v = chainId * 2 + 35 + recId} and the signing hash covers
 * {@code [..., data, chainId, 0, 0]}; without it {@code v = 27 + recId} and the signing hash covers
 * the first six fields. The node accepts unprotected ones only when configured to (see {@link
 * TransactionDecoder}).
 */
public final class LegacyTransaction implements Transaction {
  private final OptionalLong chainId;
  private final long nonce;
  private final Amount gasPrice;
  private final long gasLimit;
  private final Optional<Address> to;
  private final Amount value;
  private final byte[] data;
  private final Signature signature;
  private final TransactionCache cache;

  /**
   * @param chainId the EIP-155 chain id, or empty for an unprotected transaction
   * @param nonce the sender's nonce, {@code >= 0}
   * @param gasPrice base units per gas
   * @param gasLimit gas, {@code >= 0}
   */
  public LegacyTransaction(
      OptionalLong chainId,
      long nonce,
      Amount gasPrice,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      Signature signature) {
    this(chainId, nonce, gasPrice, gasLimit, to, value, data, signature, null);
  }

  LegacyTransaction(
      OptionalLong chainId,
      long nonce,
      Amount gasPrice,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data,
      Signature signature,
      byte[] encoding) {
    if (nonce < 0 || gasLimit < 0) {
      throw new IllegalArgumentException("nonce and gas limit must not be negative");
    }
    if (chainId.isPresent() && chainId.getAsLong() < 0) {
      throw new IllegalArgumentException("chain id must not be negative");
    }
    this.chainId = chainId;
    this.nonce = nonce;
    this.gasPrice = gasPrice;
    this.gasLimit = gasLimit;
    this.to = to;
    this.value = value;
    this.data = data.clone();
    this.signature = signature;
    this.cache = new TransactionCache(this, encoding);
  }

  @Override
  public TransactionType type() {
    return TransactionType.LEGACY;
  }

  @Override
  public OptionalLong chainId() {
    return chainId;
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
  public Signature signature() {
    return signature;
  }

  @Override
  public BigInteger v() {
    return vFor(chainId, signature.recId());
  }

  /** The wire {@code v} for a recovery id: {@code chainId * 2 + 35 + recId}, or 27 + recId. */
  static BigInteger vFor(OptionalLong chainId, int recId) {
    return chainId.isPresent()
        ? BigInteger.valueOf(chainId.getAsLong()).shiftLeft(1).add(BigInteger.valueOf(35L + recId))
        : BigInteger.valueOf(27L + recId);
  }

  @Override
  public Hash hash() {
    return cache.hash();
  }

  @Override
  public Hash signingHash() {
    return signingHash(chainId, nonce, gasPrice, gasLimit, to, value, data);
  }

  static Hash signingHash(
      OptionalLong chainId,
      long nonce,
      Amount gasPrice,
      long gasLimit,
      Optional<Address> to,
      Amount value,
      byte[] data) {
    byte[][] fields =
        chainId.isPresent()
            ? new byte[][] {
              Rlp.encodeLong(nonce),
              Rlp.encodeBigInteger(gasPrice.value()),
              Rlp.encodeLong(gasLimit),
              TransactionCodec.encodeTo(to),
              Rlp.encodeBigInteger(value.value()),
              Rlp.encodeBytes(data),
              Rlp.encodeLong(chainId.getAsLong()),
              Rlp.EMPTY_STRING,
              Rlp.EMPTY_STRING
            }
            : new byte[][] {
              Rlp.encodeLong(nonce),
              Rlp.encodeBigInteger(gasPrice.value()),
              Rlp.encodeLong(gasLimit),
              TransactionCodec.encodeTo(to),
              Rlp.encodeBigInteger(value.value()),
              Rlp.encodeBytes(data)
            };
    return Hash.keccak256(Rlp.encodeList(fields));
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
    return Rlp.encodeList(
        Rlp.encodeLong(nonce),
        Rlp.encodeBigInteger(gasPrice.value()),
        Rlp.encodeLong(gasLimit),
        TransactionCodec.encodeTo(to),
        Rlp.encodeBigInteger(value.value()),
        Rlp.encodeBytes(data),
        Rlp.encodeBigInteger(v()),
        Rlp.encodeBigInteger(signature.r()),
        Rlp.encodeBigInteger(signature.s()));
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
    return o instanceof LegacyTransaction t && Arrays.equals(cache.encoding(), t.cache.encoding());
  }

  @Override
  public int hashCode() {
    return hash().hashCode();
  }

  @Override
  public String toString() {
    return "LegacyTransaction[" + hash() + "]";
  }
}
