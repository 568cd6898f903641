package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
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
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger batch}: an operator's posted batches of inference records. Anyone can finalize
 * a batch once its challenge window has passed, which makes its payouts claimable.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = "Operators' batches of paid inferences: show, finalize.",
    subcommands = {BatchCommand.Show.class, BatchCommand.Finalize.class})
public final class BatchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code --operator} and {@code --seq}. */
  static final class BatchRef {
    @Option(
        names = "--operator",
        required = true,
        paramLabel = "ADDRESS",
        description = "Who posted it.")
    String operator;

    @Option(names = "--seq", required = true, paramLabel = "N", description = "Its number, from 0.")
    long seq;

    Address operator() {
      return Wallets.parseAddress(operator, "--operator");
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a posted batch: records, total, when it can be finalized.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin BatchRef ref = new BatchRef();

    @Override
    public void run() {
      Address op = ref.operator();
      Batch b = new EconomyViews(rpc.client()).batch(op, ref.seq);
      if (b.postedAt() == 0) {
        throw new CliException("operator " + op + " has posted no batch " + ref.seq);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("operator", op.toHex());
        o.put("seq", ref.seq);
        o.put("recordsRoot", b.recordsRoot().toHex());
        o.put("firstRecord", b.firstRecord());
        o.put("recordCount", b.recordCount());
        o.put("total", b.total().value().toString());
        o.put("postedAt", b.postedAt());
        o.put("finalizableAt", b.finalizableAt());
        o.put("finalized", b.finalized());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Batch " + ref.seq + " of " + op);
      out.println(
          "  records     " + b.firstRecord() + ".." + (b.firstRecord() + b.recordCount() - 1));
      out.println("  root        " + b.recordsRoot().toHex());
      out.println("  total       " + Wallets.open(b.total()));
      out.println("  posted      " + Instant.ofEpochSecond(b.postedAt()));
      out.println(
          "  status      "
              + (b.finalized()
                  ? "final (payouts claimable)"
                  : "open; can be finalized from " + Instant.ofEpochSecond(b.finalizableAt())));
      out.flush();
    }
  }

  @Command(
      name = "finalize",
      mixinStandardHelpOptions = true,
      description =
          "Finalize a batch after its challenge window (anyone may): payouts become claimable.")
  static final class Finalize implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();
    @CommandLine.Mixin BatchRef ref = new BatchRef();

    @Override
    public void run() {
      Address op = ref.operator();
      if (ref.seq < 0) {
        throw new CliException("--seq must not be negative");
      }
      PrintWriter out = spec.commandLine().getOut();
      Batch b = new EconomyViews(rpc.client()).batch(op, ref.seq);
      if (b.finalized()) {
        // the operator's node finalizes its own batches too: the user's goal is reached
        if (rpc.json()) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("operator", op.toHex());
          o.put("seq", ref.seq);
          o.put("finalized", true);
          o.put("alreadyFinal", true);
          Wallets.printJson(out, o);
          return;
        }
        out.println(
            "Batch "
                + ref.seq
                + " of "
                + op
                + " is already final (its payouts are claimable); nothing was sent.");
        out.flush();
        return;
      }
      KeyPair key = signer.unlock();
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              key,
              InferenceModule.ADDRESS,
              Amount.ZERO,
              InferenceModule.FINALIZE_BATCH.encodeCall(op, BigInteger.valueOf(ref.seq)),
              tx.timeout(),
              spec.commandLine().getErr());
      sent.event(InferenceModule.ADDRESS, InferenceModule.BATCH_FINALIZED);
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("operator", op.toHex());
        o.put("seq", ref.seq);
        o.put("finalized", true);
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Finalized batch " + ref.seq + " of " + op + ": its payouts are claimable.");
      out.flush();
    }
  }
}
