package io.openledger.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.Secp256k1;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.mempool.MempoolConfig;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.JsonRpcService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Sustained signed OPEN transfers through the full path of a node: a devnet ledger with the real
 * JSON-RPC server on a loopback port; client threads send pre-signed transfers from many senders as
 * JSON-RPC batches over HTTP; a watcher polls new blocks and times each transfer from the moment
 * its batch was sent (or was due, at a fixed rate) to the moment its block, and so its receipt,
 * became visible.
 *
 * <p>What each transfer goes through on the node: HTTP and JSON decoding, RLP decoding, signature
 * recovery, mempool admission with a durable (group-committed, fsynced) pending write, selection,
 * execution, the state-tree update, and the block's one synced RocksDB batch.
 */
final class TransferBenchmark {
  /** Gas of a plain transfer. */
  static final long TRANSFER_GAS = 21_000;

  static final Amount GWEI = Amount.of(1_000_000_000L);

  /**
   * @param rate target transfers per second (open loop, latency from the due time); 0 for as fast
   *     as the node takes them, with at most {@code maxPending} sent but not yet mined
   * @param dataDir where the chain goes; null for a fresh temporary directory, deleted afterwards
   * @param jfr where to write a Java Flight Recording of the measured window, or null
   * @param against JSON-RPC URL of another node to load instead of a throw-away devnet (anvil, for
   *     the side-by-side figures), or null; its senders are funded from the dev accounts
   */
  record Settings(
      int senders,
      Duration warmup,
      Duration duration,
      int clients,
      int batch,
      int rate,
      int maxPending,
      Duration blockTime,
      SequencerConfig.Production production,
      boolean syncWrites,
      Path dataDir,
      Path jfr,
      String against) {}

  private final Settings s;
  private final Consumer<String> progress;

  // Pre-signed load, in send order: index g = round * senders + sender.
  private String[] rawHex;
  private String[] hashHex;
  private Map<String, Integer> indexByHash;
  private long[] sentAt; // System.nanoTime() of each transfer's send (or due) time; 0 = not sent
  private long[] minedAt; // when the watcher saw its block; 0 = not yet

  private final AtomicInteger cursor = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong mined = new AtomicLong();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();
  private volatile boolean stop;
  private volatile Throwable failure;

  /** Blocks the watcher saw: number, time seen, transactions, gas used. */
  private record SeenBlock(long number, long seenAt, int txs, long gasUsed) {}

  private final List<SeenBlock> blocks = new ArrayList<>();

  TransferBenchmark(Settings settings, Consumer<String> progress) {
    this.s = settings;
    this.progress = progress;
  }

  /** Runs the benchmark; the figures, keys naming figure and unit. */
  Map<String, Object> run() throws Exception {
    if (s.against() != null) {
      return runAgainst(s.against());
    }
    Path dir = s.dataDir() != null ? s.dataDir() : Files.createTempDirectory("openledger-bench-");
    try {
      return runIn(dir);
    } finally {
      if (s.dataDir() == null) {
        BenchSupport.deleteRecursively(dir);
      }
    }
  }

  private Map<String, Object> runIn(Path dir) throws Exception {
    Genesis genesis = Genesis.devnet();
    ChainSpec spec = ChainSpec.from(genesis);
    LedgerConfig config =
        LedgerConfig.DEFAULT
            .withSequencer(new SequencerConfig(s.blockTime(), s.production(), 50_000))
            .withMempool(
                MempoolConfig.DEFAULT
                    .withMaxTotal(Math.max(100_000, 4 * s.maxPending()))
                    .withGlobalSlots(Math.max(100_000, 4 * s.maxPending())))
            .withSyncWrites(s.syncWrites());
    progress.accept("opening a devnet in " + dir);
    try (Ledger ledger = Ledger.open(dir, spec, config);
        JsonRpcService rpc = JsonRpcService.start(ledger, "127.0.0.1", 0)) {
      List<KeyPair> senders = senderKeys(s.senders());
      fund(ledger, senders);
      int perSender = transfersPerSender();
      presign(senders, perSender, ledger.chain().chainId());
      RpcClient client = new RpcClient(rpc.httpUrl());
      long startBlock = ledger.chain().headNumber();
      progress.accept(
          String.format(
              Locale.ROOT,
              "sending %,d transfers from %,d senders: %d clients, batches of %d, %s, warm-up %ds,"
                  + " measuring %ds",
              rawHex.length,
              senders.size(),
              s.clients(),
              s.batch(),
              s.rate() > 0 ? s.rate() + " transfers/s" : "as fast as accepted",
              s.warmup().toSeconds(),
              s.duration().toSeconds()));
      return load(client, startBlock);
    }
  }

