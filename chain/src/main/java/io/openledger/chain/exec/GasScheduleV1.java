package io.openledger.chain.exec;

/**
 * Gas table version 1 (genesis). Ethereum's prices where an operation has an Ethereum analogue
 * (transaction base, calldata, logs); module storage priced like the EVM's cold SLOAD/SSTORE, with
 * a per-byte charge because module values are byte arrays of any length. See {@code docs/gas.md}.
 */
public final class GasScheduleV1 implements GasSchedule {
  public static final GasScheduleV1 INSTANCE = new GasScheduleV1();

  private GasScheduleV1() {}

  @Override
  public int version() {
    return 1;
  }

  @Override
  public long transactionBase() {
    return 21_000;
  }

  @Override
  public long calldataZeroByte() {
    return 4;
  }

  @Override
  public long calldataNonZeroByte() {
    return 16;
  }

  @Override
  public long moduleCallBase() {
    return 2_600;
  }

  @Override
  public long storageRead() {
    return 2_100;
  }

  @Override
  public long storageWrite() {
    return 20_000;
  }

  @Override
  public long storageByte() {
    return 16;
  }

  @Override
  public long storageDelete() {
    return 5_000;
  }

  @Override
  public long accountRead() {
    return 2_600;
  }

  @Override
  public long balanceTransfer() {
    return 9_000;
  }

  @Override
  public long logBase() {
    return 375;
  }

  @Override
  public long logTopic() {
    return 375;
  }

  @Override
  public long logDataByte() {
    return 8;
  }

  @Override
  public long returnDataWord() {
    return 3;
  }
}
