package io.openledger.node.wallet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.node.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Who signs: an account of the keystore ({@code --from}, unlocked with a password) or a raw key in
 * a file ({@code --private-key-file}, e.g. a devnet dev key).
 */
public final class SignerOptions {
  static final class Source {
    @Option(
        names = "--from",
        paramLabel = "ADDRESS",
        description = "Sign with this keystore account.")
    String from;

    @Option(
        names = "--private-key-file",
        paramLabel = "FILE",
        description = "Sign with the hex private key in FILE (0x optional).")
    Path privateKeyFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

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

  /** The signing key; asks for the password when it comes from the keystore. */
  public KeyPair unlock() {
    return unlock(source.from, source.privateKeyFile, keystore, passwordFile);
  }

  /**
   * The key of {@code from} in the keystore (default {@code ~/.openledger/keystore}), unlocked with
   * the password of {@code passwordFile} or one asked at the terminal, or the raw key in {@code
   * privateKeyFile}: for commands whose signer is optional.
   */
  public static KeyPair unlock(String from, Path privateKeyFile, Path keystore, Path passwordFile) {
    if (privateKeyFile != null) {
      return readKeyFile(privateKeyFile);
    }
    if (from == null) {
      throw new CliException("give --from ADDRESS or --private-key-file FILE");
    }
    Address address = Wallets.parseAddress(from, "--from");
    KeystoreDirectory dir =
        new KeystoreDirectory(keystore != null ? keystore : KeystoreDirectory.defaultPath());
    try {
      KeystoreDirectory.Entry entry =
          dir.find(address)
              .orElseThrow(
                  () ->
                      new CliException(
                          "no key for "
                              + address
                              + " in "
                              + dir.path()
                              + " (see: openledger account list)"));
      String password = Passwords.read(passwordFile, "Password for " + address, false);
      return KeystoreDirectory.unlock(entry.file(), password);
    } catch (V3Keystore.KeystoreException e) {
      throw new CliException(e.getMessage());
    } catch (IOException e) {
      throw new CliException("cannot read the keystore " + dir.path() + ": " + e.getMessage());
    }
  }

  /** A hex private key from the first line of a file. */
  public static KeyPair readKeyFile(Path file) {
    String hex;
    try {
      hex = Files.readString(file).strip();
    } catch (IOException e) {
      throw new CliException("cannot read the key file " + file + ": " + e.getMessage());
    }
    try {
      return KeyPair.fromPrivateKeyHex(hex);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "the key file " + file + " does not hold a private key (64 hex digits, 0x optional)");
    }
  }
}
