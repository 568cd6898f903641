package io.openledger.openlora.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.InferenceEngine;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenLoRA HTTP API over one {@link InferenceEngine}: OpenAI's {@code /v1/completions}, {@code
 * /v1/chat/completions} and {@code /v1/models}, LoRAX's {@code /generate} and {@code
 * /generate_stream}, {@code /metrics} (Prometheus) and {@code /health}. Each request runs on its
 * own virtual thread and blocks on the engine; the engine batches them.
 *
 * <p>A failing request (a broken adapter, bad parameters, a bug) is answered with an error and
 * affects no other request. The server does not own the engine: closing the server leaves the
 * engine open.
 */
public final class OpenLoraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenLoraServer.class);

  private final Javalin app;
  private final ServerConfig config;

  private OpenLoraServer(Javalin app, ServerConfig config) {
    this.app = app;
    this.config = config;
  }

  /** Binds and starts serving; returns once the port is open. */
  public static OpenLoraServer start(InferenceEngine engine, ServerConfig config) {
    HttpCounters http = new HttpCounters();
    List<ApiRoute> routes =
        List.of(
            new CompletionsRoute(engine),
            new ChatCompletionsRoute(engine),
            new ModelsRoute(engine),
            new ModelRoute(engine),
            new GenerateRoute(engine, false),
            new GenerateRoute(engine, true),
            new MetricsRoute(engine, http),
            new HealthRoute(engine));
    Javalin app =
        Javalin.create(
            c -> {
              c.concurrency.useVirtualThreads = true;
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.http.maxRequestSize = config.maxRequestBytes();
              c.jetty.host = config.host();
              c.jetty.port = config.port();
              for (ApiRoute r : routes) {
                c.routes.addEndpoint(
                    new Endpoint(r.method(), r.path(), ctx -> answer(r, ctx, http)));
              }
              c.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> Responses.error(ctx, protocolError(e, ctx), styleOf(ctx.path())));
              c.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("unexpected failure answering {}", ctx.path(), e);
                    Responses.error(
                        ctx, ApiError.internal("internal error: " + e), styleOf(ctx.path()));
                  });
            });
    app.start();
    OpenLoraServer server = new OpenLoraServer(app, config);
    LOG.debug("OpenLoRA API for {} listening on {}", engine.model().id(), server.baseUri());
    return server;
  }

  /** The bound port (the chosen one when the config asked for port 0). */
  public int port() {
    return app.port();
  }

  /** {@code http://host:port}, for clients. */
  public URI baseUri() {
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  /** Stops listening; requests in flight are ended. The engine stays open. */
  @Override
  public void close() {
    app.stop();
  }

  private static void answer(ApiRoute route, Context ctx, HttpCounters http) {
    http.started();
    try {
      route.handle(ctx);
    } catch (ApiException e) {
      reply(ctx, e.error(), route);
    } catch (EngineException e) {
      reply(ctx, ApiError.from(e, null), route);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(ctx, ApiError.overCapacity("the server is shutting down", 5), route);
    } catch (RuntimeException | Error e) {
      // A bug in one request must not take the server or other requests down.
      LOG.error("unexpected failure answering {}", route.path(), e);
      reply(ctx, ApiError.internal("internal error: " + e), route);
    } catch (Exception e) {
      LOG.error("unexpected failure answering {}", route.path(), e);
      reply(ctx, ApiError.internal("internal error: " + e), route);
    } finally {
      http.finished(route.path(), ctx.res().getStatus());
    }
  }

  private static void reply(Context ctx, ApiError error, ApiRoute route) {
    if (ctx.res().isCommitted()) {
      return; // a stream already started; its own error event ended it
    }
    Responses.error(ctx, error, route.errorStyle());
  }

  /** Javalin's own 404/405/413 answers, in the API's error shape. */
  private static ApiError protocolError(HttpResponseException e, Context ctx) {
    return switch (e.getStatus()) {
      case 404 -> ApiError.noSuchRoute(ctx.method().name(), ctx.path());
      case 405 ->
          new ApiError(
              405,
              "invalid_request_error",
              "validation",
              "method " + ctx.method().name() + " is not allowed on " + ctx.path(),
              null,
              "method_not_allowed",
              java.util.OptionalInt.empty());
      case 413 ->
          new ApiError(
              413,
              "invalid_request_error",
              "validation",
              "request body too large",
              null,
              "request_too_large",
              java.util.OptionalInt.empty());
      default ->
          new ApiError(
              e.getStatus(),
              "invalid_request_error",
              "validation",
              e.getMessage(),
              null,
              null,
              java.util.OptionalInt.empty());
    };
  }

  private static ApiRoute.ErrorStyle styleOf(String path) {
    return path.startsWith("/generate") ? ApiRoute.ErrorStyle.TGI : ApiRoute.ErrorStyle.OPENAI;
  }
}
