package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@link InferenceGate#settle} tells the client: the receipt id, which replaces the server's
 * own in {@code receipt_id} and the {@code X-Receipt-Id} header, and an object the response carries
 * as its {@code openledger} field (in a stream: in the last event, next to {@code usage}).
 *
 * @param receiptId 1-256 visible ASCII characters (it goes in a header)
 * @param openledger what the node wants the client to see: fee, record number, attribution...
 */
public record Settlement(String receiptId, ObjectNode openledger) {
  public Settlement {
    if (receiptId == null
        || receiptId.isEmpty()
        || receiptId.length() > 256
        || receiptId.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException(
          "a receipt id is 1-256 visible ASCII characters, got '" + receiptId + "'");
    }
    if (openledger == null) {
      throw new IllegalArgumentException("a settlement needs an openledger object");
    }
    openledger = openledger.deepCopy();
  }

  @Override
  public ObjectNode openledger() {
    return openledger.deepCopy();
  }
}
