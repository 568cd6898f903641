package io.openledger.chain.staking;

import io.openledger.chain.types.Address;
import java.nio.ByteBuffer;

/**
 * What the staking module knows of a model: its tier (declared by the model's owner) and which
 * operator serves it (declared by the operator with {@code serve}).
 *
 * @param tier the criticality tier; {@link Tier#EXPERIMENTAL} until the owner sets one
 * @param servedBy the operator whose pool counts this model, {@link Address#ZERO} when none
 */
public record ModelStake(Tier tier, Address servedBy) {
  public static final ModelStake NONE = new ModelStake(Tier.EXPERIMENTAL, Address.ZERO);
  static final int SIZE = 1 + Address.SIZE;

  public boolean served() {
    return !servedBy.equals(Address.ZERO);
  }

  /** {@code tier (1) ‖ servedBy (20)}. */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE).put((byte) tier.code()).put(servedBy.toArray()).array();
  }

  static ModelStake decode(byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "model");
    Tier tier =
        Tier.of(b.get())
            .orElseThrow(() -> new IllegalStateException("corrupt staking storage: tier"));
    return new ModelStake(tier, Codec.address(b));
  }
}
