package io.openledger.chain.exec;

import io.openledger.chain.state.StateReader;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which {@link ProtocolRules} apply at which block (Teku's milestones): a rule change activates at
 * a block number, and blocks before it replay under the old rules.
 */
public final class ProtocolSchedule {
  private final NavigableMap<Long, ProtocolRules> byActivation;
  private final GasTables.Upgrades gasTables;

  private ProtocolSchedule(
      NavigableMap<Long, ProtocolRules> byActivation, GasTables.Upgrades gasTables) {
    this.byActivation = byActivation;
    this.gasTables = gasTables;
  }

  /**
   * This schedule with gas table upgrades recorded in the state ({@code parameters.setGasTable}):
   * {@link #rulesAt(long, StateReader)} applies them.
   */
  public ProtocolSchedule withGasTables(GasTables.Upgrades upgrades) {
    return new ProtocolSchedule(byActivation, upgrades);
  }

  /** One set of rules from genesis on. */
  public static ProtocolSchedule of(ProtocolRules genesisRules) {
    TreeMap<Long, ProtocolRules> m = new TreeMap<>();
    m.put(0L, genesisRules);
    return new ProtocolSchedule(m, GasTables.Upgrades.NONE);
  }

  /**
   * A schedule with rules activating at the given block numbers; must contain block 0.
   *
   * @throws IllegalArgumentException if block 0 has no rules
   */
  public static ProtocolSchedule of(Map<Long, ProtocolRules> activations) {
    TreeMap<Long, ProtocolRules> m = new TreeMap<>(activations);
    if (!m.containsKey(0L)) {
      throw new IllegalArgumentException("a protocol schedule needs rules at block 0");
    }
    return new ProtocolSchedule(m, GasTables.Upgrades.NONE);
  }

  /**
   * The rules in force at {@code blockNumber} as far as they do not depend on the state: the fee
   * market, the modules, the chain id. The gas table may have been upgraded by governance: what
   * prices gas is {@link #rulesAt(long, StateReader)}.
   */
  public ProtocolRules rulesAt(long blockNumber) {
    return byActivation.floorEntry(blockNumber).getValue();
  }

  /**
   * The rules in force at {@code blockNumber}, a block executed on {@code parentState}: those of
   * {@link #rulesAt(long)} with the gas table a governance upgrade scheduled for it, if any.
   *
   * @throws IllegalStateException if the state schedules a gas table this software does not know
   *     (the upgrade was accepted by newer software: this node must be upgraded to follow)
   */
  public ProtocolRules rulesAt(long blockNumber, StateReader parentState) {
    ProtocolRules rules = rulesAt(blockNumber);
    Optional<Integer> version = gasTables.versionAt(parentState, blockNumber);
    if (version.isEmpty()) {
      return rules;
    }
    GasSchedule gas =
        GasTables.byVersion(version.get())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "block "
                            + blockNumber
                            + " uses gas table "
                            + version.get()
                            + ", which this node does not know (it knows "
                            + GasTables.knownVersions()
                            + "): upgrade the node"));
    return rules.withGasSchedule(gas);
  }
}
