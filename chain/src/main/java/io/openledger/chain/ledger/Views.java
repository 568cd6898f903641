package io.openledger.chain.ledger;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.sequencer.CommittedBlock;
import io.openledger.chain.tx.Eip1559Transaction;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.List;

/** Turns stored chain objects into the views JSON-RPC renders. */
final class Views {
  private Views() {}

  /**
   * @param inclusion null while pending
   * @param blockBaseFee base fee of the block it was mined in (for the effective gas price), or
   *     null while pending
   */
  static TransactionView transaction(
      Transaction tx, Address sender, TransactionView.Inclusion inclusion, Amount blockBaseFee) {
    // Legacy and type 1 sign one gas price; only type 2 has fee caps.
    boolean singlePrice = !(tx instanceof Eip1559Transaction);
    Amount gasPrice =
        singlePrice || blockBaseFee == null
            ? tx.maxFeePerGas()
            : tx.effectiveGasPrice(blockBaseFee);
    List<TransactionView.AccessListEntry> access =
        tx.accessList().stream()
            .map(e -> new TransactionView.AccessListEntry(e.address(), e.storageKeys()))
            .toList();
    return new TransactionView(
        tx.hash(),
        tx.type().code(),
        tx.chainId().isPresent() ? tx.chainId().getAsLong() : null,
        tx.nonce(),
        sender,
        tx.to().orElse(null),
        tx.value(),
        tx.data(),
        tx.gasLimit(),
        gasPrice,
        singlePrice ? null : tx.maxFeePerGas(),
        singlePrice ? null : tx.maxPriorityFeePerGas(),
        access,
        tx.v(),
        tx.signature().r(),
        tx.signature().s(),
        inclusion);
  }

  static List<LogView> logs(
      Receipt receipt,
      int firstLogIndex,
      long blockNumber,
      Hash blockHash,
      Hash txHash,
      int txIndex) {
    List<LogView> out = new ArrayList<>(receipt.logs().size());
    int i = firstLogIndex;
    for (Log log : receipt.logs()) {
      out.add(
          new LogView(
              log.address(),
              log.topics(),
              log.data(),
              blockNumber,
              blockHash,
              txHash,
              txIndex,
              i++,
              false));
    }
    return out;
  }

  static ReceiptView receipt(
      Receipt receipt,
      int firstLogIndex,
      Transaction tx,
      Address sender,
      BlockHeader header,
      Hash blockHash,
      int index) {
    return new ReceiptView(
        tx.hash(),
        index,
        blockHash,
        header.number(),
        sender,
        tx.to().orElse(null),
        receipt.cumulativeGasUsed(),
        receipt.gasUsed(),
        receipt.effectiveGasPrice(),
        receipt.success(),
        logs(receipt, firstLogIndex, header.number(), blockHash, tx.hash(), index),
        receipt.bloom().toArray(),
        receipt.type().code(),
        null);
  }

  static BlockView block(BlockHeader h, Hash hash, long size, List<TransactionView> transactions) {
    return new BlockView(
        h.number(),
        hash,
        h.parentHash(),
        h.timestamp(),
        h.stateRoot(),
        h.transactionsRoot(),
        h.receiptsRoot(),
        h.logsBloom().toArray(),
        h.gasUsed(),
        h.gasLimit(),
        h.baseFeePerGas(),
        h.sequencer(),
        h.extraData(),
        size,
        transactions);
  }

  /** A block the sequencer just committed, as {@code eth_getBlockByNumber} would show it. */
  static BlockView committed(CommittedBlock committed) {
    Block block = committed.block();
    List<TransactionView> txs = new ArrayList<>();
    for (int i = 0; i < block.transactions().size(); i++) {
      txs.add(
          transaction(
              block.transactions().get(i),
              committed.senders().get(i),
              new TransactionView.Inclusion(committed.hash(), block.number(), i),
              block.header().baseFeePerGas()));
    }
    return block(
        block.header(), committed.hash(), encodedSize(block.header(), block.transactions()), txs);
  }

  /** The logs of a block the sequencer just committed, in block order. */
  static List<LogView> committedLogs(CommittedBlock committed) {
    Block block = committed.block();
    List<LogView> logs = new ArrayList<>();
    List<Transaction> txs = block.transactions();
    int firstLog = 0;
    for (int i = 0; i < txs.size(); i++) {
      Receipt receipt = committed.receipts().get(i);
      logs.addAll(logs(receipt, firstLog, block.number(), committed.hash(), txs.get(i).hash(), i));
      firstLog += receipt.logs().size();
    }
    return logs;
  }

  /**
   * Bytes of {@link Block#encode()}, {@code rlp([header, [bytes(tx)...]])}, without encoding it
   * again: a block of 10,000 transfers is about a megabyte.
   */
  static long encodedSize(BlockHeader header, List<Transaction> txs) {
    long list = 0;
    for (Transaction tx : txs) {
      list += rlpLength(tx.size(), false);
    }
    long body = header.encode().length + rlpLength(list, true);
    return rlpLength(body, true);
  }

  /** Length of an RLP item whose payload is {@code payload} bytes (a list, or a byte string). */
  private static long rlpLength(long payload, boolean list) {
    if (!list && payload == 1) {
      return 1; // a single byte below 0x80 encodes as itself; a transaction is never that short
    }
    if (payload < 56) {
      return 1 + payload;
    }
    int lengthBytes = (64 - Long.numberOfLeadingZeros(payload) + 7) / 8;
    return 1 + lengthBytes + payload;
  }
}
