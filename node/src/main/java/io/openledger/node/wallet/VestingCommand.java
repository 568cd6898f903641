package io.openledger.node.wallet;

import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.vesting.VestingModule;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger vesting ADDRESS}: an account's vesting schedule, read with {@code eth_call}
 * from the vesting system module; {@code openledger vesting claim} moves what has vested into the
 * account's balance.
 */
@Command(
    name = "vesting",
    mixinStandardHelpOptions = true,
    description = "Show an account's vesting schedule: total, vested, claimed, claimable.",
    subcommands = VestingCommand.Claim.class)
public final class VestingCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ADDRESS",
      description = "The beneficiary (required unless a subcommand is given).")
  String address;

  @Override
  public void run() {
    if (address == null) {
      throw new io.openledger.node.cli.CliException(
          "give an ADDRESS to show its schedule, or claim with: openledger vesting claim --from ...");
    }
    Address who = Wallets.parseAddress(address, "ADDRESS");
    NodeClient node = rpc.client();
    List<Object> s = view(node, VestingModule.SCHEDULE, who);
    Amount total = Amount.of((BigInteger) s.get(0));
    long start = ((BigInteger) s.get(1)).longValueExact();
    long cliff = ((BigInteger) s.get(2)).longValueExact();
    long duration = ((BigInteger) s.get(3)).longValueExact();
    Amount claimed = Amount.of((BigInteger) s.get(4));
    Amount vested = Amount.of((BigInteger) view(node, VestingModule.VESTED, who).getFirst());
    Amount claimable = Amount.of((BigInteger) view(node, VestingModule.CLAIMABLE, who).getFirst());
    PrintWriter out = spec.commandLine().getOut();
    if (rpc.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("beneficiary", who.toHex());
      o.put("total", total.value().toString());
      o.put("start", start);
      o.put("cliffSeconds", cliff);
      o.put("durationSeconds", duration);
      o.put("claimed", claimed.value().toString());
      o.put("vested", vested.value().toString());
      o.put("claimable", claimable.value().toString());
      Wallets.printJson(out, o);
      return;
    }
    if (total.isZero()) {
      out.println(who + " has no vesting schedule.");
      out.flush();
      return;
    }
    out.println("Vesting of " + who);
    out.println("  total      " + Wallets.open(total));
    out.println("  start      " + Instant.ofEpochSecond(start));
    out.println(
        "  cliff      "
            + Duration.ofSeconds(cliff)
            + " (until "
            + Instant.ofEpochSecond(start + cliff)
            + ")");
    out.println(
        "  duration   "
            + Duration.ofSeconds(duration)
            + " (fully vested "
            + Instant.ofEpochSecond(start + duration)
            + ")");
    out.println("  vested     " + Wallets.open(vested));
    out.println("  claimed    " + Wallets.open(claimed));
    out.println("  claimable  " + Wallets.open(claimable));
    out.flush();
  }

  /** Calls a view function of the vesting module at the latest block. */
  static List<Object> view(NodeClient node, AbiFunction f, Address who) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("to", VestingModule.ADDRESS.toHex());
    call.put("input", Bytes.toHex(f.encodeCall(who)));
    byte[] result = Bytes.fromHex(node.call("eth_call", call, "latest").asText());
    return f.decodeResult(result);
  }

  @Command(
      name = "claim",
      mixinStandardHelpOptions = true,
      description = "Claim the vested OPEN of the signing account (a transaction to the module).")
  static final class Claim implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Option(names = "--wait", description = "Wait for the receipt and print it.")
    boolean await;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public void run() {
      var draft =
          new TransactionSender.Draft(
              VestingModule.ADDRESS,
              Amount.ZERO,
              VestingModule.CLAIM.encodeCall(),
              null,
              null,
              null,
              false);
      SendCommand.send(spec, rpc, signer, draft, await, Duration.ofSeconds(timeoutSeconds));
    }
  }
}
