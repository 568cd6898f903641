package io.openledger.chain.challenge;

import io.openledger.chain.types.Amount;
import java.nio.ByteBuffer;

/**
 * Running totals of the challenge module, so {@link ChallengeModule#audit} needs no scan.
 *
 * @param validatorStake every validator's stake, active and unbonding
 * @param activeStake the stake of active validators (the base of a new vote's quorum)
 * @param bonds the bonds of open challenges
 * @param validators how many validators are registered (the length of the module's list)
 */
public record ChallengeTotals(
    Amount validatorStake, Amount activeStake, Amount bonds, int validators) {
  public static final ChallengeTotals ZERO =
      new ChallengeTotals(Amount.ZERO, Amount.ZERO, Amount.ZERO, 0);
  static final int SIZE = 3 * 32 + 4;

  /** What the module's account must hold. */
  public Amount held() {
    return validatorStake.add(bonds);
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(validatorStake.toBytes32())
        .put(activeStake.toBytes32())
        .put(bonds.toBytes32())
        .putInt(validators)
        .array();
  }

  static ChallengeTotals decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "totals");
    return new ChallengeTotals(Codec.amount(b), Codec.amount(b), Codec.amount(b), b.getInt());
  }
}
