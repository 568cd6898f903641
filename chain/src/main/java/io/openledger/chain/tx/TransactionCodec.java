package io.openledger.chain.tx;

import io.openledger.chain.crypto.Signature;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Structure of the three wire formats (legacy, EIP-2930 type 1, EIP-1559 type 2): bytes to fields
 * and back, strictly canonical. No policy here (chain id, signature validity, fee rules): that is
 * {@link TransactionDecoder}'s. Error wording follows go-ethereum ({@code core/types}), whose Go
 * type and field names appear in RLP errors.
 */
final class TransactionCodec {
  static final String TX_TYPE_NOT_SUPPORTED = "transaction type not supported";
  static final String TYPED_TX_TOO_SHORT = "typed transaction too short";
  static final String INVALID_SIG_VALUES = "invalid transaction v, r, s values";

  private static final String LEGACY = "types.LegacyTx";
  private static final String ACCESS_LIST = "types.AccessListTx";
  private static final String DYNAMIC = "types.DynamicFeeTx";
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger V27 = BigInteger.valueOf(27);
  private static final BigInteger V28 = BigInteger.valueOf(28);
  private static final BigInteger V35 = BigInteger.valueOf(35);

  private TransactionCodec() {}

  /**
   * Parses a canonical encoding. {@code wantChainId} only words the error for a chain id too large
   * for a long (which can never match); pass -1 when there is no expectation.
   */
  static Transaction parse(byte[] raw, long wantChainId) throws InvalidTransactionException {
    try {
      if (raw.length > 0 && (raw[0] & 0xff) > 0x7f) {
        return parseLegacy(raw, wantChainId);
      }
      if (raw.length <= 1) {
        throw new InvalidTransactionException(TYPED_TX_TOO_SHORT);
      }
      return switch (raw[0]) {
        case 1 -> parseEip2930(raw, wantChainId);
        case 2 -> parseEip1559(raw, wantChainId);
        // stored blocks only (wantChainId -1): a deposit never comes from outside the node
        case DepositTransaction.TYPE -> {
          if (wantChainId >= 0) {
            throw new InvalidTransactionException(TX_TYPE_NOT_SUPPORTED);
          }
          yield DepositTransaction.parse(raw);
        }
        default -> throw new InvalidTransactionException(TX_TYPE_NOT_SUPPORTED);
      };
    } catch (RlpException e) {
      throw new InvalidTransactionException(e.getMessage());
    }
  }

  private static LegacyTransaction parseLegacy(byte[] raw, long wantChainId)
      throws RlpException, InvalidTransactionException {
    RlpReader top = RlpReader.of(raw);
    RlpReader f = top.readList(LEGACY, "");
    long nonce = readLong(f, "(types.LegacyTx).Nonce", "nonce");
    Amount gasPrice = Amount.of(f.readUint256("(types.LegacyTx).GasPrice"));
    long gasLimit = readLong(f, "(types.LegacyTx).Gas", "gas limit");
    Optional<Address> to = readTo(f, "(types.LegacyTx).To");
    Amount value = Amount.of(f.readUint256("(types.LegacyTx).Value"));
    byte[] data = f.readBytes("[]uint8", "(types.LegacyTx).Data");
    BigInteger v = f.readUint256("(types.LegacyTx).V");
    BigInteger r = f.readUint256("(types.LegacyTx).R");
    BigInteger s = f.readUint256("(types.LegacyTx).S");
    f.requireEnd();
    top.requireEnd();

    OptionalLong chainId;
    int recId;
    if (v.equals(V27) || v.equals(V28)) {
      chainId = OptionalLong.empty();
      recId = v.intValue() - 27;
    } else if (v.compareTo(V35) >= 0) {
      BigInteger id = v.subtract(V35).shiftRight(1);
      if (id.compareTo(LONG_MAX) > 0) {
        throw new InvalidTransactionException(chainIdMismatch(id, wantChainId));
      }
      chainId = OptionalLong.of(id.longValueExact());
      recId = v.testBit(0) ? 0 : 1; // v = 35 + 2 * chainId + recId
    } else {
      throw new InvalidTransactionException(INVALID_SIG_VALUES);
    }
    return new LegacyTransaction(
        chainId, nonce, gasPrice, gasLimit, to, value, data, new Signature(r, s, recId), raw);
  }

  private static Eip2930Transaction parseEip2930(byte[] raw, long wantChainId)
      throws RlpException, InvalidTransactionException {
    RlpReader top = RlpReader.of(raw, 1, raw.length - 1);
    RlpReader f = top.readList(ACCESS_LIST, "");
    BigInteger chainId = f.readUint256("(types.AccessListTx).ChainID");
    long nonce = readLong(f, "(types.AccessListTx).Nonce", "nonce");
    Amount gasPrice = Amount.of(f.readUint256("(types.AccessListTx).GasPrice"));
    long gasLimit = readLong(f, "(types.AccessListTx).Gas", "gas limit");
    Optional<Address> to = readTo(f, "(types.AccessListTx).To");
    Amount value = Amount.of(f.readUint256("(types.AccessListTx).Value"));
    byte[] data = f.readBytes("[]uint8", "(types.AccessListTx).Data");
    List<AccessListEntry> accessList = readAccessList(f, "(types.AccessListTx).AccessList");
    BigInteger yParity = f.readUint256("(types.AccessListTx).V");
    BigInteger r = f.readUint256("(types.AccessListTx).R");
    BigInteger s = f.readUint256("(types.AccessListTx).S");
    f.requireEnd();
    top.requireEnd();

    if (chainId.compareTo(LONG_MAX) > 0) {
      throw new InvalidTransactionException(chainIdMismatch(chainId, wantChainId));
    }
    if (yParity.compareTo(BigInteger.ONE) > 0) {
      throw new InvalidTransactionException(INVALID_SIG_VALUES);
    }
    return new Eip2930Transaction(
        chainId.longValueExact(),
        nonce,
        gasPrice,
        gasLimit,
        to,
        value,
        data,
        accessList,
        new Signature(r, s, yParity.intValue()),
        raw);
  }

