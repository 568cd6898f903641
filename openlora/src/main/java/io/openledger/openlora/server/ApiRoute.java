package io.openledger.openlora.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * One endpoint of the API: its method, path, how its errors are shaped, and how it answers. Adding
 * an endpoint is adding a class and listing it in {@link OpenLoraServer}.
 */
interface ApiRoute {
  HandlerType method();

  String path();

  ErrorStyle errorStyle();

  /**
   * Answers the request. Throws {@link ApiException} (or an engine error) to answer with an error
   * in this route's style; a response already streaming is ended instead.
   */
  void handle(Context ctx) throws Exception;

  /** Which clients' error body a route returns. */
  enum ErrorStyle {
    /** {@code {"error":{"message","type","param","code"}}} */
    OPENAI,
    /** {@code {"error","error_type"}} */
    TGI
  }
}
