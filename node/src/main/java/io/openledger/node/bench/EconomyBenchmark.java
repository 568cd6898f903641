package io.openledger.node.bench;

import io.openledger.attribution.trace.TraceResult;
import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.ProtocolRules;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.inference.NextBatch;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.challenge.NodeRecordVerifier;
import io.openledger.node.devnet.DemoSetup;
import io.openledger.node.devnet.NodeRunner;
import io.openledger.node.economy.Batcher;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import io.openledger.node.economy.EconomyService;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * What the data economy costs (issue 7, "Speed"), on a real node with its economy in-process: the
 * devnet genesis, RocksDB and the blob store in a scratch directory, the generated tiny model
 * served by OpenLoRA on a loopback port with the {@link
 * io.openledger.node.economy.PaidInferenceGate}.
 *
 * <ol>
 *   <li><b>Paid against unpaid.</b> The same adapter is stored twice: the paid model registers one
 *       copy, no model registers the other (its {@code adapter_config.json} differs by a trailing
 *       newline, so the bundle's hash differs but the weights, and so every token, are the same;
 *       checked). Concurrent HTTP clients send the same requests for a fixed time to each, paid and
 *       unpaid runs alternating on the warm node; medians of the rounds.
 *   <li><b>Trace.</b> The attribution part of settling a paid request: the paid answers traced
 *       again with the tracer the gate uses, over the same index.
 *   <li><b>Gas.</b> {@link BatchGasProbe}: batches of 1,000 and 10,000 records posted on chain.
 * </ol>
 */
final class EconomyBenchmark {
  /** The target of issue 7: paid throughput at least this share of the unpaid one. */
  static final double TARGET_RATIO = 0.9;

  /** The devnet's parameters with contribution limits out of the way of a big set-up. */
  static final EconomyParameters PARAMETERS =
      new EconomyParameters(
          5_000_000,
          1L << 40,
          1L << 40,
          Integer.MAX_VALUE,
          1_000,
          2_000,
          2_000,
          5_000,
          Amount.ZERO,
          60,
          180,
          180);

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * How to run.
   *
   * @param contributions contributions in the datanet
   * @param contributors addresses they come from (contribution i from contributor i mod n)
   * @param quotes contributions quoting each answer (each credited when the answer is traced)
   * @param prompts distinct prompts the load cycles through
   * @param rounds paid and unpaid runs each; medians reported
   * @param traces timed traces
   * @param dataDir where the node's data goes; null for a scratch directory deleted afterwards
   * @param jfr a Java Flight Recording of the measured rounds, or null
   */
  record Settings(
      int contributions,
      int contributors,
      int quotes,
      int prompts,
      int concurrency,
      int maxTokens,
      Duration warmup,
      Duration duration,
      int rounds,
      int traces,
      BatchGasProbe.Settings gas,
      Duration blockTime,
      Path dataDir,
      Path jfr) {}

  private final Settings s;
  private final Consumer<String> progress;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, String> meaning = new LinkedHashMap<>();

  EconomyBenchmark(Settings settings, Consumer<String> progress) {
    this.s = settings;
    this.progress = progress;
  }

  /** Runs the benchmark; the figures, keys naming figure and unit, and their meaning. */
  Map<String, Object> run() throws Exception {
    Path dir =
        s.dataDir() != null ? s.dataDir() : Files.createTempDirectory("openledger-bench-economy-");
    try {
      runIn(dir);
    } finally {
      if (s.dataDir() == null) {
        BenchSupport.deleteRecursively(dir);
      }
    }
    figures.put("meaning", meaning);
    return figures;
  }

  private void put(String key, Object value, String what) {
    figures.put(key, value);
    meaning.put(key, what);
  }

