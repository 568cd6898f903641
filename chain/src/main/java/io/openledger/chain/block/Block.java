package io.openledger.chain.block;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionDecoder;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;

/**
 * A header and its transactions, in execution order. Encoding for storage: {@code rlp([header,
 * [tx_0, tx_1, ...]])} where each {@code tx_i} is a byte string holding the transaction's canonical
 * encoding (so legacy and typed transactions are stored alike).
 */
public record Block(BlockHeader header, List<Transaction> transactions) {
  public Block {
    transactions = List.copyOf(transactions);
  }

  public Hash hash() {
    return header.hash();
  }

  public long number() {
    return header.number();
  }

  /** The {@link OrderedMerkleRoot} over the transactions' hashes, as the header should hold. */
  public static Hash transactionsRoot(List<Transaction> transactions) {
    List<Hash> hashes = new ArrayList<>(transactions.size());
    for (Transaction tx : transactions) {
      hashes.add(tx.hash());
    }
    return OrderedMerkleRoot.of(hashes);
  }

  /** The {@link OrderedMerkleRoot} over keccak256 of each receipt's consensus encoding. */
  public static Hash receiptsRoot(List<Receipt> receipts) {
    List<byte[]> encoded = new ArrayList<>(receipts.size());
    for (Receipt r : receipts) {
      encoded.add(r.encode());
    }
    return OrderedMerkleRoot.ofEncoded(encoded);
  }

  /** The union of the receipts' blooms, as the header's logsBloom. */
  public static LogsBloom logsBloom(List<Receipt> receipts) {
    List<LogsBloom> blooms = new ArrayList<>(receipts.size());
    for (Receipt r : receipts) {
      blooms.add(r.bloom());
    }
    return LogsBloom.union(blooms);
  }

  public byte[] encode() {
    byte[][] txs = new byte[transactions.size()][];
    for (int i = 0; i < txs.length; i++) {
      txs[i] = Rlp.encodeBytes(transactions.get(i).encode());
    }
    return Rlp.encodeList(header.encode(), Rlp.encodeList(txs));
  }

  /**
   * Decodes {@link #encode()} output. Transactions are checked for structure only (they were
   * validated before the block was made); senders are recovered lazily.
   *
   * @throws IllegalArgumentException if the bytes are malformed
   */
  public static Block decode(byte[] encoded) {
    try {
      RlpReader top = RlpReader.of(encoded);
      RlpReader f = top.readList("types.Block", "");
      BlockHeader header = BlockHeader.read(f);
      RlpReader txs = f.readList("[]*types.Transaction", "(types.Block).Transactions");
      List<Transaction> transactions = new ArrayList<>();
      while (txs.hasNext()) {
        byte[] tx = txs.readBytes("[]uint8", "(types.Block).Transactions");
        try {
          transactions.add(TransactionDecoder.decodeStored(tx));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "malformed block: transaction " + transactions.size() + ": " + e.getMessage());
        }
      }
      f.requireEnd();
      top.requireEnd();
      return new Block(header, transactions);
    } catch (RlpException e) {
      throw new IllegalArgumentException("malformed block: " + e.getMessage());
    }
  }
}
