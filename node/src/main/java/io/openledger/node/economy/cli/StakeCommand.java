package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger stake}: OPEN bonded in an operator's pool on the staking module
 * (docs/staking.md): stake (your own pool by default, or another operator's with {@code
 * --operator}, which is what {@code delegate} does), withdraw an unbonding entry once released, and
 * show an account's pool, positions, unbonding entries and events ({@code GET /v1/economy/stake}).
 */
@Command(
    name = "stake",
    mixinStandardHelpOptions = true,
    description = {
      "Bond AMOUNT OPEN in an operator's stake pool (default: your own), flexible or locked for"
          + " 30/90/180/365 lock-term days (--term).",
      "See also: openledger delegate, unbond, stake withdraw, stake show."
    },
    subcommands = {StakeCommand.Withdraw.class, StakeCommand.Show.class})
public final class StakeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  // optional here, so that the subcommands parse; stake AMOUNT unlocks it
  @CommandLine.Mixin OptionalSigner signer = new OptionalSigner();
  @CommandLine.Mixin TxOptions tx = new TxOptions();

  @Parameters(index = "0", arity = "0..1", paramLabel = "AMOUNT", description = "OPEN to bond.")
  String amount;

  @Option(
      names = "--operator",
      paramLabel = "ADDRESS",
      description = "The pool to bond in (default: the signer's own).")
  String operator;

  @Option(
      names = "--term",
      paramLabel = "TERM",
      defaultValue = "flexible",
      description =
          "flexible (unbond any time) or a lock of 30, 90, 180 or 365 lock-term days (default:"
              + " ${DEFAULT-VALUE}).")
  String term;

  @Override
  public void run() {
    if (amount == null) {
      spec.commandLine().usage(spec.commandLine().getOut());
      return;
    }
    KeyPair key = signer.unlock();
    Address pool = operator == null ? key.address() : Wallets.parseAddress(operator, "--operator");
    stake(spec, rpc, tx, key, pool, amount, term, "Staked");
  }

  /** Sends {@code stake(pool, term)} with the amount; prints what the Staked event says. */
  static void stake(
      CommandLine.Model.CommandSpec spec,
      RpcOptions rpc,
      TxOptions tx,
      KeyPair key,
      Address pool,
      String amount,
      String term,
      String verb) {
    Amount value = Wallets.parseOpen(amount, "AMOUNT");
    if (value.isZero()) {
      throw new CliException("AMOUNT must be above zero");
    }
    LockTerm t = term(term);
    ModuleTransaction sent =
        ModuleTransaction.send(
            rpc.client(),
            key,
            StakingModule.ADDRESS,
            value,
            StakingModule.STAKE.encodeCall(pool, BigInteger.valueOf(t.code())),
            tx.timeout(),
            spec.commandLine().getErr());
    List<Object> ev = sent.event(StakingModule.ADDRESS, StakingModule.STAKED);
    BigInteger shares = (BigInteger) ev.get(4);
    long lockedUntil = EconomyViews.u64(ev.get(5));
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("operator", pool.toHex());
      o.put("staker", key.address().toHex());
      o.put("term", t.code());
      o.put("amount", value.value().toString());
      o.put("shares", shares.toString());
      o.put("lockedUntil", lockedUntil);
      o.putAll(sent.json());
      Wallets.printJson(out, o);
      return;
    }
    out.println(
        verb
            + " "
            + Wallets.open(value)
            + " in the pool of "
            + pool
            + " ("
            + termName(t)
            + "): "
            + shares
            + " shares"
            + (lockedUntil == 0 ? "" : ", locked until " + Instant.ofEpochSecond(lockedUntil))
            + ".");
    out.flush();
  }

  static LockTerm term(String text) {
    return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "flexible", "0" -> LockTerm.FLEXIBLE;
      case "30" -> LockTerm.DAYS_30;
      case "90" -> LockTerm.DAYS_90;
      case "180" -> LockTerm.DAYS_180;
      case "365" -> LockTerm.DAYS_365;
      default ->
          throw new CliException(
              "--term must be flexible, 30, 90, 180 or 365 (lock-term days), got '" + text + "'");
    };
  }

  static String termName(LockTerm t) {
    return t == LockTerm.FLEXIBLE ? "flexible" : t.days() + "-day lock";
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description = "Take an unbonding entry once it is released (see: openledger unbond).")
  static final class Withdraw implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Option(
        names = "--operator",
        paramLabel = "ADDRESS",
        description = "The pool the entry is in (default: the signer's own).")
    String operator;

    @Option(
        names = "--entry",
        paramLabel = "ID",
        required = true,
        description = "The unbonding entry (openledger unbond prints it).")
    long entry;

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      Address pool =
          operator == null ? key.address() : Wallets.parseAddress(operator, "--operator");
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              key,
              StakingModule.ADDRESS,
              Amount.ZERO,
              StakingModule.WITHDRAW.encodeCall(pool, BigInteger.valueOf(entry)),
              tx.timeout(),
              spec.commandLine().getErr());
      Amount paid =
          EconomyViews.amount(sent.event(StakingModule.ADDRESS, StakingModule.WITHDRAWN).get(3));
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("operator", pool.toHex());
        o.put("entry", entry);
        o.put("paid", paid.value().toString());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println(
          "Withdrew "
              + Wallets.open(paid)
              + " (entry "
              + entry
              + " in the pool of "
              + pool
              + ") to "
              + key.address()
              + ".");
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "An account's stake: its own pool, its positions and unbonding entries in every pool,"
              + " its latest staking and challenge events (from the node's API).")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ApiOptions api = new ApiOptions();
    @CommandLine.Mixin OptionalSigner signer = new OptionalSigner();

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "ADDRESS",
        description = "The account (default: the --from / --private-key-file one).")
    String address;

    @Option(names = "--json", description = "Print the node's JSON answer.")
    boolean json;

    @Option(
        names = "--events",
        paramLabel = "N",
        defaultValue = "20",
        description = "How many of the latest events to show (default: ${DEFAULT-VALUE}).")
    int events;

    @Override
    public void run() {
      Address account = signer.accountOr(address, "ADDRESS");
      if (events < 1 || events > 1_000) {
        throw new CliException("--events must be between 1 and 1000, got " + events);
      }
      NodeApi node = api.client();
      NodeApi.Response r = node.get("/v1/economy/stake/" + account.toHex() + "?limit=" + events);
      if (!r.ok()) {
        throw new CliException(
            "the node at "
                + node.base()
                + " refused GET /v1/economy/stake (HTTP "
                + r.status()
                + "): "
                + r.error());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Wallets.printJson(out, r.body());
        return;
      }
      print(out, account, r.body());
    }

    static void print(PrintWriter out, Address account, JsonNode b) {
      JsonNode pool = b.get("pool");
      out.println("Stake of " + account);
      out.println("Its pool (as an operator)");
      out.println("  bonded      " + open(pool.get("bonded")));
      out.println("  unbonding   " + open(pool.get("unbonding")));
      out.println(
          "  required    "
              + open(pool.get("requiredStake"))
              + "  (models served: "
              + pool.get("models").get("experimental").asLong()
              + " experimental, "
              + pool.get("models").get("standard").asLong()
              + " standard, "
              + pool.get("models").get("critical").asLong()
              + " critical)");
      for (JsonNode c : pool.get("classes")) {
        if (!c.get("shares").asText().equals("0")) {
          out.println(
              "  "
                  + String.format(
                      "%-11s", termName(LockTerm.of(c.get("term").asLong()).orElseThrow()))
                  + open(c.get("stake"))
                  + ", "
                  + c.get("shares").asText()
                  + " shares, weight "
                  + c.get("weightBps").asInt()
                  + " bps");
        }
      }
      out.println(
          "  endpoint    "
              + (pool.get("endpoint").isNull() ? "none" : pool.get("endpoint").asText()));
      out.println("Positions");
      if (b.get("positions").isEmpty()) {
        out.println("  none");
      }
      for (JsonNode p : b.get("positions")) {
        long until = p.get("lockedUntil").asLong();
        out.println(
            "  "
                + p.get("operator").asText()
                + "  "
                + String.format(
                    "%-11s", termName(LockTerm.of(p.get("term").asLong()).orElseThrow()))
                + open(p.get("value"))
                + "  ("
                + p.get("shares").asText()
                + " shares"
                + (until == 0 ? "" : ", locked until " + Instant.ofEpochSecond(until))
                + ")");
      }
      out.println("Unbonding");
      if (b.get("unbonding").isEmpty()) {
        out.println("  none");
      }
      for (JsonNode e : b.get("unbonding")) {
        out.println(
            "  entry "
                + e.get("entry").asLong()
                + " with "
                + e.get("operator").asText()
                + "  "
                + open(e.get("value"))
                + "  released at "
                + Instant.ofEpochSecond(e.get("releaseAt").asLong()));
      }
      out.println("Events (newest first)");
      for (JsonNode e : b.get("events")) {
        StringBuilder args = new StringBuilder();
        e.get("args")
            .properties()
            .forEach(
                a -> args.append(' ').append(a.getKey()).append('=').append(a.getValue().asText()));
        out.println(
            "  block "
                + e.get("block").asLong()
                + "  "
                + e.get("module").asText()
                + "."
                + e.get("event").asText()
                + args);
      }
      out.flush();
    }

    private static String open(JsonNode baseUnits) {
      return Wallets.open(Amount.of(new BigInteger(baseUnits.asText())));
    }
  }
}
