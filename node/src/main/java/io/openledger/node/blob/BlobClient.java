package io.openledger.node.blob;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.PersonalSign;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;

/**
 * Uploads and downloads blobs through a node's blob API (see {@link BlobHttpApi}), streaming files
 * so that their size does not matter to memory. Downloads are checked against the hash before the
 * file appears at its destination.
 */
public final class BlobClient {
  private final URI base;
  private final HttpClient http;

  /**
   * @param base the node's API address, {@code http://host:port}
   */
  public BlobClient(URI base) {
    this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  public BlobClient(URI base, HttpClient http) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.http = http;
  }

  /** Told how far an upload is; {@code total} is the file's size in bytes. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (phase, done, total) -> {};

    enum Phase {
      /** Reading the file to compute its hash. */
      HASHING,
      /** Sending it. */
      UPLOADING
    }

    void update(Phase phase, long done, long total);
  }

  /**
   * What the server answered for an upload.
   *
   * @param existing whether it already held the blob
   * @param response the whole JSON answer, with any fields the server's inspector added
   */
  public record Uploaded(
      Hash hash, long size, Address uploader, long storedAt, boolean existing, JsonNode response) {}

  /** {@link #upload(Path, KeyPair, Map, Progress)} without query parameters. */
  public Uploaded upload(Path file, KeyPair signer, Progress progress)
      throws IOException, InterruptedException {
    return upload(file, signer, Map.of(), progress);
  }

  /**
   * Hashes the file (streaming), signs the hash with {@code signer} ({@code personal_sign}) and
   * PUTs the file.
   *
   * @param query query parameters for the server's inspector, e.g. {@code datanet=7}
   * @throws BlobClientException with the server's code and message when it refuses
   */
  public Uploaded upload(Path file, KeyPair signer, Map<String, String> query, Progress progress)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("no such file: " + file);
    }
    long total = Files.size(file);
    Hash hash = hashWithProgress(file, total, progress);
    byte[] signature = PersonalSign.sign(signer, hash.toArray());
    HttpRequest request =
        HttpRequest.newBuilder(blobUri(hash, query))
            .header(BlobHttpApi.SIGNATURE_HEADER, Bytes.toHex(signature))
            .header(BlobHttpApi.UPLOADER_HEADER, signer.address().toHex())
            .header("Content-Type", "application/octet-stream")
            // the server may refuse on the headers alone (size, signature): it answers before
            // the body is sent, rather than closing on a body it will not read
            .expectContinue(true)
            .PUT(new Counting(HttpRequest.BodyPublishers.ofFile(file), total, progress))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw refusal(response.statusCode(), response.body());
    }
    JsonNode o = Json.MAPPER.readTree(response.body());
    return new Uploaded(
        Hash.fromHex(o.get("hash").asText()),
        o.get("size").asLong(),
        Address.fromHex(o.get("uploader").asText()),
        o.get("stored_at").asLong(),
        o.get("existing").asBoolean(),
        o);
  }

  private static Hash hashWithProgress(Path file, long total, Progress progress)
      throws IOException {
    BlobHasher hasher = new BlobHasher();
    byte[] buffer = new byte[BlobHasher.BUFFER];
    long done = 0;
    progress.update(Progress.Phase.HASHING, 0, total);
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        hasher.update(buffer, 0, n);
        done += n;
        progress.update(Progress.Phase.HASHING, done, total);
      }
    }
    return hasher.finish();
  }

  /**
   * Downloads a blob to {@code out}: written to a temp file beside it, checked against {@code
   * hash}, then moved into place (replacing what was there). On any failure {@code out} is left as
   * it was.
   *
   * @return bytes written
   * @throws BlobClientException if the server refuses, or sends bytes that do not hash to {@code
   *     hash}
   */
  public long download(Hash hash, Path out) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(blobUri(hash, Map.of())).GET().build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw refusal(
            response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      Path dir = out.toAbsolutePath().getParent();
      Path temp = Files.createTempFile(dir, out.getFileName() + ".", ".part");
      try {
        BlobHasher.Copied copied;
        try (OutputStream file = Files.newOutputStream(temp)) {
          copied = BlobHasher.copy(body, file, Long.MAX_VALUE - 1);
        }
        if (!copied.hash().equals(hash)) {
          throw new BlobClientException(
              0,
              "hash_mismatch",
              "the server sent "
                  + copied.size()
                  + " bytes that hash to "
                  + copied.hash().toHex()
                  + ", not "
                  + hash.toHex());
        }
        Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return copied.size();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** The server's metadata of a blob; empty when it does not hold it. */
  public Optional<BlobInfo> meta(Hash hash) throws IOException, InterruptedException {
    URI uri = URI.create(blobUri(hash, Map.of()) + "/meta");
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw refusal(response.statusCode(), response.body());
    }
    JsonNode o = Json.MAPPER.readTree(response.body());
    return Optional.of(
        new BlobInfo(
            Hash.fromHex(o.get("hash").asText()),
            o.get("size").asLong(),
            Address.fromHex(o.get("uploader").asText()),
            o.get("stored_at").asLong()));
  }

  private URI blobUri(Hash hash, Map<String, String> query) {
    String q =
        query.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return URI.create(base + "/v1/blobs/" + hash.toHex() + (q.isEmpty() ? "" : "?" + q));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The server's error object as an exception; a body that is not one is quoted. */
  private static BlobClientException refusal(int status, String body) {
    try {
      JsonNode error = Json.MAPPER.readTree(body).get("error");
      if (error != null && error.hasNonNull("code") && error.hasNonNull("message")) {
        return new BlobClientException(
            status, error.get("code").asText(), error.get("message").asText());
      }
    } catch (IOException | RuntimeException notJson) {
      // quoted below
    }
    String shown = body.length() > 200 ? body.substring(0, 197) + "..." : body;
    return new BlobClientException(status, "http_" + status, "HTTP " + status + ": " + shown);
  }

  /** A body publisher that reports the bytes handed to the connection. */
  private record Counting(HttpRequest.BodyPublisher delegate, long total, Progress progress)
      implements HttpRequest.BodyPublisher {
    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      delegate.subscribe(
          new Flow.Subscriber<ByteBuffer>() {
            private long sent;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              progress.update(Progress.Phase.UPLOADING, 0, total);
              subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
              sent += item.remaining();
              subscriber.onNext(item);
              progress.update(Progress.Phase.UPLOADING, sent, total);
            }

            @Override
            public void onError(Throwable throwable) {
              subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
    }
  }
}
