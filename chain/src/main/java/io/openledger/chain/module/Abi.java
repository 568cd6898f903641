package io.openledger.chain.module;

import io.openledger.chain.module.AbiType.AddressType;
import io.openledger.chain.module.AbiType.ArrayType;
import io.openledger.chain.module.AbiType.BoolType;
import io.openledger.chain.module.AbiType.BytesType;
import io.openledger.chain.module.AbiType.FixedBytesType;
import io.openledger.chain.module.AbiType.IntType;
import io.openledger.chain.module.AbiType.StringType;
import io.openledger.chain.module.AbiType.TupleType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Solidity contract ABI encoding (head/tail, 32-byte words) for the types of {@link AbiType}:
 * selectors, argument and return encoding, strict decoding, and {@code Error(string)} revert data.
 *
 * <p>Decoding is strict: input must be exactly the canonical encoding of its values (no dirty high
 * bits, no out-of-range integers, no gaps or trailing bytes), so one call has one encoding. Bad
 * input raises {@link AbiDecodingException}, which modules turn into a revert.
 */
public final class Abi {
  /** Selector of {@code Error(string)}: the revert data of Solidity's {@code require}. */
  private static final byte[] ERROR_SELECTOR = {0x08, (byte) 0xc3, 0x79, (byte) 0xa0};

  private static final int WORD = 32;

  private Abi() {}

  /**
   * First 4 bytes of keccak256 of a canonical signature, e.g. {@code transfer(address,uint256)}.
   */
  public static byte[] selector(String signature) {
    return Arrays.copyOf(
        Hash.keccak256(signature.getBytes(StandardCharsets.US_ASCII)).toArray(), 4);
  }

  /**
   * topic0 of an event: keccak256 of its canonical signature, e.g. {@code
   * Claimed(address,uint256)}.
   */
  public static Hash eventTopic(String signature) {
    return Hash.keccak256(signature.getBytes(StandardCharsets.US_ASCII));
  }

  /** The selector of {@code Error(string)}, {@code 0x08c379a0}. */
  public static byte[] errorSelector() {
    return ERROR_SELECTOR.clone();
  }

  /**
   * {@code abi.encode(values...)}: the encoding of the tuple of {@code values} with {@code types}.
   *
   * @throws IllegalArgumentException if a value does not fit its type
   */
  public static byte[] encode(List<AbiType> types, List<?> values) {
    return encodeTuple(types, values);
  }

  /** Calldata: selector of {@code signature} followed by the encoded arguments. */
  public static byte[] encodeCall(String signature, List<AbiType> types, List<?> arguments) {
    byte[] args = encode(types, arguments);
    byte[] out = Arrays.copyOf(selector(signature), 4 + args.length);
    System.arraycopy(args, 0, out, 4, args.length);
    return out;
  }

  /**
   * Decodes {@code abi.encode}d values of the given types.
   *
   * @throws AbiDecodingException unless {@code data} is exactly the canonical encoding
   */
  public static List<Object> decode(List<AbiType> types, byte[] data) {
    List<Object> values;
    try {
      values = decodeTuple(types, data, 0, data.length);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new AbiDecodingException("malformed ABI data: " + e.getMessage());
    }
    if (!Arrays.equals(encodeTuple(types, values), data)) {
      throw new AbiDecodingException("ABI data is not in canonical form");
    }
    return values;
  }

  /** Revert data for a reason: {@code 0x08c379a0 ++ abi.encode(reason)}. */
  public static byte[] encodeError(String reason) {
    byte[] body = encode(List.of(AbiType.STRING), List.of(reason));
    byte[] out = Arrays.copyOf(ERROR_SELECTOR, 4 + body.length);
    System.arraycopy(body, 0, out, 4, body.length);
    return out;
  }

