package io.openledger.node.blob;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.openledger.chain.crypto.PersonalSign;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.server.ExtensionRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blob store over HTTP (see docs/blobs.md):
 *
 * <ul>
 *   <li>{@code PUT /v1/blobs/{hash}}: the body is the blob, streamed to disk and checked against
 *       {@code hash}; {@value #SIGNATURE_HEADER} carries the uploader's {@code personal_sign} over
 *       the 32 hash bytes, and the recovered signer is recorded as the uploader. 201 created, 200
 *       already stored ({@code "existing": true}), 400 hash mismatch, 401 signature, 413 too large.
 *   <li>{@code GET} and {@code HEAD /v1/blobs/{hash}}: the bytes, with {@code ETag}, single {@code
 *       Range} requests (206, 416), 404 when unknown. GET verifies the whole blob before sending a
 *       byte and answers 500 if the stored copy is corrupted; HEAD answers from the metadata.
 *   <li>{@code GET /v1/blobs/{hash}/meta}: the metadata as JSON.
 * </ul>
 *
 * Every error is {@code {"error": {"code": "...", "message": "..."}}}, the message fit for a user.
 * The routes handle their own errors, so they keep this shape when mounted on another server with
 * {@link #register}.
 */
public final class BlobHttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(BlobHttpApi.class);

  /** The datanet submission limit ({@code maxSubmissionBytes}), in bytes. */
  public static final long DEFAULT_MAX_BLOB_BYTES = 5_000_000;

  public static final String SIGNATURE_HEADER = "X-OpenLedger-Signature";

  /**
   * Optional: the address the uploader expects its signature to recover. A signature over the wrong
   * bytes still recovers some address; with this header it is refused instead of recorded.
   */
  public static final String UPLOADER_HEADER = "X-OpenLedger-Uploader";

  static final String PATH = "/v1/blobs/{hash}";

  /** What a PUT always answers; an inspector adds other fields. */
  private static final Set<String> RESPONSE_FIELDS =
      Set.of("hash", "size", "uploader", "stored_at", "existing");

  private final BlobStore store;
  private final long maxBlobBytes;
  private final UploadInspector inspector;

  /**
   * @param maxBlobBytes the largest upload accepted, in bytes
   */
  public BlobHttpApi(BlobStore store, long maxBlobBytes, UploadInspector inspector) {
    StoreChecks.limit(maxBlobBytes);
    this.store = java.util.Objects.requireNonNull(store, "store");
    this.maxBlobBytes = maxBlobBytes;
    this.inspector = java.util.Objects.requireNonNull(inspector, "inspector");
  }

  public BlobHttpApi(BlobStore store) {
    this(store, DEFAULT_MAX_BLOB_BYTES, UploadInspector.NONE);
  }

  /** The routes, to mount on a server that is not configured here (the node's API server). */
  public List<ExtensionRoute> routes() {
    return List.of(
        new ExtensionRoute(HandlerType.PUT, PATH, guarded(this::put)),
        new ExtensionRoute(HandlerType.GET, PATH, guarded(ctx -> get(ctx, true))),
        new ExtensionRoute(HandlerType.HEAD, PATH, guarded(ctx -> get(ctx, false))),
        new ExtensionRoute(HandlerType.GET, PATH + "/meta", guarded(this::meta)));
  }

  /** Adds the routes to a server being configured ({@code config.routes}). */
  public void register(JavalinDefaultRoutingApi routes) {
    for (ExtensionRoute r : routes()) {
      routes.addEndpoint(new Endpoint(r.method(), r.path(), r.handler()));
    }
  }

  /** A server with only these routes, for tests and tools; port 0 picks a free one. */
  public Standalone start(String host, int port) {
    Javalin app =
        Javalin.create(
            c -> {
              c.concurrency.useVirtualThreads = true;
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.jetty.host = host;
              c.jetty.port = port;
              register(c.routes);
              c.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage()));
            });
    app.start();
    return new Standalone(app, host);
  }

  /** A running standalone server. */
  public static final class Standalone implements AutoCloseable {
    private final Javalin app;
    private final String host;

    private Standalone(Javalin app, String host) {
      this.app = app;
      this.host = host;
    }

    public int port() {
      return app.port();
    }

    /** {@code http://host:port}, for clients. */
    public URI baseUri() {
      String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
      return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
    }

    @Override
    public void close() {
      app.stop();
    }
  }

  /** An answer other than success, with the API's error shape. */
  private static final class ApiError extends Exception {
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** The request body failed (the client went away or sent less than it announced). */
  private static final class ClientBodyException extends IOException {
    ClientBodyException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private interface Route {
    void handle(Context ctx) throws Exception;
  }

  private static Handler guarded(Route route) {
    return ctx -> {
      try {
        route.handle(ctx);
      } catch (ApiError e) {
        error(ctx, e.status, e.code, e.getMessage());
      } catch (ClientBodyException e) {
        error(ctx, 400, "upload_interrupted", "the upload ended early: " + e.getMessage());
      } catch (CorruptBlobException e) {
        LOG.error(e.getMessage());
        error(ctx, 500, "corrupted", e.getMessage());
      } catch (Exception e) {
        LOG.error("blob API: unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal", "internal error: " + e);
      }
    };
  }

  private static void error(Context ctx, int status, String code, String message) {
    if (ctx.res().isCommitted()) {
      return; // the bytes were already being sent; the connection ends short instead
    }
    Map<String, Object> body = Map.of("error", Map.of("code", code, "message", message));
    ctx.status(status).contentType("application/json");
    try {
      ctx.result(Json.MAPPER.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Hash hashOf(Context ctx) throws ApiError {
    String text = ctx.pathParam("hash");
    if (!text.matches("0x[0-9a-fA-F]{64}")) {
      throw new ApiError(
          400,
          "invalid_hash",
          "a blob is addressed by 0x and the 64 hex digits of its keccak-256, got '"
              + (text.length() > 80 ? text.substring(0, 77) + "..." : text)
              + "'");
    }
    return Hash.fromHex(text);
  }

  private void put(Context ctx) throws Exception {
    Hash hash = hashOf(ctx);
    Address uploader = uploaderOf(ctx, hash);
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBlobBytes) {
      throw new ApiError(413, "too_large", new PutRefusal.TooLarge(hash, maxBlobBytes).message());
    }
    StageResult staged;
    try (InputStream body = new ClientBody(ctx.bodyInputStream())) {
      staged = store.stage(hash, body, maxBlobBytes);
    }
    switch (staged) {
      case PutRefusal.TooLarge r -> throw new ApiError(413, r.code(), r.message());
      case PutRefusal.HashMismatch r -> throw new ApiError(400, r.code(), r.message());
      case StageResult.Staged s -> {
        try (StagedBlob blob = s.blob()) {
          commit(ctx, blob, uploader);
        }
      }
    }
  }

  private void commit(Context ctx, StagedBlob blob, Address uploader) throws Exception {
    UploadInspector.Upload upload =
        new UploadInspector.Upload(
            blob.hash(),
            blob.size(),
            uploader,
            store.exists(blob.hash()),
            ctx.queryParamMap(),
            blob);
    Map<String, Object> extra =
        switch (inspector.inspect(upload)) {
          case UploadInspector.Verdict.Refuse r ->
              throw new ApiError(r.status(), r.code(), r.message());
          case UploadInspector.Verdict.Accept a -> a.fields();
        };
    for (String field : extra.keySet()) {
      if (RESPONSE_FIELDS.contains(field)) {
        throw new IllegalStateException(
            "the upload inspector may not replace the response field '" + field + "'");
      }
    }
    PutResult.Stored stored = blob.commit(uploader);
    Map<String, Object> body = infoJson(stored.info());
    body.put("existing", stored.existing());
    body.putAll(extra);
    json(ctx, stored.existing() ? 200 : 201, body);
  }

  private static Address uploaderOf(Context ctx, Hash hash) throws ApiError {
    String header = ctx.header(SIGNATURE_HEADER);
    if (header == null || header.isBlank()) {
      throw new ApiError(
          401,
          "missing_signature",
          "an upload needs the "
              + SIGNATURE_HEADER
              + " header: 0x + the 65-byte personal_sign signature (r, s, v) of the 32 hash bytes");
    }
    Address signer =
        switch (PersonalSign.recover(hash.toArray(), header.strip())) {
          case PersonalSign.Recovery.Signer s -> s.address();
          case PersonalSign.Recovery.Invalid i ->
              throw new ApiError(
                  401, "invalid_signature", "invalid " + SIGNATURE_HEADER + ": " + i.reason());
        };
    String declared = ctx.header(UPLOADER_HEADER);
    if (declared != null) {
      Address expected;
      try {
        expected = Address.fromHex(declared.strip());
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "invalid_uploader", UPLOADER_HEADER + ": " + e.getMessage());
      }
      if (!expected.equals(signer)) {
        throw new ApiError(
            401,
            "invalid_signature",
            "the signature over "
                + hash.toHex()
                + " recovers "
                + signer.toHex()
                + ", not the declared uploader "
                + expected.toHex());
      }
    }
    return signer;
  }

  private void get(Context ctx, boolean sendBody) throws Exception {
    Hash hash = hashOf(ctx);
    BlobInfo info = store.info(hash).orElseThrow(() -> notFound(hash));
    String etag = "\"" + hash.toHex() + "\"";
    ctx.header("ETag", etag);
    ctx.header("Accept-Ranges", "bytes");
    ctx.header("Cache-Control", "public, max-age=31536000, immutable"); // content-addressed
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
      ctx.status(304);
      return;
    }
    long size = info.size();
    long offset;
    long length;
    switch (ByteRange.parse(ctx.header("Range"), size)) {
      case ByteRange.Unsatisfiable u -> {
        ctx.header("Content-Range", "bytes */" + size);
        throw new ApiError(
            416,
            "range_not_satisfiable",
            "range '"
                + ctx.header("Range")
                + "' is outside blob "
                + hash
                + " ("
                + size
                + " bytes)");
      }
      case ByteRange.Slice s -> {
        ctx.status(206);
        ctx.header("Content-Range", "bytes " + s.first() + "-" + s.last() + "/" + size);
        offset = s.first();
        length = s.length();
      }
      case ByteRange.Whole w -> {
        ctx.status(200);
        offset = 0;
        length = size;
      }
    }
    ctx.disableCompression();
    ctx.contentType("application/octet-stream");
    if (!sendBody) {
      ctx.res().setContentLengthLong(length);
      return;
    }
    Optional<InputStream> content = store.open(hash, offset, length);
    if (content.isEmpty()) {
      throw notFound(hash); // deleted since the metadata was read
    }
    ctx.res().setContentLengthLong(length);
    try (InputStream in = content.get()) {
      OutputStream out = ctx.outputStream();
      in.transferTo(out);
      out.flush();
    }
  }

  private void meta(Context ctx) throws Exception {
    Hash hash = hashOf(ctx);
    BlobInfo info = store.info(hash).orElseThrow(() -> notFound(hash));
    json(ctx, 200, infoJson(info));
  }

  private static ApiError notFound(Hash hash) {
    return new ApiError(404, "not_found", "blob " + hash.toHex() + " is not stored here");
  }

  /** The fields every answer about a blob carries. */
  static Map<String, Object> infoJson(BlobInfo info) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("hash", info.hash().toHex());
    o.put("size", info.size());
    o.put("uploader", info.uploader().toHex());
    o.put("stored_at", info.storedAt());
    return o;
  }

  private static void json(Context ctx, int status, Map<String, Object> body) throws IOException {
    ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
  }

  /** The request body; its failures are the client's, told apart from the disk's. */
  private static final class ClientBody extends java.io.FilterInputStream {
    ClientBody(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw new ClientBodyException(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw new ClientBodyException(e);
      }
    }
  }
}
