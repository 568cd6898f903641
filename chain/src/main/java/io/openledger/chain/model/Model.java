package io.openledger.chain.model;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A model registered for paid inference: a base model plus an adapter trained on exact datanet
 * versions, with its prices and the operator that serves it.
 *
 * @param id from 1
 * @param owner may change prices and operator; receives the owner's share of fees
 * @param operator serves the model and posts its inference batches
 * @param name at most {@link ModelModule#MAX_NAME_BYTES} bytes of UTF-8
 * @param baseModelHash hash of the base model's weights
 * @param adapterHash hash of the adapter's weights
 * @param pricePerKIn base units per 1,000 prompt tokens
 * @param pricePerKOut base units per 1,000 completion tokens
 * @param registeredAt block timestamp of the registration, seconds
 * @param datanets the datanet versions it was trained on, in registration order
 */
public record Model(
    long id,
    Address owner,
    Address operator,
    String name,
    Hash baseModelHash,
    Hash adapterHash,
    Amount pricePerKIn,
    Amount pricePerKOut,
    long registeredAt,
    List<DatanetRef> datanets) {

  public Model {
    datanets = List.copyOf(datanets);
  }

  /**
   * A datanet version a model was trained on.
   *
   * @param datanetId the datanet
   * @param version its published version, from 1
   */
  public record DatanetRef(long datanetId, int version) {}

  /** True when either price is above zero (the data must allow commercial use). */
  public boolean paid() {
    return isPaid(pricePerKIn, pricePerKOut);
  }

  /** True when either price is above zero. */
  public static boolean isPaid(Amount pricePerKIn, Amount pricePerKOut) {
    return !pricePerKIn.isZero() || !pricePerKOut.isZero();
  }

  public Model withPrices(Amount newIn, Amount newOut) {
    return new Model(
        id,
        owner,
        operator,
        name,
        baseModelHash,
        adapterHash,
        newIn,
        newOut,
        registeredAt,
        datanets);
  }

  public Model withOperator(Address newOperator) {
    return new Model(
        id,
        owner,
        newOperator,
        name,
        baseModelHash,
        adapterHash,
        pricePerKIn,
        pricePerKOut,
        registeredAt,
        datanets);
  }

  /**
   * Storage encoding (the id is in the slot key), big-endian: owner 20, operator 20, baseModelHash
   * 32, adapterHash 32, pricePerKIn 32, pricePerKOut 32, registeredAt 8, name (UTF-8 length 4, then
   * the bytes), datanet count 4, then per datanet its id 8 and version 4.
   */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(owner.toArray());
    out.writeBytes(operator.toArray());
    out.writeBytes(baseModelHash.toArray());
    out.writeBytes(adapterHash.toArray());
    out.writeBytes(pricePerKIn.toBytes32());
    out.writeBytes(pricePerKOut.toBytes32());
    out.writeBytes(ByteBuffer.allocate(8).putLong(registeredAt).array());
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
    out.writeBytes(utf8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(datanets.size()).array());
    for (DatanetRef d : datanets) {
      out.writeBytes(ByteBuffer.allocate(12).putLong(d.datanetId()).putInt(d.version()).array());
    }
    return out.toByteArray();
  }

  public static Model decode(long id, byte[] encoded) {
    ByteBuffer b = ByteBuffer.wrap(encoded);
    Address owner = Address.wrap(bytes(b, Address.SIZE));
    Address operator = Address.wrap(bytes(b, Address.SIZE));
    Hash base = Hash.wrap(bytes(b, Hash.SIZE));
    Hash adapter = Hash.wrap(bytes(b, Hash.SIZE));
    Amount in = Amount.fromBytes(bytes(b, 32));
    Amount out = Amount.fromBytes(bytes(b, 32));
    long registeredAt = b.getLong();
    String name = new String(bytes(b, b.getInt()), StandardCharsets.UTF_8);
    int n = b.getInt();
    List<DatanetRef> datanets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      datanets.add(new DatanetRef(b.getLong(), b.getInt()));
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("trailing bytes after an encoded model");
    }
    return new Model(id, owner, operator, name, base, adapter, in, out, registeredAt, datanets);
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
