package io.openledger.chain.tx;

import io.openledger.chain.crypto.Signature;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A signed Ethereum transaction. Instances are immutable; they come from {@link TransactionDecoder}
 * (bytes from a wallet or from storage) or {@link TransactionBuilder} (signed here).
 *
 * <p>Amounts are in base units (10^18 per OPEN); gas amounts in gas. For a legacy transaction the
 * gas price (legacy and EIP-2930) serves as both {@link #maxFeePerGas()} and {@link
 * #maxPriorityFeePerGas()}, as in go-ethereum, so fee code treats both types alike.
 */
public sealed interface Transaction
    permits LegacyTransaction, Eip2930Transaction, Eip1559Transaction, DepositTransaction {

  TransactionType type();

  /** The chain id signed over; empty only for a legacy transaction without EIP-155 protection. */
  OptionalLong chainId();

  long nonce();

  /** The most the sender pays per gas, base fee included (legacy: the gas price). */
  Amount maxFeePerGas();

  /** The most per gas that goes to the sequencer above the base fee (legacy: the gas price). */
  Amount maxPriorityFeePerGas();

  long gasLimit();

  /** The recipient; empty means contract creation, which this chain rejects (no EVM yet). */
  Optional<Address> to();

  Amount value();

  /** A copy of the call data. */
  byte[] data();

  /**
   * The EIP-2930 access list (types 1 and 2; empty for legacy). Part of the signed encoding and the
   * hash; this chain has no EVM storage to warm, so it costs no gas (see docs/gas.md).
   */
  default List<AccessListEntry> accessList() {
    return List.of();
  }

  /** r, s and the recovery id (y parity). */
  Signature signature();

  /**
   * {@code v} as it appears on the wire and in JSON-RPC: legacy 27/28 or {@code chainId * 2 +
   * 35/36}; typed transactions the y parity (0/1).
   */
  BigInteger v();

  /** keccak256 of {@link #encode()}: the transaction hash wallets see. */
  Hash hash();

  /**
   * The hash the sender signed (EIP-155 for legacy, {@code keccak(type || rlp(...))} for types 1
   * and 2).
   */
  Hash signingHash();

  /**
   * The canonical encoding (a copy): RLP list for legacy, {@code 0x01 || rlp(...)} for EIP-2930,
   * {@code 0x02 || rlp(...)} for EIP-1559. The bytes {@code eth_sendRawTransaction} takes, and what
   * is stored in blocks.
   */
  byte[] encode();

  /** Length of {@link #encode()} in bytes. */
  int size();

  /**
   * The signer, recovered from the signature on first call and cached. A transaction that came
   * through {@link TransactionDecoder#decode(byte[])} or {@link TransactionBuilder} always has one.
   *
   * @throws IllegalStateException if the signature recovers to no key (only possible for bytes that
   *     skipped validation)
   */
  Address sender();

  /**
   * The price per gas actually paid under the given base fee: {@code min(maxFeePerGas, baseFee +
   * maxPriorityFeePerGas)}. Meaningful only when {@code maxFeePerGas >= baseFee}, which block
   * inclusion requires.
   */
  default Amount effectiveGasPrice(Amount baseFee) {
    return maxFeePerGas().min(baseFee.add(maxPriorityFeePerGas()));
  }

  /**
   * The part of the effective gas price above the base fee, which goes to the sequencer: {@code
   * min(maxPriorityFeePerGas, maxFeePerGas - baseFee)}.
   *
   * @throws ArithmeticException if {@code maxFeePerGas < baseFee}
   */
  default Amount effectivePriorityFee(Amount baseFee) {
    return maxPriorityFeePerGas().min(maxFeePerGas().subtract(baseFee));
  }

  /**
   * The most this transaction can take from the sender's balance: {@code gasLimit * maxFeePerGas +
   * value}. The decoder rejects transactions for which this exceeds 2^256 - 1.
   */
  default Amount maxCost() {
    return maxFeePerGas().multiply(gasLimit()).add(value());
  }
}
