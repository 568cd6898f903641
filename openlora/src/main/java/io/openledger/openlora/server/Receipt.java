package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The receipt an answer carries: the server's own id, or the gate's id and {@code openledger}
 * object.
 *
 * @param openledger null when no gate settled the answer
 */
record Receipt(String id, ObjectNode openledger) {

  /** Adds {@code receipt_id} (and {@code openledger}) to a response body or final event. */
  void addTo(ObjectNode response) {
    response.put("receipt_id", id);
    if (openledger != null) {
      response.set("openledger", openledger);
    }
  }
}
