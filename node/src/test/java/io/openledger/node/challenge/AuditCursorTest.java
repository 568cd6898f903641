package io.openledger.node.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auditor's cursor survives a save and load exactly, starts fresh, and refuses a torn file. */
class AuditCursorTest {
  @TempDir Path dir;

  private static final Address A = Address.fromHex("0xa0ee7a142d267c1f36714e4a8f75612f20a79720");
  private static final Address B = Address.fromHex("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f");

  @Test
  void aSavedCursorLoadsBackAndMovesOnPerBatch() {
    Path f = dir.resolve("audit").resolve("cursor.json");
    assertThat(AuditCursor.load(f)).isEqualTo(AuditCursor.START);
    AuditCursor c =
        new AuditCursor(
            41,
            List.of(new AuditCursor.PendingBatch(A, 3, 0), new AuditCursor.PendingBatch(B, 0, 7)));
    c.save(f);
    assertThat(AuditCursor.load(f)).isEqualTo(c);
    AuditCursor moved = c.advance(0, 5).done(1);
    moved.save(f);
    assertThat(AuditCursor.load(f))
        .isEqualTo(new AuditCursor(41, List.of(new AuditCursor.PendingBatch(A, 3, 5))));
    assertThat(Files.exists(f.resolveSibling("cursor.json.tmp"))).isFalse();
  }

  @Test
  void aDamagedCursorIsRefusedWithItsPath() throws Exception {
    Path f = dir.resolve("cursor.json");
    Files.writeString(f, "{\"pending\": []");
    assertThatThrownBy(() -> AuditCursor.load(f))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the auditor's cursor " + f + " is damaged");
    Files.writeString(f, "{\"pending\": []}");
    assertThatThrownBy(() -> AuditCursor.load(f)).hasMessageContaining("no scannedBlock");
  }
}