  /** The reason inside {@code Error(string)} revert data, if it is such data. */
  public static Optional<String> decodeError(byte[] revertData) {
    if (revertData.length < 4 || !Arrays.equals(revertData, 0, 4, ERROR_SELECTOR, 0, 4)) {
      return Optional.empty();
    }
    try {
      byte[] body = Arrays.copyOfRange(revertData, 4, revertData.length);
      return Optional.of((String) decode(List.of(AbiType.STRING), body).getFirst());
    } catch (AbiDecodingException e) {
      return Optional.empty();
    }
  }

  // ---- encoding ----

  private static byte[] encodeTuple(List<AbiType> types, List<?> values) {
    if (types.size() != values.size()) {
      throw new IllegalArgumentException("want " + types.size() + " values, got " + values.size());
    }
    int headSize = types.stream().mapToInt(AbiType::headSize).sum();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    for (int i = 0; i < types.size(); i++) {
      AbiType t = types.get(i);
      byte[] enc = encodeValue(t, values.get(i));
      if (t.dynamic()) {
        head.writeBytes(uint(BigInteger.valueOf(headSize + tail.size())));
        tail.writeBytes(enc);
      } else {
        head.writeBytes(enc);
      }
    }
    head.writeBytes(tail.toByteArray());
    return head.toByteArray();
  }

  private static byte[] encodeValue(AbiType type, Object value) {
    return switch (type) {
      case AddressType a -> leftPad(((Address) value).toArray());
      case BoolType b -> uint((Boolean) value ? BigInteger.ONE : BigInteger.ZERO);
      case IntType i -> encodeInt(i, (BigInteger) value);
      case FixedBytesType f -> encodeFixedBytes(f, (byte[]) value);
      case BytesType b -> encodeBytes((byte[]) value);
      case StringType s -> encodeBytes(((String) value).getBytes(StandardCharsets.UTF_8));
      case ArrayType a -> encodeArray(a, (List<?>) value);
      case TupleType t -> encodeTuple(t.components(), (List<?>) value);
    };
  }

  private static byte[] encodeInt(IntType type, BigInteger v) {
    if (!fits(type, v)) {
      throw new IllegalArgumentException(v + " does not fit " + type.canonical());
    }
    if (v.signum() >= 0) {
      return uint(v);
    }
    byte[] out = new byte[WORD];
    Arrays.fill(out, (byte) 0xff);
    byte[] raw = v.toByteArray();
    System.arraycopy(raw, 0, out, WORD - raw.length, raw.length);
    return out;
  }

  private static boolean fits(IntType type, BigInteger v) {
    if (!type.signed()) {
      return v.signum() >= 0 && v.bitLength() <= type.bits();
    }
    return v.bitLength() <= type.bits() - 1;
  }

  private static byte[] encodeFixedBytes(FixedBytesType type, byte[] v) {
    if (v.length != type.length()) {
      throw new IllegalArgumentException(
          type.canonical() + " takes " + type.length() + " bytes, got " + v.length);
    }
    return Arrays.copyOf(v, WORD);
  }

  private static byte[] encodeBytes(byte[] v) {
    int padded = (v.length + WORD - 1) / WORD * WORD;
    byte[] out = new byte[WORD + padded];
    System.arraycopy(uint(BigInteger.valueOf(v.length)), 0, out, 0, WORD);
    System.arraycopy(v, 0, out, WORD, v.length);
    return out;
  }

  private static byte[] encodeArray(ArrayType type, List<?> elements) {
    byte[] body = encodeTuple(nCopies(type.element(), elements.size()), elements);
    byte[] out = Arrays.copyOf(uint(BigInteger.valueOf(elements.size())), WORD + body.length);
    System.arraycopy(body, 0, out, WORD, body.length);
    return out;
  }

  private static byte[] uint(BigInteger v) {
    return leftPad(v.signum() == 0 ? new byte[0] : stripSign(v.toByteArray()));
  }

  private static byte[] stripSign(byte[] raw) {
    return raw.length > 1 && raw[0] == 0 ? Arrays.copyOfRange(raw, 1, raw.length) : raw;
  }

