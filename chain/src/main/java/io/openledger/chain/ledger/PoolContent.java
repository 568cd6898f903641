package io.openledger.chain.ledger;

import java.util.List;

/**
 * The transaction pool as {@code txpool_content} shows it.
 *
 * @param pending executable now (no nonce gap before them), by sender then nonce
 * @param queued waiting behind a nonce gap, by sender then nonce
 */
public record PoolContent(List<TransactionView> pending, List<TransactionView> queued) {
  public PoolContent {
    pending = List.copyOf(pending);
    queued = List.copyOf(queued);
  }
}
