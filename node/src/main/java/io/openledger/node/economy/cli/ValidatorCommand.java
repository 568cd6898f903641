package io.openledger.node.economy.cli;

import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger validator}: register with a stake on the challenge module, unregister (starts
 * unbonding the whole stake), withdraw it once released, and show a validator's history from its
 * events.
 */
@Command(
    name = "validator",
    mixinStandardHelpOptions = true,
    description =
        "Validators vote on harmful-output challenges: register, unregister, withdraw, show.",
    subcommands = {
      ValidatorCommand.Register.class,
      ValidatorCommand.Unregister.class,
      ValidatorCommand.Withdraw.class,
      ValidatorCommand.Show.class
    })
public final class ValidatorCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Sends a challenge-module call after checking the module exists; the transaction. */
  static ModuleTransaction send(
      CommandLine.Model.CommandSpec spec,
      RpcOptions rpc,
      TxOptions tx,
      KeyPair key,
      Amount value,
      byte[] data) {
    NodeClient node = rpc.client();
    ChallengeChain.requireModule(node);
    return ModuleTransaction.send(
        node, key, ChallengeModule.ADDRESS, value, data, tx.timeout(), spec.commandLine().getErr());
  }

  static void done(
      CommandLine.Model.CommandSpec spec, RpcOptions rpc, ModuleTransaction sent, String text) {
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Wallets.printJson(out, sent.json());
      return;
    }
    out.println(text);
    out.flush();
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description =
          "Register as a validator (or add to your stake) with AMOUNT OPEN; the first registration"
              + " needs at least validatorMinimumStake.")
  static final class Register implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(index = "0", paramLabel = "AMOUNT", description = "OPEN to stake.")
    String amount;

    @Override
    public void run() {
      Amount value = Wallets.parseOpen(amount, "AMOUNT");
      if (value.isZero()) {
        throw new CliException("AMOUNT must be above zero");
      }
      KeyPair key = signer.unlock();
      ModuleTransaction sent =
          send(spec, rpc, tx, key, value, ChallengeModule.REGISTER_VALIDATOR.encodeCall());
      done(spec, rpc, sent, "Registered " + key.address() + " with " + Wallets.open(value) + ".");
    }
  }

  @Command(
      name = "unregister",
      mixinStandardHelpOptions = true,
      description =
          "Stop validating: the whole stake starts unbonding (still slashable until released).")
  static final class Unregister implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      call(
          spec,
          rpc,
          tx,
          key,
          ChallengeModule.UNREGISTER_VALIDATOR,
          "Unregistered "
              + key.address()
              + "; withdraw the stake after the unbonding delay: openledger validator withdraw.");
    }
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description = "Take the validator stake once its unbonding is over.")
  static final class Withdraw implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      call(spec, rpc, tx, key, ChallengeModule.WITHDRAW_VALIDATOR, "Withdrew the validator stake.");
    }
  }

  private static void call(
      CommandLine.Model.CommandSpec spec,
      RpcOptions rpc,
      TxOptions tx,
      KeyPair key,
      AbiFunction f,
      String text) {
    done(spec, rpc, send(spec, rpc, tx, key, Amount.ZERO, f.encodeCall()), text);
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A validator's registrations, penalties and votes, from its events.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin OptionalSigner signer = new OptionalSigner();

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "ADDRESS",
        description = "The validator (default: the --from / --private-key-file account).")
    String address;

    @Override
    public void run() {
      Address v = signer.accountOr(address, "ADDRESS");
      NodeClient node = rpc.client();
      ChallengeChain.requireModule(node);
      byte[] w = ChallengeChain.word(v);
      List<ChallengeChain.Event> all = new ArrayList<>();
      all.addAll(ChallengeChain.events(node, ChallengeModule.VALIDATOR_REGISTERED, 1, w));
      all.addAll(ChallengeChain.events(node, ChallengeModule.VALIDATOR_PENALIZED, 1, w));
      all.addAll(ChallengeChain.events(node, ChallengeModule.VOTED, 2, w));
      all.sort(java.util.Comparator.comparingLong(ChallengeChain.Event::block));
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("validator", v.toHex());
        o.put("events", all.stream().map(ChallengeChain.Event::json).toList());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Validator " + v);
      if (all.isEmpty()) {
        out.println("  no registration, penalty or vote");
      }
      for (ChallengeChain.Event e : all) {
        out.println("  block " + e.block() + "  " + e.json());
      }
      out.flush();
    }
  }
}