  private static Eip1559Transaction parseEip1559(byte[] raw, long wantChainId)
      throws RlpException, InvalidTransactionException {
    RlpReader top = RlpReader.of(raw, 1, raw.length - 1);
    RlpReader f = top.readList(DYNAMIC, "");
    BigInteger chainId = f.readUint256("(types.DynamicFeeTx).ChainID");
    long nonce = readLong(f, "(types.DynamicFeeTx).Nonce", "nonce");
    Amount tip = Amount.of(f.readUint256("(types.DynamicFeeTx).GasTipCap"));
    Amount feeCap = Amount.of(f.readUint256("(types.DynamicFeeTx).GasFeeCap"));
    long gasLimit = readLong(f, "(types.DynamicFeeTx).Gas", "gas limit");
    Optional<Address> to = readTo(f, "(types.DynamicFeeTx).To");
    Amount value = Amount.of(f.readUint256("(types.DynamicFeeTx).Value"));
    byte[] data = f.readBytes("[]uint8", "(types.DynamicFeeTx).Data");
    List<AccessListEntry> accessList = readAccessList(f, "(types.DynamicFeeTx).AccessList");
    BigInteger yParity = f.readUint256("(types.DynamicFeeTx).V");
    BigInteger r = f.readUint256("(types.DynamicFeeTx).R");
    BigInteger s = f.readUint256("(types.DynamicFeeTx).S");
    f.requireEnd();
    top.requireEnd();

    if (chainId.compareTo(LONG_MAX) > 0) {
      throw new InvalidTransactionException(chainIdMismatch(chainId, wantChainId));
    }
    if (yParity.compareTo(BigInteger.ONE) > 0) {
      throw new InvalidTransactionException(INVALID_SIG_VALUES);
    }
    return new Eip1559Transaction(
        chainId.longValueExact(),
        nonce,
        tip,
        feeCap,
        gasLimit,
        to,
        value,
        data,
        accessList,
        new Signature(r, s, yParity.intValue()),
        raw);
  }

  static String chainIdMismatch(BigInteger have, long want) {
    return "invalid chain id for signer: have " + have + " want " + want;
  }

  private static long readLong(RlpReader f, String into, String what)
      throws RlpException, InvalidTransactionException {
    long v = f.readUint64(into);
    if (v < 0) { // 2^63 and above: valid uint64 in geth, beyond what this node represents
      throw new InvalidTransactionException(what + " too high: exceeds 2^63-1");
    }
    return v;
  }

  private static Optional<Address> readTo(RlpReader f, String into) throws RlpException {
    byte[] b = f.readBytes("*common.Address", into);
    if (b.length == 0) {
      return Optional.empty();
    }
    if (b.length != Address.SIZE) {
      throw new RlpException(
          "rlp: input string too "
              + (b.length < Address.SIZE ? "short" : "long")
              + " for common.Address, decoding into "
              + into);
    }
    return Optional.of(Address.wrap(b));
  }

  private static List<AccessListEntry> readAccessList(RlpReader f, String into)
      throws RlpException {
    RlpReader list = f.readList("types.AccessList", into);
    List<AccessListEntry> out = new ArrayList<>();
    for (int i = 0; list.hasNext(); i++) {
      String at = into + "[" + i + "]";
      RlpReader tuple = list.readList("types.AccessTuple", at);
      Address address =
          Address.wrap(tuple.readFixed(Address.SIZE, "common.Address", at + ".Address"));
      RlpReader keys = tuple.readList("[]common.Hash", at + ".StorageKeys");
      List<Hash> storageKeys = new ArrayList<>();
      for (int k = 0; keys.hasNext(); k++) {
        storageKeys.add(
            Hash.wrap(keys.readFixed(Hash.SIZE, "common.Hash", at + ".StorageKeys[" + k + "]")));
      }
      tuple.requireEnd();
      out.add(new AccessListEntry(address, storageKeys));
    }
    return out;
  }

  static byte[] encodeTo(Optional<Address> to) {
    return to.isPresent() ? Rlp.encodeBytes(to.get().toArray()) : Rlp.EMPTY_STRING;
  }

  static byte[] encodeAccessList(List<AccessListEntry> accessList) {
    byte[][] entries = new byte[accessList.size()][];
    for (int i = 0; i < entries.length; i++) {
      AccessListEntry e = accessList.get(i);
      byte[][] keys = new byte[e.storageKeys().size()][];
      for (int k = 0; k < keys.length; k++) {
        keys[k] = Rlp.encodeBytes(e.storageKeys().get(k).toArray());
      }
      entries[i] = Rlp.encodeList(Rlp.encodeBytes(e.address().toArray()), Rlp.encodeList(keys));
    }
    return Rlp.encodeList(entries);
  }
}
