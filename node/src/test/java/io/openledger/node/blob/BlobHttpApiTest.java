package io.openledger.node.blob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.PersonalSign;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blob API end to end: a real server on a free port, a disk store, java.net.http. */
class BlobHttpApiTest {
  private static final long LIMIT = 100_000;
  private static final KeyPair ALICE = KeyPair.fromPrivateKeyHex("0x" + "11".repeat(32));
  private static final KeyPair BOB = KeyPair.fromPrivateKeyHex("0x" + "22".repeat(32));
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final TestClock clock = new TestClock(1_700_000_000L);
  private final AtomicReference<UploadInspector> inspector =
      new AtomicReference<>(UploadInspector.NONE);
  private DiskBlobStore store;
  private BlobHttpApi.Standalone server;

  @BeforeEach
  void start() throws IOException {
    store = DiskBlobStore.open(dir.resolve("blobs"), clock);
    server =
        new BlobHttpApi(store, LIMIT, upload -> inspector.get().inspect(upload))
            .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
  }

  private URI uri(String path) {
    return URI.create(server.baseUri() + path);
  }

  private URI blob(Hash hash) {
    return uri("/v1/blobs/" + hash.toHex());
  }

  private static String signature(KeyPair key, Hash hash) {
    return Bytes.toHex(PersonalSign.sign(key, hash.toArray()));
  }

  private HttpResponse<String> put(URI uri, byte[] body, String signature) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      b.header(BlobHttpApi.SIGNATURE_HEADER, signature);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(byte[] body, KeyPair key) throws Exception {
    Hash hash = Hash.keccak256(body);
    return put(blob(hash), body, signature(key, hash));
  }

