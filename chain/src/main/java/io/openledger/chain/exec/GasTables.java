package io.openledger.chain.exec;

import io.openledger.chain.state.StateReader;
import java.util.List;
import java.util.Optional;

/**
 * The gas tables this software knows, by version, and where a chain records which one applies from
 * which block: an upgrade a governance proposal scheduled ({@code parameters.setGasTable}) is read
 * from the parent state of each block, so every node switches at the same block and a follower
 * replaying the chain switches there too.
 */
public final class GasTables {
  /** Every known table, by ascending version. */
  public static final List<GasSchedule> KNOWN =
      List.of(GasScheduleV1.INSTANCE, GasScheduleV2.INSTANCE);

  private GasTables() {}

  public static Optional<GasSchedule> byVersion(long version) {
    return KNOWN.stream().filter(g -> g.version() == version).findFirst();
  }

  /** The known versions, e.g. {@code 1, 2}. */
  public static String knownVersions() {
    return String.join(", ", KNOWN.stream().map(g -> String.valueOf(g.version())).toList());
  }

  /** Which gas table version a state schedules for a block, if it schedules one. */
  @FunctionalInterface
  public interface Upgrades {
    /** No upgrade is ever scheduled. */
    Upgrades NONE = (state, block) -> Optional.empty();

    /**
     * The version scheduled for {@code blockNumber} in {@code parentState} (the state the block
     * executes on): the last upgrade whose activation block is at most {@code blockNumber}.
     */
    Optional<Integer> versionAt(StateReader parentState, long blockNumber);
  }
}
