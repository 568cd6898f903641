package io.openledger.chain.store;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the chain lives in the key-value store, written by the sequencer (one batch per block) and
 * read by the ledger (through a snapshot or the live store). Layout, per {@link Column}:
 *
 * <ul>
 *   <li>{@code BLOCK_HEADERS}: block hash → header RLP
 *   <li>{@code BLOCK_BODIES}: block hash ++ index (4 bytes BE) → sender (20 bytes) ++ canonical tx
 *       encoding; one entry per transaction, so one transaction is one read, and the sender is
 *       never recovered again
 *   <li>{@code RECEIPTS}: block hash ++ index → index of the receipt's first log in the block (4
 *       bytes BE) ++ {@link Receipt#encodeForStorage()}
 *   <li>{@code TX_LOCATION}: tx hash → block number (8) ++ index (4) ++ block hash (32)
 *   <li>{@code BLOCK_HASH_BY_NUMBER}: number (8 bytes BE) → block hash
 *   <li>{@code STATE_META}: number → state root
 *   <li>{@code PENDING_TXS}: tx hash → canonical encoding (admitted, not yet mined); the ledger
 *       keeps these in a store of their own (see {@code NodeLedger}), so that admissions never wait
 *       behind a block's synced write
 *   <li>{@code LOG_INDEX}: every log by address and topic, see {@link LogIndex}
 *   <li>{@code CHAIN_META}: {@code "head"} → hash of the latest block; {@code "genesis"} → hash of
 *       block 0; {@code "chainId"} → 8 bytes BE; {@code "schemaVersion"} → 8 bytes BE, see {@link
 *       #SCHEMA_VERSION}; {@code "logIndex"} → present once every block is in the log index; the
 *       pruner's progress ({@code chain.state.StatePruner})
 * </ul>
 *
 * Every column is read and written through a {@link TypedColumn} declared here, so a key's and a
 * value's types are checked by the compiler.
 */
public final class ChainStore {
  /**
   * The layout version this code writes and reads. Stores written before versions existed have the
   * same layout as version 1 and are read as version 1 (the marker is added when the node opens
   * them); a store of a newer version is refused.
   */
  public static final long SCHEMA_VERSION = 1;

  static final String HEAD = "head";
  static final String GENESIS = "genesis";
  static final String CHAIN_ID = "chainId";
  static final String SCHEMA = "schemaVersion";

  /** A transaction's or receipt's place: the block's hash ‖ its index (4 bytes, big-endian). */
  public record TxKey(Hash block, int index) {}

  static final Serializer<TxKey> TX_KEY =
      Serializer.of(
          k -> indexKey(k.block().toArray(), k.index()),
          b -> new TxKey(Hash.wrap(Arrays.copyOf(b, Hash.SIZE)), ByteBuffer.wrap(b).getInt(32)));

  static final TypedColumn<Hash, BlockHeader> HEADERS =
      TypedColumn.of(
          Column.BLOCK_HEADERS,
          Serializer.HASH,
          Serializer.of(BlockHeader::encode, BlockHeader::decode));
  static final TypedColumn<Long, Hash> HASH_BY_NUMBER =
      TypedColumn.of(Column.BLOCK_HASH_BY_NUMBER, Serializer.LONG, Serializer.HASH);
  static final TypedColumn<Long, Hash> STATE_ROOTS =
      TypedColumn.of(Column.STATE_META, Serializer.LONG, Serializer.HASH);
  static final TypedColumn<TxKey, StoredTransaction> BODIES =
      TypedColumn.of(
          Column.BLOCK_BODIES,
          TX_KEY,
          Serializer.of(t -> concat(t.sender().toArray(), t.tx().encode()), ChainStore::storedTx));
  static final TypedColumn<TxKey, StoredReceipt> RECEIPTS =
      TypedColumn.of(
          Column.RECEIPTS,
          TX_KEY,
          Serializer.of(
              r -> concat(int4(r.firstLogIndex()), r.receipt().encodeForStorage()),
              ChainStore::storedReceipt));
  static final TypedColumn<Hash, Location> LOCATIONS =
      TypedColumn.of(
          Column.TX_LOCATION,
          Serializer.HASH,
          Serializer.of(
              l -> location(l.blockNumber(), l.index(), l.blockHash().toArray()),
              ChainStore::location));
  static final TypedColumn<Hash, byte[]> PENDING =
      TypedColumn.of(Column.PENDING_TXS, Serializer.HASH, Serializer.BYTES);
  static final TypedColumn<String, Hash> META_HASHES =
      TypedColumn.of(Column.CHAIN_META, Serializer.UTF8, Serializer.HASH);
  static final TypedColumn<String, Long> META_NUMBERS =
      TypedColumn.of(Column.CHAIN_META, Serializer.UTF8, Serializer.LONG);

  private final KeyValueReader reader;

  public ChainStore(KeyValueReader reader) {
    this.reader = reader;
  }

  // ---- writes: each goes into the caller's batch ----

  /**
   * Puts a block, its senders and receipts, its number index, state root and log index entries, and
   * moves the head to it. {@code senders.get(i)} signed {@code block.transactions().get(i)}.
   */
  public static void putBlock(
      WriteBatch batch, Block block, List<Address> senders, List<Receipt> receipts) {
    Hash hash = block.hash();
    BlockHeader header = block.header();
    batch.put(HEADERS, hash, header);
    batch.put(HASH_BY_NUMBER, header.number(), hash);
    batch.put(STATE_ROOTS, header.number(), header.stateRoot());
    List<Transaction> txs = block.transactions();
    int firstLog = 0;
    for (int i = 0; i < txs.size(); i++) {
      Transaction tx = txs.get(i);
      TxKey key = new TxKey(hash, i);
      batch.put(BODIES, key, new StoredTransaction(tx, senders.get(i)));
      Receipt r = receipts.get(i);
      batch.put(RECEIPTS, key, new StoredReceipt(r, firstLog));
      firstLog += r.logs().size();
      batch.put(LOCATIONS, tx.hash(), new Location(header.number(), i, hash));
    }
    LogIndex.put(batch, header.number(), receipts);
    batch.put(META_HASHES, HEAD, hash);
  }

  /**
   * Marks the store as holding the chain that starts at this genesis, in layout {@link
   * #SCHEMA_VERSION}.
   */
  public static void putGenesisMarker(WriteBatch batch, Hash genesisHash, long chainId) {
    batch.put(META_HASHES, GENESIS, genesisHash);
    batch.put(META_NUMBERS, CHAIN_ID, chainId);
    putSchemaVersion(batch);
    LogIndex.putIndexedMarker(batch);
  }

  /** Records that the store is in layout {@link #SCHEMA_VERSION}. */
  public static void putSchemaVersion(WriteBatch batch) {
    batch.put(META_NUMBERS, SCHEMA, SCHEMA_VERSION);
  }

  public static void putPending(WriteBatch batch, Transaction tx) {
    batch.put(PENDING, tx.hash(), tx.encode());
  }

  public static void deletePending(WriteBatch batch, Hash txHash) {
    batch.delete(PENDING, txHash);
  }

  // ---- reads ----

  public Optional<Hash> headHash() {
    return reader.get(META_HASHES, HEAD);
  }

  public Optional<Hash> genesisHash() {
    return reader.get(META_HASHES, GENESIS);
  }

  public OptionalLong chainId() {
    Optional<Long> id = reader.get(META_NUMBERS, CHAIN_ID);
    return id.isPresent() ? OptionalLong.of(id.get()) : OptionalLong.empty();
  }

  /**
   * The store's layout version; empty for a store written before versions existed (read it as
   * version 1) or an empty store.
   *
   * @throws IllegalStateException if the stored version is not 8 bytes
   */
  public OptionalLong schemaVersion() {
    Optional<byte[]> raw = reader.get(Column.CHAIN_META, SCHEMA.getBytes(StandardCharsets.UTF_8));
    if (raw.isEmpty()) {
      return OptionalLong.empty();
    }
    if (raw.get().length != 8) {
      throw new IllegalStateException(
          "the store's schema version is "
              + raw.get().length
              + " bytes, not 8: not a node's store");
    }
    return OptionalLong.of(META_NUMBERS.values().fromBytes(raw.get()));
  }

  public Optional<Hash> hashByNumber(long number) {
    if (number < 0) {
      return Optional.empty();
    }
    return reader.get(HASH_BY_NUMBER, number);
  }

  public Optional<BlockHeader> header(Hash blockHash) {
    return reader.get(HEADERS, blockHash);
  }

  /** A mined transaction with the sender stored beside it. */
  public record StoredTransaction(Transaction tx, Address sender) {}

  /** The transactions of a block in order (empty for an unknown block). */
  public List<StoredTransaction> body(Hash blockHash) {
    List<StoredTransaction> out = new ArrayList<>();
    try (KeyValueCursor c = reader.iterate(BODIES.column(), KeyRange.prefix(blockHash.toArray()))) {
      while (c.hasNext()) {
        out.add(BODIES.values().fromBytes(c.next().value()));
      }
    }
    return out;
  }

  public Optional<StoredTransaction> transaction(Hash blockHash, int index) {
    if (index < 0) {
      return Optional.empty();
    }
    return reader.get(BODIES, new TxKey(blockHash, index));
  }

  /** Where a mined transaction is. */
  public record Location(long blockNumber, int index, Hash blockHash) {}

  public Optional<Location> location(Hash txHash) {
    return reader.get(LOCATIONS, txHash);
  }

  /** A receipt and the block-wide index of its first log. */
  public record StoredReceipt(Receipt receipt, int firstLogIndex) {}

  public Optional<StoredReceipt> receipt(Hash blockHash, int index) {
    if (index < 0) {
      return Optional.empty();
    }
    return reader.get(RECEIPTS, new TxKey(blockHash, index));
  }

  public List<StoredReceipt> receipts(Hash blockHash) {
    List<StoredReceipt> out = new ArrayList<>();
    try (KeyValueCursor c =
        reader.iterate(RECEIPTS.column(), KeyRange.prefix(blockHash.toArray()))) {
      while (c.hasNext()) {
        out.add(RECEIPTS.values().fromBytes(c.next().value()));
      }
    }
    return out;
  }

  /** Raw encodings of the persisted pending transactions, in hash order. */
  public List<byte[]> pendingEncodings() {
    List<byte[]> out = new ArrayList<>();
    try (KeyValueCursor c = reader.iterate(PENDING.column(), KeyRange.all())) {
      while (c.hasNext()) {
        out.add(PENDING.values().fromBytes(c.next().value()));
      }
    }
    return out;
  }

  // ---- encodings ----

  private static StoredTransaction storedTx(byte[] value) {
    Address sender = Address.wrap(Arrays.copyOfRange(value, 0, Address.SIZE));
    Transaction tx =
        TransactionDecoder.decodeStored(Arrays.copyOfRange(value, Address.SIZE, value.length));
    return new StoredTransaction(tx, sender);
  }

  private static StoredReceipt storedReceipt(byte[] value) {
    int firstLog = ByteBuffer.wrap(value, 0, 4).getInt();
    return new StoredReceipt(
        Receipt.decodeFromStorage(Arrays.copyOfRange(value, 4, value.length)), firstLog);
  }

  static byte[] indexKey(byte[] blockHash, int index) {
    return ByteBuffer.allocate(Hash.SIZE + 4).put(blockHash).putInt(index).array();
  }

  private static Location location(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    long number = buf.getLong();
    int index = buf.getInt();
    byte[] h = new byte[Hash.SIZE];
    buf.get(h);
    return new Location(number, index, Hash.wrap(h));
  }

  private static byte[] location(long number, int index, byte[] blockHash) {
    return ByteBuffer.allocate(8 + 4 + Hash.SIZE)
        .putLong(number)
        .putInt(index)
        .put(blockHash)
        .array();
  }

  private static byte[] int4(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
