package io.openledger.chain.store;

/**
 * The column families of the node's key-value store, each with a stable one-byte id.
 *
 * <p>The id, not the enum name, names the column on disk (the RocksDB column family is called by
 * the id byte), so constants may be renamed or reordered freely. An id is never reused: a column
 * that is dropped keeps its id as a retired entry, so an old database can never be misread as a new
 * column. Ids 0x01–0x3f belong to the chain, 0x40 and up are reserved for the later modules.
 */
public enum Column {
  /** State-tree nodes keyed by node hash (32 bytes); see docs/state-commitment.md. */
  TRIE_NODES(0x01),
  /** State roots per block: key = block number (8 bytes, big-endian), value = 32-byte root. */
  STATE_META(0x02),
  /** Block headers keyed by block hash. */
  BLOCK_HEADERS(0x03),
  /** Block bodies (transactions) keyed by block hash. */
  BLOCK_BODIES(0x04),
  /** Canonical block hash keyed by block number (8 bytes, big-endian, so iteration is in order). */
  BLOCK_HASH_BY_NUMBER(0x05),
  /** Receipts of a block keyed by block hash. */
  RECEIPTS(0x06),
  /** Where a transaction lives (block hash, index) keyed by transaction hash. */
  TX_LOCATION(0x07),
  /** Mempool transactions that must survive a restart, keyed by transaction hash. */
  PENDING_TXS(0x08),
  /** Chain-wide singletons: head block, genesis hash, schema version, ... keyed by name. */
  CHAIN_META(0x09),
  /**
   * Every log by address and by topic, so {@code eth_getLogs} over the whole chain reads only what
   * matches: key = kind ‖ address or topic ‖ block number (8) ‖ log index (4), value = transaction
   * index (4); see {@code chain.sequencer.LogIndex}.
   */
  LOG_INDEX(0x0a),
  /**
   * The pruner's journal: key = block number v (8 bytes, big-endian), value = the hashes (32 bytes
   * each) of the state-tree nodes that v's root no longer references; see {@code
   * chain.state.StatePruner}. Only written while the node prunes.
   */
  STALE_NODES(0x0b),
  /**
   * State-tree nodes created again while their deletion was pending: key = node hash, value = the
   * block number (8 bytes) that created them last; the pruner keeps such a node.
   */
  REVIVED_NODES(0x0c),

  /** Reserved: index of datanet contribution blobs (content hash to location). */
  DATANET_BLOBS(0x40),
  /** Reserved: model and adapter registry metadata. */
  MODEL_REGISTRY(0x41),
  /**
   * An operator's inference records (docs/economy.md, "Records") by record number (8 bytes,
   * big-endian), in the node's economy store.
   */
  ATTRIBUTION_RECORDS(0x42),
  /** Reserved: L1 settlement (posted batches, output roots, deposits seen). */
  L1_SETTLEMENT(0x43),
  /** Record number (8 bytes) keyed by the record's hash, the receipt id a client is given. */
  RECORD_BY_HASH(0x44);

  private final byte id;

  Column(int id) {
    this.id = (byte) id;
  }

  /** The stable on-disk id of this column. */
  public byte id() {
    return id;
  }

  /** The column with this on-disk id. */
  public static Column byId(byte id) {
    for (Column c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown column id 0x" + Integer.toHexString(id & 0xff));
  }
}
