package io.openledger.chain.sequencer;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.store.Column;
import io.openledger.chain.store.KeyRange;
import io.openledger.chain.store.KeyValue;
import io.openledger.chain.store.KeyValueCursor;
import io.openledger.chain.store.KeyValueReader;
import io.openledger.chain.store.Keys;
import io.openledger.chain.store.WriteBatch;
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
 *       block 0; {@code "chainId"} → 8 bytes BE; {@code "logIndex"} → present once every block is
 *       in the log index
 * </ul>
 */
public final class ChainStore {
  static final byte[] HEAD = meta("head");
  static final byte[] GENESIS = meta("genesis");
  static final byte[] CHAIN_ID = meta("chainId");

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
    byte[] h = hash.toArray();
    BlockHeader header = block.header();
    batch.put(Column.BLOCK_HEADERS, h, header.encode());
    byte[] number = Keys.longKey(header.number());
    batch.put(Column.BLOCK_HASH_BY_NUMBER, number, h);
    batch.put(Column.STATE_META, number, header.stateRoot().toArray());
    List<Transaction> txs = block.transactions();
    int firstLog = 0;
    for (int i = 0; i < txs.size(); i++) {
      Transaction tx = txs.get(i);
      byte[] key = indexKey(h, i);
      batch.put(Column.BLOCK_BODIES, key, concat(senders.get(i).toArray(), tx.encode()));
      Receipt r = receipts.get(i);
      batch.put(Column.RECEIPTS, key, concat(int4(firstLog), r.encodeForStorage()));
      firstLog += r.logs().size();
      byte[] txHash = tx.hash().toArray();
      batch.put(Column.TX_LOCATION, txHash, location(header.number(), i, h));
    }
    LogIndex.put(batch, header.number(), receipts);
    batch.put(Column.CHAIN_META, HEAD, h);
  }

  /** Marks the store as holding the chain that starts at this genesis. */
  public static void putGenesisMarker(WriteBatch batch, Hash genesisHash, long chainId) {
    batch.put(Column.CHAIN_META, GENESIS, genesisHash.toArray());
    batch.put(Column.CHAIN_META, CHAIN_ID, Keys.longKey(chainId));
    LogIndex.putIndexedMarker(batch);
  }

  public static void putPending(WriteBatch batch, Transaction tx) {
    batch.put(Column.PENDING_TXS, tx.hash().toArray(), tx.encode());
  }

  public static void deletePending(WriteBatch batch, Hash txHash) {
    batch.delete(Column.PENDING_TXS, txHash.toArray());
  }

  // ---- reads ----

  public Optional<Hash> headHash() {
    return reader.get(Column.CHAIN_META, HEAD).map(Hash::wrap);
  }

  public Optional<Hash> genesisHash() {
    return reader.get(Column.CHAIN_META, GENESIS).map(Hash::wrap);
  }

  public OptionalLong chainId() {
    Optional<byte[]> b = reader.get(Column.CHAIN_META, CHAIN_ID);
    return b.isPresent() ? OptionalLong.of(Keys.readLong(b.get())) : OptionalLong.empty();
  }

  public Optional<Hash> hashByNumber(long number) {
    if (number < 0) {
      return Optional.empty();
    }
    return reader.get(Column.BLOCK_HASH_BY_NUMBER, Keys.longKey(number)).map(Hash::wrap);
  }

  public Optional<BlockHeader> header(Hash blockHash) {
    return reader.get(Column.BLOCK_HEADERS, blockHash.toArray()).map(BlockHeader::decode);
  }

  /** A mined transaction with the sender stored beside it. */
  public record StoredTransaction(Transaction tx, Address sender) {}

  /** The transactions of a block in order (empty for an unknown block). */
  public List<StoredTransaction> body(Hash blockHash) {
    List<StoredTransaction> out = new ArrayList<>();
    try (KeyValueCursor c =
        reader.iterate(Column.BLOCK_BODIES, KeyRange.prefix(blockHash.toArray()))) {
      while (c.hasNext()) {
        out.add(storedTx(c.next().value()));
      }
    }
    return out;
  }

  public Optional<StoredTransaction> transaction(Hash blockHash, int index) {
    if (index < 0) {
      return Optional.empty();
    }
    return reader
        .get(Column.BLOCK_BODIES, indexKey(blockHash.toArray(), index))
        .map(ChainStore::storedTx);
  }

  /** Where a mined transaction is. */
  public record Location(long blockNumber, int index, Hash blockHash) {}

  public Optional<Location> location(Hash txHash) {
    return reader
        .get(Column.TX_LOCATION, txHash.toArray())
        .map(
            b -> {
              ByteBuffer buf = ByteBuffer.wrap(b);
              long number = buf.getLong();
              int index = buf.getInt();
              byte[] h = new byte[Hash.SIZE];
              buf.get(h);
              return new Location(number, index, Hash.wrap(h));
            });
  }

  /** A receipt and the block-wide index of its first log. */
  public record StoredReceipt(Receipt receipt, int firstLogIndex) {}

  public Optional<StoredReceipt> receipt(Hash blockHash, int index) {
    if (index < 0) {
      return Optional.empty();
    }
    return reader
        .get(Column.RECEIPTS, indexKey(blockHash.toArray(), index))
        .map(ChainStore::storedReceipt);
  }

  public List<StoredReceipt> receipts(Hash blockHash) {
    List<StoredReceipt> out = new ArrayList<>();
    try (KeyValueCursor c = reader.iterate(Column.RECEIPTS, KeyRange.prefix(blockHash.toArray()))) {
      while (c.hasNext()) {
        out.add(storedReceipt(c.next().value()));
      }
    }
    return out;
  }

  /** Raw encodings of the persisted pending transactions, in hash order. */
  public List<byte[]> pendingEncodings() {
    List<byte[]> out = new ArrayList<>();
    try (KeyValueCursor c = reader.iterate(Column.PENDING_TXS, KeyRange.all())) {
      while (c.hasNext()) {
        KeyValue kv = c.next();
        out.add(kv.value());
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

  private static byte[] meta(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }
}
