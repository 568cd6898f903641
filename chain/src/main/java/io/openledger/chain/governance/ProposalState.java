package io.openledger.chain.governance;

/**
 * The states of a proposal, in OpenZeppelin Governor's order: {@code state(id)} returns ordinal.
 */
public enum ProposalState {
  PENDING,
  ACTIVE,
  CANCELED,
  DEFEATED,
  SUCCEEDED,
  QUEUED,
  EXPIRED,
  EXECUTED
}
