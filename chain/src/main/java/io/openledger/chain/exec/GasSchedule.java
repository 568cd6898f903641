package io.openledger.chain.exec;

/**
 * The one gas table of a protocol version: what a transfer, a byte of calldata, a module operation
 * and a stored byte cost. Prices are in gas (paid at the block's effective gas price). A change of
 * any price is a new implementation, so old blocks replay under the table they were made with.
 *
 * <p>The table is documented in {@code docs/gas.md}; keep both in step.
 */
public interface GasSchedule {

  /** Version tag of this table (appears in docs and in {@link ProtocolRules}). */
  int version();

  /** Base cost of every transaction: 21,000 as in Ethereum. */
  long transactionBase();

  /** Calldata byte that is zero: 4 gas (EIP-2028). */
  long calldataZeroByte();

  /** Calldata byte that is not zero: 16 gas (EIP-2028). */
  long calldataNonZeroByte();

  /** Entering a system module (in addition to the transaction base): dispatch and ABI decoding. */
  long moduleCallBase();

  /** Reading one storage slot of a module. */
  long storageRead();

  /** Writing one storage slot of a module (create or overwrite), plus {@link #storageByte()}. */
  long storageWrite();

  /** Each byte of a stored value (charged on every write of that value). */
  long storageByte();

  /** Deleting a storage slot. */
  long storageDelete();

  /** Reading an account (balance, nonce) other than the sender's and the call target's. */
  long accountRead();

  /** Moving OPEN between accounts or from locked to an account inside a module. */
  long balanceTransfer();

  /** Emitting a log: base cost (Ethereum LOG0 = 375). */
  long logBase();

  /** Each topic of a log (Ethereum 375). */
  long logTopic();

  /** Each byte of log data (Ethereum 8). */
  long logDataByte();

  /** Each 32-byte word of ABI-encoded return data or revert data (memory expansion analogue). */
  long returnDataWord();

  /**
   * Gas a transaction needs before it runs: the base plus calldata, plus {@link #moduleCallBase()}
   * when it calls a module. A transaction whose gas limit is below this is invalid ("intrinsic gas
   * too low").
   */
  default long intrinsicGas(byte[] calldata, boolean moduleCall) {
    long gas = transactionBase();
    for (byte b : calldata) {
      gas += b == 0 ? calldataZeroByte() : calldataNonZeroByte();
    }
    return moduleCall ? gas + moduleCallBase() : gas;
  }

  /** Cost of a log with the given topic count and data length. */
  default long logCost(int topics, int dataBytes) {
    return logBase() + topics * logTopic() + dataBytes * logDataByte();
  }

  /** Cost of writing a value of {@code valueBytes} bytes into a storage slot. */
  default long storageWriteCost(int valueBytes) {
    return storageWrite() + valueBytes * storageByte();
  }
}
