package io.openledger.chain.crypto;

import org.slf4j.LoggerFactory;

/** Chooses the implementation once, at first use. */
final class Secp256k1Holder {
  static final Secp256k1 BEST = choose();

  private Secp256k1Holder() {}

  private static Secp256k1 choose() {
    if (Boolean.getBoolean("openledger.secp256k1.pureJava")) {
      return BouncyCastleSecp256k1.INSTANCE;
    }
    return NativeSecp256k1.load()
        .map(Secp256k1.class::cast)
        .orElseGet(
            () -> {
              LoggerFactory.getLogger(Secp256k1.class)
                  .warn("libsecp256k1 did not load; using the slower pure-Java secp256k1");
              return BouncyCastleSecp256k1.INSTANCE;
            });
  }
}
