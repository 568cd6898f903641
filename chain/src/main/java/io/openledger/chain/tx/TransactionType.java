package io.openledger.chain.tx;

/** The transaction types this chain accepts, with their EIP-2718 type byte. */
public enum TransactionType {
  /** Pre-EIP-2718 transaction, RLP list without a type byte; EIP-155 chain id in {@code v}. */
  LEGACY(0),
  /** EIP-2930 access-list transaction with one gas price, {@code 0x01 || rlp(...)}. */
  EIP2930(1),
  /** EIP-1559 dynamic-fee transaction, {@code 0x02 || rlp(...)}. */
  EIP1559(2),
  /**
   * A deposit from L1, {@code 0x7e || rlp(...)}: only the sequencer puts one in a block, the RPC
   * refuses it ({@link DepositTransaction}).
   */
  DEPOSIT(DepositTransaction.TYPE);

  private final int code;

  TransactionType(int code) {
    this.code = code;
  }

  /** The EIP-2718 type byte (0 for legacy), as JSON-RPC's {@code type} field shows it. */
  public int code() {
    return code;
  }
}
