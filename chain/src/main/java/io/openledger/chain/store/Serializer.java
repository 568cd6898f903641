package io.openledger.chain.store;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;

/**
 * Converts a typed key or value to the bytes stored in a {@link Column} and back.
 *
 * <p>Key serializers must preserve the order a caller iterates by: {@link #LONG} writes 8 bytes
 * big-endian so block numbers iterate in ascending order (non-negative values only).
 */
public interface Serializer<T> {
  byte[] toBytes(T value);

  T fromBytes(byte[] bytes);

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