  private void runIn(Path dir) throws Exception {
    put(
        "machine_cores",
        Runtime.getRuntime().availableProcessors(),
        "processors the JVM sees (the load generator shares them with the node)");
    put(
        "machine_load_avg_start",
        round2(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()),
        "uptime's 1-minute load average before the run; above the core count, other processes"
            + " share the cores and wall-time figures are inflated");
    Path model = TestModels.writeModel(dir.resolve("model"), ModelSpec.tiny());
    Path adapter =
        TestModels.writeAdapter(dir.resolve("adapter"), ModelSpec.tiny(), AdapterSpec.of(8, 1));
    Path twin = unpaidTwin(adapter, dir.resolve("adapter-unpaid"));
    Genesis genesis =
        Genesis.devnet().withTimestamp(Instant.now().getEpochSecond() - 60).withEconomy(PARAMETERS);
    NodeRecordVerifier verifier = NodeRecordVerifier.unattached();
    ChainSpec spec = ChainSpec.from(genesis, verifier);
    LedgerConfig config =
        LedgerConfig.DEFAULT.withSequencer(
            SequencerConfig.DEFAULT.withBlockInterval(s.blockTime()));
    progress.accept("starting a devnet node with its economy in " + dir);
    long t0 = System.nanoTime();
    try (NodeRunner node =
        NodeRunner.start(
            new NodeRunner.Options(
                dir.resolve("node"),
                spec,
                config,
                "127.0.0.1",
                0,
                Optional.of(
                    new EconomyService.Options(
                        dir.resolve("node"),
                        DemoSetup.OPERATOR,
                        model,
                        "127.0.0.1",
                        0,
                        Batcher.Config.DEFAULT,
                        Duration.ofHours(1)))),
            InstantSource.system(),
            Optional.of(verifier))) {
      EconomyService economy = node.economy().orElseThrow();
      BenchChain chain = new BenchChain(node.ledger());
      BenchEconomy setup = new BenchEconomy(chain, economy);
      Hash paidAdapter = setup.storeAdapter(adapter);
      Hash freeAdapter = setup.storeAdapter(twin);
      String base = economy.engine().model().id();
      List<String> prompts = prompts(s.prompts());
      CompletionLoad load = new CompletionLoad(prompts, s.concurrency(), s.maxTokens());
      CompletionLoad.Target unpaid =
          new CompletionLoad.Target(
              economy.server().baseUri(), base + ":" + freeAdapter.toHex(), Map.of());
      CompletionLoad.Target paid =
          new CompletionLoad.Target(
              economy.server().baseUri(),
              base + ":" + paidAdapter.toHex(),
              Map.of("Authorization", "Bearer " + BenchEconomy.API_KEY));

      List<String> answers = new ArrayList<>();
      for (int p = 0; p < prompts.size(); p++) {
        CompletionLoad.Answer a = load.once(unpaid, p);
        if (a.status() != 200) {
          throw new IllegalStateException("the unpaid adapter answered " + a.status() + a.body());
        }
        answers.add(a.text());
      }
      progress.accept(
          String.format(
              Locale.ROOT,
              "making a datanet of %,d contributions from %,d contributors (%d quote each of %d"
                  + " answers, e.g. %s)",
              s.contributions(),
              s.contributors(),
              s.quotes(),
              answers.size(),
              quote(answers.getFirst())));
      BenchEconomy.Made made =
          setup.make(
              s.contributions(), s.contributors(), answers, s.quotes(), paidAdapter, 0x0E_C0);
      checkSameAnswers(load, paid, answers);
      setUpFigures(made, (System.nanoTime() - t0) / 1e9);

      load(load, paid, unpaid, economy, node.ledger().state());
      trace(economy, made, answers);
      audit(economy, node.ledger().state());
      gas(spec, chain, setup, made, genesis.gasLimit());
    }
    put(
        "machine_load_avg_end",
        round2(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()),
        "uptime's 1-minute load average after the run");
  }

  /**
   * The same adapter with one more newline at the end of adapter_config.json: another bundle hash,
   * the same weights.
   */
  private static Path unpaidTwin(Path adapter, Path twin) throws IOException {
    Files.createDirectories(twin);
    Files.copy(
        adapter.resolve("adapter_model.safetensors"), twin.resolve("adapter_model.safetensors"));
    Files.copy(adapter.resolve("adapter_config.json"), twin.resolve("adapter_config.json"));
    Files.writeString(twin.resolve("adapter_config.json"), "\n", StandardOpenOption.APPEND);
    return twin;
  }

