package io.openledger.chain.state;

import io.openledger.chain.types.Amount;

/**
 * Where the fixed supply of OPEN is, as counted in state (base units). The invariant {@code
 * balances + locked + burned == TOTAL} holds after every block; {@link SupplyAudit} checks it.
 *
 * @param balances sum of all account balances (treasury, sequencer and modules included)
 * @param locked allocated at genesis, held by the vesting module, not yet claimed
 * @param burned destroyed, never to return
 */
public record Supply(Amount balances, Amount locked, Amount burned) {
  /** 1,000,000,000 OPEN, fixed: rewards come from pools, never from minting. */
  public static final Amount TOTAL = Amount.open(1_000_000_000L);

  public static final Supply EMPTY = new Supply(Amount.ZERO, Amount.ZERO, Amount.ZERO);

  /** balances + locked + burned. */
  public Amount accounted() {
    return balances.add(locked).add(burned);
  }

  /** OPEN that can move: the balances (locked and burned cannot). */
  public Amount circulating() {
    return balances;
  }
}
