package io.openledger.chain.mempool;

import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;

/**
 * A transaction held by the pool, with what ordering needs precomputed: fee caps as saturated longs
 * (ordering only; exact {@link Amount}s decide replacement and affordability) and the arrival
 * sequence that breaks ties (first come, first served).
 */
final class PooledTransaction {
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  final Transaction tx;
  final Hash hash;
  final Address sender;
  final long nonce;
  final long maxFee; // base units per gas, saturated at Long.MAX_VALUE
  final long maxTip; // base units per gas, saturated
  final Amount maxCost; // gasLimit * maxFee + value, base units
  final long seq;

  /** Effective tip at the base fee the eviction order was last built for; see Mempool. */
  long rankTip;

  PooledTransaction(Transaction tx, long seq) {
    this.tx = tx;
    this.hash = tx.hash();
    this.sender = tx.sender();
    this.nonce = tx.nonce();
    this.maxFee = saturate(tx.maxFeePerGas());
    this.maxTip = saturate(tx.maxPriorityFeePerGas());
    this.maxCost = tx.maxCost();
    this.seq = seq;
  }

  /** {@code min(maxTip, maxFee - baseFee)}: negative when the fee cap is below the base fee. */
  long effectiveTip(long baseFee) {
    return Math.min(maxTip, maxFee - baseFee);
  }

  static long saturate(Amount a) {
    BigInteger v = a.value();
    return v.compareTo(LONG_MAX) >= 0 ? Long.MAX_VALUE : v.longValue();
  }
}
