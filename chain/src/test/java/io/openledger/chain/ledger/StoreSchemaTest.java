package io.openledger.chain.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.store.ChainStore;
import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyValueStore;
import io.openledger.chain.store.Keys;
import io.openledger.chain.store.RocksDbKeyValueStore;
import io.openledger.chain.store.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's schema version: written at creation, older stores read as version 1, newer refused.
 */
class StoreSchemaTest {
  static final ChainSpec SPEC = TestChain.spec(1337, TestChain.devKeys(2));
  static final InstantSource CLOCK = () -> Instant.ofEpochMilli(1_700_000_000_000L);
  static final byte[] KEY = "schemaVersion".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Ledger open() {
    return Ledger.open(dir, SPEC, LedgerConfig.onDemand().withSyncWrites(false), CLOCK);
  }

  private OptionalLong storedVersion() {
    try (KeyValueStore store = RocksDbKeyValueStore.open(dir)) {
      return new ChainStore(store).schemaVersion();
    }
  }

  private void setVersion(byte[] value) {
    try (KeyValueStore store = RocksDbKeyValueStore.open(dir);
        WriteBatch batch = store.newBatch()) {
      if (value == null) {
        batch.delete(Column.CHAIN_META, KEY);
      } else {
        batch.put(Column.CHAIN_META, KEY, value);
      }
      batch.commit();
    }
  }

  @Test
  void aNewStoreIsWrittenAtTheCurrentVersion() {
    try (Ledger ledger = open()) {
      ledger.produceBlock();
    }
    assertThat(storedVersion()).hasValue(ChainStore.SCHEMA_VERSION);
    assertThat(ChainStore.SCHEMA_VERSION).isEqualTo(1);
  }

  @Test
  void aStoreWrittenBeforeVersionsIsReadAsVersionOneAndMarked() {
    try (Ledger ledger = open()) {
      ledger.produceBlock();
      ledger.produceBlock();
    }
    setVersion(null);
    assertThat(storedVersion()).isEmpty();
    try (Ledger ledger = open()) {
      assertThat(ledger.chain().headNumber()).isEqualTo(2);
      assertThat(ledger.produceBlock().number()).isEqualTo(3);
    }
    assertThat(storedVersion()).hasValue(1);
  }

  @Test
  void aNewerStoreIsRefusedUntouched() {
    try (Ledger ledger = open()) {
      ledger.produceBlock();
    }
    setVersion(Keys.longKey(2));
    assertThatThrownBy(this::open)
        .isInstanceOf(LedgerOpenException.class)
        .hasMessage(
            "data directory "
                + dir
                + " was written by a newer OpenLedger (store schema version 2; this node reads"
                + " version 1): run a newer node on it, or use another data directory");
    assertThat(storedVersion()).hasValue(2);
    setVersion(new byte[] {1, 2, 3});
    assertThatThrownBy(this::open)
        .isInstanceOf(LedgerOpenException.class)
        .hasMessageContaining("schema version is 3 bytes, not 8");
    setVersion(Keys.longKey(1));
    try (Ledger ledger = open()) {
      assertThat(ledger.chain().headNumber()).isEqualTo(1);
    }
  }
}
