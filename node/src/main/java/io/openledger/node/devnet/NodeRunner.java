package io.openledger.node.devnet;

import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.Subscription;
import io.openledger.node.rpc.JsonRpcService;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.function.Consumer;

/**
 * A running node: the ledger (store, mempool, sequencer) and its JSON-RPC endpoint. Used by {@code
 * openledger devnet}, {@code openledger node} and the end-to-end tests, so they all run the same
 * wiring.
 */
public final class NodeRunner implements AutoCloseable {
  private final Ledger ledger;
  private final JsonRpcService rpc;
  private final Subscription blockLog;

  private NodeRunner(Ledger ledger, JsonRpcService rpc, Subscription blockLog) {
    this.ledger = ledger;
    this.rpc = rpc;
    this.blockLog = blockLog;
  }

  /** Where and how to run. */
  public record Options(
      Path dataDir, ChainSpec spec, LedgerConfig ledgerConfig, String rpcHost, int rpcPort) {}

  /**
   * Opens the ledger, then starts the RPC server (port 0: any free port).
   *
   * @param onBlock told of each committed block (logging), or null
   * @throws io.openledger.chain.ledger.LedgerOpenException when the data directory is refused
   */
  public static NodeRunner start(Options o, InstantSource clock, Consumer<BlockView> onBlock) {
    Ledger ledger = Ledger.open(o.dataDir(), o.spec(), o.ledgerConfig(), clock);
    try {
      Subscription blockLog = onBlock == null ? () -> {} : ledger.onNewHead(onBlock);
      JsonRpcService rpc = JsonRpcService.start(ledger, o.rpcHost(), o.rpcPort());
      return new NodeRunner(ledger, rpc, blockLog);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
  }

  public Ledger ledger() {
    return ledger;
  }

  public JsonRpcService rpc() {
    return rpc;
  }

  /** Stops taking requests first, then stops the sequencer and closes the store. */
  @Override
  public void close() {
    try {
      rpc.close();
    } finally {
      blockLog.close();
      ledger.close();
    }
  }
}
