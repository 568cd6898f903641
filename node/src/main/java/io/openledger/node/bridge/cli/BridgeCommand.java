package io.openledger.node.bridge.cli;

import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.OutputRoot;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedOutputs;
import io.openledger.l1.Withdrawal;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.cli.ModuleTransaction;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger bridge}: OPEN between Ethereum (L1) and the L2 (docs/settlement.md, "The bridge
 * CLI"): deposit on L1, withdraw on the L2, prove and finalize the withdrawal on L1, and its
 * status.
 */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    description = {
      "Move OPEN between Ethereum (L1) and the L2: deposit on L1, withdraw on the L2, then prove"
          + " the withdrawal on L1 once an output covers its block and finalize it after the"
          + " challenge period.",
      "The same key signs on both chains (the same address)."
    },
    subcommands = {
      BridgeCommand.Deploy.class,
      BridgeCommand.Deposit.class,
      BridgeCommand.Withdraw.class,
      BridgeCommand.Prove.class,
      BridgeCommand.Finalize.class,
      BridgeCommand.Status.class
    })
public final class BridgeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs {@code body} with the L1 connection, turning L1 refusals into the user's message. */
  private static <T> T onL1(L1Options l1, Function<L1Options, T> body) {
    try {
      return body.apply(l1);
    } catch (L1Sender.L1Reverted e) {
      throw new CliException("L1 refused: " + e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      throw new CliException(
          "the L1 node at " + l1.rpc + " does not answer: " + e.getCause().getMessage());
    } finally {
      l1.close();
    }
  }

  private static void print(
      CommandLine.Model.CommandSpec spec, RpcOptions rpc, Map<String, Object> json, String text) {
    PrintWriter out = spec.commandLine().getOut();
    if (rpc != null && rpc.json()) {
      Wallets.printJson(out, json);
    } else {
      out.println(text);
    }
    out.flush();
  }

  private static Map<String, Object> json(L2Withdrawal w) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("withdrawalHash", w.hash().toHex());
    o.put("nonce", w.withdrawal().nonce().toString());
    o.put("sender", w.withdrawal().sender().toHex());
    o.put("target", w.withdrawal().target().toHex());
    o.put("amount", w.withdrawal().amount().value().toString());
    o.put("l2Block", w.l2Block());
    o.put("l2Transaction", w.l2Transaction());
    return o;
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description =
          "Deploy the L1 contracts of an L2 (OutputOracle, Portal with its OpenToken, BatchInbox)"
              + " from the signer's L1 key; prints their addresses for openledger node's --l1-*"
              + " options.")
  static final class Deploy implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Option(
        names = "--l1-rpc",
        paramLabel = "URL",
        required = true,
        description = "Ethereum (L1) JSON-RPC endpoint.")
    String rpc;

    @Option(
        names = "--proposer",
        paramLabel = "ADDRESS",
        required = true,
        description = "The only L1 account that posts output roots.")
    String proposer;

    @Option(
        names = "--challenger",
        paramLabel = "ADDRESS",
        required = true,
        description = "The only L1 account that deletes outputs in their challenge period.")
    String challenger;

    @Option(
        names = "--batcher",
        paramLabel = "ADDRESS",
        required = true,
        description = "The only L1 account whose batches the inbox accepts.")
    String batcher;

    @Option(
        names = "--challenge-period",
        paramLabel = "SECONDS",
        defaultValue = "604800",
        description = "Seconds an output can be challenged (default: ${DEFAULT-VALUE}, 7 days).")
    long challengePeriod;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public void run() {
      if (challengePeriod < 1) {
        throw new CliException("--challenge-period must be at least 1 s, got " + challengePeriod);
      }
      L1Deployment.Config config =
          new L1Deployment.Config(
              Wallets.parseAddress(proposer, "--proposer"),
              Wallets.parseAddress(challenger, "--challenger"),
              Wallets.parseAddress(batcher, "--batcher"),
              challengePeriod,
              BridgeModule.ADDRESS);
      KeyPair key = signer.unlock();
      L1Options l1 = new L1Options();
      l1.rpc = rpc;
      long[] startBlock = new long[1];
      L1Deployment d =
          onL1(
              l1,
              c -> {
                try {
                  startBlock[0] =
                      c.web3j().ethBlockNumber().send().getBlockNumber().longValueExact() + 1;
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                return L1Deployment.deploy(c.sender(key), config);
              });
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("oracle", d.oracle());
      o.put("portal", d.portal());
      o.put("token", d.token());
      o.put("inbox", d.inbox());
      o.put("startBlock", startBlock[0]);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Wallets.printJson(out, o);
      } else {
        out.println("OutputOracle  " + d.oracle());
        out.println("Portal        " + d.portal());
        out.println("OpenToken     " + d.token());
        out.println("BatchInbox    " + d.inbox());
        out.println("start block   " + startBlock[0]);
        out.println(
            "Run the sequencer with: --l1-rpc "
                + rpc
                + " --l1-portal "
                + d.portal()
                + " --l1-start-block "
                + startBlock[0]
                + " --l1-oracle "
                + d.oracle()
                + " --proposer-key-file FILE --l1-inbox "
                + d.inbox()
                + " --batcher-key-file FILE");
      }
      out.flush();
    }
  }

  @Command(
      name = "deposit",
      mixinStandardHelpOptions = true,
      description =
          "Deposit AMOUNT OPEN from L1 to the L2: the Portal burns it on L1 and the L2 credits it"
              + " once the L1 block is final.")
  static final class Deposit implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin L1Options l1 = new L1Options();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(
        names = "--to",
        paramLabel = "ADDRESS",
        description = "The L2 account credited (default: the signer's).")
    String to;

    @Parameters(index = "0", paramLabel = "AMOUNT", description = "OPEN to deposit.")
    String amount;

    @Override
    public void run() {
      Amount value = Wallets.parseOpen(amount, "AMOUNT");
      if (value.isZero()) {
        throw new CliException("AMOUNT must be above zero");
      }
      KeyPair key = signer.unlock();
      Address recipient = to == null ? key.address() : Wallets.parseAddress(to, "--to");
      TransactionReceipt r =
          onL1(l1, o -> o.sender(key).send(o.portal(), L1Abi.deposit(recipient, value)));
      PortalDeposits.L1Deposit d = null;
      for (Log log : r.getLogs()) {
        if (!log.getTopics().isEmpty()
            && log.getTopics().getFirst().equals(PortalDeposits.DEPOSIT_INITIATED)) {
          d = PortalDeposits.decode(log);
        }
      }
      if (d == null) {
        throw new CliException(
            "the L1 receipt of " + r.getTransactionHash() + " has no DepositInitiated log");
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("nonce", d.deposit().nonce());
      o.put("from", d.deposit().from().toHex());
      o.put("to", d.deposit().to().toHex());
      o.put("amount", value.value().toString());
      o.put("l1Transaction", r.getTransactionHash());
      o.put("l1Block", d.l1Block());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Wallets.printJson(out, o);
      } else {
        out.println(
            "Deposited "
                + Wallets.open(value)
                + " on L1 for "
                + recipient
                + " on the L2 (deposit "
                + d.deposit().nonce()
                + ", L1 block "
                + d.l1Block()
                + ", transaction "
                + r.getTransactionHash()
                + "); the L2 credits it once that block is final.");
      }
      out.flush();
    }
  }

  @Command(
      name = "withdraw",
      mixinStandardHelpOptions = true,
      description =
          "Withdraw AMOUNT OPEN from the L2 to L1 (the bridge module burns it); prints the"
              + " withdrawal hash for bridge prove, finalize and status.")
  static final class Withdraw implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Option(
        names = "--to",
        paramLabel = "ADDRESS",
        description = "The L1 account that receives it (default: the signer's).")
    String to;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "How long to wait for the receipt (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Parameters(index = "0", paramLabel = "AMOUNT", description = "OPEN to withdraw.")
    String amount;

    @Override
    public void run() {
      Amount value = Wallets.parseOpen(amount, "AMOUNT");
      if (value.isZero()) {
        throw new CliException("AMOUNT must be above zero");
      }
      KeyPair key = signer.unlock();
      Address target = to == null ? key.address() : Wallets.parseAddress(to, "--to");
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              key,
              BridgeModule.ADDRESS,
              value,
              BridgeModule.WITHDRAW.encodeCall(target),
              Duration.ofSeconds(timeoutSeconds),
              spec.commandLine().getErr());
      List<Object> ev = sent.event(BridgeModule.ADDRESS, BridgeModule.WITHDRAWAL_INITIATED);
      L2Withdrawal w =
          new L2Withdrawal(
              new Withdrawal((BigInteger) ev.get(0), key.address(), target, value),
              sent.block(),
              sent.hash());
      if (!w.hash().equals(Hash.wrap((byte[]) ev.get(4)))) {
        throw new CliException("the L2's withdrawal hash is not the Portal's: another chain?");
      }
      print(
          spec,
          rpc,
          json(w),
          "Withdrawal "
              + w.hash()
              + ": "
              + Wallets.open(value)
              + " to "
              + target
              + " on L1 (nonce "
              + w.withdrawal().nonce()
              + ", L2 block "
              + w.l2Block()
              + ").\nProve it on L1 once an output covers L2 block "
              + w.l2Block()
              + ": openledger bridge prove "
              + w.hash());
    }
  }

  /** The options of the commands that read a withdrawal on both chains. */
  abstract static class OnBothChains implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin L1Options l1 = new L1Options();

    @Parameters(
        index = "0",
        paramLabel = "WITHDRAWAL",
        description = "The withdrawal hash (bridge withdraw prints it).")
    String withdrawal;

    L2Withdrawal find() {
      return L2Withdrawal.find(rpc.client(), Wallets.parseHash(withdrawal, "WITHDRAWAL"));
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Prove a withdrawal on L1 against the latest posted output, once it covers the"
              + " withdrawal's L2 block (state proof from the L2's eth_getProof); anyone may"
              + " prove.")
  static final class Prove extends OnBothChains {
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Override
    public void run() {
      L2Withdrawal w = find();
      KeyPair key = signer.unlock();
      NodeClient l2 = rpc.client();
      Map<String, Object> o = json(w);
      String text =
          onL1(
              l1,
              c -> {
                WithdrawalStatus s = WithdrawalStatus.of(w, c.withdrawals(), c.outputs());
                if (!(s instanceof WithdrawalStatus.Provable p)) {
                  throw new CliException(
                      "withdrawal " + w.hash() + " is " + s.name() + ": " + s.describe());
                }
                PostedOutputs.Output output = p.output();
                OutputRoot root = L2Withdrawal.outputAt(l2, output.l2BlockNumber());
                if (!root.hash().equals(output.outputRoot())) {
                  throw new CliException(
                      "the output posted for L2 block "
                          + output.l2BlockNumber()
                          + " is "
                          + output.outputRoot()
                          + " but the L2 at "
                          + l2.url()
                          + " gives "
                          + root.hash()
                          + ": not the chain the outputs were posted for");
                }
                byte[] proof = w.stateProof(l2, output.l2BlockNumber());
                TransactionReceipt r =
                    c.sender(key)
                        .send(
                            c.portal(),
                            L1Abi.proveWithdrawal(
                                w.withdrawal(), BigInteger.valueOf(output.index()), root, proof));
                WithdrawalStatus after = WithdrawalStatus.of(w, c.withdrawals(), c.outputs());
                o.put("outputIndex", output.index());
                o.put("outputL2Block", output.l2BlockNumber());
                o.put("l1Transaction", r.getTransactionHash());
                if (after instanceof WithdrawalStatus.Proven pr) {
                  o.put("finalizableAt", pr.finalizableAt());
                }
                return "Proved withdrawal "
                    + w.hash()
                    + " against output "
                    + output.index()
                    + " (L2 block "
                    + output.l2BlockNumber()
                    + ") in L1 transaction "
                    + r.getTransactionHash()
                    + ": "
                    + after.describe();
              });
      print(spec, rpc, o, text);
    }
  }

  @Command(
      name = "finalize",
      mixinStandardHelpOptions = true,
      description =
          "Finalize a proven withdrawal on L1 after the challenge period: the Portal mints the"
              + " OPEN to its target; anyone may finalize.")
  static final class Finalize extends OnBothChains {
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Override
    public void run() {
      L2Withdrawal w = find();
      KeyPair key = signer.unlock();
      Map<String, Object> o = json(w);
      String text =
          onL1(
              l1,
              c -> {
                WithdrawalStatus s = WithdrawalStatus.of(w, c.withdrawals(), c.outputs());
                if (!(s instanceof WithdrawalStatus.Proven p)) {
                  throw new CliException(
                      "withdrawal " + w.hash() + " is " + s.name() + ": " + s.describe());
                }
                if (!p.finalizable()) {
                  throw new CliException(
                      "challenge period not over: withdrawal "
                          + w.hash()
                          + " can be finalized at "
                          + Instant.ofEpochSecond(p.finalizableAt())
                          + " (L1 time; "
                          + (p.finalizableAt() - p.now())
                          + " s from the latest L1 block)");
                }
                TransactionReceipt r =
                    c.sender(key).send(c.portal(), L1Abi.finalizeWithdrawal(w.withdrawal()));
                o.put("l1Transaction", r.getTransactionHash());
                return "Finalized withdrawal "
                    + w.hash()
                    + ": "
                    + Wallets.open(w.withdrawal().amount())
                    + " minted to "
                    + w.withdrawal().target()
                    + " on L1 (transaction "
                    + r.getTransactionHash()
                    + ").";
              });
      print(spec, rpc, o, text);
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Where a withdrawal stands: waiting for output, provable, proven (finalizable at T),"
              + " finalized.")
  static final class Status extends OnBothChains {
    @Override
    public void run() {
      L2Withdrawal w = find();
      Map<String, Object> o = json(w);
      WithdrawalStatus s = onL1(l1, c -> WithdrawalStatus.of(w, c.withdrawals(), c.outputs()));
      o.put("status", s.name());
      switch (s) {
        case WithdrawalStatus.Provable p -> o.put("outputIndex", p.output().index());
        case WithdrawalStatus.Proven p -> {
          o.put("outputIndex", p.proof().outputIndex());
          o.put("finalizableAt", p.finalizableAt());
          o.put("finalizable", p.finalizable());
        }
        default -> {}
      }
      o.put("detail", s.describe());
      print(
          spec,
          rpc,
          o,
          "Withdrawal "
              + w.hash()
              + " ("
              + Wallets.open(w.withdrawal().amount())
              + " to "
              + w.withdrawal().target()
              + ", L2 block "
              + w.l2Block()
              + "): "
              + s.name()
              + "\n  "
              + s.describe());
    }
  }
}