  private static byte[] leftPad(byte[] v) {
    if (v.length > WORD) {
      throw new IllegalArgumentException("value longer than 32 bytes");
    }
    byte[] out = new byte[WORD];
    System.arraycopy(v, 0, out, WORD - v.length, v.length);
    return out;
  }

  private static List<AbiType> nCopies(AbiType t, int n) {
    List<AbiType> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(t);
    }
    return out;
  }

  // ---- decoding ----

  /** Decodes a tuple whose encoding starts at {@code base}; {@code end} bounds every read. */
  private static List<Object> decodeTuple(List<AbiType> types, byte[] d, int base, int end) {
    List<Object> out = new ArrayList<>(types.size());
    int pos = base;
    for (AbiType t : types) {
      if (t.dynamic()) {
        int offset = readLength(d, pos, end);
        int at = Math.addExact(base, offset);
        if (at > end) {
          throw new IllegalArgumentException("offset " + offset + " past the end");
        }
        out.add(decodeValue(t, d, at, end));
      } else {
        out.add(decodeValue(t, d, pos, end));
      }
      pos = Math.addExact(pos, t.headSize());
    }
    return out;
  }

  private static Object decodeValue(AbiType type, byte[] d, int at, int end) {
    return switch (type) {
      case AddressType a -> Address.wrap(Arrays.copyOfRange(word(d, at, end), 12, WORD));
      case BoolType b -> decodeBool(word(d, at, end));
      case IntType i -> decodeInt(i, word(d, at, end));
      case FixedBytesType f -> Arrays.copyOf(word(d, at, end), f.length());
      case BytesType b -> decodeBytes(d, at, end);
      case StringType s -> decodeString(decodeBytes(d, at, end));
      case ArrayType a -> decodeArray(a, d, at, end);
      case TupleType t -> decodeTuple(t.components(), d, at, end);
    };
  }

  private static Boolean decodeBool(byte[] w) {
    BigInteger v = new BigInteger(1, w);
    if (v.compareTo(BigInteger.ONE) > 0) {
      throw new IllegalArgumentException("bool is not 0 or 1");
    }
    return v.signum() == 1;
  }

  private static BigInteger decodeInt(IntType type, byte[] w) {
    BigInteger v = type.signed() ? new BigInteger(w) : new BigInteger(1, w);
    if (!fits(type, v)) {
      throw new IllegalArgumentException("value out of range for " + type.canonical());
    }
    return v;
  }

  private static byte[] decodeBytes(byte[] d, int at, int end) {
    int len = readLength(d, at, end);
    int start = at + WORD;
    if (len > end - start) {
      throw new IllegalArgumentException("length " + len + " past the end");
    }
    return Arrays.copyOfRange(d, start, start + len);
  }

  private static String decodeString(byte[] utf8) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("string is not valid UTF-8");
    }
  }

  private static List<Object> decodeArray(ArrayType type, byte[] d, int at, int end) {
    int n = readLength(d, at, end);
    // each element takes at least one word of head: refuse lengths the data cannot hold
    if ((long) n * type.element().headSize() > end - at - WORD) {
      throw new IllegalArgumentException("array length " + n + " past the end");
    }
    return decodeTuple(nCopies(type.element(), n), d, at + WORD, end);
  }

  /** A word read as a non-negative length or offset that fits an int. */
  private static int readLength(byte[] d, int at, int end) {
    BigInteger v = new BigInteger(1, word(d, at, end));
    if (v.bitLength() > 31) {
      throw new IllegalArgumentException("length or offset too large");
    }
    return v.intValue();
  }

  private static byte[] word(byte[] d, int at, int end) {
    if (at < 0 || at > end - WORD) {
      throw new IllegalArgumentException("data too short");
    }
    return Arrays.copyOfRange(d, at, at + WORD);
  }
}
