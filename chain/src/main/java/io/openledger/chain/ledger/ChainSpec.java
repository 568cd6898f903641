package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.challenge.RecordVerifier;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a ledger needs to know of its chain: the protocol rules, the block gas limit, the sequencer
 * and how to build block 0. Usually derived from a genesis file; tests build one directly.
 *
 * @param gasLimit gas limit of every block
 * @param sequencer coinbase of every block: receives the priority fees
 * @param genesisTimestamp seconds since the Unix epoch of block 0; 0 means "when the data directory
 *     is created" (a devnet), and a reopened directory keeps the time it was made with
 * @param genesis builds block 0 at a timestamp
 */
public record ChainSpec(
    long chainId,
    ProtocolSchedule protocol,
    long gasLimit,
    Address sequencer,
    long genesisTimestamp,
    GenesisBuilder genesis) {

  /** Block 0 and the state writes that go with it. */
  public record GenesisBlock(Block block, StateCommit state) {
    public Hash hash() {
      return block.hash();
    }
  }

  /** Builds block 0 on an empty state at the given timestamp; writes nothing. */
  @FunctionalInterface
  public interface GenesisBuilder {
    GenesisBlock build(StateDatabase states, long timestamp);
  }

  /** Same as {@link #of}: block 0 holds what {@code allocate} writes into an empty state. */
  public ChainSpec(
      long chainId,
      ProtocolSchedule protocol,
      long gasLimit,
      Address sequencer,
      long genesisTimestamp,
      Consumer<WorldState> allocate) {
    this(
        chainId,
        protocol,
        gasLimit,
        sequencer,
        genesisTimestamp,
        allocating(protocol, gasLimit, sequencer, allocate));
  }

  /**
   * A spec whose block 0 holds the state {@code allocate} writes into an empty state (balances,
   * locked vesting), with the fee market's initial base fee.
   */
  public static ChainSpec of(
      long chainId,
      ProtocolSchedule protocol,
      long gasLimit,
      Address sequencer,
      long genesisTimestamp,
      Consumer<WorldState> allocate) {
    return new ChainSpec(
        chainId,
        protocol,
        gasLimit,
        sequencer,
        genesisTimestamp,
        allocating(protocol, gasLimit, sequencer, allocate));
  }

  private static GenesisBuilder allocating(
      ProtocolSchedule protocol, long gasLimit, Address sequencer, Consumer<WorldState> allocate) {
    return (states, timestamp) -> {
      WorldState state = states.open(Hash.ZERO, -1);
      allocate.accept(state);
      StateCommit commit = state.commit();
      BlockHeader header =
          new BlockHeader(
              Hash.ZERO,
              0,
              timestamp,
              commit.stateRoot(),
              Block.transactionsRoot(List.of()),
              Block.receiptsRoot(List.of()),
              LogsBloom.EMPTY,
              0,
              gasLimit,
              protocol.rulesAt(0).feeMarket().initialBaseFee(),
              sequencer,
              new byte[0]);
      return new GenesisBlock(new Block(header, List.of()), commit);
    };
  }

  /**
   * The spec of a genesis file's chain; block 0 is what {@link Genesis#toState} builds. Its rules
   * carry no record verifier: the challenges decided by recomputation are refused with a reason.
   */
  public static ChainSpec from(Genesis g) {
    return from(g, g.schedule());
  }

  /** As {@link #from(Genesis)}, with rules whose challenges {@code verifier} decides. */
  public static ChainSpec from(Genesis g, RecordVerifier verifier) {
    return from(g, g.schedule(verifier));
  }

  private static ChainSpec from(Genesis g, ProtocolSchedule schedule) {
    GenesisBuilder builder =
        (states, timestamp) -> {
          ExecutedBlock e = g.withTimestamp(timestamp).toState(states);
          return new GenesisBlock(e.block(), e.stateCommit());
        };
    return new ChainSpec(
        g.chainId(), schedule, g.gasLimit(), g.sequencer(), g.timestamp(), builder);
  }

  /** Block 0 at {@link #genesisTimestamp()}, or at {@code fallback} when that is 0. */
  public GenesisBlock genesisBlock(StateDatabase states, long fallbackTimestamp) {
    return genesis.build(states, genesisTimestamp != 0 ? genesisTimestamp : fallbackTimestamp);
  }
}
