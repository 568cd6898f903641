package io.openledger.chain.datanet;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;

/**
 * One piece of data submitted to a datanet. The data itself is off chain (the blob store); the
 * chain keeps its hash and size.
 *
 * @param id global, from 1
 * @param datanetId the datanet it was submitted to
 * @param contributor who submitted it (and is credited when it is used)
 * @param blobHash keccak-256 of the blob
 * @param size bytes of the blob
 * @param metadataHash keccak-256 of the contributor's metadata (off chain)
 * @param status pending, accepted or rejected
 * @param score the owner's validation score, 0..100 (0 until accepted)
 * @param submittedAt block timestamp of the submission, seconds
 */
public record Contribution(
    long id,
    long datanetId,
    Address contributor,
    Hash blobHash,
    long size,
    Hash metadataHash,
    ContributionStatus status,
    int score,
    long submittedAt) {

  /** Size of {@link #encode()}: 8 + 20 + 32 + 8 + 32 + 1 + 4 + 8. */
  public static final int ENCODED_SIZE = 113;

  /**
   * Storage encoding (the id is in the slot key), big-endian: datanetId, contributor, blobHash,
   * size, metadataHash, status, score, submittedAt.
   */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_SIZE)
        .putLong(datanetId)
        .put(contributor.toArray())
        .put(blobHash.toArray())
        .putLong(size)
        .put(metadataHash.toArray())
        .put((byte) status.code())
        .putInt(score)
        .putLong(submittedAt)
        .array();
  }

  public static Contribution decode(long id, byte[] encoded) {
    if (encoded.length != ENCODED_SIZE) {
      throw new IllegalArgumentException("not an encoded contribution");
    }
    ByteBuffer b = ByteBuffer.wrap(encoded);
    long datanetId = b.getLong();
    Address contributor = Address.wrap(bytes(b, Address.SIZE));
    Hash blobHash = Hash.wrap(bytes(b, Hash.SIZE));
    long size = b.getLong();
    Hash metadataHash = Hash.wrap(bytes(b, Hash.SIZE));
    ContributionStatus status =
        ContributionStatus.of(b.get())
            .orElseThrow(() -> new IllegalArgumentException("bad stored contribution status"));
    return new Contribution(
        id, datanetId, contributor, blobHash, size, metadataHash, status, b.getInt(), b.getLong());
  }

  /** This contribution with another status and score (the owner's decision). */
  public Contribution decided(ContributionStatus newStatus, int newScore) {
    return new Contribution(
        id, datanetId, contributor, blobHash, size, metadataHash, newStatus, newScore, submittedAt);
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
