package io.openledger.node.rpc;

import io.openledger.chain.ledger.Ledger;
import io.openledger.node.rpc.methods.EthMethods;
import io.openledger.node.rpc.methods.Subscriptions;

/**
 * The node's JSON-RPC endpoint over a ledger: every method of {@link EthMethods}, HTTP and
 * WebSocket on one port. Closing it stops the server and cancels all subscriptions (the ledger
 * stays open: its owner closes it).
 */
public final class JsonRpcService implements AutoCloseable {
  private final RpcServer server;
  private final Subscriptions subscriptions;
  private final String host;

  private JsonRpcService(RpcServer server, Subscriptions subscriptions, String host) {
    this.server = server;
    this.subscriptions = subscriptions;
    this.host = host;
  }

  /**
   * @param port 0 picks a free port
   */
  public static JsonRpcService start(Ledger ledger, String host, int port) {
    return start(
        ledger, host, port, RpcServer.DEFAULT_MAX_BODY, JsonRpcProcessor.DEFAULT_MAX_BATCH);
  }

  public static JsonRpcService start(
      Ledger ledger, String host, int port, int maxBodyBytes, int maxBatch) {
    Subscriptions subscriptions = new Subscriptions(ledger);
    JsonRpcProcessor processor =
        new JsonRpcProcessor(new JsonRpcMethods(EthMethods.all(ledger, subscriptions)), maxBatch);
    RpcServer server =
        RpcServer.start(processor, host, port, maxBodyBytes, subscriptions::closeSession);
    return new JsonRpcService(server, subscriptions, host);
  }

  public int port() {
    return server.port();
  }

  /** {@code http://host:port} (IPv6 hosts in brackets). */
  public String httpUrl() {
    return "http://" + hostForUrl() + ":" + port();
  }

  public String wsUrl() {
    return "ws://" + hostForUrl() + ":" + port();
  }

  private String hostForUrl() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public void close() {
    server.close();
    subscriptions.close();
  }
}
