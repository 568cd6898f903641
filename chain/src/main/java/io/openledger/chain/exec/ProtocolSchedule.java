package io.openledger.chain.exec;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which {@link ProtocolRules} apply at which block (Teku's milestones): a rule change activates at
 * a block number, and blocks before it replay under the old rules.
 */
public final class ProtocolSchedule {
  private final NavigableMap<Long, ProtocolRules> byActivation;

  private ProtocolSchedule(NavigableMap<Long, ProtocolRules> byActivation) {
    this.byActivation = byActivation;
  }

  /** One set of rules from genesis on. */
  public static ProtocolSchedule of(ProtocolRules genesisRules) {
    TreeMap<Long, ProtocolRules> m = new TreeMap<>();
    m.put(0L, genesisRules);
    return new ProtocolSchedule(m);
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
    return new ProtocolSchedule(m);
  }

  /** The rules in force at {@code blockNumber}. */
  public ProtocolRules rulesAt(long blockNumber) {
    return byActivation.floorEntry(blockNumber).getValue();
  }
}
