package io.openledger.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.l1.Anvil;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Blocks;
import io.openledger.l1.L1Deployment;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PortalDeposits;
import io.openledger.l1.PostedBatches;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.bridge.L1Batcher;
import io.openledger.node.bridge.L1DepositWatcher;
import io.openledger.node.bridge.OutputProposer;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.rpc.Json;
import io.openledger.node.rpc.JsonRpcService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * What settlement on L1 costs, on the devnet set-up: anvil (interval mining) with the L1 contracts,
 * a devnet ledger with the real JSON-RPC server, the batcher, the proposer and the deposit watcher.
 * Transfers go to the L2 at a fixed rate (open loop) while deposits are made on L1 one after
 * another. Measured: the frames the batcher posts for the blocks of the load (bytes, calldata gas
 * at the EIP-7623 floor, the receipts' gas, per transfer; raw over compressed bytes), the
 * proposer's gas per output (its receipts), and each deposit's time from sending its L1 transaction
 * to its credit being visible through the L2's {@code eth_getBalance}.
 */
final class SettlementBenchmark {
  static final Amount GWEI = Amount.of(1_000_000_000L);

  record Settings(
      int rate,
      Duration duration,
      int senders,
      int deposits,
      Duration blockTime,
      int l1BlockTimeSeconds,
      int confirmations,
      int batchMinBlocks,
      long outputInterval,
      Path nodeModules) {}

  private final Settings s;
  private final Consumer<String> progress;
  private final List<L1Batcher.PostedFrame> frames =
      Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stop;

  SettlementBenchmark(Settings settings, Consumer<String> progress) {
    this.s = settings;
    this.progress = progress;
  }

  Map<String, Object> run() throws Exception {
    Path dir = Files.createTempDirectory("openledger-settlement-bench-");
    try {
      return runIn(dir);
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }

  private Map<String, Object> runIn(Path dir) throws Exception {
    progress.accept("starting anvil (a block every " + s.l1BlockTimeSeconds() + " s)");
    try (Anvil anvil =
        Anvil.start(s.nodeModules(), new Anvil.Settings(0, s.l1BlockTimeSeconds(), null, 0))) {
      Web3j l1 = anvil.web3j();
      long startBlock = L1Blocks.latest(l1) + 1;
      L1Sender deployer = sender(l1, 0);
      L1Deployment d =
          L1Deployment.deploy(
              deployer,
              new L1Deployment.Config(
                  Address.fromHex(sender(l1, 1).address()),
                  Address.fromHex(deployer.address()),
                  Address.fromHex(sender(l1, 2).address()),
                  1,
                  BridgeModule.ADDRESS));
      PortalDeposits portal = new PortalDeposits(l1, d.portal(), startBlock, s.confirmations());
      LedgerConfig config =
          LedgerConfig.DEFAULT
              .withSequencer(SequencerConfig.DEFAULT.withBlockInterval(s.blockTime()))
              .withMempool(MempoolConfig.DEFAULT.withMaxTotal(100_000).withGlobalSlots(100_000));
      try (L1DepositWatcher watcher = new L1DepositWatcher(portal, Duration.ofMillis(250));
          Ledger ledger =
              Ledger.open(
                  dir.resolve("chain"),
                  ChainSpec.from(Genesis.devnet()),
                  config.withDeposits(watcher));
          JsonRpcService rpc = JsonRpcService.start(ledger, "127.0.0.1", 0)) {
        L1Batcher batcher =
            new L1Batcher(
                ledger.chain(),
                sender(l1, 2),
                d.inbox(),
                new PostedBatches(l1, d.inbox(), startBlock),
                s.batchMinBlocks(),
                L1Batcher.DEFAULT_MAX_FRAME_BYTES,
                s.confirmations());
        Thread batcherThread =
            Thread.ofPlatform().name("bench-batcher").start(() -> batch(batcher));
        try (OutputProposer proposer =
            new OutputProposer(
                    ledger.chain(),
                    ledger.state(),
                    sender(l1, 1),
                    new PostedOutputs(l1, d.oracle()),
                    s.outputInterval(),
                    batcher::postedThrough)
                .start(Duration.ofMillis(250))) {
          RpcClient client = new RpcClient(rpc.httpUrl());
          return measure(anvil, l1, d, ledger, batcher, client, dir);
        } finally {
          stop = true;
          batcherThread.join(60_000);
        }
      }
    }
  }

  private void batch(L1Batcher batcher) {
    while (!stop) {
      try {
        frames.addAll(batcher.postDue());
      } catch (RuntimeException e) {
        progress.accept("  batcher: " + e.getMessage() + "; retrying");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Map<String, Object> measure(
      Anvil anvil,
      Web3j l1,
      L1Deployment d,
      Ledger ledger,
      L1Batcher batcher,
      RpcClient client,
      Path dir)
      throws Exception {
    List<KeyPair> senders = TransferBenchmark.senderKeys(s.senders());
    fund(ledger, senders);
    if (s.deposits() > 0) {
      withdrawForDeposits(anvil, d, client, dir);
    }
    long before = ledger.chain().headNumber();
    awaitPosted(batcher, before, "the set-up's blocks");
    long l1Before = L1Blocks.latest(l1);
    List<String> raw = presign(senders, ledger.chain().chainId());
    progress.accept(
        String.format(
            "sending %d transfers/s for %d s from %d senders; %d deposits on L1",
            s.rate(), s.duration().toSeconds(), s.senders(), s.deposits()));
    List<Long> depositNanos = Collections.synchronizedList(new ArrayList<>());
    Thread depositor =
        Thread.ofPlatform()
            .name("bench-deposits")
            .start(() -> deposit(l1, d, client, depositNanos));
    long[] load = load(client, raw);
    depositor.join();
    long last = ledger.chain().headNumber();
    awaitPosted(batcher, last, "the load's blocks");
    return figures(l1, d, ledger, before, last, l1Before, load, depositNanos);
  }

  /** Gives every sender 10 OPEN from the dev accounts not used on L1 (4 and up). */
  private void fund(Ledger ledger, List<KeyPair> senders) throws InterruptedException {
    progress.accept("funding " + senders.size() + " senders");
    List<KeyPair> funders =
        DevAccounts.ALL.stream()
            .filter(a -> a.index() > 3 && a.index() != DevAccounts.VESTING_DEMO.index())
            .map(a -> KeyPair.fromPrivateKeyHex(a.privateKeyHex()))
            .toList();
    TransferBenchmark.fund(ledger, funders, senders, false);
  }

  /**
   * Gives dev account 3 OPEN on L1 for the deposits, through the bridge CLI: withdraw on the L2,
   * wait for the output, prove, wait out the 1-second challenge period, finalize.
   */
  private void withdrawForDeposits(Anvil anvil, L1Deployment d, RpcClient client, Path dir)
      throws Exception {
    progress.accept("withdrawing " + s.deposits() + " OPEN to L1 for the deposits");
    Path key =
        Files.writeString(
            dir.resolve("dev3.key"),
            DevAccounts.ALL.get(3).privateKeyHex(),
            StandardCharsets.UTF_8);
    String l2 = client.url();
    String hash =
        Json.MAPPER
            .readTree(
                cli(
                    "bridge",
                    "withdraw",
                    Integer.toString(s.deposits()),
                    "--private-key-file",
                    key.toString(),
                    "--rpc",
                    l2,
                    "--json"))
            .get("withdrawalHash")
            .asText();
    String[] l1Args = {"--rpc", l2, "--l1-rpc", anvil.rpcUrl(), "--l1-portal", d.portal()};
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!status(hash, l1Args).equals("provable")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no output covered the withdrawal within 5 minutes");
      }
      Thread.sleep(500);
    }
    cli(
        concat(
            new String[] {"bridge", "prove", hash, "--private-key-file", key.toString()}, l1Args));
    while (!status(hash, l1Args).equals("finalized")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the withdrawal did not finalize within 5 minutes");
      }
      Thread.sleep(1_000L * s.l1BlockTimeSeconds() + 500);
      tryCli(
          concat(
              new String[] {"bridge", "finalize", hash, "--private-key-file", key.toString()},
              l1Args));
    }
  }

  private static String status(String hash, String[] l1Args) throws IOException {
    return Json.MAPPER
        .readTree(cli(concat(new String[] {"bridge", "status", hash, "--json"}, l1Args)))
        .get("status")
        .asText();
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    if (tryCli(out, err, args) != 0) {
      throw new IllegalStateException("openledger " + String.join(" ", args) + ": " + err);
    }
    return out.toString();
  }

  private static void tryCli(String... args) {
    tryCli(new StringWriter(), new StringWriter(), args);
  }

  private static int tryCli(StringWriter out, StringWriter err, String... args) {
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** Waits until the batcher's final frames hold L2 block {@code block}. */
  private void awaitPosted(L1Batcher batcher, long block, String what) throws InterruptedException {
    progress.accept("waiting for " + what + " (through L2 block " + block + ") to be final on L1");
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (batcher.postedThrough() < block) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the batcher did not post L2 block " + block + " in 5 min");
      }
      Thread.sleep(100);
    }
  }

  /** Round-robin over the senders, each to the next, in send order. */
  private List<String> presign(List<KeyPair> senders, long chainId) {
    int total = (int) (s.rate() * s.duration().toSeconds());
    List<String> raw = new ArrayList<>(total);
    for (int g = 0; g < total; g++) {
      int sender = g % senders.size();
      raw.add(
          Bytes.toHex(
              TransactionBuilder.eip1559(chainId)
                  .nonce(g / senders.size())
                  .maxFeePerGas(GWEI.multiply(100))
                  .maxPriorityFeePerGas(GWEI)
                  .to(senders.get((sender + 1) % senders.size()).address())
                  .value(Amount.of(1_000))
                  .sign(senders.get(sender))
                  .encode()));
    }
    return raw;
  }

  private static final int MAX_BATCH = 1_000;

  /** Sends {@code raw} at the rate, a batch every 100 ms; returns {accepted, rejected}. */
  private long[] load(RpcClient client, List<String> raw) throws Exception {
    long t0 = System.nanoTime();
    int sent = 0;
    long accepted = 0;
    long rejected = 0;
    while (sent < raw.size()) {
      long owed = Math.min(raw.size(), (System.nanoTime() - t0) * s.rate() / 1_000_000_000L);
      long due = Math.min(owed, sent + MAX_BATCH); // the node answers 1,000 requests a batch
      if (due > sent) {
        for (RpcClient.Answer a : client.sendRawBatch(raw.subList(sent, (int) due))) {
          if (a.error() == null) {
            accepted++;
          } else {
            rejected++;
          }
        }
        sent = (int) due;
      }
      if (owed <= sent) {
        Thread.sleep(100);
      }
    }
    return new long[] {accepted, rejected};
  }

  /** One deposit after another, evenly over the load; each timed until the L2 shows it. */
  private void deposit(Web3j l1, L1Deployment d, RpcClient client, List<Long> nanos) {
    L1Sender user = sender(l1, 3);
    long spacing = s.deposits() == 0 ? 0 : s.duration().toNanos() / s.deposits();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < s.deposits(); i++) {
        BenchSupport.sleepUntil(start + i * spacing);
        Address to =
            Address.wrap(
                java.util.Arrays.copyOfRange(
                    Hash.keccak256(
                            ("settlement-bench-deposit-" + i).getBytes(StandardCharsets.UTF_8))
                        .toArray(),
                    12,
                    32));
        long t0 = System.nanoTime();
        user.send(d.portal(), L1Abi.deposit(to, Amount.open(1)));
        long deadline = t0 + Duration.ofMinutes(5).toNanos();
        while (balance(client, to).signum() == 0) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("deposit " + i + " was not credited in 5 minutes");
          }
          Thread.sleep(20);
        }
        nanos.add(System.nanoTime() - t0);
      }
    } catch (Exception e) {
      progress.accept("  deposits stopped: " + e.getMessage());
    }
  }

  private static BigInteger balance(RpcClient client, Address a)
      throws IOException, InterruptedException {
    JsonNode r = client.call("eth_getBalance", a.toHex(), "latest");
    return new BigInteger(r.asText().substring(2), 16);
  }

  private Map<String, Object> figures(
      Web3j l1,
      L1Deployment d,
      Ledger ledger,
      long before,
      long last,
      long l1Before,
      long[] load,
      List<Long> depositNanos)
      throws IOException {
    long transfers = 0;
    long rawBytes = 0;
    long frameBytes = 0;
    long floorGas = 0;
    long l1Gas = 0;
    int count = 0;
    int parts = 0;
    synchronized (frames) {
      for (L1Batcher.PostedFrame f : frames) {
        if (f.frame().firstBlock() <= before) {
          continue;
        }
        count++;
        if (f.parts() > 1) {
          parts++;
        }
        for (BatchFrame.Block b :
            f.part() == 0 ? f.frame().blocks() : List.<BatchFrame.Block>of()) {
          for (byte[] t : b.transactions()) {
            rawBytes += t.length;
            if ((t[0] & 0xff) != 0x7e) {
              transfers++;
            }
          }
        }
        byte[] calldata = f.calldata();
        frameBytes += calldata.length;
        floorGas += 21_000 + 10 * tokens(calldata);
        l1Gas += f.receipt().getGasUsed().longValueExact();
      }
    }
    List<Long> outputGas = outputGas(l1, d, l1Before);
    long[] deposits = depositNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("l2_transfers_posted", transfers);
    m.put("frames", count);
    m.put("frames_parts_of_a_block", parts);
    m.put("l1_bytes_per_transfer", BenchSupport.round1(per(frameBytes, transfers)));
    m.put("calldata_floor_gas_per_transfer", BenchSupport.round1(per(floorGas, transfers)));
    m.put("l1_gas_per_transfer", BenchSupport.round1(per(l1Gas, transfers)));
    m.put("compression_ratio", Math.round(per(rawBytes, frameBytes) * 100) / 100.0);
    m.put("frame_bytes_avg", BenchSupport.round1(per(frameBytes, count)));
    m.put("outputs", outputGas.size());
    m.put(
        "proposer_gas_per_output",
        BenchSupport.round1(
            per(outputGas.stream().mapToLong(Long::longValue).sum(), outputGas.size())));
    m.put("deposits", deposits.length);
    m.put(
        "deposit_latency_p50_ms",
        BenchSupport.round1(TransferBenchmark.percentile(deposits, 50) / 1e6));
    m.put(
        "deposit_latency_p99_ms",
        BenchSupport.round1(TransferBenchmark.percentile(deposits, 99) / 1e6));
    m.put(
        "deposit_latency_max_ms",
        BenchSupport.round1(deposits.length == 0 ? 0 : deposits[deposits.length - 1] / 1e6));
    m.put("transfers_accepted", load[0]);
    m.put("transfers_rejected", load[1]);
    m.put("l2_blocks", last - before);
    m.put("rate_target_per_s", s.rate());
    m.put("duration_s", s.duration().toSeconds());
    m.put("senders", s.senders());
    m.put("l2_block_time_ms", s.blockTime().toMillis());
    m.put("l1_block_time_s", s.l1BlockTimeSeconds());
    m.put("l1_confirmations", s.confirmations());
    m.put("batch_min_blocks", s.batchMinBlocks());
    m.put("output_interval", s.outputInterval());
    return m;
  }

  /** EIP-7623 tokens: 1 per zero byte, 4 per other byte. */
  private static long tokens(byte[] data) {
    long t = 0;
    for (byte b : data) {
      t += b == 0 ? 1 : 4;
    }
    return t;
  }

  /** The gas of each OutputProposed transaction since L1 block {@code from}. */
  private static List<Long> outputGas(Web3j l1, L1Deployment d, long from) throws IOException {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(L1Blocks.latest(l1))),
            d.oracle());
    filter.addSingleTopic(
        org.web3j.abi.EventEncoder.buildEventSignature(
            "OutputProposed(bytes32,uint256,uint256,uint256)"));
    EthLog logs = l1.ethGetLogs(filter).send();
    if (logs.hasError()) {
      throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
    }
    List<Long> gas = new ArrayList<>();
    for (EthLog.LogResult<?> r : logs.getLogs()) {
      String tx = ((Log) r.get()).getTransactionHash();
      gas.add(
          l1.ethGetTransactionReceipt(tx)
              .send()
              .getTransactionReceipt()
              .orElseThrow()
              .getGasUsed()
              .longValueExact());
    }
    return gas;
  }

  private static L1Sender sender(Web3j l1, int i) {
    return new L1Sender(
        l1, Credentials.create(DevAccounts.ALL.get(i).privateKeyHex()), Anvil.CHAIN_ID);
  }

  private static double per(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
