package io.openledger.chain.block;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.Arrays;

/**
 * A block header. Its hash is keccak256 of {@link #encode()}: {@code rlp([parentHash, number,
 * timestamp, stateRoot, transactionsRoot, receiptsRoot, logsBloom, gasUsed, gasLimit,
 * baseFeePerGas, sequencer, extraData])}. The field set is Ethereum's minus proof-of-work fields,
 * so the hash is this chain's own (no wallet recomputes block hashes).
 *
 * @param number height; genesis is 0
 * @param timestamp seconds since the Unix epoch, set by the sequencer
 * @param stateRoot the state commitment after this block (the exec engineer's tree)
 * @param transactionsRoot {@link OrderedMerkleRoot} over the transaction hashes
 * @param receiptsRoot {@link OrderedMerkleRoot} over keccak256 of each receipt's consensus encoding
 * @param logsBloom union of the receipts' blooms
 * @param gasUsed gas used by all transactions
 * @param gasLimit the most gas the block may use
 * @param baseFeePerGas EIP-1559 base fee, base units per gas
 * @param sequencer who made the block; JSON-RPC shows it as {@code miner}; priority fees go here
 * @param extraData at most 32 bytes, as in Ethereum
 */
public record BlockHeader(
    Hash parentHash,
    long number,
    long timestamp,
    Hash stateRoot,
    Hash transactionsRoot,
    Hash receiptsRoot,
    LogsBloom logsBloom,
    long gasUsed,
    long gasLimit,
    Amount baseFeePerGas,
    Address sequencer,
    byte[] extraData) {
  public static final int MAX_EXTRA_DATA = 32;

  public BlockHeader {
    if (number < 0 || timestamp < 0 || gasUsed < 0 || gasLimit < 0) {
      throw new IllegalArgumentException("header numbers must not be negative");
    }
    if (extraData.length > MAX_EXTRA_DATA) {
      throw new IllegalArgumentException("extra data is at most 32 bytes, got " + extraData.length);
    }
    extraData = extraData.clone();
  }

  @Override
  public byte[] extraData() {
    return extraData.clone();
  }

  /**
   * keccak256 of the encoding. Computed on each call (about 2 µs): keep it if you need it often.
   */
  public Hash hash() {
    return Hash.keccak256(encode());
  }

  public byte[] encode() {
    return Rlp.encodeList(
        Rlp.encodeBytes(parentHash.toArray()),
        Rlp.encodeLong(number),
        Rlp.encodeLong(timestamp),
        Rlp.encodeBytes(stateRoot.toArray()),
        Rlp.encodeBytes(transactionsRoot.toArray()),
        Rlp.encodeBytes(receiptsRoot.toArray()),
        Rlp.encodeBytes(logsBloom.toArray()),
        Rlp.encodeLong(gasUsed),
        Rlp.encodeLong(gasLimit),
        Rlp.encodeBigInteger(baseFeePerGas.value()),
        Rlp.encodeBytes(sequencer.toArray()),
        Rlp.encodeBytes(extraData));
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a canonical header encoding
   */
  public static BlockHeader decode(byte[] encoded) {
    try {
      RlpReader top = RlpReader.of(encoded);
      BlockHeader h = read(top);
      top.requireEnd();
      return h;
    } catch (RlpException e) {
      throw new IllegalArgumentException("malformed block header: " + e.getMessage());
    }
  }

  static BlockHeader read(RlpReader in) throws RlpException {
    RlpReader f = in.readList("types.Header", "");
    Hash parent = hash(f, "ParentHash");
    long number = uint(f, "Number");
    long timestamp = uint(f, "Time");
    Hash stateRoot = hash(f, "Root");
    Hash txRoot = hash(f, "TxHash");
    Hash receiptRoot = hash(f, "ReceiptHash");
    LogsBloom bloom =
        LogsBloom.wrap(f.readFixed(LogsBloom.BYTES, "types.Bloom", "(types.Header).Bloom"));
    long gasUsed = uint(f, "GasUsed");
    long gasLimit = uint(f, "GasLimit");
    Amount baseFee = Amount.of(f.readUint256("(types.Header).BaseFee"));
    Address sequencer =
        Address.wrap(f.readFixed(Address.SIZE, "common.Address", "(types.Header).Coinbase"));
    byte[] extra = f.readBytes("[]uint8", "(types.Header).Extra");
    f.requireEnd();
    if (extra.length > MAX_EXTRA_DATA) {
      throw new RlpException("rlp: extra data longer than 32 bytes");
    }
    return new BlockHeader(
        parent,
        number,
        timestamp,
        stateRoot,
        txRoot,
        receiptRoot,
        bloom,
        gasUsed,
        gasLimit,
        baseFee,
        sequencer,
        extra);
  }

  private static Hash hash(RlpReader f, String field) throws RlpException {
    return Hash.wrap(f.readFixed(Hash.SIZE, "common.Hash", "(types.Header)." + field));
  }

  private static long uint(RlpReader f, String field) throws RlpException {
    long v = f.readUint64("(types.Header)." + field);
    if (v < 0) {
      throw new RlpException("rlp: header " + field + " exceeds 2^63-1");
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockHeader h && Arrays.equals(encode(), h.encode());
  }

  @Override
  public int hashCode() {
    return hash().hashCode();
  }

  @Override
  public String toString() {
    return "BlockHeader[#" + number + " " + hash() + "]";
  }
}