  private HttpResponse<byte[]> get(Hash hash, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(blob(hash)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(String body) throws IOException {
    return Json.MAPPER.readTree(body);
  }

  private static JsonNode json(byte[] body) throws IOException {
    return Json.MAPPER.readTree(body);
  }

  /** Checks the one error shape and returns the message. */
  private static String error(HttpResponse<?> r, int status, String code) throws IOException {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = r.body() instanceof byte[] b ? json(b) : json((String) r.body());
    assertThat(body.size()).isEqualTo(1);
    assertThat(body.get("error").get("code").asText()).isEqualTo(code);
    return body.get("error").get("message").asText();
  }

  private static byte[] bytes(int seed, int n) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void aSignedUploadIsCreatedAndServedBack() throws Exception {
    byte[] body = bytes(1, 70_000);
    Hash hash = Hash.keccak256(body);
    HttpResponse<String> r = put(body, ALICE);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r.body()))
        .isEqualTo(
            json(
                "{\"hash\":\"%s\",\"size\":70000,\"uploader\":\"%s\",\"stored_at\":%d,\"existing\":false}"
                    .formatted(hash.toHex(), ALICE.address().toHex(), clock.seconds())));

    HttpResponse<byte[]> g = get(hash);
    assertThat(g.statusCode()).isEqualTo(200);
    assertThat(g.body()).isEqualTo(body);
    assertThat(g.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(g.headers().firstValue("Content-Length")).contains("70000");
    assertThat(g.headers().firstValue("ETag")).contains("\"" + hash.toHex() + "\"");
    assertThat(g.headers().firstValue("Accept-Ranges")).contains("bytes");

    HttpResponse<String> meta =
        HTTP.send(
            HttpRequest.newBuilder(uri("/v1/blobs/" + hash.toHex() + "/meta")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(meta.statusCode()).isEqualTo(200);
    assertThat(json(meta.body()))
        .isEqualTo(
            json(
                "{\"hash\":\"%s\",\"size\":70000,\"uploader\":\"%s\",\"stored_at\":%d}"
                    .formatted(hash.toHex(), ALICE.address().toHex(), clock.seconds())));
  }

  @Test
  void theRecordedUploaderIsWhoeverSigned() throws Exception {
    byte[] body = "signed by bob".getBytes();
    HttpResponse<String> r = put(body, BOB);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r.body()).get("uploader").asText()).isEqualTo(BOB.address().toHex());

    // Uploading it again, signed by Alice: 200, and Bob stays the uploader.
    clock.advance(java.time.Duration.ofSeconds(30));
    HttpResponse<String> again = put(body, ALICE);
    assertThat(again.statusCode()).isEqualTo(200);
    JsonNode o = json(again.body());
    assertThat(o.get("existing").asBoolean()).isTrue();
    assertThat(o.get("uploader").asText()).isEqualTo(BOB.address().toHex());
    assertThat(o.get("stored_at").asLong()).isEqualTo(clock.seconds());
  }

  @Test
  void aSignatureOverAnotherHashRecordsSomeoneElseUnlessTheUploaderIsDeclared() throws Exception {
    byte[] body = "signature over the wrong hash".getBytes();
    Hash hash = Hash.keccak256(body);
    String wrong = signature(ALICE, Hash.keccak256("other".getBytes()));

    HttpRequest declared =
        HttpRequest.newBuilder(blob(hash))
            .header(BlobHttpApi.SIGNATURE_HEADER, wrong)
            .header(BlobHttpApi.UPLOADER_HEADER, ALICE.address().toHex())
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> refused = HTTP.send(declared, HttpResponse.BodyHandlers.ofString());
    assertThat(error(refused, 401, "invalid_signature"))
        .contains("not the declared uploader " + ALICE.address().toHex());
    assertThat(store.exists(hash)).isFalse();

    HttpResponse<String> undeclared = put(blob(hash), body, wrong);
    assertThat(undeclared.statusCode()).isEqualTo(201);
    assertThat(json(undeclared.body()).get("uploader").asText())
        .isNotEqualTo(ALICE.address().toHex());
  }

  @Test
  void missingOrMalformedSignaturesAre401AndStoreNothing() throws Exception {
    byte[] body = "unsigned".getBytes();
    Hash hash = Hash.keccak256(body);
    assertThat(error(put(blob(hash), body, null), 401, "missing_signature"))
        .contains(BlobHttpApi.SIGNATURE_HEADER);
    String good = signature(ALICE, hash);
    assertThat(error(put(blob(hash), body, good.substring(0, 130)), 401, "invalid_signature"))
        .contains("65 bytes");
    String badV = good.substring(0, 130) + "1d";
    assertThat(error(put(blob(hash), body, badV), 401, "invalid_signature"))
        .contains("v must be 27 or 28");
    assertThat(error(put(blob(hash), body, "0xnothex"), 401, "invalid_signature")).contains("hex");
    String zeroR = "0x" + "00".repeat(32) + good.substring(66);
    assertThat(error(put(blob(hash), body, zeroR), 401, "invalid_signature"))
        .contains("out of range");
    assertThat(store.exists(hash)).isFalse();
  }

  @Test
  void aBodyNotMatchingTheHashIs400AndStoresNothing() throws Exception {
    byte[] body = bytes(2, 5000);
    Hash claimed = Hash.keccak256("claimed".getBytes());
    String message =
        error(put(blob(claimed), body, signature(ALICE, claimed)), 400, "hash_mismatch");
    assertThat(message).contains(claimed.toHex()).contains(Hash.keccak256(body).toHex());
    assertThat(get(claimed).statusCode()).isEqualTo(404);
    assertThat(store.exists(Hash.keccak256(body))).isFalse();
  }

  @Test
  void oversizeIs413WhetherAnnouncedOrStreamed() throws Exception {
    byte[] body = bytes(3, (int) LIMIT + 1);
    Hash hash = Hash.keccak256(body);
    assertThat(error(put(body, ALICE), 413, "too_large")).contains("100000 bytes");

    // Chunked, without a Content-Length: refused when the limit is crossed.
    HttpRequest chunked =
        HttpRequest.newBuilder(blob(hash))
            .header(BlobHttpApi.SIGNATURE_HEADER, signature(ALICE, hash))
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    assertThat(error(HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()), 413, "too_large"))
        .contains(hash.toHex());
    assertThat(store.exists(hash)).isFalse();

    byte[] exact = Arrays.copyOf(body, (int) LIMIT);
    assertThat(put(exact, ALICE).statusCode()).isEqualTo(201);
  }

