package io.openledger.node.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlobCollectorTest {
  private static final Duration GRACE = Duration.ofHours(24);
  private final TestClock clock = new TestClock(1_700_000_000L);
  private final InMemoryBlobStore store = new InMemoryBlobStore(clock);
  private final Set<Hash> onChain = new HashSet<>();
  private final BlobCollector collector = new BlobCollector(store, onChain::contains, GRACE, clock);

  private Hash put(String text) throws IOException {
    byte[] bytes = text.getBytes();
    Hash hash = Hash.keccak256(bytes);
    store.put(hash, new ByteArrayInputStream(bytes), 1000, Address.ofLowBytes(1));
    return hash;
  }

  @Test
  void deletesOnlyUnreferencedBlobsOlderThanTheGracePeriod() throws IOException {
    Hash orphan = put("never contributed");
    Hash contributed = put("contributed");
    onChain.add(contributed);
    clock.advance(Duration.ofHours(12));
    Hash recent = put("uploaded later");

    assertThat(collector.collect()).isEmpty(); // nothing is past the grace period yet

    clock.advance(Duration.ofHours(12)); // orphan and contributed are exactly 24 h old
    assertThat(collector.collect()).as("exactly at the limit is kept").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(collector.collect()).extracting(BlobInfo::hash).containsExactly(orphan);
    assertThat(store.exists(orphan)).isFalse();
    assertThat(store.exists(contributed)).isTrue();
    assertThat(store.exists(recent)).isTrue();

    clock.advance(Duration.ofHours(12));
    assertThat(collector.collect()).extracting(BlobInfo::hash).containsExactly(recent);
    assertThat(collector.collect()).isEmpty();
    assertThat(store.exists(contributed)).isTrue();
  }

  @Test
  void aReuploadRestartsTheGracePeriod() throws IOException {
    Hash hash = put("about to be contributed");
    clock.advance(GRACE);
    put("about to be contributed"); // the contributor uploads again before sending the tx
    clock.advance(Duration.ofHours(1));
    assertThat(collector.collect()).isEmpty();
    assertThat(store.exists(hash)).isTrue();
  }

  @Test
  void aReferenceThatAppearsIsHonoured() throws IOException {
    Hash hash = put("late reference");
    clock.advance(GRACE.plusSeconds(1));
    onChain.add(hash);
    assertThat(collector.collect()).isEmpty();
    onChain.remove(hash); // e.g. a contribution rejected and its record pruned
    assertThat(collector.collect()).extracting(BlobInfo::hash).containsExactly(hash);
  }

  @Test
  void aNegativeGraceIsRefused() {
    assertThatThrownBy(() -> new BlobCollector(store, h -> false, Duration.ofSeconds(-1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
  }
}
