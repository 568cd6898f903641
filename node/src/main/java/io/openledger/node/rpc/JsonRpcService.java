package io.openledger.node.rpc;

import io.openledger.chain.ledger.Ledger;
import io.openledger.node.rpc.methods.EthMethods;
import io.openledger.node.rpc.methods.Filters;
import io.openledger.node.rpc.methods.Subscriptions;
import java.util.function.Supplier;

/**
 * The node's JSON-RPC endpoint over a ledger: every method of {@link EthMethods}, HTTP and
 * WebSocket on one port. Closing it stops the server and cancels all subscriptions and filters (the
 * ledger stays open: its owner closes it).
 */
public final class JsonRpcService implements AutoCloseable {
  private final RpcServer server;
  private final Subscriptions subscriptions;
  private final Filters filters;
  private final String host;

  private JsonRpcService(
      RpcServer server, Subscriptions subscriptions, Filters filters, String host) {
    this.server = server;
    this.subscriptions = subscriptions;
    this.filters = filters;
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
    return start(
        ledger,
        host,
        port,
        maxBodyBytes,
        maxBatch,
        RpcIds.random(),
        new Filters(ledger.chain(), ledger.events()));
  }

  /**
   * @param ids where subscription ids come from ({@link RpcIds#counting()} in golden tests)
   * @param filters the installed filters (their ids, clock and expiry)
   */
  public static JsonRpcService start(
      Ledger ledger,
      String host,
      int port,
      int maxBodyBytes,
      int maxBatch,
      Supplier<String> ids,
      Filters filters) {
    Subscriptions subscriptions = new Subscriptions(ledger.events(), ledger.chain(), ids);
    JsonRpcProcessor processor =
        new JsonRpcProcessor(
            new JsonRpcMethods(EthMethods.all(ledger, subscriptions, filters)), maxBatch);
    RpcServer server =
        RpcServer.start(processor, host, port, maxBodyBytes, subscriptions::closeSession);
    return new JsonRpcService(server, subscriptions, filters, host);
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

  /** Live {@code eth_subscribe} subscriptions, all connections together. */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  /** Installed filters ({@code eth_newFilter} and its siblings), all clients together. */
  public int filterCount() {
    return filters.size();
  }

  @Override
  public void close() {
    server.close();
    subscriptions.close();
    filters.close();
  }
}
