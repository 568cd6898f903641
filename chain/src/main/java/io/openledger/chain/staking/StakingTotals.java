package io.openledger.chain.staking;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * Running totals over every pool, so the module's balance is audited without a scan: it holds
 * exactly {@code bonded + unbonding}.
 *
 * @param bonded the stake of every bonded class of every pool
 * @param unbonding the stake of every unbonding class
 */
public record StakingTotals(Amount bonded, Amount unbonding) {
  public static final StakingTotals ZERO = new StakingTotals(Amount.ZERO, Amount.ZERO);
  static final int SIZE = 64;

  public Amount held() {
    return bonded.add(unbonding);
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE).put(bonded.toBytes32()).put(unbonding.toBytes32()).array();
  }

  static StakingTotals decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "totals");
    return new StakingTotals(Codec.amount(b), Codec.amount(b));
  }
}
