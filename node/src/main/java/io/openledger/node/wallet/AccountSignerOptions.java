package io.openledger.node.wallet;

import io.openledger.chain.crypto.KeyPair;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Who signs, for a command whose {@code --from} means something else ({@code model register --from
 * DIR}): a keystore account named with {@code --account}, or a raw key in a file ({@code
 * --private-key-file}); otherwise as {@link SignerOptions}.
 */
public final class AccountSignerOptions {
  static final class Source {
    @Option(
        names = "--account",
        paramLabel = "ADDRESS",
        description = "Sign with this keystore account.")
    String account;

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
    if (source.account != null) {
      Wallets.parseAddress(source.account, "--account");
    }
    return SignerOptions.unlock(source.account, source.privateKeyFile, keystore, passwordFile);
  }
}
