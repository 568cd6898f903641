package io.openledger.node.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.types.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The auditor's durable progress: the last block whose {@code BatchPosted} logs it has taken in,
 * and the batches taken in but not finished, each with the next record to check. Saved to one JSON
 * file by write-to-temp, fsync, atomic rename, so a crash leaves the old or the new cursor, never a
 * torn one. The auditor saves it before filing a challenge (so a restart never files the same
 * record twice) and when a batch is done (so none is skipped).
 *
 * @param scannedBlock the last block scanned for batches; -1 before the first scan
 * @param pending batches still to audit, in the order they were posted
 */
public record AuditCursor(long scannedBlock, List<PendingBatch> pending) {

  /**
   * A batch taken in.
   *
   * @param next index in the batch of the next record to check (0 .. recordCount)
   */
  public record PendingBatch(Address operator, long seq, long next) {}

  public static final AuditCursor START = new AuditCursor(-1, List.of());

  private static final ObjectMapper JSON = new ObjectMapper();

  public AuditCursor {
    pending = List.copyOf(pending);
  }

  /** The cursor in {@code file}, or {@link #START} when there is none yet. */
  public static AuditCursor load(Path file) {
    if (!Files.exists(file)) {
      return START;
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      List<PendingBatch> pending = new ArrayList<>();
      for (JsonNode p : n.path("pending")) {
        pending.add(
            new PendingBatch(
                Address.fromHex(p.path("operator").asText()),
                p.path("seq").asLong(),
                p.path("next").asLong()));
      }
      if (!n.path("scannedBlock").canConvertToLong()) {
        throw new IOException("no scannedBlock");
      }
      return new AuditCursor(n.get("scannedBlock").asLong(), pending);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "the auditor's cursor " + file + " is damaged (" + e.getMessage() + ")", e);
    }
  }

  /** Writes the cursor to {@code file} atomically and durably. */
  public void save(Path file) {
    ObjectNode o = JSON.createObjectNode();
    o.put("scannedBlock", scannedBlock);
    ArrayNode a = o.putArray("pending");
    for (PendingBatch p : pending) {
      a.addObject().put("operator", p.operator().toHex()).put("seq", p.seq()).put("next", p.next());
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the auditor's cursor " + file, e);
    }
  }

  /** This cursor with batch {@code i} moved on to record {@code next}. */
  public AuditCursor advance(int i, long next) {
    List<PendingBatch> p = new ArrayList<>(pending);
    PendingBatch b = p.get(i);
    p.set(i, new PendingBatch(b.operator(), b.seq(), next));
    return new AuditCursor(scannedBlock, p);
  }

  /** This cursor without batch {@code i}. */
  public AuditCursor done(int i) {
    List<PendingBatch> p = new ArrayList<>(pending);
    p.remove(i);
    return new AuditCursor(scannedBlock, p);
  }
}
