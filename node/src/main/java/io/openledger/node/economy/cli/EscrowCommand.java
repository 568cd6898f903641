package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger escrow}: the OPEN an application keeps in the inference module to pay for
 * inference (docs/economy.md, "Inference module"): deposit, withdraw after the delay, show.
 */
@Command(
    name = "escrow",
    mixinStandardHelpOptions = true,
    description = "The escrow that pays for inference: deposit, withdraw, show.",
    subcommands = {
      EscrowCommand.Deposit.class,
      EscrowCommand.Withdraw.class,
      EscrowCommand.Show.class
    })
public final class EscrowCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Map<String, Object> json(Address payer, Escrow e) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("payer", payer.toHex());
    o.put("balance", e.balance().value().toString());
    o.put("balanceOpen", e.balance().toOpenString());
    o.put("pendingWithdrawal", e.pendingWithdrawal().value().toString());
    o.put("withdrawableAt", e.withdrawableAt());
    return o;
  }

  static void print(PrintWriter out, Address payer, Escrow e) {
    out.println("Escrow of " + payer);
    out.println("  balance     " + Wallets.open(e.balance()));
    if (e.pendingWithdrawal().isZero()) {
      out.println("  withdrawal  none requested");
    } else {
      out.println(
          "  withdrawal  "
              + Wallets.open(e.pendingWithdrawal())
              + " requested, possible from "
              + Instant.ofEpochSecond(e.withdrawableAt()));
    }
    out.flush();
  }

  @Command(
      name = "deposit",
      mixinStandardHelpOptions = true,
      description = "Add OPEN from the signer's balance to its escrow.")
  static final class Deposit implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(index = "0", paramLabel = "AMOUNT", description = "OPEN, up to 18 decimals.")
    String amount;

    @Override
    public void run() {
      Amount value = Wallets.parseOpen(amount, "AMOUNT");
      if (value.isZero()) {
        throw new CliException("AMOUNT must be above zero");
      }
      KeyPair key = signer.unlock();
      EconomyViews views = new EconomyViews(rpc.client());
      ModuleTransaction sent =
          ModuleTransaction.send(
              views.node(),
              key,
              InferenceModule.ADDRESS,
              value,
              InferenceModule.DEPOSIT.encodeCall(),
              tx.timeout(),
              spec.commandLine().getErr());
      sent.event(InferenceModule.ADDRESS, InferenceModule.DEPOSITED);
      Escrow e = views.escrow(key.address());
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = json(key.address(), e);
        o.put("deposited", value.value().toString());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Deposited " + Wallets.open(value) + ".");
      print(out, key.address(), e);
    }
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description = {
        "Request a withdrawal of AMOUNT (default: the whole escrow); after the withdrawal delay,"
            + " take it with --finalize.",
        "The requested OPEN stays chargeable until then, so work already served is paid."
      })
  static final class Withdraw implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "AMOUNT",
        description = "OPEN to request (default: all of the escrow).")
    String amount;

    @Option(
        names = "--finalize",
        description = "Withdraw what was requested, once the delay has passed.")
    boolean finalize;

    @Override
    public void run() {
      if (finalize && amount != null) {
        throw new CliException(
            "--finalize withdraws what was requested; request another AMOUNT without it");
      }
      KeyPair key = signer.unlock();
      EconomyViews views = new EconomyViews(rpc.client());
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter out = spec.commandLine().getOut();
      if (finalize) {
        ModuleTransaction sent =
            ModuleTransaction.send(
                views.node(),
                key,
                InferenceModule.ADDRESS,
                Amount.ZERO,
                InferenceModule.WITHDRAW.encodeCall(),
                tx.timeout(),
                err);
        Amount paid =
            EconomyViews.amount(
                sent.event(InferenceModule.ADDRESS, InferenceModule.WITHDRAWN).get(1));
        Escrow e = views.escrow(key.address());
        if (rpc.json()) {
          Map<String, Object> o = json(key.address(), e);
          o.put("withdrawn", paid.value().toString());
          o.putAll(sent.json());
          Wallets.printJson(out, o);
          return;
        }
        out.println("Withdrew " + Wallets.open(paid) + " to " + key.address() + ".");
        print(out, key.address(), e);
        return;
      }
      Amount requested;
      if (amount != null) {
        requested = Wallets.parseOpen(amount, "AMOUNT");
        if (requested.isZero()) {
          throw new CliException("AMOUNT must be above zero");
        }
      } else {
        requested = views.escrow(key.address()).balance();
        if (requested.isZero()) {
          throw new CliException("the escrow of " + key.address() + " is empty");
        }
      }
      ModuleTransaction sent =
          ModuleTransaction.send(
              views.node(),
              key,
              InferenceModule.ADDRESS,
              Amount.ZERO,
              InferenceModule.REQUEST_WITHDRAWAL.encodeCall(requested.value()),
              tx.timeout(),
              err);
      List<Object> ev = sent.event(InferenceModule.ADDRESS, InferenceModule.WITHDRAWAL_REQUESTED);
      long at = EconomyViews.u64(ev.get(2));
      if (rpc.json()) {
        Map<String, Object> o = json(key.address(), views.escrow(key.address()));
        o.put("requested", requested.value().toString());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println(
          "Requested a withdrawal of "
              + Wallets.open(requested)
              + "; possible from "
              + Instant.ofEpochSecond(at)
              + " with: openledger escrow withdraw --finalize");
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show an escrow: balance and any withdrawal requested.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin OptionalSigner signer = new OptionalSigner();

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "ADDRESS",
        description = "The payer (default: the --from / --private-key-file account).")
    String address;

    @Override
    public void run() {
      Address payer = signer.accountOr(address, "ADDRESS");
      Escrow e = new EconomyViews(rpc.client()).escrow(payer);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Wallets.printJson(out, json(payer, e));
        return;
      }
      print(out, payer, e);
    }
  }
}
