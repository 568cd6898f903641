package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

/**
 * One GET route of the economy read API: its path and its JSON answer. A client error is thrown as
 * an {@link io.openledger.openlora.server.ApiException} (see {@link Params}); the server renders it
 * in the API's error shape.
 */
interface EconomyRoute {
  /** Javalin path syntax, e.g. {@code /v1/receipts/{id}}. */
  String path();

  JsonNode answer(Context ctx);
}
