package io.openledger.chain.tx;

import io.openledger.chain.crypto.Secp256k1;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Turns raw transaction bytes (as {@code eth_sendRawTransaction} receives them) into a {@link
 * Transaction}, or says why not. Every check that needs no state happens here, in this order, and
 * the first failure is the result:
 *
 * <ol>
 *   <li>size: at most {@link #MAX_ENCODED_SIZE} bytes, else {@code "oversized data: transaction
 *       size N, limit 131072"} (geth's txpool limit);
 *   <li>encoding: strictly canonical RLP, legacy, type 1 (EIP-2930) or type 2 (EIP-1559), else
 *       go-ethereum's wording ({@code "rlp: ..."}, {@code "typed transaction too short"}, {@code
 *       "transaction type not supported"});
 *   <li>signature values: r and s in [1, n), s at most n/2 (EIP-2), v of a known form, else {@code
 *       "invalid transaction v, r, s values"};
 *   <li>replay protection: a legacy transaction without EIP-155 chain id is refused with {@code
 *       "only replay-protected (EIP-155) transactions allowed over RPC"} unless the decoder was
 *       built with {@code allowUnprotectedLegacy} (geth's {@code --rpc.allow-unprotected-txs});
 *   <li>chain id: {@code "invalid chain id for signer: have X want Y"};
 *   <li>recipient: contract creation (no {@code to}) is refused, since there is no EVM yet;
 *   <li>fees: {@code "max priority fee per gas higher than max fee per gas"}, and {@code gasLimit *
 *       maxFeePerGas + value} must fit in 256 bits;
 *   <li>sender: the signature must recover to a key, else {@code "invalid sender"}.
 * </ol>
 *
 * <p>Stateful checks (nonce, balance, base fee, intrinsic gas, block gas limit) are the mempool's
 * and the executor's. The decoder never throws on any input; it is fuzzed with millions.
 */
public final class TransactionDecoder {
  /** Largest accepted encoding in bytes: 4 x 32 KiB, as go-ethereum's txpool. */
  public static final int MAX_ENCODED_SIZE = 128 * 1024;

  public static final String UNPROTECTED_NOT_ALLOWED =
      "only replay-protected (EIP-155) transactions allowed over RPC";
  public static final String INVALID_SENDER = "invalid sender";
  public static final String TIP_ABOVE_FEE_CAP =
      "max priority fee per gas higher than max fee per gas";
  public static final String CONTRACT_CREATION_NOT_SUPPORTED =
      "contract creation is not supported: the transaction has no recipient (to) and this chain"
          + " has no EVM yet";
  public static final String COST_OVERFLOW =
      "transaction cost overflows: gasLimit * maxFeePerGas + value exceeds 2^256-1";

  private final long chainId;
  private final boolean allowUnprotectedLegacy;

  /** A decoder for the given chain that refuses legacy transactions without EIP-155. */
  public TransactionDecoder(long chainId) {
    this(chainId, false);
  }

  /**
   * @param allowUnprotectedLegacy accept legacy transactions signed without a chain id (replayable
   *     on any chain: off by default)
   */
  public TransactionDecoder(long chainId, boolean allowUnprotectedLegacy) {
    this.chainId = chainId;
    this.allowUnprotectedLegacy = allowUnprotectedLegacy;
  }

  /** Decodes for the given chain, refusing unprotected legacy transactions. */
  public static DecodeResult decode(byte[] raw, long chainId) {
    return new TransactionDecoder(chainId).decode(raw);
  }

  /** Decodes and validates; never throws for any input. */
  public DecodeResult decode(byte[] raw) {
    if (raw.length > MAX_ENCODED_SIZE) {
      return new DecodeResult.Invalid(
          "oversized data: transaction size " + raw.length + ", limit " + MAX_ENCODED_SIZE);
    }
    Transaction tx;
    try {
      tx = TransactionCodec.parse(raw, chainId);
    } catch (InvalidTransactionException e) {
      return new DecodeResult.Invalid(e.getMessage());
    }
    String reason = statelessCheck(tx);
    if (reason != null) {
      return new DecodeResult.Invalid(reason);
    }
    Optional<Address> sender = Secp256k1.get().recoverAddress(tx.signingHash(), tx.signature());
    if (sender.isEmpty()) {
      return new DecodeResult.Invalid(INVALID_SENDER);
    }
    TransactionCache.of(tx).senderKnown(sender.get());
    return new DecodeResult.Valid(tx);
  }

  /**
   * Decodes bytes this node stored itself (blocks, the pending pool): structure only, no chain-id
   * policy; the sender is recovered lazily on first use.
   *
   * @throws IllegalArgumentException if the bytes are not a canonical transaction encoding
   */
  public static Transaction decodeStored(byte[] encoding) {
    try {
      return TransactionCodec.parse(encoding, -1);
    } catch (InvalidTransactionException e) {
      throw new IllegalArgumentException("malformed stored transaction: " + e.getMessage());
    }
  }

  private String statelessCheck(Transaction tx) {
    if (!tx.signature().isValidForTransaction()) {
      return TransactionCodec.INVALID_SIG_VALUES;
    }
    if (tx.chainId().isEmpty()) {
      if (!allowUnprotectedLegacy) {
        return UNPROTECTED_NOT_ALLOWED;
      }
    } else if (tx.chainId().getAsLong() != chainId) {
      return TransactionCodec.chainIdMismatch(
          BigInteger.valueOf(tx.chainId().getAsLong()), chainId);
    }
    if (tx.to().isEmpty()) {
      return CONTRACT_CREATION_NOT_SUPPORTED;
    }
    if (tx.maxPriorityFeePerGas().compareTo(tx.maxFeePerGas()) > 0) {
      return TIP_ABOVE_FEE_CAP;
    }
    BigInteger cost =
        tx.maxFeePerGas()
            .value()
            .multiply(BigInteger.valueOf(tx.gasLimit()))
            .add(tx.value().value());
    if (cost.compareTo(Amount.MAX_VALUE) > 0) {
      return COST_OVERFLOW;
    }
    return null;
  }
}
