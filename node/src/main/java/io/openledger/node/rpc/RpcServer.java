package io.openledger.node.rpc;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * JSON-RPC over HTTP POST and WebSocket on one port and path ({@code /}), as geth serves both on
 * one port when asked. Requests run on virtual threads. JSON-RPC errors are HTTP 200 with an error
 * object; only transport failures use HTTP codes (413 for a body over the limit, 415 for a non-JSON
 * content type).
 */
public final class RpcServer implements AutoCloseable {
  /** Largest request body in bytes (geth: 5 MiB). */
  public static final int DEFAULT_MAX_BODY = 5 * 1024 * 1024;

  /**
   * Most messages waiting to be written to one WebSocket. A client that stops reading (a stalled
   * dapp with subscriptions) would otherwise make the node queue every notification for it without
   * bound; past this it is disconnected and its subscriptions dropped (geth closes it on a write
   * timeout). Each message is one response or notification, mostly under 2 KiB.
   */
  public static final int MAX_QUEUED_MESSAGES = 4_096;

  private final Javalin app;

  /**
   * @param onSessionClosed told when a WebSocket closes (to drop its subscriptions)
   */
  private RpcServer(Javalin app) {
    this.app = app;
  }

  /** Starts listening; port 0 picks a free port (see {@link #port()}). */
  public static RpcServer start(
      JsonRpcProcessor processor,
      String host,
      int port,
      int maxBodyBytes,
      Consumer<RpcSession> onSessionClosed) {
    Javalin app =
        Javalin.create(
            config -> {
              config.concurrency.useVirtualThreads = true;
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = maxBodyBytes;
              config.jetty.modifyWebSocketServletFactory(
                  f -> {
                    f.setMaxTextMessageSize(maxBodyBytes);
                    f.setMaxBinaryMessageSize(maxBodyBytes);
                    f.setMaxOutgoingFrames(MAX_QUEUED_MESSAGES);
                  });
              config.routes.post("/", ctx -> http(ctx, processor, maxBodyBytes));
              config.routes.options("/", RpcServer::preflight);
              config.routes.ws(
                  "/",
                  ws -> {
                    ws.onMessage(
                        ctx -> {
                          WsSession session = WsSession.of(ctx);
                          processor.handle(ctx.message(), session).ifPresent(session::send);
                        });
                    ws.onBinaryMessage(
                        ctx ->
                            ctx.closeSession(
                                io.javalin.websocket.WsCloseStatus.UNSUPPORTED_DATA,
                                "send JSON-RPC as text frames"));
                    ws.onClose(ctx -> onSessionClosed.accept(WsSession.of(ctx)));
                    ws.onError(ctx -> onSessionClosed.accept(WsSession.of(ctx)));
                  });
            });
    app.start(host, port);
    return new RpcServer(app);
  }

  private static void http(Context ctx, JsonRpcProcessor processor, int maxBodyBytes)
      throws IOException {
    cors(ctx);
    String contentType = ctx.contentType();
    if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
      ctx.status(415).result("invalid content type, only application/json is supported");
      return;
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      ctx.status(413).result("content length too large (" + declared + ">" + maxBodyBytes + ")");
      return;
    }
    byte[] body;
    try (InputStream in = ctx.bodyInputStream()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      ctx.status(413).result("content length too large (more than " + maxBodyBytes + ")");
      return;
    }
    Optional<String> response = processor.handle(new String(body, StandardCharsets.UTF_8), null);
    ctx.contentType("application/json");
    ctx.result(response.orElse(""));
  }

  // Browser dapps on another origin call a local devnet: allow it, as geth's --http.corsdomain=*.
  private static void cors(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
  }

  private static void preflight(Context ctx) {
    cors(ctx);
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", "Content-Type");
    ctx.status(204);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** A WebSocket connection as an {@link RpcSession}; sends are serialised per connection. */
  private record WsSession(WsContext ctx) implements RpcSession {
    static WsSession of(WsContext ctx) {
      return new WsSession(ctx);
    }

    @Override
    public String id() {
      return ctx.sessionId();
    }

    @Override
    public boolean send(String json) {
      Session session = ctx.session;
      if (!session.isOpen()) {
        return false;
      }
      synchronized (session) {
        try {
          // Asynchronous: queued by Jetty; a write that fails (the queue is full, the peer is
          // gone) drops the connection, and its close drops its subscriptions.
          session.sendText(json, Callback.from(() -> {}, failure -> session.disconnect()));
          return true;
        } catch (RuntimeException e) {
          session.disconnect();
          return false;
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WsSession w && w.id().equals(id());
    }

    @Override
    public int hashCode() {
      return id().hashCode();
    }
  }
}