  /**
   * The same load against another node: the senders are funded over its JSON-RPC from the dev
   * accounts (the Hardhat/Anvil mnemonic, which funds them on anvil too), then the same pre-signed
   * transfers are sent and watched. Its block time and gas limit are its own settings.
   */
  private Map<String, Object> runAgainst(String url) throws Exception {
    RpcClient client = new RpcClient(url);
    long chainId = Long.decode(client.call("eth_chainId").asText());
    progress.accept("loading the node at " + url + " (chain id " + chainId + ")");
    List<KeyPair> senders = senderKeys(s.senders());
    fundOverRpc(client, chainId, senders);
    int perSender = transfersPerSender();
    presign(senders, perSender, chainId);
    long startBlock = Long.decode(client.call("eth_blockNumber").asText());
    progress.accept(
        String.format(
            Locale.ROOT,
            "sending %,d transfers from %,d senders: %d clients, batches of %d, %s",
            rawHex.length,
            senders.size(),
            s.clients(),
            s.batch(),
            s.rate() > 0 ? s.rate() + " transfers/s" : "as fast as accepted"));
    Map<String, Object> figures = load(client, startBlock);
    figures.put("node", url);
    return figures;
  }

  private void fundOverRpc(RpcClient client, long chainId, List<KeyPair> senders)
      throws IOException, InterruptedException {
    List<KeyPair> funders = funders();
    long[] nonces = new long[funders.size()];
    for (int f = 0; f < funders.size(); f++) {
      String address = funders.get(f).address().toHex();
      nonces[f] = Long.decode(client.call("eth_getTransactionCount", address, "pending").asText());
    }
    int window = MempoolConfig.DEFAULT.accountSlots();
    int done = 0;
    progress.accept("funding " + senders.size() + " senders");
    while (done < senders.size()) {
      List<String> round = new ArrayList<>();
      String last = null;
      for (int f = 0; f < funders.size() && done < senders.size(); f++) {
        for (int k = 0; k < window && done < senders.size(); k++) {
          Transaction tx =
              fundingTransfer(chainId, funders.get(f), nonces[f]++, senders.get(done++));
          round.add(Bytes.toHex(tx.encode()));
          last = tx.hash().toHex();
        }
      }
      for (RpcClient.Answer a : client.sendRawBatch(round)) {
        if (a.error() != null) {
          throw new IllegalStateException("funding transfer refused: " + a.error());
        }
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (client.call("eth_getTransactionReceipt", last).isNull()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("funding transfers were not mined within 2 minutes");
        }
        Thread.sleep(50);
      }
    }
  }

  private static List<KeyPair> funders() {
    return DevAccounts.ALL.stream()
        .filter(a -> a.index() != DevAccounts.VESTING_DEMO.index())
        .map(a -> KeyPair.fromPrivateKeyHex(a.privateKeyHex()))
        .toList();
  }

  private static Transaction fundingTransfer(long chainId, KeyPair from, long nonce, KeyPair to) {
    return TransactionBuilder.eip1559(chainId)
        .nonce(nonce)
        .maxFeePerGas(GWEI.multiply(1_000))
        .maxPriorityFeePerGas(GWEI)
        .to(to.address())
        .value(Amount.open(10))
        .sign(from);
  }

  // ---- set-up (not timed) ----

  /** Deterministic sender keys: keccak256("openledger-bench-sender-" + i). */
  static List<KeyPair> senderKeys(int n) {
    return IntStream.range(0, n)
        .parallel()
        .mapToObj(
            i ->
                KeyPair.fromPrivateKey(
                    Hash.keccak256(
                            ("openledger-bench-sender-" + i).getBytes(StandardCharsets.US_ASCII))
                        .toArray()))
        .toList();
  }

