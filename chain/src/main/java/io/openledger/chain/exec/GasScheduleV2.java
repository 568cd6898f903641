package io.openledger.chain.exec;

/**
 * Gas table version 2: version 1 with a module storage read at 800 gas instead of 2,100. A module
 * slot lives in the state trie a node keeps hot for the block, not behind Ethereum's cold-access
 * penalty, so reads are priced nearer their cost (docs/gas.md). Activated by a governance proposal
 * ({@code parameters.setGasTable}) at a block it names; blocks before it replay under version 1.
 */
public final class GasScheduleV2 implements GasSchedule {
  public static final GasScheduleV2 INSTANCE = new GasScheduleV2();

  private static final GasSchedule V1 = GasScheduleV1.INSTANCE;

  private GasScheduleV2() {}

  @Override
  public int version() {
    return 2;
  }

  @Override
  public long transactionBase() {
    return V1.transactionBase();
  }

  @Override
  public long calldataZeroByte() {
    return V1.calldataZeroByte();
  }

  @Override
  public long calldataNonZeroByte() {
    return V1.calldataNonZeroByte();
  }

  @Override
  public long moduleCallBase() {
    return V1.moduleCallBase();
  }

  @Override
  public long storageRead() {
    return 800;
  }

  @Override
  public long storageWrite() {
    return V1.storageWrite();
  }

  @Override
  public long storageByte() {
    return V1.storageByte();
  }

  @Override
  public long storageDelete() {
    return V1.storageDelete();
  }

  @Override
  public long accountRead() {
    return V1.accountRead();
  }

  @Override
  public long balanceTransfer() {
    return V1.balanceTransfer();
  }

  @Override
  public long logBase() {
    return V1.logBase();
  }

  @Override
  public long logTopic() {
    return V1.logTopic();
  }

  @Override
  public long logDataByte() {
    return V1.logDataByte();
  }

  @Override
  public long returnDataWord() {
    return V1.returnDataWord();
  }
}