  /** Prompt i: a numbered question with a few synthetic words, so every prompt differs. */
  private static List<String> prompts(int n) {
    var corpus = new io.openledger.attribution.bench.SyntheticCorpus(2_000, 7);
    SplittableRandom r = new SplittableRandom(11);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder("Question ").append(i).append(": ");
      corpus.sentence(r, b);
      out.add(b.toString().strip());
    }
    return out;
  }

  /** The paid model answers every prompt exactly as the unpaid twin did, or the run is void. */
  private void checkSameAnswers(
      CompletionLoad load, CompletionLoad.Target paid, List<String> answers) throws Exception {
    for (int p = 0; p < answers.size(); p++) {
      CompletionLoad.Answer a = load.once(paid, p);
      if (a.status() != 200 || !a.body().path("openledger").path("paid").asBoolean()) {
        throw new IllegalStateException("the paid model answered " + a.status() + " " + a.body());
      }
      if (!a.text().equals(answers.get(p))) {
        throw new IllegalStateException(
            "the paid adapter answers prompt "
                + p
                + " with "
                + quote(a.text())
                + " but its unpaid twin with "
                + quote(answers.get(p))
                + ": they do not compute the same, so the comparison is void");
      }
    }
    put(
        "unpaid_twin_same_answers",
        true,
        "the unpaid adapter (same weights, no model registers it) answered every prompt with"
            + " exactly the paid model's text (checked before measuring)");
  }

  private void setUpFigures(BenchEconomy.Made made, double seconds) {
    put("model", ModelSpec.tiny().name(), "the generated model served (greedy decoding)");
    put("contributions", made.contributionIds().size(), "contributions in the datanet version");
    put("contributors", s.contributors(), "distinct contributor addresses");
    put(
        "corpus_bytes",
        made.corpusBytes(),
        "bytes of text in the datanet (SyntheticCorpus, 60-1,200 tokens per contribution)");
    put(
        "quoting_contributions",
        made.quoting(),
        "contributions that quote one of the model's answers (so paid answers credit them)");
    put(
        "setup_s",
        BenchSupport.round1(seconds),
        "wall time to start the node and make the datanet, index," + " model and escrow");
  }

  // ---- 1. paid against unpaid ----

  private void load(
      CompletionLoad load,
      CompletionLoad.Target paid,
      CompletionLoad.Target unpaid,
      EconomyService economy,
      StateQueries states)
      throws Exception {
    progress.accept(
        String.format(
            Locale.ROOT,
            "warm-up %ds each, then %d rounds of %ds paid + %ds unpaid, %d clients, %d tokens",
            s.warmup().toSeconds(),
            s.rounds(),
            s.duration().toSeconds(),
            s.duration().toSeconds(),
            s.concurrency(),
            s.maxTokens()));
    if (!s.warmup().isZero()) {
      load.run(paid, s.warmup());
      load.run(unpaid, s.warmup());
    }
    long recordsBefore = economy.records().nextNumber();
    JfrWindow jfr = new JfrWindow(s.jfr());
    jfr.start();
    List<CompletionLoad.Run> paidRuns = new ArrayList<>();
    List<CompletionLoad.Run> unpaidRuns = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<Double> cpuRatios = new ArrayList<>();
    List<Double> cpuExtra = new ArrayList<>();
    for (int r = 0; r < s.rounds(); r++) {
      // alternate which goes first, so a drift in the machine's load hits both alike
      CompletionLoad.Run a;
      CompletionLoad.Run b;
      if (r % 2 == 0) {
        a = load.run(paid, s.duration());
        b = load.run(unpaid, s.duration());
      } else {
        b = load.run(unpaid, s.duration());
        a = load.run(paid, s.duration());
      }
      paidRuns.add(a);
      unpaidRuns.add(b);
      ratios.add(round3(a.requestsPerSecond() / b.requestsPerSecond()));
      cpuRatios.add(round3(b.nodeCpuMicrosPerRequest() / a.nodeCpuMicrosPerRequest()));
      cpuExtra.add(a.nodeCpuMicrosPerRequest() - b.nodeCpuMicrosPerRequest());
      progress.accept(line("paid", r, a));
      progress.accept(line("unpaid", r, b));
    }
    jfr.stopAndDump();
    long records = economy.records().nextNumber() - recordsBefore;
    CompletionLoad.Run p = median(paidRuns);
    paidRequestsPerSecond = p.requestsPerSecond();
    CompletionLoad.Run u = median(unpaidRuns);
    double ratio = medianOf(ratios);
    double cpuRatio = medianOf(cpuRatios);
    put("concurrency", s.concurrency(), "HTTP clients sending back to back");
    put("max_tokens", s.maxTokens(), "tokens generated per request (greedy)");
    put("prompts", s.prompts(), "distinct prompts the requests cycle through");
    put(
        "rounds",
        s.rounds(),
        "rounds of one paid and one unpaid run (alternating which goes first); figures of a"
            + " run are the median run's");
    put("run_s", s.duration().toSeconds(), "seconds of each run");
    runFigures("paid", p, paidRuns, "the paid model (API key)");
    runFigures("unpaid", u, unpaidRuns, "the unpaid twin (no model registers it)");
    put(
        "paid_to_unpaid_ratio",
        ratio,
        "median over the rounds of paid requests/s over unpaid requests/s in the same round:"
            + " what is left of the throughput once every request is admitted against the"
            + " escrow, traced, split and recorded (target "
            + TARGET_RATIO
            + "); on a shared machine it moves with the CPU the other processes leave the node"
            + " in each run (node_cpu_share)");
    put("paid_to_unpaid_ratio_per_round", ratios, "the same ratio within each round");
    put("meets_target", ratio >= TARGET_RATIO, "paid_to_unpaid_ratio >= " + TARGET_RATIO);
    put(
        "paid_to_unpaid_cpu_ratio",
        cpuRatio,
        "median over the rounds of unpaid over paid node CPU per request: the throughput ratio"
            + " of a node that is CPU-bound and has the machine to itself, much less disturbed"
            + " by other processes than paid_to_unpaid_ratio");
    put("paid_to_unpaid_cpu_ratio_per_round", cpuRatios, "the same ratio within each round");
    put(
        "economy_cpu_us_per_request",
        BenchSupport.round1(medianOf(cpuExtra)),
        "median over the rounds of node CPU per paid request minus per unpaid request: the"
            + " economy's own cost in CPU time");
    put(
        "paid_credited_contributions_per_answer",
        round2(p.paidAnswers() == 0 ? 0 : (double) p.credited() / p.paidAnswers()),
        "contributions credited per paid answer (openledger.attribution)");
    NextBatch next =
        InferenceModule.nextBatch(
            states.state(BlockRef.LATEST).orElseThrow(), DemoSetup.OPERATOR.address());
    put("records_measured", records, "inference records the measured paid runs wrote");
    put(
        "records_written",
        economy.records().nextNumber(),
        "inference records the node wrote in all (the checks and warm-up too)");
    put(
        "records_batched",
        next.firstRecord(),
        "of those, records in batches on chain when the load ended (the batcher posts every 5"
            + " blocks or 1,000 records)");
    put("batches_posted", next.seq(), "batches the node's batcher posted");
    put(
        "batcher_error",
        economy.batcher().lastError(),
        "the batcher's last failure, empty when none");
  }

  private void runFigures(
      String name, CompletionLoad.Run m, List<CompletionLoad.Run> runs, String what) {
    put(
        name + "_requests_per_s",
        BenchSupport.round1(m.requestsPerSecond()),
        "answered requests per second to " + what + ", median run");
    put(
        name + "_tokens_per_s",
        BenchSupport.round1(m.tokensPerSecond()),
        "completion tokens per second, same run");
    put(
        name + "_latency_p50_ms",
        BenchSupport.round1(m.p50Millis()),
        "request latency, median, same run");
    put(
        name + "_latency_p99_ms",
        BenchSupport.round1(m.p99Millis()),
        "request latency, 99th percentile");
    put(
        name + "_node_cpu_us_per_request",
        BenchSupport.round1(m.nodeCpuMicrosPerRequest()),
        "CPU of everything but the load generator per answered request, same run");
    put(
        name + "_node_cpu_share",
        round2(m.nodeCpuShare()),
        "the node's CPU over the run's wall time and all cores, same run: how much of the"
            + " machine the node got (1 = every core)");
    put(
        name + "_requests_per_s_runs",
        runs.stream().map(r -> BenchSupport.round1(r.requestsPerSecond())).toList(),
        "requests/s of every run, in order");
    put(
        name + "_errors",
        runs.stream().mapToInt(CompletionLoad.Run::errorCount).sum(),
        "requests not answered with 200, all runs (by status in the progress log)");
    put(
        name + "_load_avg",
        round2(m.cpu().loadAverage()),
        "load average at the end of the median run");
  }

  private String line(String what, int round, CompletionLoad.Run r) {
    return String.format(
        Locale.ROOT,
        "round %d/%d %-6s: %.1f requests/s, %.0f tokens/s, p50 %.0f ms, p99 %.0f ms, node CPU %.0f"
            + " µs/request (%.0f%% of the cores), errors %s, load %.1f",
        round + 1,
        s.rounds(),
        what,
        r.requestsPerSecond(),
        r.tokensPerSecond(),
        r.p50Millis(),
        r.p99Millis(),
        r.nodeCpuMicrosPerRequest(),
        100 * r.nodeCpuShare(),
        r.errors(),
        r.cpu().loadAverage());
  }

  private static double medianOf(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static CompletionLoad.Run median(List<CompletionLoad.Run> runs) {
    List<CompletionLoad.Run> sorted =
        runs.stream()
            .sorted(Comparator.comparingDouble(CompletionLoad.Run::requestsPerSecond))
            .toList();
    return sorted.get(sorted.size() / 2);
  }

  // ---- 2. trace ----

  private double paidRequestsPerSecond;

  /**
   * What an auditor of this node would spend: every record the runs wrote recomputed with the
   * node's verifier (wrong attribution: trace the output, compare), one thread, against the paid
   * records the node produced per second. An honest node's records are all rejected.
   */
  private void audit(EconomyService economy, StateQueries states) {
    io.openledger.chain.state.StateReader head = states.state(BlockRef.LATEST).orElseThrow();
    long n = Math.min(economy.records().nextNumber(), 5_000);
    long upheld = 0;
    long nanos = 0;
    for (byte[] bytes : economy.records().range(0, n)) {
      io.openledger.node.economy.StoredRecord r =
          io.openledger.node.economy.StoredRecord.decode(bytes);
      byte[] output = r.output().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      var v =
          economy
              .recordVerifier()
              .verify(
                  head,
                  io.openledger.chain.challenge.ChallengeKind.WRONG_ATTRIBUTION,
                  r.record(),
                  output);
      nanos += System.nanoTime() - t0;
      if (!(v instanceof io.openledger.chain.challenge.RecordVerifier.Verdict.Rejected)) {
        upheld++;
      }
    }
    double perSecond = nanos == 0 ? 0 : n * 1e9 / nanos;
    put("audit_records", n, "records recomputed as an auditor would (the first 5,000 at most)");
    put(
        "audit_records_per_s",
        BenchSupport.round1(perSecond),
        "records recomputed per second on one thread (NodeRecordVerifier, wrong attribution)");
    put(
        "audit_to_paid_ratio",
        round2(paidRequestsPerSecond == 0 ? 0 : perSecond / paidRequestsPerSecond),
        "audit_records_per_s over paid_requests_per_s: above 1, one auditor thread keeps up"
            + " with the node's own paid load");
    put("audit_not_rejected", upheld, "records the recomputation did not confirm (0: honest)");
  }

  private void trace(EconomyService economy, BenchEconomy.Made made, List<String> answers) {
    List<DatanetVersionRef> refs = List.of(new DatanetVersionRef(made.datanetId(), made.version()));
    List<String> outputs = answers.stream().distinct().toList();
    int warm = Math.min(200, s.traces());
    double[] wall = new double[s.traces()];
    double[] cpu = new double[s.traces()];
    double[] open = new double[s.traces()];
    long credited = 0;
    long tokens = 0;
    for (int i = -warm; i < s.traces(); i++) {
      String text = outputs.get(Math.floorMod(i, outputs.size()));
      long w0 = System.nanoTime();
      Tracer tracer = economy.indexer().tracer(refs); // what the gate does on admit
      long w1 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      TraceResult t = tracer.trace(text);
      long c1 = THREADS.getCurrentThreadCpuTime();
      long w2 = System.nanoTime();
      if (i >= 0) {
        open[i] = (w1 - w0) / 1e3;
        wall[i] = (w2 - w1) / 1e3;
        cpu[i] = (c1 - c0) / 1e3;
        credited += t.weights().contributions().size();
        tokens += t.tokens();
      }
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    Arrays.sort(open);
    int n = s.traces();
    put("traces", n, "traces timed (after " + warm + " untimed), cycling the distinct answers");
    put("trace_outputs", outputs.size(), "distinct answers traced");
    put(
        "trace_tokens_avg",
        BenchSupport.round1(n == 0 ? 0 : (double) tokens / n),
        "attribution tokens per traced answer");
    put(
        "trace_credited_avg",
        round2(n == 0 ? 0 : (double) credited / n),
        "contributions credited per trace");
    put(
        "trace_p50_us",
        BenchSupport.round1(CompletionLoad.percentile(wall, 0.5)),
        "wall time of Tracer.trace per answer, median: the attribution part of settling a paid"
            + " request");
    put(
        "trace_p99_us",
        BenchSupport.round1(CompletionLoad.percentile(wall, 0.99)),
        "the same, 99th percentile");
    put(
        "trace_cpu_p50_us",
        BenchSupport.round1(CompletionLoad.percentile(cpu, 0.5)),
        "the tracing thread's CPU time per trace, median");
    put(
        "trace_cpu_p99_us",
        BenchSupport.round1(CompletionLoad.percentile(cpu, 0.99)),
        "the same, 99th percentile");
    put(
        "tracer_open_p50_us",
        BenchSupport.round1(CompletionLoad.percentile(open, 0.5)),
        "wall time to get the model's tracer (EconomyIndexer.tracer), median: the gate does"
            + " this on every paid admission");
    put(
        "tracer_open_p99_us",
        BenchSupport.round1(CompletionLoad.percentile(open, 0.99)),
        "the same, 99th percentile");
  }

  // ---- 3. gas ----

  private void gas(
      ChainSpec spec,
      BenchChain chain,
      BenchEconomy setup,
      BenchEconomy.Made made,
      long blockGasLimit) {
    ProtocolRules rules = spec.protocol().rulesAt(chain.ledger().chain().headNumber());
    InferenceParameters parameters =
        ((InferenceModule) rules.modules().get(InferenceModule.ADDRESS).orElseThrow())
            .parameters(chain.ledger().state().state(BlockRef.LATEST).orElseThrow());
    progress.accept(
        String.format(
            Locale.ROOT,
            "posting batches of %s records (%d key payers, %d signing payers, %d contributions"
                + " credited per record)",
            s.gas().batchSizes(),
            s.gas().keyPayers(),
            s.gas().signedPayers(),
            s.gas().credited()));
    List<BatchGasProbe.Posted> posted =
        new BatchGasProbe(chain, setup, parameters, rules.treasury(), blockGasLimit)
            .run(s.gas(), made);
    put("block_gas_limit", blockGasLimit, "the devnet's block gas limit");
    put(
        "max_transaction_bytes",
        BatchGasProbe.maxTransactionBytes(),
        "the largest raw transaction the pool accepts");
    put("gas_key_payers", s.gas().keyPayers(), "payers with an API key in the batches");
    put("gas_signed_payers", s.gas().signedPayers(), "payers signing each request");
    put("gas_credited_per_record", s.gas().credited(), "contributions credited per record");
    List<Map<String, Object>> batches = new ArrayList<>();
    for (BatchGasProbe.Posted p : posted) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("records", p.records());
      b.put("charges", p.charges());
      b.put("payouts", p.payouts());
      b.put("calldata_bytes", p.calldataBytes());
      b.put("transaction_bytes", p.transactionBytes());
      b.put("refused", p.refusal().orElse(""));
      b.put("success", p.success());
      b.put("gas_used", p.gasUsed());
      b.put("gas_per_record", BenchSupport.round1((double) p.gasUsed() / p.records()));
      b.put("gas_per_charge_or_payout", BenchSupport.round1((double) p.gasUsed() / p.entries()));
      b.put("block_share", round3((double) p.gasUsed() / blockGasLimit));
      b.put("fits_in_one_block", p.success() && p.gasUsed() <= blockGasLimit);
      b.put("batcher_gas_limit", p.batcherGasLimit());
      b.put("batcher_gas_limit_enough", p.success() && p.gasUsed() <= p.batcherGasLimit());
      b.put("build_ms", BenchSupport.round1(p.buildMillis()));
      batches.add(b);
    }
    put(
        "batches",
        batches,
        "one postBatch each, in its own transaction with the block's gas limit: records, the"
            + " charges (one per payer and key, or per signing payer) and payouts (one per account)"
            + " it carries, calldata and transaction size, gasUsed from the receipt, gas per"
            + " record and per charge or payout (the whole gasUsed divided), its share of the"
            + " block, whether it fits one block, the gas limit the node's batcher would give it"
            + " and whether that is enough, and the time to compute and encode it");
    BatchGasProbe.Posted largest = posted.getLast();
    if (largest.success()) {
      double perEntry = (double) largest.gasUsed() / largest.entries();
      double bytesPerEntry = (double) largest.calldataBytes() / largest.entries();
      put(
          "max_accounts_per_block_estimate",
          (long) (blockGasLimit / perEntry),
          "charges plus payouts one block holds at the largest batch's gas per charge or payout:"
              + " a batch's gas grows with the distinct accounts it pays and charges, not its"
              + " records");
      put(
          "max_accounts_per_transaction_estimate",
          (long) (BatchGasProbe.maxTransactionBytes() / bytesPerEntry),
          "charges plus payouts that fit the pool's transaction size limit at the largest"
              + " batch's calldata per charge or payout");
    }
  }

  // ---- helpers ----

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** A string as a JSON literal, for progress lines. */
  private static String quote(String s) {
    try {
      return io.openledger.node.rpc.Json.MAPPER.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // a String always serialises
    }
  }
}
