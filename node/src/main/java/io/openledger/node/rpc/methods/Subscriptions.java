package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.ledger.ChainEvents;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.Subscription;
import io.openledger.node.rpc.Json;
import io.openledger.node.rpc.RpcIds;
import io.openledger.node.rpc.RpcSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The live {@code eth_subscribe} subscriptions, per WebSocket connection. Each forwards the
 * ledger's events to its connection as {@code eth_subscription} notifications; a connection that
 * closes (or stops accepting messages) loses all of its subscriptions.
 */
public final class Subscriptions implements AutoCloseable {
  /** Most subscriptions one connection may hold. */
  public static final int MAX_PER_SESSION = 128;

  private final ChainEvents events;
  private final ChainQueries chain;
  private final Supplier<String> ids;
  private final Map<String, Map<String, Subscription>> bySession = new ConcurrentHashMap<>();

  public Subscriptions(ChainEvents events, ChainQueries chain) {
    this(events, chain, RpcIds.random());
  }

  /**
   * @param chain where full pending transactions are read from
   * @param ids where subscription ids come from ({@link RpcIds})
   */
  public Subscriptions(ChainEvents events, ChainQueries chain, Supplier<String> ids) {
    this.events = events;
    this.chain = chain;
    this.ids = ids;
  }

  /** What a client can subscribe to. */
  public enum Kind {
    NEW_HEADS,
    LOGS,
    /** Hashes of transactions as they enter the pool. */
    NEW_PENDING_TRANSACTIONS,
    /** The same, as full transaction objects ({@code ["newPendingTransactions", true]}). */
    NEW_PENDING_TRANSACTIONS_FULL
  }

  /**
   * @return the subscription id (a {@code 0x} quantity of 128 random bits, as geth writes it)
   * @throws IllegalStateException when the connection holds too many subscriptions
   */
  public String subscribe(RpcSession session, Kind kind, LogFilter filter) {
    Map<String, Subscription> mine =
        bySession.computeIfAbsent(session.id(), k -> new ConcurrentHashMap<>());
    if (mine.size() >= MAX_PER_SESSION) {
      throw new IllegalStateException(
          "too many subscriptions on this connection (at most " + MAX_PER_SESSION + ")");
    }
    String id = ids.get();
    // The ledger delivers each event to the listeners registered when it was published, so a
    // listener may still be called after its subscription closed: it then does nothing.
    BooleanSupplier live = () -> mine.containsKey(id);
    Subscription s =
        switch (kind) {
          case NEW_HEADS ->
              events.onNewHead(
                  b -> {
                    if (live.getAsBoolean()) {
                      notify(session, id, ChainJson.header(b));
                    }
                  });
          case LOGS ->
              events.onLogs(
                  filter,
                  l -> {
                    if (live.getAsBoolean()) {
                      notify(session, id, ChainJson.log(l));
                    }
                  });
          case NEW_PENDING_TRANSACTIONS ->
              events.onPendingTransaction(
                  h -> {
                    if (live.getAsBoolean()) {
                      notify(session, id, Json.MAPPER.getNodeFactory().textNode(h.toHex()));
                    }
                  });
          case NEW_PENDING_TRANSACTIONS_FULL ->
              events.onPendingTransaction(
                  h -> {
                    if (live.getAsBoolean()) {
                      chain
                          .transaction(h)
                          .ifPresent(t -> notify(session, id, ChainJson.transaction(t)));
                    }
                  });
        };
    mine.put(id, s);
    return id;
  }

  /** Whether the connection held that subscription (now cancelled). */
  public boolean unsubscribe(RpcSession session, String id) {
    Map<String, Subscription> mine = bySession.get(session.id());
    Subscription s = mine == null ? null : mine.remove(RpcIds.canonical(id));
    if (s == null) {
      return false;
    }
    s.close();
    return true;
  }

  /** Drops every subscription of a connection that closed. */
  public void closeSession(RpcSession session) {
    Map<String, Subscription> mine = bySession.remove(session.id());
    if (mine != null) {
      mine.values().forEach(Subscription::close);
    }
  }

  /** Number of live subscriptions, all connections together. */
  public int size() {
    return bySession.values().stream().mapToInt(Map::size).sum();
  }

  private void notify(RpcSession session, String id, JsonNode result) {
    ObjectNode message = Json.MAPPER.createObjectNode();
    message.put("jsonrpc", "2.0");
    message.put("method", "eth_subscription");
    ObjectNode params = message.putObject("params");
    params.put("subscription", id);
    params.set("result", result);
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (!session.send(text)) {
      closeSession(session);
    }
  }

  @Override
  public void close() {
    bySession.keySet().forEach(k -> bySession.remove(k).values().forEach(Subscription::close));
  }
}
