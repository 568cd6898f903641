package io.openledger.openlora.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.InferenceEngine;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 *
 * <p>An embedding application extends it through {@link ServerExtensions}: an {@link InferenceGate}
 * that admits and settles every generation request (the node's paid inference), and endpoints of
 * its own served alongside the API.
 */
public final class OpenLoraServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenLoraServer.class);

  private final Javalin app;
  private final ServerConfig config;

  private OpenLoraServer(Javalin app, ServerConfig config) {
    this.app = app;
    this.config = config;
  }

  /** Binds and starts serving, without extensions; returns once the port is open. */
  public static OpenLoraServer start(InferenceEngine engine, ServerConfig config) {
    return start(engine, config, ServerExtensions.none());
  }

  /**
   * Binds and starts serving with a gate and extra endpoints; returns once the port is open.
   *
   * @throws IllegalArgumentException when an extension route's method and path are already served
   */
  public static OpenLoraServer start(
      InferenceEngine engine, ServerConfig config, ServerExtensions extensions) {
    HttpCounters http = new HttpCounters();
    Gatekeeper gates = new Gatekeeper(extensions.gate());
    List<ApiRoute> routes = new ArrayList<>();
    routes.add(new CompletionsRoute(engine, gates));
    routes.add(new ChatCompletionsRoute(engine, gates));
    routes.add(new ModelsRoute(engine));
    routes.add(new ModelRoute(engine));
    routes.add(new GenerateRoute(engine, false, gates));
    routes.add(new GenerateRoute(engine, true, gates));
    routes.add(new MetricsRoute(engine, http));
    routes.add(new HealthRoute(engine));
    Set<String> served = new HashSet<>();
    for (ApiRoute r : routes) {
      served.add(r.method() + " " + r.path());
    }
    for (ExtensionRoute e : extensions.routes()) {
      if (!served.add(e.method() + " " + e.path())) {
        throw new IllegalArgumentException(
            "extension route " + e.method() + " " + e.path() + " is already served");
      }
      routes.add(new MountedRoute(e));
    }
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
    } catch (HttpResponseException e) {
      // Thrown by Javalin (413 for a body over the limit) or by an extension route's handler.
      reply(
          ctx,
          e.getStatus() == 413
              ? protocolError(e, ctx)
              : ApiError.ofStatus(e.getStatus(), codeOf(e.getStatus()), e.getMessage()),
          route);
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

  private static String codeOf(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 429 -> "rate_limited";
      case 500 -> "internal_error";
      case 503 -> "unavailable";
      default -> "http_" + status;
    };
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

  /** An {@link ExtensionRoute} answered like the built-in routes. */
  private record MountedRoute(ExtensionRoute route) implements ApiRoute {
    @Override
    public HandlerType method() {
      return route.method();
    }

    @Override
    public String path() {
      return route.path();
    }

    @Override
    public ErrorStyle errorStyle() {
      return styleOf(route.path());
    }

    @Override
    public void handle(Context ctx) throws Exception {
      route.handler().handle(ctx);
    }
  }

  private static ApiRoute.ErrorStyle styleOf(String path) {
    return path.startsWith("/generate") ? ApiRoute.ErrorStyle.TGI : ApiRoute.ErrorStyle.OPENAI;
  }
}
