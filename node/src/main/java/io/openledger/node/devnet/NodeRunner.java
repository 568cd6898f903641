package io.openledger.node.devnet;

import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.FollowerLedger;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.Subscription;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.economy.EconomyService;
import io.openledger.node.rpc.JsonRpcService;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running node: the ledger (store, mempool, sequencer) and its JSON-RPC endpoint. Used by {@code
 * openledger devnet}, {@code openledger node} and the end-to-end tests, so they all run the same
 * wiring.
 */
public final class NodeRunner implements AutoCloseable {
  private final Ledger ledger;
  private final JsonRpcService rpc;
  private final Optional<EconomyService> economy;
  private FollowerLedger follower; // set by startFollower
  private final java.util.List<Subscription> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private NodeRunner(Ledger ledger, JsonRpcService rpc, Optional<EconomyService> economy) {
    this.ledger = ledger;
    this.rpc = rpc;
    this.economy = economy;
  }

  /**
   * Where and how to run.
   *
   * @param economy the data economy (blob store, indexes, paid inference API, batcher); empty runs
   *     the chain alone
   */
  public record Options(
      Path dataDir,
      ChainSpec spec,
      LedgerConfig ledgerConfig,
      String rpcHost,
      int rpcPort,
      Optional<EconomyService.Options> economy) {

    /** The chain alone. */
    public Options(
        Path dataDir, ChainSpec spec, LedgerConfig ledgerConfig, String rpcHost, int rpcPort) {
      this(dataDir, spec, ledgerConfig, rpcHost, rpcPort, Optional.empty());
    }
  }

  /**
   * Opens the ledger, then starts the RPC server (port 0: any free port).
   *
   * @throws io.openledger.chain.ledger.LedgerOpenException when the data directory is refused
   */
  public static NodeRunner start(Options o, InstantSource clock) {
    return start(o, clock, Optional.empty());
  }

  /**
   * As {@link #start(Options, InstantSource)}, and gives {@code rulesVerifier} the economy's
   * engines once it has started. {@code rulesVerifier} is the {@link NodeRecordVerifier} the spec's
   * rules decide challenges with ({@code Genesis.rules(verifier)}): built unattached before the
   * ledger opens, since the indexes and the engine follow the chain.
   */
  public static NodeRunner start(
      Options o, InstantSource clock, Optional<NodeRecordVerifier> rulesVerifier) {
    Ledger ledger = Ledger.open(o.dataDir(), o.spec(), o.ledgerConfig(), clock);
    EconomyService economy = null;
    try {
      if (o.economy().isPresent()) {
        economy =
            EconomyService.start(
                ledger,
                o.spec().protocol().rulesAt(ledger.chain().headNumber()),
                o.economy().get());
        rulesVerifier.ifPresent(economy::attach);
      }
      return new NodeRunner(
          ledger,
          JsonRpcService.start(ledger, o.rpcHost(), o.rpcPort()),
          Optional.ofNullable(economy));
    } catch (RuntimeException e) {
      if (economy != null) {
        economy.close();
      }
      ledger.close();
      throw e;
    }
  }

  /**
   * A follower (docs/settlement.md, "The follower"): opens the ledger read-only ({@link
   * Ledger#openFollower}: no production, {@code eth_sendRawTransaction} refused), then starts the
   * RPC server; the caller imports the blocks it derives from L1. No data economy.
   *
   * @throws io.openledger.chain.ledger.LedgerOpenException when the data directory or the genesis
   *     is refused
   */
  public static NodeRunner startFollower(Options o) {
    if (o.economy().isPresent()) {
      throw new IllegalArgumentException("a follower runs no data economy");
    }
    FollowerLedger ledger = Ledger.openFollower(o.dataDir(), o.spec(), o.ledgerConfig());
    try {
      NodeRunner runner =
          new NodeRunner(
              ledger, JsonRpcService.start(ledger, o.rpcHost(), o.rpcPort()), Optional.empty());
      runner.follower = ledger;
      return runner;
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
  }

  /** Tells {@code onBlock} of each block committed from now on (the devnet's block log). */
  public void onBlock(Consumer<BlockView> onBlock) {
    listeners.add(ledger.events().onNewHead(onBlock));
  }

  public Ledger ledger() {
    return ledger;
  }

  /** The ledger of a node started with {@link #startFollower}. */
  public FollowerLedger followerLedger() {
    if (follower == null) {
      throw new IllegalStateException("not a follower");
    }
    return follower;
  }

  public JsonRpcService rpc() {
    return rpc;
  }

  /** The data economy, when the node runs one. */
  public Optional<EconomyService> economy() {
    return economy;
  }

  /**
   * {@link #close()}, then the number of the last block committed (a block being made when the stop
   * began is finished first).
   */
  public long stop() {
    long head = ledger.chain().headNumber();
    close();
    try {
      return ledger.chain().headNumber();
    } catch (RuntimeException closed) {
      return head;
    }
  }

  /**
   * Stops taking requests first (JSON-RPC, then the economy's API, batcher and stores), then stops
   * the sequencer and closes the store.
   */
  @Override
  public void close() {
    try {
      rpc.close();
      economy.ifPresent(EconomyService::close);
    } finally {
      listeners.forEach(Subscription::close);
      ledger.close();
    }
  }
}
