package io.openledger.chain.exec;

import io.openledger.chain.block.Log;
import java.util.List;

/** What eth_call or eth_estimateGas answers. */
public sealed interface SimulationResult {

  /**
   * It ran to the end.
   *
   * @param gasUsed eth_call: gas the call used; eth_estimateGas: the least gas limit that succeeds
   */
  record Success(byte[] returnData, long gasUsed, List<Log> logs) implements SimulationResult {}

  /**
   * A module call reverted: JSON-RPC error 3, message {@code "execution reverted: " + reason},
   * {@code data} = revert data.
   */
  record Reverted(byte[] revertData, String reason, long gasUsed) implements SimulationResult {}

  /**
   * The call could not run (insufficient funds, fee cap below base fee, gas above the cap ...):
   * JSON-RPC -32000 with this message.
   */
  record Invalid(String message) implements SimulationResult {}
}
