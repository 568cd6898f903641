package io.openledger.chain.state;

import io.openledger.chain.types.Amount;

/**
 * Where the fixed supply of OPEN is, as counted in state (base units). The invariant {@code
 * balances + locked + burned + bridged == TOTAL} holds after every block; {@link SupplyAudit}
 * checks it.
 *
 * @param balances sum of all account balances (treasury, sequencer and modules included)
 * @param locked allocated at genesis, held by the vesting module, not yet claimed
 * @param burned destroyed, never to return
 * @param bridged left the L2 through the bridge module and not come back: OPEN withdrawn minus
 *     deposits credited (on L1, or in transit either way; docs/settlement.md)
 */
public record Supply(Amount balances, Amount locked, Amount burned, Amount bridged) {
  /** 1,000,000,000 OPEN, fixed: rewards come from pools, never from minting. */
  public static final Amount TOTAL = Amount.open(1_000_000_000L);

  public static final Supply EMPTY = new Supply(Amount.ZERO, Amount.ZERO, Amount.ZERO);

  /** A supply of which nothing is bridged. */
  public Supply(Amount balances, Amount locked, Amount burned) {
    this(balances, locked, burned, Amount.ZERO);
  }

  /** balances + locked + burned + bridged. */
  public Amount accounted() {
    return balances.add(locked).add(burned).add(bridged);
  }

  /** OPEN that can move: the balances (locked and burned cannot). */
  public Amount circulating() {
    return balances;
  }

  Supply withBalances(Amount b) {
    return new Supply(b, locked, burned, bridged);
  }

  Supply withLocked(Amount l) {
    return new Supply(balances, l, burned, bridged);
  }

  Supply withBurned(Amount b) {
    return new Supply(balances, locked, b, bridged);
  }

  Supply withBridged(Amount b) {
    return new Supply(balances, locked, burned, b);
  }
}
