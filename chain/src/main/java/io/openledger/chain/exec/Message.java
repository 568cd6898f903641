package io.openledger.chain.exec;

import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;

/**
 * What the executor runs: a transaction with its sender, or an unsigned call for {@code eth_call}.
 *
 * @param sender who pays and whose nonce moves
 * @param to recipient: an account (transfer) or a module (call)
 * @param nonce the sender's nonce this message uses
 * @param gasLimit gas the sender allows
 * @param maxFeePerGas fee cap, base units per gas (legacy: gas price)
 * @param maxPriorityFeePerGas tip cap, base units per gas (legacy: gas price)
 * @param value OPEN sent, base units
 * @param data calldata
 */
public record Message(
    Address sender,
    Address to,
    long nonce,
    long gasLimit,
    Amount maxFeePerGas,
    Amount maxPriorityFeePerGas,
    Amount value,
    byte[] data) {

  public Message {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The message of a signed transaction ({@code to} must be present: no contract creation). */
  public static Message of(Transaction tx) {
    return new Message(
        tx.sender(),
        tx.to().orElseThrow(() -> new IllegalArgumentException("contract creation")),
        tx.nonce(),
        tx.gasLimit(),
        tx.maxFeePerGas(),
        tx.maxPriorityFeePerGas(),
        tx.value(),
        tx.data());
  }

  /** {@code min(maxFeePerGas, baseFee + maxPriorityFeePerGas)}. */
  public Amount effectiveGasPrice(Amount baseFee) {
    return maxFeePerGas.min(baseFee.add(maxPriorityFeePerGas));
  }
}
