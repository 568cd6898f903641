package io.openledger.chain.bridge;

import java.util.List;

/**
 * The L1 deposits that are final, as the node's L1 watcher knows them: what the sequencer must
 * credit next. The cursor is the L2 state's next deposit nonce ({@link BridgeModule#depositNonce}),
 * so the feed keeps no progress of its own and a restart neither skips nor repeats a deposit.
 */
@FunctionalInterface
public interface DepositFeed {
  /** A chain without an L1. */
  DepositFeed NONE = (nonce, max) -> List.of();

  /**
   * The final deposits with nonces {@code nonce, nonce + 1, …} (no gaps), at most {@code max}; must
   * not block (it runs on the sequencer's production thread).
   */
  List<Deposit> finalFrom(long nonce, int max);
}
