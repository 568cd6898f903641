package io.openledger.node.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's client against the real server. */
class BlobClientTest {
  private static final KeyPair ALICE = KeyPair.fromPrivateKeyHex("0x" + "33".repeat(32));

  @TempDir Path dir;
  private final TestClock clock = new TestClock(1_700_000_000L);
  private final AtomicReference<UploadInspector.Upload> inspected = new AtomicReference<>();
  private DiskBlobStore store;
  private BlobHttpApi.Standalone server;
  private BlobClient client;

  @BeforeEach
  void start() throws IOException {
    store = DiskBlobStore.open(dir.resolve("blobs"), clock);
    UploadInspector inspector =
        upload -> {
          inspected.set(upload);
          return UploadInspector.Verdict.accept(Map.of("checked", true));
        };
    server =
        new BlobHttpApi(store, BlobHttpApi.DEFAULT_MAX_BLOB_BYTES, inspector).start("127.0.0.1", 0);
    client = new BlobClient(server.baseUri());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
  }

  private Path file(String name, int size, int seed) throws IOException {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  @Test
  void uploadsStreamingWithProgressAndDownloadsVerified() throws Exception {
    Path file = file("data.bin", 4_999_999, 1); // beyond Javalin's default body limit
    Hash hash = BlobHasher.hash(file);
    List<String> progress = new ArrayList<>();
    long[] lastUploaded = {-1};
    BlobClient.Uploaded up =
        client.upload(
            file,
            ALICE,
            Map.of("datanet", "7"),
            (phase, done, total) -> {
              assertThat(total).isEqualTo(4_999_999);
              assertThat(done).isBetween(0L, total);
              if (phase == BlobClient.Progress.Phase.UPLOADING) {
                assertThat(done).isGreaterThanOrEqualTo(lastUploaded[0]);
                lastUploaded[0] = done;
              }
              if (progress.isEmpty() || !progress.getLast().equals(phase.name())) {
                progress.add(phase.name());
              }
            });
    assertThat(up.hash()).isEqualTo(hash);
    assertThat(up.size()).isEqualTo(4_999_999);
    assertThat(up.uploader()).isEqualTo(ALICE.address());
    assertThat(up.storedAt()).isEqualTo(clock.seconds());
    assertThat(up.existing()).isFalse();
    assertThat(up.response().get("checked").asBoolean()).isTrue();
    assertThat(progress).containsExactly("HASHING", "UPLOADING");
    assertThat(lastUploaded[0]).isEqualTo(4_999_999);
    assertThat(inspected.get().queryParam("datanet")).isEqualTo("7");

    assertThat(client.upload(file, ALICE, BlobClient.Progress.NONE).existing()).isTrue();

    Path out = dir.resolve("out.bin");
    assertThat(client.download(hash, out)).isEqualTo(4_999_999);
    assertThat(Files.mismatch(file, out)).isEqualTo(-1);
    assertThat(client.meta(hash)).contains(store.info(hash).orElseThrow());
  }

  @Test
  void refusalsCarryTheServersCodeAndMessage() throws Exception {
    Path big = file("big.bin", 5_000_001, 2);
    assertThatThrownBy(() -> client.upload(big, ALICE, BlobClient.Progress.NONE))
        .isInstanceOfSatisfying(
            BlobClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.code()).isEqualTo("too_large");
              assertThat(e.getMessage()).contains("5000000 bytes");
            });

    Hash unknown = Hash.keccak256("unknown".getBytes());
    Path out = dir.resolve("never.bin");
    assertThatThrownBy(() -> client.download(unknown, out))
        .isInstanceOfSatisfying(
            BlobClientException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    assertThat(out).doesNotExist();
    assertThat(client.meta(unknown)).isEmpty();
    assertThatThrownBy(() -> client.upload(dir.resolve("missing"), ALICE, BlobClient.Progress.NONE))
        .hasMessageContaining("no such file");
  }

  @Test
  void aDownloadThatDoesNotMatchItsHashIsRefusedAndLeavesNoFile() throws Exception {
    byte[] real = "the real bytes".getBytes();
    Hash hash = Hash.keccak256(real);
    Javalin liar =
        Javalin.create(
                c -> {
                  c.startup.showJavalinBanner = false;
                  c.routes.get("/v1/blobs/{hash}", ctx -> ctx.result("other bytes"));
                })
            .start("127.0.0.1", 0);
    try {
      BlobClient fooled = new BlobClient(java.net.URI.create("http://127.0.0.1:" + liar.port()));
      Path out = dir.resolve("lie.bin");
      Files.writeString(out, "previous content");
      assertThatThrownBy(() -> fooled.download(hash, out))
          .isInstanceOfSatisfying(
              BlobClientException.class,
              e -> {
                assertThat(e.code()).isEqualTo("hash_mismatch");
                assertThat(e.getMessage()).contains(hash.toHex());
              });
      assertThat(Files.readString(out)).isEqualTo("previous content");
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
      }
    } finally {
      liar.stop();
    }
  }
}
