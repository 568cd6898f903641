package io.openledger.node.rpc;

/**
 * A connection that can receive messages the server pushes (a WebSocket): subscriptions write their
 * notifications through it.
 */
public interface RpcSession {
  /** A stable id for the connection, unique while it is open. */
  String id();

  /** Sends one JSON text frame; returns false when the connection is gone. */
  boolean send(String json);
}