  /**
   * Gives every sender 10 OPEN from the dev accounts, in rounds of the per-sender slots the pool
   * guarantees.
   */
  private void fund(Ledger ledger, List<KeyPair> senders) throws InterruptedException {
    progress.accept("funding " + senders.size() + " senders");
    fund(ledger, funders(), senders, s.production() == SequencerConfig.Production.ON_DEMAND);
  }

  /**
   * Gives every sender 10 OPEN from {@code funders}, in rounds of the per-sender slots the pool
   * guarantees, waiting for each round's last transfer to be mined.
   *
   * @param onDemand make the blocks (a ledger whose sequencer produces only when asked)
   */
  static void fund(Ledger ledger, List<KeyPair> funders, List<KeyPair> senders, boolean onDemand)
      throws InterruptedException {
    long[] nonces = new long[funders.size()];
    int window = MempoolConfig.DEFAULT.accountSlots();
    int done = 0;
    while (done < senders.size()) {
      List<byte[]> round = new ArrayList<>();
      for (int f = 0; f < funders.size() && done < senders.size(); f++) {
        for (int k = 0; k < window && done < senders.size(); k++) {
          round.add(
              fundingTransfer(
                      ledger.chain().chainId(), funders.get(f), nonces[f]++, senders.get(done++))
                  .encode());
        }
      }
      Hash last = null;
      for (SubmitResult r : ledger.intake().submitAll(round)) {
        switch (r) {
          case SubmitResult.Accepted a -> last = a.txHash();
          case SubmitResult.Rejected x ->
              throw new IllegalStateException("funding transfer refused: " + x.message());
        }
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (ledger.chain().receipt(last).isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("funding transfers were not mined within 2 minutes");
        }
        if (onDemand) {
          ledger.produceBlock();
        } else {
          Thread.sleep(20);
        }
      }
    }
  }

  /** Enough for the whole run at the target rate, or at 15,000/s when unthrottled. */
  private int transfersPerSender() {
    long seconds = s.warmup().toSeconds() + s.duration().toSeconds() + 2;
    long total = seconds * (s.rate() > 0 ? s.rate() : 15_000);
    return (int) Math.max(1, (total + s.senders() - 1) / s.senders());
  }

  private void presign(List<KeyPair> senders, int perSender, long chainId) {
    int n = senders.size();
    int total = n * perSender;
    progress.accept(
        String.format(
            Locale.ROOT,
            "signing %,d transfers (%d per sender, %s)",
            total,
            perSender,
            Secp256k1.get().name()));
    rawHex = new String[total];
    hashHex = new String[total];
    String[] hashes = hashHex;
    IntStream.range(0, n)
        .parallel()
        .forEach(
            sender -> {
              KeyPair key = senders.get(sender);
              Address to = senders.get((sender + 1) % n).address();
              for (int round = 0; round < perSender; round++) {
                Transaction tx =
                    TransactionBuilder.eip1559(chainId)
                        .nonce(round)
                        .maxFeePerGas(GWEI.multiply(100))
                        .maxPriorityFeePerGas(GWEI)
                        .to(to)
                        .value(Amount.of(1_000))
                        .sign(key);
                int g = round * n + sender;
                rawHex[g] = Bytes.toHex(tx.encode());
                hashes[g] = tx.hash().toHex();
              }
            });
    indexByHash = new HashMap<>(total * 2);
    for (int g = 0; g < total; g++) {
      indexByHash.put(hashes[g], g);
    }
    sentAt = new long[total];
    minedAt = new long[total];
  }

  // ---- the measured run ----

