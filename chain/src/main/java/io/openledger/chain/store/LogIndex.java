package io.openledger.chain.store;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The log index: every log of the chain under its address and under each of its topics, so that a
 * log query over any block range reads the entries of what it asks for, not every block (what
 * geth's and reth's log indexes are for). Written in the block's own write batch, so a block and
 * its index entries appear together.
 *
 * <p>Layout in {@link Column#LOG_INDEX}, one entry per (log, criterion), value = the transaction
 * index (4 bytes, big-endian):
 *
 * <pre>
 *   0x00                 ‖ block (8) ‖ logIndex (4)   every log, in chain order
 *   0x01 ‖ address (20)  ‖ block (8) ‖ logIndex (4)   logs emitted by the address
 *   0x02+i ‖ topic (32)  ‖ block (8) ‖ logIndex (4)   logs whose topic i (0..3) is the topic
 * </pre>
 *
 * Numbers are big-endian, so each criterion's entries iterate in chain order; a query intersects
 * its criteria by leapfrogging (each criterion seeks to the furthest position any other reached),
 * so it costs about as much as its most selective criterion.
 */
public final class LogIndex {
  private static final byte ALL = 0x00;
  private static final byte ADDRESS = 0x01;
  private static final byte TOPIC0 = 0x02;
  private static final int POSITION = 12;

  /** {@code CHAIN_META} key marking a store whose every block is indexed. */
  static final byte[] INDEXED = "logIndex".getBytes(StandardCharsets.US_ASCII);

  /** Entries: kind ‖ criterion ‖ position (raw bytes, iterated by prefix) → transaction index. */
  static final TypedColumn<byte[], Integer> ENTRIES =
      TypedColumn.of(Column.LOG_INDEX, Serializer.BYTES, Serializer.INT);

  static final TypedColumn<byte[], byte[]> META =
      TypedColumn.of(Column.CHAIN_META, Serializer.BYTES, Serializer.BYTES);

  private LogIndex() {}

  /** Where a log is: block number, index among the block's logs, index of its transaction. */
  public record Position(long block, int logIndex, int txIndex) {}

  // ---- writes ----

  /** Puts the entries of one block's logs into {@code batch}. */
  static void put(WriteBatch batch, long blockNumber, List<Receipt> receipts) {
    int logIndex = 0;
    for (int tx = 0; tx < receipts.size(); tx++) {
      int txIndex = tx;
      for (Log log : receipts.get(tx).logs()) {
        byte[] position = position(blockNumber, logIndex++);
        batch.put(ENTRIES, concat(new byte[] {ALL}, position), txIndex);
        batch.put(ENTRIES, concat(prefix(log.address()), position), txIndex);
        List<Hash> topics = log.topics();
        for (int i = 0; i < topics.size(); i++) {
          batch.put(ENTRIES, concat(prefix(i, topics.get(i)), position), txIndex);
        }
      }
    }
  }

  /** Marks the store as fully indexed (written with genesis, or after a backfill). */
  static void putIndexedMarker(WriteBatch batch) {
    batch.put(META, INDEXED, new byte[] {1});
  }

  /** Whether every block of the store is in the index. */
  public static boolean isComplete(KeyValueReader reader) {
    return reader.get(META, INDEXED).isPresent();
  }

  /**
   * Indexes the blocks of a store made before the index existed (0 to {@code head}), in batches,
   * then marks it complete. Idempotent: an interrupted backfill writes the same entries again.
   *
   * @return number of logs indexed
   */
  public static long backfill(KeyValueReader reader, Supplier<WriteBatch> batches, long head) {
    ChainStore chain = new ChainStore(reader);
    long logs = 0;
    WriteBatch batch = batches.get();
    try {
      for (long n = 0; n <= head; n++) {
        long number = n;
        Hash hash =
            chain
                .hashByNumber(number)
                .orElseThrow(
                    () -> new IllegalStateException("no block " + number + " below the head"));
        List<Receipt> receipts =
            chain.receipts(hash).stream().map(ChainStore.StoredReceipt::receipt).toList();
        put(batch, n, receipts);
        logs += receipts.stream().mapToLong(r -> r.logs().size()).sum();
        if (batch.size() > 50_000) {
          batch.commit();
          batch.close();
          batch = batches.get();
        }
      }
      putIndexedMarker(batch);
      batch.commit();
    } finally {
      batch.close();
    }
    return logs;
  }

  // ---- reads ----

  /**
   * Visits, in chain order, the logs of blocks {@code from..to} (inclusive) emitted by one of
   * {@code addresses} (any when empty) whose topic at each position {@code i} is one of {@code
   * topics.get(i)} (any when that list is empty), until the visitor answers false.
   */
  public static void scan(
      KeyValueReader reader,
      long from,
      long to,
      List<Address> addresses,
      List<List<Hash>> topics,
      Predicate<Position> visitor) {
    if (from > to) {
      return;
    }
    List<Criterion> criteria = new ArrayList<>();
    try {
      if (!addresses.isEmpty()) {
        criteria.add(
            new Criterion(reader, addresses.stream().map(LogIndex::prefix).toList(), from, to));
      }
      for (int i = 0; i < topics.size(); i++) {
        int position = i;
        if (!topics.get(i).isEmpty()) {
          criteria.add(
              new Criterion(
                  reader, topics.get(i).stream().map(t -> prefix(position, t)).toList(), from, to));
        }
      }
      if (criteria.isEmpty()) {
        criteria.add(new Criterion(reader, List.of(new byte[] {ALL}), from, to));
      }
      leapfrog(criteria, visitor);
    } finally {
      criteria.forEach(Criterion::close);
    }
  }

  /** Emits the positions every criterion holds: each seeks to the furthest one any reached. */
  private static void leapfrog(List<Criterion> criteria, Predicate<Position> visitor) {
    while (true) {
      byte[] furthest = null;
      for (Criterion c : criteria) {
        byte[] at = c.current();
        if (at == null) {
          return;
        }
        if (furthest == null || Arrays.compareUnsigned(at, furthest) > 0) {
          furthest = at;
        }
      }
      boolean agree = true;
      for (Criterion c : criteria) {
        if (Arrays.compareUnsigned(c.current(), furthest) < 0) {
          c.seek(furthest);
          agree = false;
        }
      }
      if (agree) {
        Criterion first = criteria.getFirst();
        ByteBuffer b = ByteBuffer.wrap(furthest);
        if (!visitor.test(new Position(b.getLong(), b.getInt(), first.currentTxIndex()))) {
          return;
        }
        first.next();
      }
    }
  }

  /**
   * One criterion of a query: the union of the entries under some prefixes (the addresses, or the
   * topics allowed at one position), merged in chain order.
   */
  private static final class Criterion implements AutoCloseable {
    private final KeyValueReader reader;
    private final List<byte[]> prefixes;
    private final byte[] end; // position after the last block of the range
    private final KeyValueCursor[] cursors;
    private final KeyValue[] heads;

    Criterion(KeyValueReader reader, List<byte[]> prefixes, long from, long to) {
      this.reader = reader;
      this.prefixes = prefixes;
      this.end = position(to + 1, 0);
      this.cursors = new KeyValueCursor[prefixes.size()];
      this.heads = new KeyValue[prefixes.size()];
      byte[] start = position(from, 0);
      for (int i = 0; i < cursors.length; i++) {
        open(i, start);
      }
    }

    private void open(int i, byte[] position) {
      if (cursors[i] != null) {
        cursors[i].close();
      }
      byte[] p = prefixes.get(i);
      cursors[i] =
          reader.iterate(ENTRIES.column(), KeyRange.between(concat(p, position), concat(p, end)));
      advance(i);
    }

    private void advance(int i) {
      heads[i] = cursors[i].hasNext() ? cursors[i].next() : null;
    }

    private byte[] positionOf(int i) {
      byte[] key = heads[i].key();
      return Arrays.copyOfRange(key, key.length - POSITION, key.length);
    }

    /** The smallest position any prefix is at, or null when all are exhausted. */
    byte[] current() {
      byte[] min = null;
      for (int i = 0; i < heads.length; i++) {
        if (heads[i] != null) {
          byte[] p = positionOf(i);
          if (min == null || Arrays.compareUnsigned(p, min) < 0) {
            min = p;
          }
        }
      }
      return min;
    }

    int currentTxIndex() {
      byte[] at = current();
      for (int i = 0; i < heads.length; i++) {
        if (heads[i] != null && Arrays.equals(positionOf(i), at)) {
          return ENTRIES.values().fromBytes(heads[i].value());
        }
      }
      throw new IllegalStateException("no current position");
    }

    /** Moves past the current position (every prefix at it: a log can match two of them). */
    void next() {
      byte[] at = current();
      for (int i = 0; i < heads.length; i++) {
        if (heads[i] != null && Arrays.equals(positionOf(i), at)) {
          advance(i);
        }
      }
    }

    /** Moves every prefix to its first position at or after {@code target}. */
    void seek(byte[] target) {
      for (int i = 0; i < heads.length; i++) {
        // A few steps are cheaper than a new iterator; a long way is a fresh seek.
        for (int step = 0; step < 4 && behind(i, target); step++) {
          advance(i);
        }
        if (behind(i, target)) {
          open(i, target);
        }
      }
    }

    private boolean behind(int i, byte[] target) {
      return heads[i] != null && Arrays.compareUnsigned(positionOf(i), target) < 0;
    }

    @Override
    public void close() {
      for (KeyValueCursor c : cursors) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  // ---- keys ----

  private static byte[] prefix(Address address) {
    return concat(new byte[] {ADDRESS}, address.toArray());
  }

  private static byte[] prefix(int topicPosition, Hash topic) {
    return concat(new byte[] {(byte) (TOPIC0 + topicPosition)}, topic.toArray());
  }

  private static byte[] position(long block, int logIndex) {
    return ByteBuffer.allocate(POSITION).putLong(block).putInt(logIndex).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
