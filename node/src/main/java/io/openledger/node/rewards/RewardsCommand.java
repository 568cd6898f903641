package io.openledger.node.rewards;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.distributor.ClaimTree;
import io.openledger.chain.distributor.DistributorModule;
import io.openledger.chain.distributor.RewardConversion;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.points.PointsModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.cli.ModuleTransaction;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger rewards}: testnet points to mainnet OPEN (docs/points.md). {@code snapshot}
 * turns the points at a block into the published (account, amount) list with its Merkle root and
 * proofs; {@code claim} sends the signer's claim from that file to the distributor; {@code release}
 * pays what has vested; {@code show} prints an account's points, entry and claim.
 */
@Command(
    name = "rewards",
    mixinStandardHelpOptions = true,
    description = "Testnet points to mainnet OPEN: snapshot, claim, release, show.",
    subcommands = {
      RewardsCommand.Snapshot.class,
      RewardsCommand.Claim.class,
      RewardsCommand.Release.class,
      RewardsCommand.Show.class
    })
public final class RewardsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "snapshot",
      mixinStandardHelpOptions = true,
      description =
          "Read every account's points at a block and write the (account, amount) list, each"
              + " proof and the Merkle root (conversion rule 1).")
  static final class Snapshot implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Option(names = "--at", required = true, paramLabel = "BLOCK", description = "Block number.")
    long block;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write.")
    Path out;

    @Option(
        names = "--total",
        paramLabel = "OPEN",
        defaultValue = "10000000",
        description = "OPEN shared pro rata to points (default: ${DEFAULT-VALUE}).")
    String total;

    @Override
    public void run() {
      Amount amount = Wallets.parseOpen(total, "--total");
      if (amount.isZero()) {
        throw new CliException("--total must be more than 0 OPEN");
      }
      NodeClient node = rpc.client();
      var header = node.call("eth_getBlockByNumber", "0x" + Long.toHexString(block), false);
      if (header == null || header.isNull()) {
        throw new CliException(
            "block "
                + block
                + " does not exist on "
                + node.url()
                + " (head is "
                + Wallets.number(node.call("eth_blockNumber"))
                + ")");
      }
      SortedMap<Address, Long> points = PointsAtBlock.read(node, block);
      List<ClaimTree.Entry> entries;
      try {
        entries = RewardConversion.convert(points, amount);
      } catch (IllegalArgumentException e) {
        throw new CliException("at block " + block + " " + e.getMessage());
      }
      ClaimTree tree = ClaimTree.of(entries);
      List<RewardsFile.Line> lines = new ArrayList<>();
      long totalPoints = 0;
      for (long p : points.values()) {
        totalPoints = Math.addExact(totalPoints, p);
      }
      for (int i = 0; i < entries.size(); i++) {
        ClaimTree.Entry e = entries.get(i);
        lines.add(
            new RewardsFile.Line(e.account(), points.get(e.account()), e.amount(), tree.proof(i)));
      }
      RewardsFile file =
          new RewardsFile(
              node.chainId(),
              block,
              Hash.fromHex(header.get("hash").asText()),
              amount,
              totalPoints,
              tree.root(),
              lines);
      file.write(out);
      PrintWriter w = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("block", block);
        o.put("root", tree.root().toHex());
        o.put("accounts", lines.size());
        o.put("total", amount.value().toString());
        o.put("totalPoints", totalPoints);
        o.put("file", out.toString());
        Wallets.printJson(w, o);
        return;
      }
      w.println(
          "Snapshot of block "
              + block
              + ": "
              + totalPoints
              + " points of "
              + points.size()
              + " accounts -> "
              + Wallets.open(amount)
              + " to "
              + lines.size()
              + " accounts");
      w.println("Merkle root " + tree.root().toHex());
      w.println("Wrote " + out);
      w.flush();
    }
  }

  @Command(
      name = "claim",
      mixinStandardHelpOptions = true,
      description =
          "Find the signer's entry and proof in a rewards file and claim it from the distributor"
              + " (into its vesting schedule).")
  static final class Claim implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "Rewards file.")
    Path file;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "How long to wait for the receipt (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public void run() {
      RewardsFile rewards = RewardsFile.read(file);
      KeyPair key = signer.unlock();
      RewardsFile.Line line =
          rewards
              .lineOf(key.address())
              .orElseThrow(
                  () ->
                      new CliException(
                          key.address()
                              + " is not in "
                              + file
                              + " ("
                              + rewards.entries().size()
                              + " accounts, snapshot of block "
                              + rewards.block()
                              + ")"));
      NodeClient node = rpc.client();
      Hash onChain = Hash.wrap((byte[]) view(node, DistributorModule.MERKLE_ROOT).getFirst());
      if (!onChain.equals(rewards.root())) {
        throw new CliException(
            "the distributor's root "
                + onChain
                + " is not the root of "
                + file
                + " ("
                + rewards.root()
                + "): a file of another distribution?");
      }
      if ((Boolean) view(node, DistributorModule.IS_CLAIMED, key.address()).getFirst()) {
        throw new CliException(
            key.address()
                + " has claimed already (see: openledger rewards show "
                + key.address()
                + ")");
      }
      ModuleTransaction sent =
          ModuleTransaction.send(
              node,
              key,
              DistributorModule.ADDRESS,
              Amount.ZERO,
              DistributorModule.CLAIM.encodeCall(
                  key.address(),
                  line.amount().value(),
                  line.proof().stream().map(Hash::toArray).toList()),
              Duration.ofSeconds(timeoutSeconds),
              spec.commandLine().getErr());
      Amount claimed =
          Amount.of(
              (BigInteger) sent.event(DistributorModule.ADDRESS, DistributorModule.CLAIMED).get(1));
      List<Object> terms = view(node, DistributorModule.VESTING_TERMS);
      long start = ((BigInteger) terms.get(0)).longValueExact();
      long cliff = ((BigInteger) terms.get(1)).longValueExact();
      long duration = ((BigInteger) terms.get(2)).longValueExact();
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("account", key.address().toHex());
        o.put("claimed", claimed.value().toString());
        o.put("vestingStarts", start + cliff);
        o.put("vestingEnds", start + cliff + duration);
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println(
          "Claimed "
              + Wallets.open(claimed)
              + " ("
              + claimed.value()
              + " base units) for "
              + key.address()
              + " into vesting: from "
              + Instant.ofEpochSecond(start + cliff)
              + " to "
              + Instant.ofEpochSecond(start + cliff + duration)
              + " (release with: openledger rewards release)");
      out.flush();
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Pay the signer what has vested of its claim.")
  static final class Release implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "How long to wait for the receipt (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              key,
              DistributorModule.ADDRESS,
              Amount.ZERO,
              DistributorModule.RELEASE.encodeCall(),
              Duration.ofSeconds(timeoutSeconds),
              spec.commandLine().getErr());
      Amount paid =
          Amount.of(
              (BigInteger)
                  sent.event(DistributorModule.ADDRESS, DistributorModule.RELEASED).get(1));
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("account", key.address().toHex());
        o.put("released", paid.value().toString());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println(
          "Released "
              + Wallets.open(paid)
              + " ("
              + paid.value()
              + " base units) to "
              + key.address());
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "An account's points today and in all (testnet), its entry in a rewards file, and its"
              + " claim (mainnet).")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The account.")
    String address;

    @Option(names = "--file", paramLabel = "FILE", description = "A rewards file to look it up in.")
    Path file;

    @Override
    public void run() {
      Address who = Wallets.parseAddress(address, "ADDRESS");
      NodeClient node = rpc.client();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("account", who.toHex());
      boolean points = (Boolean) PointsAtBlock.view(node, "latest", PointsModule.RULE).getFirst();
      if (points) {
        long today =
            ((BigInteger) PointsAtBlock.view(node, "latest", PointsModule.TODAY).getFirst())
                .longValueExact();
        List<Object> d =
            PointsAtBlock.view(
                node, "latest", PointsModule.POINTS_OF, who, BigInteger.valueOf(today));
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("day", today);
        day.put("data", d.get(0).toString());
        day.put("usage", d.get(1).toString());
        day.put("validation", d.get(2).toString());
        day.put("uptime", d.get(3).toString());
        o.put("today", day);
        o.put(
            "points",
            PointsAtBlock.view(node, "latest", PointsModule.TOTAL_POINTS_OF, who)
                .getFirst()
                .toString());
      }
      if (file != null) {
        RewardsFile rewards = RewardsFile.read(file);
        rewards
            .lineOf(who)
            .ifPresentOrElse(
                l -> {
                  o.put("snapshotPoints", l.points());
                  o.put("entitled", l.amount().value().toString());
                },
                () -> o.put("entitled", "0"));
      }
      Hash root = Hash.wrap((byte[]) view(node, DistributorModule.MERKLE_ROOT).getFirst());
      if (!root.equals(Hash.ZERO)) {
        o.put("claimed", view(node, DistributorModule.IS_CLAIMED, who).getFirst());
        List<Object> s = view(node, DistributorModule.SCHEDULE, who);
        o.put("vestingTotal", s.get(0).toString());
        o.put("released", s.get(4).toString());
        o.put("releasable", view(node, DistributorModule.RELEASABLE, who).getFirst().toString());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Wallets.printJson(out, o);
        return;
      }
      out.println("Rewards of " + who);
      o.forEach(
          (k, v) -> {
            if (!k.equals("account")) {
              out.println("  " + k + " " + format(k, v));
            }
          });
      out.flush();
    }

    private static String format(String key, Object v) {
      return switch (key) {
        case "entitled", "vestingTotal", "released", "releasable" ->
            Wallets.open(Amount.of(new BigInteger(v.toString())));
        default -> v.toString();
      };
    }
  }

  static List<Object> view(NodeClient node, AbiFunction f, Object... args) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("to", DistributorModule.ADDRESS.toHex());
    call.put("input", Bytes.toHex(f.encodeCall(args)));
    return f.decodeResult(Bytes.fromHex(node.call("eth_call", call, "latest").asText()));
  }
}