  private Map<String, Object> load(RpcClient client, long startBlock) throws Exception {
    long t0 = System.nanoTime();
    long warmEnd = t0 + s.warmup().toNanos();
    long end = warmEnd + s.duration().toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < s.clients(); c++) {
      threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> sendLoop(client, t0)));
    }
    Thread watcher =
        Thread.ofPlatform().name("bench-watcher").start(() -> watch(client, startBlock));
    JfrWindow jfr = new JfrWindow(s.jfr());
    BenchSupport.sleepUntil(warmEnd);
    jfr.start();
    CpuClock cpu = new CpuClock();
    CpuClock.Reading cpuStart = cpu.read();
    JvmServiceCpu.Reading jvmStart = JvmServiceCpu.read();
    progress.accept("warm-up done; measuring");
    long lastReport = System.nanoTime();
    while (System.nanoTime() < end && failure == null && !outOfLoad()) {
      Thread.sleep(200);
      if (System.nanoTime() - lastReport > 5_000_000_000L) {
        lastReport = System.nanoTime();
        progress.accept(
            String.format(
                Locale.ROOT,
                "  %,d sent, %,d mined, %,d pending",
                sent.get(),
                mined.get(),
                sent.get() - mined.get()));
      }
    }
    long measuredEnd = Math.min(end, System.nanoTime());
    CpuClock.Reading cpuEnd = cpu.read();
    JvmServiceCpu.Reading jvmEnd = JvmServiceCpu.read();
    jfr.stopAndDump();
    stop = true;
    for (Thread t : threads) {
      t.join(60_000);
    }
    watcher.join(60_000);
    if (failure != null) {
      throw new IllegalStateException("benchmark failed: " + failure.getMessage(), failure);
    }
    int receiptsChecked = checkReceipts(client);
    JvmServiceCpu.Reading jvm = jvmStart == null || jvmEnd == null ? null : jvmEnd.minus(jvmStart);
    return figures(warmEnd, measuredEnd, receiptsChecked, cpuEnd.minus(cpuStart), jvm);
  }

  private boolean outOfLoad() {
    return cursor.get() >= rawHex.length && mined.get() >= sent.get();
  }

  private void sendLoop(RpcClient client, long t0) {
    try {
      int batch = s.batch();
      while (!stop) {
        if (s.rate() <= 0 && sent.get() - mined.get() > s.maxPending()) {
          Thread.sleep(1);
          continue;
        }
        int from = cursor.getAndAdd(batch);
        if (from >= rawHex.length) {
          return;
        }
        int to = Math.min(rawHex.length, from + batch);
        long due = System.nanoTime();
        if (s.rate() > 0) {
          // Open loop: the batch is due at its place in the schedule; latency counts from then.
          due = t0 + (long) (from * 1e9 / s.rate());
          BenchSupport.sleepUntil(due);
        }
        List<String> raws = Arrays.asList(rawHex).subList(from, to);
        for (int g = from; g < to; g++) {
          sentAt[g] = due;
        }
        sent.addAndGet(to - from);
        List<RpcClient.Answer> answers = client.sendRawBatch(raws);
        for (RpcClient.Answer a : answers) {
          if (a.error() == null) {
            accepted.increment();
          } else {
            rejected.increment();
            String key = a.error().length() > 60 ? a.error().substring(0, 60) : a.error();
            rejections.computeIfAbsent(key, k -> new LongAdder()).increment();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
  }

  /** Polls the head every few milliseconds and stamps the transfers of each new block. */
  private void watch(RpcClient client, long startBlock) {
    long next = startBlock + 1;
    try {
      while (!stop || mined.get() < accepted.sum()) {
        long head = Long.decode(client.call("eth_blockNumber").asText());
        if (head < next) {
          Thread.sleep(stop ? 50 : 5);
          if (stop && blocksStalled()) {
            return;
          }
          continue;
        }
        for (; next <= head; next++) {
          JsonNode block =
              client.call("eth_getBlockByNumber", "0x" + Long.toHexString(next), false);
          long seen = System.nanoTime();
          int count = 0;
          for (JsonNode tx : block.path("transactions")) {
            Integer g = indexByHash.get(tx.asText());
            if (g != null) {
              minedAt[g] = seen;
              count++;
            }
          }
          mined.addAndGet(count);
          synchronized (blocks) {
            blocks.add(
                new SeenBlock(next, seen, count, Long.decode(block.path("gasUsed").asText())));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
  }

  private long stalledSince;

  private boolean blocksStalled() {
    if (stalledSince == 0) {
      stalledSince = System.nanoTime();
    }
    return System.nanoTime() - stalledSince > Duration.ofSeconds(10).toNanos();
  }

  /** Fetches the receipt of one transfer in 500 (at least 10) and checks its status. */
  private int checkReceipts(RpcClient client) throws IOException, InterruptedException {
    int checked = 0;
    int step = Math.max(1, rawHex.length / 500);
    for (int g = 0; g < rawHex.length && checked < 1_000; g += step) {
      if (minedAt[g] == 0) {
        continue;
      }
      String hash = hashHex[g];
      JsonNode r = client.call("eth_getTransactionReceipt", hash);
      if (!"0x1".equals(r.path("status").asText())) {
        throw new IllegalStateException("transfer " + hash + " has no successful receipt: " + r);
      }
      checked++;
      if (checked >= 20) {
        break;
      }
    }
    return checked;
  }

  private Map<String, Object> figures(
      long from, long to, int receiptsChecked, CpuClock.Reading cpu, JvmServiceCpu.Reading jvm) {
    double seconds = (to - from) / 1e9;
    long[] latencies =
        IntStream.range(0, minedAt.length)
            .filter(g -> minedAt[g] >= from && minedAt[g] <= to && sentAt[g] != 0)
            .mapToLong(g -> minedAt[g] - sentAt[g])
            .sorted()
            .toArray();
    List<SeenBlock> window;
    synchronized (blocks) {
      window = blocks.stream().filter(b -> b.seenAt() >= from && b.seenAt() <= to).toList();
    }
    long gas = window.stream().mapToLong(SeenBlock::gasUsed).sum();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transfers_per_s", BenchSupport.round1(latencies.length / seconds));
    m.put("mgas_per_s", BenchSupport.round1(gas / seconds / 1e6));
    m.put("p50_ms", BenchSupport.round1(percentile(latencies, 50) / 1e6));
    m.put("p99_ms", BenchSupport.round1(percentile(latencies, 99) / 1e6));
    m.put(
        "max_ms",
        BenchSupport.round1(latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6));
    m.put("measured_s", BenchSupport.round1(seconds));
    if (latencies.length > 0 && s.against() == null) {
      // CPU time is far less disturbed by other processes on the machine than wall time.
      double nodeUs = cpu.nodeNanos() / 1e3 / latencies.length;
      m.put("node_cpu_us_per_transfer", BenchSupport.round1(nodeUs));
      m.put(
          "client_cpu_us_per_transfer",
          BenchSupport.round1(cpu.clientNanos() / 1e3 / latencies.length));
      if (jvm != null) {
        // Parts of the node's CPU that are the JVM's own: JIT compilation and garbage collection.
        m.put(
            "node_jit_cpu_us_per_transfer",
            BenchSupport.round1(jvm.compilerNanos() / 1e3 / latencies.length));
        m.put(
            "node_gc_cpu_us_per_transfer",
            BenchSupport.round1(jvm.gcNanos() / 1e3 / latencies.length));
      }
      m.put("node_cpu_cores_busy", BenchSupport.round1(cpu.nodeNanos() / 1e9 / seconds));
      m.put("machine_load_avg", BenchSupport.round1(cpu.loadAverage()));
    }
    m.put("transfers_measured", latencies.length);
    m.put("blocks", window.size());
    m.put(
        "transfers_per_block_avg",
        BenchSupport.round1(window.isEmpty() ? 0 : (double) latencies.length / window.size()));
    m.put(
        "block_interval_ms_avg",
        BenchSupport.round1(window.size() < 2 ? 0 : seconds * 1000 / window.size()));
    m.put("sent", sent.get());
    m.put("accepted", accepted.sum());
    m.put("rejected", rejected.sum());
    m.put("receipts_checked", receiptsChecked);
    m.put("senders", s.senders());
    m.put("clients", s.clients());
    m.put("batch", s.batch());
    m.put("rate_target_per_s", s.rate());
    if (s.against() == null) {
      m.put("production", s.production().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      m.put("block_time_ms", s.blockTime().toMillis());
      m.put("sync_writes", s.syncWrites());
    }
    m.put("signatures", Secp256k1.get().name());
    if (!rejections.isEmpty()) {
      Map<String, Long> top = new LinkedHashMap<>();
      rejections.entrySet().stream()
          .sorted(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> -e.getValue().sum()))
          .limit(5)
          .forEach(e -> top.put(e.getKey(), e.getValue().sum()));
      m.put("rejections", top);
    }
    return m;
  }

  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(sorted.length * p / 100.0) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
