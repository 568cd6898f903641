package io.openledger.chain.model;

import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What a model registered with {@code registerTrainedModel} recorded about its training.
 *
 * @param reportHash keccak-256 of the factory's {@code training.json} (the exact bytes)
 * @param trainingFee the training licence fees it paid, base units (the sum over its datanets)
 */
public record TrainingReport(Hash reportHash, Amount trainingFee) {
  /** What {@code trainingReport} returns for a model registered without a report. */
  public static final TrainingReport NONE = new TrainingReport(Hash.ZERO, Amount.ZERO);

  public TrainingReport {
    Objects.requireNonNull(reportHash, "reportHash");
    Objects.requireNonNull(trainingFee, "trainingFee");
  }

  /** Storage encoding: reportHash 32, trainingFee 32 (big-endian). */
  public byte[] encode() {
    return ByteBuffer.allocate(64).put(reportHash.toArray()).put(trainingFee.toBytes32()).array();
  }

  public static TrainingReport decode(byte[] encoded) {
    if (encoded.length != 64) {
      throw new IllegalArgumentException("not an encoded training report");
    }
    byte[] hash = new byte[32];
    byte[] fee = new byte[32];
    ByteBuffer.wrap(encoded).get(hash).get(fee);
    return new TrainingReport(Hash.wrap(hash), Amount.fromBytes(fee));
  }
}
