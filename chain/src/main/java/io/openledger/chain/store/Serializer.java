package io.openledger.chain.store;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Converts a typed key or value to the bytes stored in a {@link Column} and back.
 *
 * <p>Key serializers must preserve the order a caller iterates by: {@link #LONG} writes 8 bytes
 * big-endian so block numbers iterate in ascending order (non-negative values only).
 */
public interface Serializer<T> {
  byte[] toBytes(T value);

  T fromBytes(byte[] bytes);

  /** A serializer from two functions (for a column's own value type). */
  static <T> Serializer<T> of(Function<T, byte[]> toBytes, Function<byte[], T> fromBytes) {
    return new Serializer<>() {
      @Override
      public byte[] toBytes(T value) {
        return toBytes.apply(value);
      }

      @Override
      public T fromBytes(byte[] bytes) {
        return fromBytes.apply(bytes);
      }
    };
  }

  /** Ints as 4 bytes big-endian (indexes within a block). */
  Serializer<Integer> INT =
      of(
          v -> ByteBuffer.allocate(4).putInt(v).array(),
          b -> {
            if (b.length != 4) {
              throw new IllegalArgumentException("an int is 4 bytes, got " + b.length);
            }
            return ByteBuffer.wrap(b).getInt();
          });

  /** Raw bytes, unchanged. */
  Serializer<byte[]> BYTES =
      new Serializer<>() {
        @Override
        public byte[] toBytes(byte[] value) {
          return value;
        }

        @Override
        public byte[] fromBytes(byte[] bytes) {
          return bytes;
        }
      };

  /** 32-byte hashes. */
  Serializer<Hash> HASH =
      new Serializer<>() {
        @Override
        public byte[] toBytes(Hash value) {
          return value.toArray();
        }

        @Override
        public Hash fromBytes(byte[] bytes) {
          return Hash.wrap(bytes);
        }
      };

  /** 20-byte addresses. */
  Serializer<Address> ADDRESS =
      new Serializer<>() {
        @Override
        public byte[] toBytes(Address value) {
          return value.toArray();
        }

        @Override
        public Address fromBytes(byte[] bytes) {
          return Address.wrap(bytes);
        }
      };

  /** Non-negative longs as 8 bytes big-endian: byte order equals numeric order. */
  Serializer<Long> LONG =
      new Serializer<>() {
        @Override
        public byte[] toBytes(Long value) {
          if (value < 0) {
            throw new IllegalArgumentException("negative key " + value + " would sort last");
          }
          return Keys.longKey(value);
        }

        @Override
        public Long fromBytes(byte[] bytes) {
          return Keys.readLong(bytes);
        }
      };

  /** UTF-8 text (for names in {@link Column#CHAIN_META}). */
  Serializer<String> UTF8 =
      new Serializer<>() {
        @Override
        public byte[] toBytes(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String fromBytes(byte[] bytes) {
          return new String(bytes, StandardCharsets.UTF_8);
        }
      };
}
