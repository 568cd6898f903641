package io.openledger.chain.datanet;

import io.openledger.chain.types.Address;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A datanet: a named, licensed collection of contributions that its owner curates and publishes in
 * versions.
 *
 * <p>Stored in two slots so that a contribution rewrites only 45 bytes: the {@link Header} (owner,
 * type, licence, counters) and the text (name, description, tags, rules), written once.
 *
 * @param id from 1
 * @param owner approves and rejects contributions and publishes versions
 * @param name free text
 * @param description free text
 * @param tags free text labels
 * @param dataType what the contributions hold
 * @param licence what users of the data may do
 * @param rules the owner's contribution rules, free text
 * @param contributions contributions submitted, any status
 * @param accepted contributions accepted (the accepted set, in acceptance order)
 * @param versions versions published (the latest is number {@code versions})
 */
public record Datanet(
    long id,
    Address owner,
    String name,
    String description,
    List<String> tags,
    DataType dataType,
    Licence licence,
    String rules,
    long contributions,
    long accepted,
    int versions) {

  public Datanet {
    tags = List.copyOf(tags);
  }

  /** The fixed-size part of a datanet: what contributing, approving and licence checks read. */
  public record Header(
      Address owner,
      DataType dataType,
      Licence licence,
      long contributions,
      long accepted,
      int versions) {

    /** Size of {@link #encode()}: owner 20 + type 1 + licence 4 + counters 8 + 8 + 4. */
    public static final int ENCODED_SIZE = 45;

    /**
     * Storage encoding, big-endian: owner, dataType, licence, contributions, accepted, versions.
     */
    public byte[] encode() {
      return ByteBuffer.allocate(ENCODED_SIZE)
          .put(owner.toArray())
          .put((byte) dataType.code())
          .putInt(licence.flags())
          .putLong(contributions)
          .putLong(accepted)
          .putInt(versions)
          .array();
    }

    public static Header decode(byte[] encoded) {
      if (encoded.length != ENCODED_SIZE) {
        throw new IllegalArgumentException("not an encoded datanet header");
      }
      ByteBuffer b = ByteBuffer.wrap(encoded);
      byte[] owner = new byte[Address.SIZE];
      b.get(owner);
      DataType type =
          DataType.of(b.get() & 0xff)
              .orElseThrow(() -> new IllegalArgumentException("bad stored data type"));
      return new Header(
          Address.wrap(owner), type, new Licence(b.getInt()), b.getLong(), b.getLong(), b.getInt());
    }

    public Header withCounts(long newContributions, long newAccepted, int newVersions) {
      return new Header(owner, dataType, licence, newContributions, newAccepted, newVersions);
    }
  }

  /** A new datanet: nothing contributed yet. */
  public static Datanet create(
      long id,
      Address owner,
      String name,
      String description,
      List<String> tags,
      DataType dataType,
      Licence licence,
      String rules) {
    return new Datanet(id, owner, name, description, tags, dataType, licence, rules, 0, 0, 0);
  }

  public Header header() {
    return new Header(owner, dataType, licence, contributions, accepted, versions);
  }

  /**
   * Storage encoding of the text: name, description, tags, rules; a string is its UTF-8 length (4
   * bytes, big-endian) then its bytes; the tags are their count (4 bytes) then each string.
   */
  public byte[] encodeText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeString(out, name);
    writeString(out, description);
    writeInt(out, tags.size());
    tags.forEach(t -> writeString(out, t));
    writeString(out, rules);
    return out.toByteArray();
  }

  /** The datanet of {@code id} from its two stored values. */
  public static Datanet decode(long id, byte[] header, byte[] text) {
    Header h = Header.decode(header);
    ByteBuffer b = ByteBuffer.wrap(text);
    String name = readString(b);
    String description = readString(b);
    int n = b.getInt();
    List<String> tags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tags.add(readString(b));
    }
    String rules = readString(b);
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("trailing bytes after an encoded datanet text");
    }
    return new Datanet(
        id,
        h.owner(),
        name,
        description,
        tags,
        h.dataType(),
        h.licence(),
        rules,
        h.contributions(),
        h.accepted(),
        h.versions());
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeInt(out, utf8.length);
    out.writeBytes(utf8);
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
  }

  private static String readString(ByteBuffer b) {
    byte[] utf8 = new byte[b.getInt()];
    b.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
