package io.openledger.chain.datanet;

import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;

/**
 * A published version of a datanet: its first {@code acceptedCount} accepted contributions, in
 * acceptance order. Models are registered on versions, never on a datanet that may still change.
 *
 * @param datanetId the datanet
 * @param version from 1
 * @param contributionsRoot root of the accepted set ({@link ContributionsMerkle})
 * @param indexHash keccak-256 of the version's attribution index
 * @param acceptedCount how many accepted contributions the version holds
 * @param publishedAt block timestamp of the publication, seconds
 */
public record DatanetVersion(
    long datanetId,
    int version,
    Hash contributionsRoot,
    Hash indexHash,
    long acceptedCount,
    long publishedAt) {

  /** Size of {@link #encode()}: 32 + 32 + 8 + 8. */
  public static final int ENCODED_SIZE = 80;

  /**
   * Storage encoding (datanet and version are in the slot key), big-endian: contributionsRoot,
   * indexHash, acceptedCount, publishedAt.
   */
  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_SIZE)
        .put(contributionsRoot.toArray())
        .put(indexHash.toArray())
        .putLong(acceptedCount)
        .putLong(publishedAt)
        .array();
  }

  public static DatanetVersion decode(long datanetId, int version, byte[] encoded) {
    if (encoded.length != ENCODED_SIZE) {
      throw new IllegalArgumentException("not an encoded datanet version");
    }
    ByteBuffer b = ByteBuffer.wrap(encoded);
    byte[] root = new byte[Hash.SIZE];
    byte[] index = new byte[Hash.SIZE];
    b.get(root).get(index);
    return new DatanetVersion(
        datanetId, version, Hash.wrap(root), Hash.wrap(index), b.getLong(), b.getLong());
  }
}
