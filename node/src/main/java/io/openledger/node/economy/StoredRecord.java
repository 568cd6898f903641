package io.openledger.node.economy;

import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import java.util.List;
import java.util.Objects;

/**
 * A record as the operator keeps and publishes it: the signed {@link InferenceRecord} and the
 * output text its {@code outputHash} commits to, so anyone can recompute the attribution from the
 * model's datanet-version indexes. Stored as {@code abi.encode(bytes record, string output)}.
 */
public record StoredRecord(InferenceRecord record, String output) {
  private static final List<AbiType> TYPES = List.of(AbiType.BYTES, AbiType.STRING);

  public StoredRecord {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(output, "output");
  }

  public byte[] encode() {
    return Abi.encode(TYPES, List.of(record.encode(), output));
  }

  /**
   * @throws io.openledger.chain.module.AbiDecodingException if the bytes are not a stored record
   */
  public static StoredRecord decode(byte[] bytes) {
    List<Object> v = Abi.decode(TYPES, bytes);
    return new StoredRecord(InferenceRecord.decode((byte[]) v.get(0)), (String) v.get(1));
  }

  /** The receipt id clients are given: the record hash in hex. */
  public String receiptId() {
    return record.hash().toHex();
  }
}
