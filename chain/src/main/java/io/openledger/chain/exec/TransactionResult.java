package io.openledger.chain.exec;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.types.Amount;
import java.util.List;
import java.util.Optional;

/**
 * What executing one message did.
 *
 * @param success false when a module call reverted or ran out of gas (fees still paid)
 * @param gasUsed gas charged to the sender
 * @param effectiveGasPrice base units per gas paid
 * @param logs logs emitted (none when it failed)
 * @param returnData ABI return data on success, revert data ({@code Error(string)}) on failure
 * @param revertReason the reason of a failure, for eth_call and receipts views
 */
public record TransactionResult(
    boolean success,
    long gasUsed,
    Amount effectiveGasPrice,
    List<Log> logs,
    byte[] returnData,
    Optional<String> revertReason) {

  public TransactionResult {
    logs = List.copyOf(logs);
    returnData = returnData.clone();
  }

  @Override
  public byte[] returnData() {
    return returnData.clone();
  }

  /** The receipt of this result as transaction number i of a block, after {@code gasBefore}. */
  public Receipt toReceipt(TransactionType type, long gasBefore) {
    return Receipt.of(type, success, gasBefore + gasUsed, gasUsed, effectiveGasPrice, logs);
  }
}
