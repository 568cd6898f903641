package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The signer options of {@link SignerOptions} for commands that need a key only sometimes: {@code
 * infer} signs unless it has an API key; {@code escrow show} and {@code earnings} read the signer's
 * account when no address is given.
 */
final class OptionalSigner {
  @Option(names = "--from", paramLabel = "ADDRESS", description = "A keystore account.")
  String from;

  @Option(
      names = "--private-key-file",
      paramLabel = "FILE",
      description = "The hex private key in FILE (0x optional).")
  Path privateKeyFile;

  @Option(
      names = "--keystore",
      paramLabel = "DIR",
      description = "Keystore directory (default: ~/.openledger/keystore).")
  Path keystore;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the keystore password from the first line of FILE instead of asking.")
  Path passwordFile;

  private void checkOne() {
    if (from != null && privateKeyFile != null) {
      throw new CliException("give --from or --private-key-file, not both");
    }
  }

  boolean given() {
    return from != null || privateKeyFile != null;
  }

  /** The signer's address without unlocking a keystore; empty when no signer is given. */
  Optional<Address> address() {
    checkOne();
    if (from != null) {
      return Optional.of(Wallets.parseAddress(from, "--from"));
    }
    if (privateKeyFile != null) {
      return Optional.of(SignerOptions.readKeyFile(privateKeyFile).address());
    }
    return Optional.empty();
  }

  KeyPair unlock() {
    checkOne();
    return SignerOptions.unlock(from, privateKeyFile, keystore, passwordFile);
  }

  /** {@code address} if given, else the signer's; an error naming both ways when neither is. */
  Address accountOr(String address, String what) {
    if (address != null) {
      if (given()) {
        throw new CliException(
            "give " + what + " or a signer (--from, --private-key-file), not both");
      }
      return Wallets.parseAddress(address, what);
    }
    return address()
        .orElseThrow(
            () ->
                new CliException("give " + what + ", or --from / --private-key-file for your own"));
  }
}
