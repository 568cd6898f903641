package io.openledger.node.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of every {@link BlobStore}: bytes come back exactly, whole or by range; a put is
 * idempotent; bytes that do not match their address, or are too many, leave nothing behind; a
 * corrupted copy is never served.
 */
abstract class BlobStoreContractTest {
  static final long LIMIT = 5_000_000;
  static final Address ALICE = Address.ofLowBytes(0xA11CE);
  static final Address BOB = Address.ofLowBytes(0xB0B);

  protected final TestClock clock = new TestClock(1_700_000_000L);
  protected BlobStore store;

  /** A new, empty store reading {@link #clock}. */
  protected abstract BlobStore newStore() throws IOException;

  /** The same store after a restart (closed and opened again where that means something). */
  protected abstract BlobStore reopen(BlobStore store) throws IOException;

  /** Replaces the stored bytes of a blob behind the store's back, as a failing disk would. */
  protected abstract void corrupt(Hash hash, byte[] bytes) throws IOException;

  /** Fails if anything of {@code hash} (a temp file, metadata) is left in the store's storage. */
  protected void assertNothingLeftOf(Hash hash) throws IOException {}

  @BeforeEach
  void open() throws IOException {
    store = newStore();
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  PutResult put(byte[] bytes, Address uploader) throws IOException {
    return store.put(Hash.keccak256(bytes), new ByteArrayInputStream(bytes), LIMIT, uploader);
  }

  byte[] read(Hash hash) throws IOException {
    try (InputStream in = store.open(hash).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  byte[] read(Hash hash, long offset, long length) throws IOException {
    try (InputStream in = store.open(hash, offset, length).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  List<BlobInfo> listed() throws IOException {
    try (Stream<BlobInfo> s = store.blobs()) {
      return s.toList();
    }
  }

  @Test
  void storesAndReturnsTheBytesWithTheirMetadata() throws IOException {
    byte[] bytes = randomBytes(new SplittableRandom(1), 200_003); // several copy buffers
    Hash hash = Hash.keccak256(bytes);
    PutResult result = put(bytes, ALICE);
    BlobInfo expected = new BlobInfo(hash, bytes.length, ALICE, clock.seconds());
    assertThat(result).isEqualTo(new PutResult.Stored(expected, false));
    assertThat(store.exists(hash)).isTrue();
    assertThat(store.info(hash)).contains(expected);
    assertThat(store.size(hash).getAsLong()).isEqualTo(bytes.length);
    assertThat(read(hash)).isEqualTo(bytes);
    assertThat(listed()).containsExactly(expected);
  }

  @Test
  void unknownBlobIsAbsentEverywhere() throws IOException {
    Hash hash = Hash.keccak256(new byte[] {42});
    assertThat(store.exists(hash)).isFalse();
    assertThat(store.info(hash)).isEmpty();
    assertThat(store.size(hash)).isEmpty();
    assertThat(store.open(hash)).isEmpty();
    assertThat(store.open(hash, 0, 1)).isEmpty();
    assertThat(store.delete(hash)).isFalse();
    assertThat(listed()).isEmpty();
  }

  @Test
  void emptyBlobIsABlob() throws IOException {
    Hash empty = Hash.keccak256(new byte[0]);
    assertThat(store.put(empty, InputStream.nullInputStream(), 0, ALICE))
        .isInstanceOf(PutResult.Stored.class);
    assertThat(read(empty)).isEmpty();
    assertThat(read(empty, 0, 10)).isEmpty();
    assertThat(store.size(empty).getAsLong()).isZero();
  }

  @Test
  void rangeReadsReturnExactlyTheRequestedSlice() throws IOException {
    SplittableRandom r = new SplittableRandom(2);
    for (int size : new int[] {1, 2, 65_535, 65_536, 65_537, 150_000}) {
      byte[] bytes = randomBytes(r, size);
      Hash hash = Hash.keccak256(bytes);
      put(bytes, ALICE);
      for (int c = 0; c < 40; c++) {
        long offset = r.nextInt(size + 1);
        long length = c % 5 == 0 ? Long.MAX_VALUE : r.nextInt(size + 10);
        int end = (int) Math.min(size, offset + Math.min(length, size));
        assertThat(read(hash, offset, length))
            .as("size %d offset %d length %d", size, offset, length)
            .isEqualTo(Arrays.copyOfRange(bytes, (int) offset, end));
      }
      assertThat(read(hash, size, 5)).isEmpty();
      assertThat(read(hash, 0, 0)).isEmpty();
      assertThatThrownBy(() -> store.open(hash, size + 1, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("past the end");
      assertThatThrownBy(() -> store.open(hash, -1, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void secondPutKeepsTheFirstUploaderAndRefreshesStoredAt() throws IOException {
    byte[] bytes = "the same text, twice".getBytes();
    Hash hash = Hash.keccak256(bytes);
    long first = clock.seconds();
    put(bytes, ALICE);
    clock.advance(Duration.ofHours(1));
    PutResult again = put(bytes, BOB);
    BlobInfo expected = new BlobInfo(hash, bytes.length, ALICE, first + 3600);
    assertThat(again).isEqualTo(new PutResult.Stored(expected, true));
    assertThat(store.info(hash)).contains(expected);
    assertThat(read(hash)).isEqualTo(bytes);
    assertThat(listed()).containsExactly(expected);
  }

  @Test
  void bytesNotMatchingTheirHashAreRefusedAndLeaveNothing() throws IOException {
    byte[] bytes = randomBytes(new SplittableRandom(3), 100_000);
    Hash claimed = Hash.keccak256("something else".getBytes());
    PutResult result = store.put(claimed, new ByteArrayInputStream(bytes), LIMIT, ALICE);
    Hash actual = Hash.keccak256(bytes);
    assertThat(result).isEqualTo(new PutRefusal.HashMismatch(claimed, actual, bytes.length));
    assertThat(((PutRefusal) result).message())
        .contains(claimed.toHex())
        .contains(actual.toHex())
        .contains("100000 bytes");
    assertThat(((PutRefusal) result).code()).isEqualTo("hash_mismatch");
    assertThat(store.exists(claimed)).isFalse();
    assertThat(store.exists(actual)).isFalse();
    assertThat(listed()).isEmpty();
    assertNothingLeftOf(claimed);
  }

  @Test
  void mismatchLeavesAnExistingBlobAsItWas() throws IOException {
    byte[] bytes = "kept".getBytes();
    Hash hash = Hash.keccak256(bytes);
    put(bytes, ALICE);
    BlobInfo before = store.info(hash).orElseThrow();
    clock.advance(Duration.ofMinutes(5));
    assertThat(store.put(hash, new ByteArrayInputStream("wrong".getBytes()), LIMIT, BOB))
        .isInstanceOf(PutRefusal.HashMismatch.class);
    assertThat(store.info(hash)).contains(before);
    assertThat(read(hash)).isEqualTo(bytes);
  }

  @Test
  void oversizeIsRefusedAtTheFirstByteOverTheLimitAndLeavesNothing() throws IOException {
    long limit = 100_000;
    long[] served = {0};
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served[0]++;
            return 7;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 7);
            served[0] += len;
            return len;
          }
        };
    Hash hash = Hash.keccak256(new byte[] {7});
    PutResult result = store.put(hash, endless, limit, ALICE);
    assertThat(result).isEqualTo(new PutRefusal.TooLarge(hash, limit));
    assertThat(((PutRefusal) result).message()).contains("100000 bytes").contains(hash.toHex());
    assertThat(served[0]).isEqualTo(limit + 1);
    assertThat(store.exists(hash)).isFalse();
    assertThat(listed()).isEmpty();
    assertNothingLeftOf(hash);
  }

  @Test
  void exactlyTheLimitIsAccepted() throws IOException {
    byte[] bytes = randomBytes(new SplittableRandom(4), 1000);
    Hash hash = Hash.keccak256(bytes);
    assertThat(store.put(hash, new ByteArrayInputStream(bytes), 1000, ALICE))
        .isInstanceOf(PutResult.Stored.class);
    Hash other = Hash.keccak256(Arrays.copyOf(bytes, 1001));
    assertThat(store.put(other, new ByteArrayInputStream(Arrays.copyOf(bytes, 1001)), 1000, ALICE))
        .isInstanceOf(PutRefusal.TooLarge.class);
  }

  @Test
  void deleteRemovesTheBlobOnlyWhenTheConditionHolds() throws IOException {
    byte[] bytes = "to be deleted".getBytes();
    Hash hash = Hash.keccak256(bytes);
    put(bytes, ALICE);
    assertThat(store.delete(hash, info -> info.uploader().equals(BOB))).isFalse();
    assertThat(store.exists(hash)).isTrue();
    assertThat(store.delete(hash, info -> info.uploader().equals(ALICE))).isTrue();
    assertThat(store.exists(hash)).isFalse();
    assertThat(store.open(hash)).isEmpty();
    assertThat(store.delete(hash)).isFalse();
    assertThat(listed()).isEmpty();
    assertNothingLeftOf(hash);
    assertThat(put(bytes, BOB)).isInstanceOf(PutResult.Stored.class); // and it can come back
    assertThat(store.info(hash).orElseThrow().uploader()).isEqualTo(BOB);
  }

  @Test
  void corruptedBytesAreNeverServedAndAnotherUploadRepairsThem() throws IOException {
    byte[] bytes = randomBytes(new SplittableRandom(5), 70_000);
    Hash hash = Hash.keccak256(bytes);
    put(bytes, ALICE);
    byte[] flipped = bytes.clone();
    flipped[69_999] ^= 1;
    corrupt(hash, flipped);
    assertThatThrownBy(() -> store.open(hash))
        .isInstanceOf(CorruptBlobException.class)
        .hasMessageContaining(hash.toHex())
        .hasMessageContaining("corrupted");
    assertThatThrownBy(() -> store.open(hash, 0, 10)) // a range far from the damage, too
        .isInstanceOf(CorruptBlobException.class);
    corrupt(hash, Arrays.copyOf(bytes, 100)); // truncated
    assertThatThrownBy(() -> store.open(hash)).isInstanceOf(CorruptBlobException.class);

    assertThat(put(bytes, BOB)).isEqualTo(new PutResult.Stored(store.info(hash).get(), true));
    assertThat(read(hash)).isEqualTo(bytes);
    assertThat(store.info(hash).get().uploader()).isEqualTo(ALICE);
  }

  @Test
  void stagedBytesAreInvisibleUntilCommitted() throws IOException {
    byte[] bytes = "staged".getBytes();
    Hash hash = Hash.keccak256(bytes);
    StageResult result = store.stage(hash, new ByteArrayInputStream(bytes), LIMIT);
    StagedBlob staged = ((StageResult.Staged) result).blob();
    assertThat(staged.hash()).isEqualTo(hash);
    assertThat(staged.size()).isEqualTo(bytes.length);
    try (InputStream in = staged.open()) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(store.exists(hash)).isFalse();
    assertThat(staged.commit(BOB).existing()).isFalse();
    assertThat(store.info(hash).get().uploader()).isEqualTo(BOB);
    assertThatThrownBy(() -> staged.commit(ALICE)).isInstanceOf(IllegalStateException.class);
    staged.close();
    assertThat(read(hash)).isEqualTo(bytes);

    byte[] other = "discarded".getBytes();
    Hash otherHash = Hash.keccak256(other);
    try (StagedBlob discarded =
        ((StageResult.Staged) store.stage(otherHash, new ByteArrayInputStream(other), LIMIT))
            .blob()) {
      assertThat(discarded.size()).isEqualTo(other.length);
    }
    assertThat(store.exists(otherHash)).isFalse();
    assertNothingLeftOf(otherHash);
  }

  @Test
  void whatWasAcknowledgedSurvivesAReopen() throws IOException {
    SplittableRandom r = new SplittableRandom(6);
    Map<Hash, byte[]> expected = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      byte[] bytes = randomBytes(r, r.nextInt(5000));
      expected.put(Hash.keccak256(bytes), bytes);
      put(bytes, i % 2 == 0 ? ALICE : BOB);
      clock.advance(Duration.ofSeconds(1));
    }
    List<BlobInfo> before = listed();
    store = reopen(store);
    assertThat(listed()).containsExactlyInAnyOrderElementsOf(before);
    for (Map.Entry<Hash, byte[]> e : expected.entrySet()) {
      assertThat(read(e.getKey())).isEqualTo(e.getValue());
    }
  }

  @Test
  void randomOperationsAgreeWithAMap() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    List<byte[]> pool = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      pool.add(randomBytes(r, r.nextInt(3000)));
    }
    Map<Hash, BlobInfo> reference = new HashMap<>();
    for (int step = 0; step < 600; step++) {
      byte[] bytes = pool.get(r.nextInt(pool.size()));
      Hash hash = Hash.keccak256(bytes);
      Address who = r.nextBoolean() ? ALICE : BOB;
      clock.advance(Duration.ofSeconds(r.nextInt(3)));
      switch (r.nextInt(4)) {
        case 0, 1 -> {
          PutResult.Stored s = (PutResult.Stored) put(bytes, who);
          BlobInfo old = reference.get(hash);
          BlobInfo now =
              new BlobInfo(hash, bytes.length, old == null ? who : old.uploader(), clock.seconds());
          assertThat(s).isEqualTo(new PutResult.Stored(now, old != null));
          reference.put(hash, now);
        }
        case 2 -> assertThat(store.delete(hash)).isEqualTo(reference.remove(hash) != null);
        default -> {
          Optional<InputStream> in = store.open(hash, r.nextInt(bytes.length + 1), 100);
          assertThat(in.isPresent()).isEqualTo(reference.containsKey(hash));
          if (in.isPresent()) {
            in.get().close();
          }
        }
      }
      assertThat(store.info(hash)).isEqualTo(Optional.ofNullable(reference.get(hash)));
    }
    assertThat(listed()).containsExactlyInAnyOrderElementsOf(reference.values());
  }

  @Test
  void concurrentUploadsOfOneBlobCreateItOnce() throws Exception {
    byte[] bytes = randomBytes(new SplittableRandom(8), 50_000);
    int threads = 8;
    List<Callable<PutResult>> uploads = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Address who = Address.ofLowBytes(i + 1);
      uploads.add(() -> put(bytes, who));
    }
    int created = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<PutResult> f : pool.invokeAll(uploads)) {
        created += ((PutResult.Stored) f.get()).existing() ? 0 : 1;
      }
    }
    assertThat(created).isEqualTo(1);
    assertThat(read(Hash.keccak256(bytes))).isEqualTo(bytes);
    assertThat(listed()).hasSize(1);
  }

  @Test
  void badArgumentsAreRefusedWithAReason() {
    Hash hash = Hash.keccak256(new byte[0]);
    assertThatThrownBy(() -> store.put(hash, InputStream.nullInputStream(), -1, ALICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size limit");
  }
}
