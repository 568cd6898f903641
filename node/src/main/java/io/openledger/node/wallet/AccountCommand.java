package io.openledger.node.wallet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.node.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger account new|import|list}: keys in Ethereum V3 keystore files, readable by geth,
 * web3j, ethers and MetaMask.
 */
@Command(
    name = "account",
    mixinStandardHelpOptions = true,
    description = "Manage keys in an Ethereum V3 keystore (~/.openledger/keystore by default).",
    subcommands = {
      AccountCommand.New.class,
      AccountCommand.Import.class,
      AccountCommand.ListAccounts.class
    })
public final class AccountCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every account subcommand takes. */
  static class KeystoreOptions {
    @Option(
        names = "--keystore",
        paramLabel = "DIR",
        description = "Keystore directory (default: ~/.openledger/keystore).")
    Path keystore;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    KeystoreDirectory directory() {
      return new KeystoreDirectory(keystore != null ? keystore : KeystoreDirectory.defaultPath());
    }
  }

  /** Options of the subcommands that encrypt a key. */
  static class EncryptOptions {
    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "Read the password from the first line of FILE instead of asking.")
    Path passwordFile;

    @Option(
        names = "--light-kdf",
        description =
            "Use geth's light scrypt parameters (N=4096): faster, much weaker against guessing.")
    boolean lightKdf;

    V3Keystore.Strength strength() {
      return lightKdf ? V3Keystore.Strength.LIGHT : V3Keystore.Strength.STANDARD;
    }
  }

  static void saved(
      CommandLine.Model.CommandSpec spec, KeystoreOptions ks, KeystoreDirectory.Entry e) {
    PrintWriter out = spec.commandLine().getOut();
    if (ks.json) {
      Map<String, String> o = new LinkedHashMap<>();
      o.put("address", e.address().toHex());
      o.put("file", e.file().toString());
      Wallets.printJson(out, o);
    } else {
      out.println("Address: " + e.address());
      out.println("Keystore file: " + e.file());
      out.println("Keep the password safe: without it the key cannot be recovered.");
      out.flush();
    }
  }

  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = "Create a new key and store it encrypted with a password.")
  static final class New implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin KeystoreOptions keystore = new KeystoreOptions();
    @CommandLine.Mixin EncryptOptions encrypt = new EncryptOptions();

    @Override
    public void run() {
      String password = Passwords.read(encrypt.passwordFile, "Password for the new key", true);
      KeyPair key = KeyPair.random(new SecureRandom());
      try {
        saved(spec, keystore, keystore.directory().save(key, password, encrypt.strength()));
      } catch (IOException e) {
        throw new CliException("cannot write to the keystore: " + e.getMessage());
      }
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Store an existing private key (hex) encrypted with a password.")
  static final class Import implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin KeystoreOptions keystore = new KeystoreOptions();
    @CommandLine.Mixin EncryptOptions encrypt = new EncryptOptions();

    @Option(
        names = "--private-key-file",
        paramLabel = "FILE",
        required = true,
        description = "File holding the private key as 64 hex digits (0x optional).")
    Path privateKeyFile;

    @Override
    public void run() {
      KeyPair key = SignerOptions.readKeyFile(privateKeyFile);
      KeystoreDirectory dir = keystore.directory();
      try {
        if (dir.find(key.address()).isPresent()) {
          throw new CliException("the keystore " + dir.path() + " already holds " + key.address());
        }
        String password = Passwords.read(encrypt.passwordFile, "Password for the key", true);
        saved(spec, keystore, dir.save(key, password, encrypt.strength()));
      } catch (IOException e) {
        throw new CliException("cannot write to the keystore: " + e.getMessage());
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the keystore's accounts.")
  static final class ListAccounts implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin KeystoreOptions keystore = new KeystoreOptions();

    @Override
    public void run() {
      KeystoreDirectory dir = keystore.directory();
      List<KeystoreDirectory.Entry> entries;
      try {
        entries = dir.list();
      } catch (IOException e) {
        throw new CliException("cannot read the keystore " + dir.path() + ": " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (keystore.json) {
        Wallets.printJson(
            out,
            entries.stream()
                .map(e -> Map.of("address", e.address().toHex(), "file", e.file().toString()))
                .toList());
        return;
      }
      if (entries.isEmpty()) {
        out.println("No accounts in " + dir.path() + " (create one with: openledger account new)");
      }
      for (int i = 0; i < entries.size(); i++) {
        out.println("#" + i + "  " + entries.get(i).address() + "  " + entries.get(i).file());
      }
      out.flush();
    }
  }
}
