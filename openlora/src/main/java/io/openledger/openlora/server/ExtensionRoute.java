package io.openledger.openlora.server;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * An endpoint the embedding application mounts on the server next to the API (the node's {@code
 * /v1/blobs/*}, {@code /v1/receipts/{id}}, {@code /v1/economy/*}). It is answered like the built-in
 * routes: on its own virtual thread, counted in {@code /metrics}, and errors rendered in the API's
 * shape: throw {@link ApiError#toException()} for a client error (or one of Javalin's {@code
 * HttpResponseException}s), anything else is a 500 (OpenAI's shape; LoRAX's under {@code
 * /generate}).
 *
 * @param path Javalin path syntax, e.g. {@code /v1/receipts/{id}} (the template, not the URL, is
 *     the metrics label)
 */
public record ExtensionRoute(HandlerType method, String path, Handler handler) {
  public ExtensionRoute {
    if (method == null) {
      throw new IllegalArgumentException("an extension route needs a method");
    }
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("an extension route's path starts with '/', got " + path);
    }
    if (handler == null) {
      throw new IllegalArgumentException("an extension route needs a handler");
    }
  }
}
