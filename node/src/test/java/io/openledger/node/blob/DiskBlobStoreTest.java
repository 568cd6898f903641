package io.openledger.node.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on disk, plus the layout and what a crash can leave behind. */
class DiskBlobStoreTest extends BlobStoreContractTest {
  @TempDir Path dir;

  @Override
  protected BlobStore newStore() throws IOException {
    return DiskBlobStore.open(dir, clock);
  }

  @Override
  protected BlobStore reopen(BlobStore store) throws IOException {
    store.close();
    return DiskBlobStore.open(dir, clock);
  }

  @Override
  protected void corrupt(Hash hash, byte[] bytes) throws IOException {
    Files.write(disk().pathOf(hash), bytes);
  }

  @Override
  protected void assertNothingLeftOf(Hash hash) throws IOException {
    String hex = hash.toHex().substring(2);
    try (Stream<Path> files = Files.list(dir.resolve(hex.substring(0, 2)))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(hex)))
          .isEmpty();
    }
  }

  private DiskBlobStore disk() {
    return (DiskBlobStore) store;
  }

  private Hash putText(String text) throws IOException {
    byte[] bytes = text.getBytes();
    Hash hash = Hash.keccak256(bytes);
    store.put(hash, new ByteArrayInputStream(bytes), LIMIT, ALICE);
    return hash;
  }

  @Test
  void blobIsAFileNamedByItsHashBesideItsMetadata() throws IOException {
    Hash hash = putText("hello blobs");
    String hex = hash.toHex().substring(2);
    Path data = dir.resolve(hex.substring(0, 2)).resolve(hex);
    assertThat(disk().pathOf(hash)).isEqualTo(data);
    assertThat(Files.readString(data)).isEqualTo("hello blobs");
    JsonNode meta = Json.MAPPER.readTree(data.resolveSibling(hex + ".meta").toFile());
    assertThat(meta.get("uploader").asText()).isEqualTo(ALICE.toHex());
    assertThat(meta.get("size").asLong()).isEqualTo(11);
    assertThat(meta.get("stored_at").asLong()).isEqualTo(clock.seconds());
    assertThat(meta.size()).isEqualTo(3);
  }

  @Test
  void openRemovesWhatInterruptedWritesLeft() throws IOException {
    Hash kept = putText("kept");
    String hex = Hash.keccak256("interrupted".getBytes()).toHex().substring(2);
    Path shard = dir.resolve(hex.substring(0, 2));
    Path halfWritten = shard.resolve(hex + ".8812734.tmp");
    Path halfMeta = shard.resolve(hex + ".meta.99.tmp");
    Path orphanMeta = shard.resolve(hex + ".meta"); // renamed just before a crash, bytes were not
    Files.write(halfWritten, new byte[] {1, 2, 3});
    Files.writeString(halfMeta, "{\"upl");
    Files.writeString(orphanMeta, "{}");

    store = reopen(store);

    assertThat(halfWritten).doesNotExist();
    assertThat(halfMeta).doesNotExist();
    assertThat(orphanMeta).doesNotExist();
    assertThat(read(kept)).isEqualTo("kept".getBytes());
    assertThat(listed()).extracting(BlobInfo::hash).containsExactly(kept);
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> DiskBlobStore.open(dir, clock))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already open");
  }

  @Test
  void lostOrUnreadableMetadataIsReportedNotGuessed() throws IOException {
    Hash lost = putText("lost metadata");
    Hash garbled = putText("garbled metadata");
    Hash fine = putText("fine");
    Path lostMeta = disk().pathOf(lost).resolveSibling(disk().pathOf(lost).getFileName() + ".meta");
    Files.delete(lostMeta);
    Path garbledMeta =
        disk().pathOf(garbled).resolveSibling(disk().pathOf(garbled).getFileName() + ".meta");
    Files.writeString(garbledMeta, "{\"uploader\": 12}");

    assertThatThrownBy(() -> store.info(lost))
        .isInstanceOf(CorruptBlobException.class)
        .hasMessageContaining("metadata file is missing");
    assertThatThrownBy(() -> store.open(garbled))
        .isInstanceOf(CorruptBlobException.class)
        .hasMessageContaining("metadata file is unreadable");
    // The collector's listing goes on past them.
    assertThat(listed()).extracting(BlobInfo::hash).containsExactly(fine);
    // Uploading again rewrites the metadata.
    store.put(garbled, new ByteArrayInputStream("garbled metadata".getBytes()), LIMIT, BOB);
    assertThat(store.info(garbled).orElseThrow().uploader()).isEqualTo(BOB);
  }

  @Test
  void aStreamOpenedBeforeADeleteStillReadsTheBlob() throws IOException {
    Hash hash = putText("still readable");
    try (InputStream in = store.open(hash).orElseThrow()) {
      assertThat(store.delete(hash)).isTrue();
      assertThat(in.readAllBytes()).isEqualTo("still readable".getBytes());
    }
    assertThat(store.exists(hash)).isFalse();
  }

  @Test
  void theStoreCreatesItsShardDirectories() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names).hasSize(257).contains("00", "ff", "LOCK");
    }
  }
}
