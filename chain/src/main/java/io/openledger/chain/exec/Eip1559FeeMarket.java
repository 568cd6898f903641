package io.openledger.chain.exec;

import io.openledger.chain.types.Amount;
import java.math.BigInteger;

/**
 * EIP-1559 exactly as Ethereum computes it (go-ethereum {@code CalcBaseFee}): gas target = gas
 * limit / 2 (elasticity 2); the base fee moves by at most 1/8 per block in proportion to the
 * distance of gas used from the target, rising by at least 1 wei when above it. The one departure,
 * configurable: the base fee never falls below {@link #minimumBaseFee()} (zero gives Ethereum's
 * rule).
 *
 * @param initialBaseFee base fee of block 1, per gas
 * @param minimumBaseFee floor of the base fee, per gas
 */
public record Eip1559FeeMarket(Amount initialBaseFee, Amount minimumBaseFee) implements FeeMarket {
  public static final long ELASTICITY_MULTIPLIER = 2;
  public static final long BASE_FEE_CHANGE_DENOMINATOR = 8;

  /** Ethereum mainnet's initial base fee at the London fork: 1 gwei. */
  public static final Amount ETHEREUM_INITIAL_BASE_FEE = Amount.of(1_000_000_000L);

  public Eip1559FeeMarket {
    if (initialBaseFee.lessThan(minimumBaseFee)) {
      throw new IllegalArgumentException(
          "initial base fee "
              + initialBaseFee
              + " is below the minimum base fee "
              + minimumBaseFee);
    }
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Amount nextBaseFee(long parentGasUsed, long parentGasLimit, Amount parentBaseFee) {
    long target = parentGasLimit / ELASTICITY_MULTIPLIER;
    if (target <= 0 || parentGasUsed == target) {
      return parentBaseFee.max(minimumBaseFee);
    }
    BigInteger base = parentBaseFee.value();
    BigInteger t = BigInteger.valueOf(target);
    BigInteger d = BigInteger.valueOf(BASE_FEE_CHANGE_DENOMINATOR);
    if (parentGasUsed > target) {
      BigInteger delta =
          base.multiply(BigInteger.valueOf(parentGasUsed - target)).divide(t).divide(d);
      return Amount.of(base.add(delta.max(BigInteger.ONE))).max(minimumBaseFee);
    }
    BigInteger delta =
        base.multiply(BigInteger.valueOf(target - parentGasUsed)).divide(t).divide(d);
    return Amount.of(base.subtract(delta).max(BigInteger.ZERO)).max(minimumBaseFee);
  }
}
