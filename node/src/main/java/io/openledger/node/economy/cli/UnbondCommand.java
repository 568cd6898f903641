package io.openledger.node.economy.cli;

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

/**
 * {@code openledger unbond}: starts unbonding shares of a position (after its lock); the OPEN is
 * released {@code unbondingDelay} later ({@code stake withdraw}) and can still be slashed until
 * then.
 */
@Command(
    name = "unbond",
    mixinStandardHelpOptions = true,
    description = {
      "Start unbonding a position (--shares N, or --all) in an operator's pool, after its lock.",
      "It is released after the unbonding delay (openledger stake withdraw --entry ID) and can be"
          + " slashed until then."
    })
public final class UnbondCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
  @CommandLine.Mixin SignerOptions signer = new SignerOptions();
  @CommandLine.Mixin TxOptions tx = new TxOptions();

  @Option(
      names = "--operator",
      paramLabel = "ADDRESS",
      description = "The pool (default: the signer's own).")
  String operator;

  @Option(
      names = "--term",
      paramLabel = "TERM",
      defaultValue = "flexible",
      description = "The position's term: flexible, 30, 90, 180, 365 (default: ${DEFAULT-VALUE}).")
  String term;

  @Option(names = "--shares", paramLabel = "N", description = "How many shares to unbond.")
  BigInteger shares;

  @Option(names = "--all", description = "Unbond the whole position.")
  boolean all;

  @Override
  public void run() {
    if ((shares == null) == !all) {
      throw new CliException("give --shares N or --all");
    }
    KeyPair key = signer.unlock();
    Address pool = operator == null ? key.address() : Wallets.parseAddress(operator, "--operator");
    LockTerm t = StakeCommand.term(term);
    EconomyViews views = new EconomyViews(rpc.client());
    BigInteger n = shares;
    if (all) {
      n =
          (BigInteger)
              views
                  .call(
                      StakingModule.ADDRESS,
                      StakingModule.POSITION,
                      pool,
                      key.address(),
                      BigInteger.valueOf(t.code()))
                  .getFirst();
      if (n.signum() == 0) {
        throw new CliException(
            key.address()
                + " holds no "
                + StakeCommand.termName(t)
                + " shares in the pool of "
                + pool);
      }
    }
    ModuleTransaction sent =
        ModuleTransaction.send(
            views.node(),
            key,
            StakingModule.ADDRESS,
            Amount.ZERO,
            StakingModule.UNBOND.encodeCall(pool, BigInteger.valueOf(t.code()), n),
            tx.timeout(),
            spec.commandLine().getErr());
    List<Object> ev = sent.event(StakingModule.ADDRESS, StakingModule.UNBONDING);
    long entry = EconomyViews.u64(ev.get(2));
    Amount amount = EconomyViews.amount(ev.get(4));
    long releaseAt = EconomyViews.u64(ev.get(5));
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("operator", pool.toHex());
      o.put("entry", entry);
      o.put("shares", n.toString());
      o.put("amount", amount.value().toString());
      o.put("releaseAt", releaseAt);
      o.putAll(sent.json());
      Wallets.printJson(out, o);
      return;
    }
    out.println(
        "Unbonding "
            + Wallets.open(amount)
            + " ("
            + n
            + " shares) from the pool of "
            + pool
            + ": entry "
            + entry
            + ", released at "
            + Instant.ofEpochSecond(releaseAt)
            + ".");
    out.println(
        "Take it then with: openledger stake withdraw --operator " + pool + " --entry " + entry);
    out.flush();
  }
}
