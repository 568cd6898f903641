package io.openledger.chain.tx;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.Signature;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Builds and signs transactions (tests, the CLI's {@code send}, the transfer benchmark). Defaults:
 * nonce 0, gas limit 21,000 (a plain transfer), zero fees and value, empty data and access list, no
 * recipient (set one with {@link #to(Address)}: the decoder refuses contract creation).
 *
 * <pre>{@code
 * Transaction tx = TransactionBuilder.eip1559(1337)
 *     .nonce(0).maxPriorityFeePerGas(Amount.of(1_000_000_000)).maxFeePerGas(Amount.of(2_000_000_000))
 *     .to(recipient).value(Amount.open(1))
 *     .sign(keyPair);
 * byte[] raw = tx.encode(); // for eth_sendRawTransaction
 * }</pre>
 */
public final class TransactionBuilder {
  private final TransactionType type;
  private final OptionalLong chainId;
  private long nonce;
  private Amount maxPriorityFeePerGas = Amount.ZERO;
  private Amount maxFeePerGas = Amount.ZERO;
  private long gasLimit = 21_000;
  private Optional<Address> to = Optional.empty();
  private Amount value = Amount.ZERO;
  private byte[] data = new byte[0];
  private List<AccessListEntry> accessList = List.of();

  private TransactionBuilder(TransactionType type, OptionalLong chainId) {
    this.type = type;
    this.chainId = chainId;
  }

  /** An EIP-1559 (type 2) transaction for the chain. */
  public static TransactionBuilder eip1559(long chainId) {
    return new TransactionBuilder(TransactionType.EIP1559, OptionalLong.of(chainId));
  }

  /** An EIP-2930 (type 1) access-list transaction for the chain; set its {@link #gasPrice}. */
  public static TransactionBuilder eip2930(long chainId) {
    return new TransactionBuilder(TransactionType.EIP2930, OptionalLong.of(chainId));
  }

  /** A legacy transaction with EIP-155 replay protection for the chain. */
  public static TransactionBuilder legacy(long chainId) {
    return new TransactionBuilder(TransactionType.LEGACY, OptionalLong.of(chainId));
  }

  /** A legacy transaction without replay protection (valid on every chain; tests only). */
  public static TransactionBuilder legacyUnprotected() {
    return new TransactionBuilder(TransactionType.LEGACY, OptionalLong.empty());
  }

  public TransactionBuilder nonce(long nonce) {
    this.nonce = nonce;
    return this;
  }

  /** Legacy and type 1 gas price; for type 2 sets both fee caps to it. */
  public TransactionBuilder gasPrice(Amount gasPrice) {
    this.maxFeePerGas = gasPrice;
    this.maxPriorityFeePerGas = gasPrice;
    return this;
  }

  public TransactionBuilder maxPriorityFeePerGas(Amount fee) {
    this.maxPriorityFeePerGas = fee;
    return this;
  }

  public TransactionBuilder maxFeePerGas(Amount fee) {
    this.maxFeePerGas = fee;
    return this;
  }

  public TransactionBuilder gasLimit(long gas) {
    this.gasLimit = gas;
    return this;
  }

  public TransactionBuilder to(Address recipient) {
    this.to = Optional.of(recipient);
    return this;
  }

  /** Sets or clears the recipient (empty: contract creation). */
  public TransactionBuilder to(Optional<Address> recipient) {
    this.to = recipient;
    return this;
  }

  public TransactionBuilder value(Amount value) {
    this.value = value;
    return this;
  }

  public TransactionBuilder data(byte[] data) {
    this.data = data.clone();
    return this;
  }

  /** Types 1 and 2; ignored for legacy. */
  public TransactionBuilder accessList(List<AccessListEntry> accessList) {
    this.accessList = List.copyOf(accessList);
    return this;
  }

  /** The hash a signer signs for the fields set so far. */
  public Hash signingHash() {
    return switch (type) {
      case LEGACY ->
          LegacyTransaction.signingHash(chainId, nonce, maxFeePerGas, gasLimit, to, value, data);
      case EIP2930 ->
          Eip2930Transaction.signingHash(
              chainId.getAsLong(), nonce, maxFeePerGas, gasLimit, to, value, data, accessList);
      case EIP1559 ->
          Eip1559Transaction.signingHash(
              chainId.getAsLong(),
              nonce,
              maxPriorityFeePerGas,
              maxFeePerGas,
              gasLimit,
              to,
              value,
              data,
              accessList);
      case DEPOSIT -> throw new IllegalStateException("a deposit is not signed");
    };
  }

  /** Signs with the key; the result's sender is the key's address. */
  public Transaction sign(KeyPair key) {
    Transaction tx = withSignature(key.sign(signingHash()));
    TransactionCache.of(tx).senderKnown(key.address());
    return tx;
  }

  /** The transaction with a signature made elsewhere (hardware wallet, test vector). */
  public Transaction withSignature(Signature signature) {
    return switch (type) {
      case LEGACY ->
          new LegacyTransaction(chainId, nonce, maxFeePerGas, gasLimit, to, value, data, signature);
      case EIP2930 ->
          new Eip2930Transaction(
              chainId.getAsLong(),
              nonce,
              maxFeePerGas,
              gasLimit,
              to,
              value,
              data,
              accessList,
              signature);
      case EIP1559 ->
          new Eip1559Transaction(
              chainId.getAsLong(),
              nonce,
              maxPriorityFeePerGas,
              maxFeePerGas,
              gasLimit,
              to,
              value,
              data,
              accessList,
              signature);
      case DEPOSIT -> throw new IllegalStateException("a deposit is not signed");
    };
  }
}
