package io.openledger.chain.bridge;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A withdrawal the bridge module recorded: {@code (nonce, sender, target, amount)}, identified by
 * {@code keccak256(abi.encode(nonce, sender, target, amount))}, which is also its storage slot
 * (docs/settlement.md, "The withdrawal record"; the l1 module's {@code Withdrawal} is the same
 * record as the Portal proves it).
 *
 * @param nonce the module's withdrawal counter when it was made, from 0
 * @param sender the L2 account whose OPEN left
 * @param target the L1 account that receives it
 * @param amount base units, 10^18 per OPEN
 */
public record WithdrawalRecord(long nonce, Address sender, Address target, Amount amount) {
  public WithdrawalRecord {
    if (nonce < 0) {
      throw new IllegalArgumentException("withdrawal nonce must not be negative: " + nonce);
    }
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(amount, "amount");
  }

  /**
   * {@code keccak256(abi.encode(uint256 nonce, address sender, address target, uint256 amount))}.
   */
  public Hash hash() {
    return BridgeModule.withdrawalHash(BigInteger.valueOf(nonce), sender, target, amount.value());
  }

  /** The withdrawals root after this one: {@code keccak256(previous ++ hash())}. */
  public Hash chain(Hash previousWithdrawalsRoot) {
    return Hash.keccak256(previousWithdrawalsRoot.toArray(), hash().toArray());
  }
}
