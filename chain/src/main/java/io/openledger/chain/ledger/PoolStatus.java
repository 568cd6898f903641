package io.openledger.chain.ledger;

/**
 * The mempool's size ({@code txpool_status}).
 *
 * @param pending executable now (nonces contiguous from the account's nonce)
 * @param queued held behind a nonce gap
 */
public record PoolStatus(int pending, int queued) {}
