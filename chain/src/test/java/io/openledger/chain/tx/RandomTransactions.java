package io.openledger.chain.tx;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded generator of signed transactions covering the field ranges, for property tests. */
final class RandomTransactions {
  final List<KeyPair> keys = new ArrayList<>();
  private final SplittableRandom rnd;

  RandomTransactions(long seed) {
    rnd = new SplittableRandom(seed);
    for (int i = 0; i < 16; i++) {
      byte[] k = new byte[32];
      rnd.nextBytes(k);
      k[0] &= 0x7f; // below n
      k[31] |= 1; // not zero
      keys.add(KeyPair.fromPrivateKey(k));
    }
  }

  Transaction next(long chainId) {
    boolean legacy = rnd.nextInt(3) == 0;
    boolean accessListType = !legacy && rnd.nextInt(4) == 0;
    TransactionBuilder b =
        legacy
            ? TransactionBuilder.legacy(chainId)
            : accessListType
                ? TransactionBuilder.eip2930(chainId)
                : TransactionBuilder.eip1559(chainId);
    Amount fee = amount(rnd.nextInt(12) == 0 ? 200 : 72);
    Amount tip =
        fee.isZero()
            ? Amount.ZERO
            : Amount.of(new BigInteger(1, bytes(8)).mod(fee.value().add(BigInteger.ONE)));
    b.nonce(longValue())
        .gasLimit(rnd.nextInt(4) == 0 ? 21_000 : longValue() >>> 20)
        .maxFeePerGas(fee)
        .maxPriorityFeePerGas(legacy || accessListType ? fee : tip)
        .to(Address.wrap(bytes(20)))
        .value(amount(rnd.nextInt(8) == 0 ? 200 : 90))
        .data(bytes(dataLength()));
    if (!legacy && rnd.nextInt(4) == 0) {
      List<AccessListEntry> list = new ArrayList<>();
      int n = rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        List<Hash> keysOf = new ArrayList<>();
        int m = rnd.nextInt(3);
        for (int j = 0; j < m; j++) {
          keysOf.add(Hash.wrap(bytes(32)));
        }
        list.add(new AccessListEntry(Address.wrap(bytes(20)), keysOf));
      }
      b.accessList(list);
    }
    return b.sign(keys.get(rnd.nextInt(keys.size())));
  }

  /** A value in [0, 2^bits) with a spread of magnitudes (zero, small, large). */
  private Amount amount(int bits) {
    int kind = rnd.nextInt(4);
    if (kind == 0) {
      return Amount.ZERO;
    }
    if (kind == 1) {
      return Amount.of(rnd.nextInt(1 << 20));
    }
    BigInteger v = new BigInteger(1, bytes(32)).shiftRight(256 - rnd.nextInt(1, bits + 1));
    return Amount.of(v.min(Amount.MAX_VALUE));
  }

  private long longValue() {
    return switch (rnd.nextInt(4)) {
      case 0 -> 0;
      case 1 -> rnd.nextInt(128);
      case 2 -> rnd.nextLong(1L << 32);
      default -> rnd.nextLong(Long.MAX_VALUE);
    };
  }

  private int dataLength() {
    int[] sizes = {0, 0, 1, 4, 36, 55, 56, 68, 300, 4_000};
    return sizes[rnd.nextInt(sizes.length)];
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
