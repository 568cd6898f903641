package io.openledger.chain.block;

import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.types.Amount;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one transaction in a block.
 *
 * <p>{@link #encode()} is Ethereum's consensus encoding (EIP-2718 typed receipts): {@code
 * rlp([status, cumulativeGasUsed, logsBloom, logs])}, prefixed by the type byte for typed
 * transactions; status is 1 (success) or empty (failure). The receipts root commits to these bytes.
 * {@link #encodeForStorage()} adds the fields JSON-RPC shows but consensus leaves out (gas used by
 * this transaction, effective gas price).
 *
 * @param cumulativeGasUsed gas used by this and all earlier transactions of the block
 * @param gasUsed gas used by this transaction
 * @param effectiveGasPrice base units per gas actually paid
 * @param bloom the bloom of {@link #logs()}; use {@link #of} to compute it
 */
public record Receipt(
    TransactionType type,
    boolean success,
    long cumulativeGasUsed,
    long gasUsed,
    Amount effectiveGasPrice,
    List<Log> logs,
    LogsBloom bloom) {

  public Receipt {
    logs = List.copyOf(logs);
    if (cumulativeGasUsed < 0 || gasUsed < 0 || gasUsed > cumulativeGasUsed) {
      throw new IllegalArgumentException(
          "need 0 <= gasUsed <= cumulativeGasUsed, got " + gasUsed + " and " + cumulativeGasUsed);
    }
  }

  /** A receipt with its bloom computed from the logs. */
  public static Receipt of(
      TransactionType type,
      boolean success,
      long cumulativeGasUsed,
      long gasUsed,
      Amount effectiveGasPrice,
      List<Log> logs) {
    return new Receipt(
        type, success, cumulativeGasUsed, gasUsed, effectiveGasPrice, logs, LogsBloom.of(logs));
  }

  /** Ethereum's consensus encoding (what the receipts root commits to). */
  public byte[] encode() {
    byte[][] l = new byte[logs.size()][];
    for (int i = 0; i < l.length; i++) {
      l[i] = logs.get(i).encode();
    }
    byte[] body =
        Rlp.encodeList(
            success ? Rlp.encodeLong(1) : Rlp.EMPTY_STRING,
            Rlp.encodeLong(cumulativeGasUsed),
            Rlp.encodeBytes(bloom.toArray()),
            Rlp.encodeList(l));
    return type == TransactionType.LEGACY
        ? body
        : Rlp.concat(new byte[] {(byte) type.code()}, body);
  }

  /**
   * Decodes the consensus encoding; the two fields it lacks are supplied.
   *
   * @throws IllegalArgumentException if the bytes are not a canonical receipt
   */
  public static Receipt decode(byte[] consensus, long gasUsed, Amount effectiveGasPrice) {
    try {
      return read(consensus, gasUsed, effectiveGasPrice);
    } catch (RlpException e) {
      throw new IllegalArgumentException("malformed receipt: " + e.getMessage());
    }
  }

  /** {@code rlp([consensusEncoding, gasUsed, effectiveGasPrice])}. */
  public byte[] encodeForStorage() {
    return Rlp.encodeList(
        Rlp.encodeBytes(encode()),
        Rlp.encodeLong(gasUsed),
        Rlp.encodeBigInteger(effectiveGasPrice.value()));
  }

  /**
   * @throws IllegalArgumentException if the bytes are not {@link #encodeForStorage()} output
   */
  public static Receipt decodeFromStorage(byte[] stored) {
    try {
      RlpReader top = RlpReader.of(stored);
      RlpReader f = top.readList("storedReceipt", "");
      byte[] consensus = f.readBytes("[]uint8", "(storedReceipt).Receipt");
      long gasUsed = f.readUint64("(storedReceipt).GasUsed");
      Amount price = Amount.of(f.readUint256("(storedReceipt).EffectiveGasPrice"));
      f.requireEnd();
      top.requireEnd();
      return read(consensus, gasUsed, price);
    } catch (RlpException e) {
      throw new IllegalArgumentException("malformed stored receipt: " + e.getMessage());
    }
  }

  private static Receipt read(byte[] b, long gasUsed, Amount price) throws RlpException {
    if (b.length == 0) {
      throw new RlpException("rlp: empty receipt");
    }
    TransactionType type;
    RlpReader top;
    if ((b[0] & 0xff) >= 0xc0) {
      type = TransactionType.LEGACY;
      top = RlpReader.of(b);
    } else if (b[0] == 1 || b[0] == 2 || b[0] == DepositTransaction.TYPE) {
      type =
          switch (b[0]) {
            case 1 -> TransactionType.EIP2930;
            case 2 -> TransactionType.EIP1559;
            default -> TransactionType.DEPOSIT;
          };
      top = RlpReader.of(b, 1, b.length - 1);
    } else {
      throw new RlpException("transaction type not supported");
    }
    RlpReader f = top.readList("types.Receipt", "");
    byte[] status = f.readBytes("[]uint8", "(types.Receipt).Status");
    if (status.length > 1 || (status.length == 1 && status[0] != 1)) {
      throw new RlpException("rlp: invalid receipt status");
    }
    long cumulative = f.readUint64("(types.Receipt).CumulativeGasUsed");
    LogsBloom bloom =
        LogsBloom.wrap(f.readFixed(LogsBloom.BYTES, "types.Bloom", "(types.Receipt).Bloom"));
    RlpReader l = f.readList("[]*types.Log", "(types.Receipt).Logs");
    List<Log> logs = new ArrayList<>();
    while (l.hasNext()) {
      logs.add(Log.read(l));
    }
    f.requireEnd();
    top.requireEnd();
    if (cumulative < 0 || gasUsed < 0 || gasUsed > cumulative) {
      throw new RlpException("rlp: receipt gas out of range");
    }
    return new Receipt(type, status.length == 1, cumulative, gasUsed, price, logs, bloom);
  }
}
