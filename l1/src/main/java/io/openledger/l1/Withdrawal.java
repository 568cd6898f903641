package io.openledger.l1;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A withdrawal of OPEN from the L2 to L1, as the L2 bridge module records it and the Portal proves
 * it (docs/settlement.md, "The withdrawal record"). Its hash is the bridge module's own ({@link
 * BridgeModule#withdrawalHash}); the nonce is a uint256 here, as the Portal takes it.
 *
 * @param nonce the bridge module's withdrawal counter when it was made, from 0
 * @param sender who burned the OPEN on the L2
 * @param target who receives it on L1
 * @param amount base units, 10^18 per OPEN
 */
public record Withdrawal(BigInteger nonce, Address sender, Address target, Amount amount) {
  /** The value stored in a withdrawal's slot: one byte, 0x01. */
  public static final byte[] RECORD_VALUE = {0x01};

  public Withdrawal {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(amount, "amount");
    if (nonce.signum() < 0 || nonce.bitLength() > 256) {
      throw new IllegalArgumentException("withdrawal nonce must fit in uint256, got " + nonce);
    }
  }

  /**
   * {@code keccak256(abi.encode(uint256 nonce, address sender, address target, uint256 amount))}:
   * the withdrawal's identity and its storage slot in the bridge module.
   */
  public Hash hash() {
    return BridgeModule.withdrawalHash(nonce, sender, target, amount.value());
  }

  /** The slot key in the bridge module's storage: the 32-byte {@link #hash()}. */
  public byte[] slot() {
    return hash().toArray();
  }

  /** The state tree key: {@code keccak256(0x02 ++ bridge ++ hash())}. */
  public Hash stateKey(Address bridge) {
    return StateKeys.storage(bridge, slot());
  }

  /**
   * The withdrawals root after this withdrawal: {@code keccak256(previous ++ hash())}, a hash chain
   * over every withdrawal in nonce order, starting from {@link Hash#ZERO}.
   */
  public Hash chain(Hash previousWithdrawalsRoot) {
    return Hash.keccak256(previousWithdrawalsRoot.toArray(), hash().toArray());
  }
}
