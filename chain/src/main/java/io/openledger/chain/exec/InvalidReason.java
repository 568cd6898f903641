package io.openledger.chain.exec;

/**
 * Why a transaction is refused, as a closed set the RPC layer maps to JSON-RPC error codes. The
 * human message travels separately in {@link ValidationResult.Invalid#message()}, worded as
 * go-ethereum words it so wallets and SDKs that match on the text keep working.
 */
public enum InvalidReason {
  /** "nonce too low: address X, tx: N state: M" */
  NONCE_TOO_LOW,
  /** "nonce too high: address X, tx: N state: M" */
  NONCE_TOO_HIGH,
  /** "nonce has max value: address X, nonce: N" */
  NONCE_MAX,
  /** "insufficient funds for gas * price + value: address X have H want W" */
  INSUFFICIENT_FUNDS,
  /** "transaction would spend locked (unvested) OPEN: address X have H want W locked L" */
  SPENDS_LOCKED,
  /** "max fee per gas less than block base fee: address X, maxFeePerGas: A, baseFee: B" */
  FEE_CAP_TOO_LOW,
  /** "max priority fee per gas higher than max fee per gas: address X, ..." */
  TIP_ABOVE_FEE_CAP,
  /** "intrinsic gas too low: have H, want W" */
  INTRINSIC_GAS_TOO_LOW,
  /** "exceeds block gas limit" */
  EXCEEDS_BLOCK_GAS_LIMIT,
  /** "invalid chain id for signer: have H want W" */
  WRONG_CHAIN_ID,
  /** "contract creation is not supported (no EVM yet): transactions need a 'to' address" */
  CONTRACT_CREATION_UNSUPPORTED,
  /** "invalid sender": the signature recovers to no key. */
  INVALID_SENDER,
  /** "oversized data: transaction size N, limit L" */
  OVERSIZED,
  /** "gas limit reached": valid, but no room left in this block (execution only; retry later). */
  BLOCK_FULL,
  /** A deposit transaction that is out of place or whose system call fails (a wrong cursor). */
  INVALID_DEPOSIT
}
