package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a ledger needs to know of its chain: the protocol rules, the block gas limit, the sequencer
 * and how to build the genesis state. Usually derived from a genesis file; tests build one
 * directly.
 *
 * @param gasLimit gas limit of every block
 * @param sequencer coinbase of every block: receives the priority fees
 * @param genesisTimestamp seconds since the Unix epoch of block 0
 * @param allocate writes the genesis allocations (balances, locked vesting) into an empty state
 */
public record ChainSpec(
    long chainId,
    ProtocolSchedule protocol,
    long gasLimit,
    Address sequencer,
    long genesisTimestamp,
    Consumer<WorldState> allocate) {

  /** Block 0 and the state writes that go with it. */
  public record GenesisBlock(Block block, StateCommit state) {
    public Hash hash() {
      return block.hash();
    }
  }

  /** Builds block 0 on an empty state; writes nothing. */
  public GenesisBlock genesisBlock(StateDatabase states) {
    WorldState state = states.open(Hash.ZERO, -1);
    allocate.accept(state);
    StateCommit commit = state.commit();
    BlockHeader header =
        new BlockHeader(
            Hash.ZERO,
            0,
            genesisTimestamp,
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
  }
}