  @Test
  void rangeRequestsOfEveryForm() throws Exception {
    byte[] body = bytes(4, 1000);
    Hash hash = Hash.keccak256(body);
    put(body, ALICE);
    record Case(String range, int first, int last) {}
    for (Case c :
        List.of(
            new Case("bytes=0-0", 0, 0),
            new Case("bytes=10-19", 10, 19),
            new Case("bytes=990-", 990, 999),
            new Case("bytes=-25", 975, 999),
            new Case("bytes=500-5000", 500, 999),
            new Case("bytes=-5000", 0, 999))) {
      HttpResponse<byte[]> r = get(hash, "Range", c.range());
      assertThat(r.statusCode()).as(c.range()).isEqualTo(206);
      assertThat(r.body())
          .as(c.range())
          .isEqualTo(Arrays.copyOfRange(body, c.first(), c.last() + 1));
      assertThat(r.headers().firstValue("Content-Range"))
          .contains("bytes " + c.first() + "-" + c.last() + "/1000");
      assertThat(r.headers().firstValue("Content-Length"))
          .contains(Integer.toString(c.last() - c.first() + 1));
    }
    for (String unsatisfiable : List.of("bytes=1000-", "bytes=1000-2000", "bytes=-0")) {
      HttpResponse<byte[]> r = get(hash, "Range", unsatisfiable);
      assertThat(error(r, 416, "range_not_satisfiable")).contains("1000 bytes");
      assertThat(r.headers().firstValue("Content-Range")).contains("bytes */1000");
    }
    // Several ranges, or a header that is not a byte range, get the whole blob.
    for (String ignored : List.of("bytes=0-1,5-6", "bytes=9-3", "pages=1-2")) {
      HttpResponse<byte[]> r = get(hash, "Range", ignored);
      assertThat(r.statusCode()).as(ignored).isEqualTo(200);
      assertThat(r.body()).isEqualTo(body);
    }
  }

  @Test
  void headAnswersTheHeadersWithoutTheBytes() throws Exception {
    byte[] body = bytes(5, 1234);
    Hash hash = Hash.keccak256(body);
    put(body, ALICE);
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(blob(hash)).HEAD().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("Content-Length")).contains("1234");
    assertThat(r.headers().firstValue("ETag")).contains("\"" + hash.toHex() + "\"");

    HttpResponse<byte[]> range =
        HTTP.send(
            HttpRequest.newBuilder(blob(hash)).HEAD().header("Range", "bytes=-4").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).contains("bytes 1230-1233/1234");

