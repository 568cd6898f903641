package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger apikey}: API keys bound to the signer's escrow with a spending cap, for any
 * OpenAI client ({@code Authorization: Bearer <key>}). Only {@code keccak256(utf8(key))} goes on
 * chain; the key itself is shown once, when it is made.
 */
@Command(
    name = "apikey",
    mixinStandardHelpOptions = true,
    description = "API keys that spend from your escrow up to a cap: create, revoke, show.",
    subcommands = {
      ApiKeyCommand.Create.class,
      ApiKeyCommand.Revoke.class,
      ApiKeyCommand.Show.class
    })
public final class ApiKeyCommand implements Runnable {
  /** Every key starts with this, so it is recognised in logs and secret scanners. */
  static final String PREFIX = "olk_";

  /** Random bytes in a key. */
  static final int KEY_BYTES = 32;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code olk_} + 64 hex digits of {@code random}. */
  static String newKey(SecureRandom random) {
    byte[] b = new byte[KEY_BYTES];
    random.nextBytes(b);
    return PREFIX + HexFormat.of().formatHex(b);
  }

  /** What the chain records for a key: {@code keccak256(utf8(key))}. */
  static Hash keyHash(String key) {
    return Hash.keccak256(key.getBytes(StandardCharsets.UTF_8));
  }

  /** A key given as itself or as its hash. */
  static final class KeyRef {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "The key (olk_...).")
    String key;

    @Option(names = "--hash", paramLabel = "HASH", description = "The key's hash instead.")
    String hash;

    Hash hash() {
      if (hash != null) {
        return Wallets.parseHash(hash, "--hash");
      }
      if (key.startsWith("0x") && key.length() == 66) {
        throw new CliException("KEY looks like a hash; give it with --hash " + key);
      }
      return keyHash(key);
    }
  }

  static Map<String, Object> json(Hash h, ApiKey k) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("keyHash", h.toHex());
    o.put("payer", k.payer().toHex());
    o.put("cap", k.cap().value().toString());
    o.put("spent", k.spent().value().toString());
    o.put("remaining", k.remaining().value().toString());
    o.put("revokedAt", k.revokedAt());
    return o;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Make a random key, register its hash with a spending cap; prints the key once.",
        "The key spends from the signer's escrow (openledger escrow deposit) up to the cap."
      })
  static final class Create implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Option(
        names = "--cap",
        required = true,
        paramLabel = "OPEN",
        description = "The most the key may ever spend, in OPEN.")
    String cap;

    @Override
    public void run() {
      Amount c = Wallets.parseOpen(cap, "--cap");
      if (c.isZero()) {
        throw new CliException("--cap must be above zero");
      }
      KeyPair payer = signer.unlock();
      String key = newKey(new SecureRandom());
      Hash h = keyHash(key);
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              payer,
              InferenceModule.ADDRESS,
              Amount.ZERO,
              InferenceModule.REGISTER_API_KEY.encodeCall(h.toArray(), c.value()),
              tx.timeout(),
              spec.commandLine().getErr());
      sent.event(InferenceModule.ADDRESS, InferenceModule.API_KEY_REGISTERED);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("key", key);
        o.put("keyHash", h.toHex());
        o.put("payer", payer.address().toHex());
        o.put("cap", c.value().toString());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
      } else {
        out.println(key);
        out.flush();
      }
      err.println(
          "API key registered: hash "
              + h.toHex()
              + ", cap "
              + Wallets.open(c)
              + ", paid from the escrow of "
              + payer.address()
              + ".");
      err.println(
          "Store the key now: it is shown only this once (the chain keeps only its hash)."
              + " Anyone holding it can spend up to the cap; revoke it with: openledger apikey"
              + " revoke --hash "
              + h.toHex());
      err.flush();
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke a key (its payer only). Charges for work served before the revocation are still"
            + " accepted during the revocation grace."
      })
  static final class Revoke implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    KeyRef ref;

    @Override
    public void run() {
      Hash h = ref.hash();
      KeyPair payer = signer.unlock();
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              payer,
              InferenceModule.ADDRESS,
              Amount.ZERO,
              InferenceModule.REVOKE_API_KEY.encodeCall(h.toArray()),
              tx.timeout(),
              spec.commandLine().getErr());
      sent.event(InferenceModule.ADDRESS, InferenceModule.API_KEY_REVOKED);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("keyHash", h.toHex());
        o.put("revoked", true);
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Revoked API key " + h.toHex() + ".");
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a key: its payer, cap, what it has spent, whether it is revoked.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    KeyRef ref;

    @Override
    public void run() {
      Hash h = ref.hash();
      ApiKey k = new EconomyViews(rpc.client()).apiKey(h);
      if (k.payer().equals(Address.ZERO)) {
        throw new CliException("no API key with hash " + h.toHex() + " is registered");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Wallets.printJson(out, json(h, k));
        return;
      }
      out.println("API key " + h.toHex());
      out.println("  payer      " + k.payer());
      out.println("  cap        " + Wallets.open(k.cap()));
      out.println("  spent      " + Wallets.open(k.spent()));
      out.println("  remaining  " + Wallets.open(k.remaining()));
      out.println(
          "  status     "
              + (k.revoked() ? "revoked at " + Instant.ofEpochSecond(k.revokedAt()) : "active"));
      out.flush();
    }
  }
}
