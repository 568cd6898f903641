package io.openledger.openlora.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

/** Writes JSON bodies and error bodies. */
final class Responses {
  static final String RECEIPT_HEADER = "X-Receipt-Id";

  private Responses() {}

  /** A JSON answer; {@code receiptId} (or null) goes in {@value #RECEIPT_HEADER}. */
  static void json(Context ctx, int status, JsonNode body, String receiptId) {
    if (receiptId != null) {
      ctx.header(RECEIPT_HEADER, receiptId);
    }
    ctx.status(status).contentType("application/json").result(write(body));
  }

  /** An error in the route's style, with Retry-After for 503s. */
  static void error(Context ctx, ApiError error, ApiRoute.ErrorStyle style) {
    error.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", Integer.toString(s)));
    JsonNode body = style == ApiRoute.ErrorStyle.TGI ? error.tgiBody() : error.openAiBody();
    json(ctx, error.status(), body, null);
  }

  static String write(JsonNode node) {
    try {
      return JsonBody.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