    HttpResponse<byte[]> unknown =
        HTTP.send(
            HttpRequest.newBuilder(blob(Hash.keccak256(new byte[] {9}))).HEAD().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void unknownBlobsAre404AndMalformedHashes400() throws Exception {
    Hash unknown = Hash.keccak256("nobody uploaded this".getBytes());
    assertThat(error(get(unknown), 404, "not_found")).contains(unknown.toHex());
    HttpResponse<String> meta =
        HTTP.send(
            HttpRequest.newBuilder(uri("/v1/blobs/" + unknown.toHex() + "/meta")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(error(meta, 404, "not_found")).contains(unknown.toHex());

    for (String bad :
        List.of("0x1234", "xyz", unknown.toHex().substring(2), "0x" + "g".repeat(64))) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(uri("/v1/blobs/" + bad)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(error(r, 400, "invalid_hash")).as(bad).contains(bad);
      HttpResponse<String> p = put(uri("/v1/blobs/" + bad), new byte[] {1}, "0x00");
      assertThat(error(p, 400, "invalid_hash")).as(bad).contains(bad);
    }
  }

  @Test
  void aCorruptedBlobIs500WithTheReasonNeverWrongBytes() throws Exception {
    byte[] body = bytes(6, 3000);
    Hash hash = Hash.keccak256(body);
    put(body, ALICE);
    byte[] flipped = body.clone();
    flipped[0] ^= (byte) 0x80;
    Files.write(store.pathOf(hash), flipped);

    HttpResponse<byte[]> r = get(hash);
    assertThat(error(r, 500, "corrupted"))
        .contains(hash.toHex())
        .contains("corrupted")
        .contains(Hash.keccak256(flipped).toHex());
    assertThat(error(get(hash, "Range", "bytes=100-200"), 500, "corrupted")).contains(hash.toHex());

    HttpResponse<String> again =
        put(uri("/v1/blobs/" + hash.toHex() + "?datanet=7"), body, signature(BOB, hash));
    assertThat(again.statusCode()).isEqualTo(200); // an upload repairs it
    assertThat(get(hash).body()).isEqualTo(body);
  }

  @Test
  void aMatchingIfNoneMatchIs304() throws Exception {
    byte[] body = "cached".getBytes();
    Hash hash = Hash.keccak256(body);
    put(body, ALICE);
    HttpResponse<byte[]> r = get(hash, "If-None-Match", "\"" + hash.toHex() + "\"");
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void theInspectorSeesTheVerifiedBytesAndAddsFields() throws Exception {
    byte[] body = "a contribution for datanet 7".getBytes();
    Hash hash = Hash.keccak256(body);
    AtomicReference<UploadInspector.Upload> seen = new AtomicReference<>();
    inspector.set(
        upload -> {
          seen.set(upload);
          try (var in = upload.open()) {
            assertThat(in.readAllBytes()).isEqualTo(body);
          }
          assertThat(store.exists(upload.hash())).isEqualTo(upload.alreadyStored());
          return UploadInspector.Verdict.accept(
              Map.of(
                  "datanet", Long.parseLong(upload.queryParam("datanet")),
                  "near_duplicates", List.of()));
        });
    HttpResponse<String> r =
        put(uri("/v1/blobs/" + hash.toHex() + "?datanet=7"), body, signature(ALICE, hash));
    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode o = json(r.body());
    assertThat(o.get("datanet").asLong()).isEqualTo(7);
    assertThat(o.get("near_duplicates").isArray()).isTrue();
    assertThat(o.get("uploader").asText()).isEqualTo(ALICE.address().toHex());
    assertThat(seen.get().uploader()).isEqualTo(ALICE.address());
    assertThat(seen.get().size()).isEqualTo(body.length);
    assertThat(seen.get().alreadyStored()).isFalse();
    assertThat(seen.get().query()).containsEntry("datanet", List.of("7"));

    HttpResponse<String> again =
        put(uri("/v1/blobs/" + hash.toHex() + "?datanet=7"), body, signature(BOB, hash));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(seen.get().alreadyStored()).isTrue();
  }

  @Test
  void anInspectorRefusalIsItsStatusAndLeavesNothing() throws Exception {
    inspector.set(
        upload ->
            UploadInspector.Verdict.refuse(422, "not_utf8", "datanet 3 takes UTF-8 text only"));
    byte[] body = {(byte) 0xff, (byte) 0xfe};
    Hash hash = Hash.keccak256(body);
    assertThat(error(put(body, ALICE), 422, "not_utf8"))
        .isEqualTo("datanet 3 takes UTF-8 text only");
    assertThat(store.exists(hash)).isFalse();
    try (var files = Files.walk(dir.resolve("blobs"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactly("LOCK");
    }
  }

  @Test
  void anInspectorMayNotReplaceTheResponseFields() throws Exception {
    inspector.set(upload -> UploadInspector.Verdict.accept(Map.of("uploader", "0xforged")));
    byte[] body = "forged".getBytes();
    assertThat(error(put(body, ALICE), 500, "internal")).contains("'uploader'");
    assertThat(store.exists(Hash.keccak256(body))).isFalse();
  }

  @Test
  void theRoutesKeepTheirErrorShapeOnAnotherServer() throws Exception {
    BlobHttpApi api = new BlobHttpApi(new InMemoryBlobStore(clock));
    Javalin app =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.routes.get("/health", ctx -> ctx.result("ok"));
              api.register(c.routes);
            });
    app.start("127.0.0.1", 0);
    try {
      String base = "http://127.0.0.1:" + app.port();
      HttpResponse<String> health =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).isEqualTo("ok");
      Hash hash = Hash.keccak256(new byte[] {1});
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/blobs/" + hash.toHex())).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(error(r, 404, "not_found")).contains(hash.toHex());
    } finally {
      app.stop();
    }
  }

  @Test
  void anUploadCutShortIs400AndLeavesNoTempFile() throws Exception {
    byte[] body = bytes(7, 100);
    Hash hash = Hash.keccak256(body);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      String head =
          "PUT /v1/blobs/%s HTTP/1.1\r\nHost: localhost\r\n%s: %s\r\nContent-Length: 100\r\n\r\n"
              .formatted(hash.toHex(), BlobHttpApi.SIGNATURE_HEADER, signature(ALICE, hash));
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body, 0, 40);
      socket.getOutputStream().flush();
      socket.shutdownOutput(); // 60 bytes short
      String response =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 400").contains("upload_interrupted");
    }
    assertThat(store.exists(hash)).isFalse();
    try (var files = Files.walk(dir.resolve("blobs"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactly("LOCK");
    }
  }
}
