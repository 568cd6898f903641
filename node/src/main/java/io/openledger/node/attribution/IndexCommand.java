package io.openledger.node.attribution;

import io.openledger.attribution.index.BuildProgress;
import io.openledger.attribution.index.ContributionSource;
import io.openledger.attribution.index.CorpusIndex;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger attribution index}: builds (or extends) a suffix-array index of a corpus. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Index a corpus of contributions for tracing: a directory of text files (each file one"
          + " contribution, named by its file name) or a JSONL file of {\"id\": ..., \"text\": ...}.",
      "Each run adds one shard, labelled with a datanet version, to the index directory; a trace"
          + " spans the versions it names. Contributions must be UTF-8, at most 5 MiB each."
    })
public final class IndexCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR|FILE.jsonl", description = "The contributions.")
  Path source;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "INDEX",
      description = "Index directory (created when missing; a new shard is added otherwise).")
  Path out;

  @Option(
      names = "--version",
      paramLabel = "LABEL",
      description = "Datanet version of this shard (default: v1, v2, ... in order of addition).")
  String version;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Tokenizer threads (default: available processors); the index is the same.")
  Integer threads;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(names = "--no-progress", description = "Do not draw a progress bar on stderr.")
  boolean noProgress;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Cli.userErrors(this::run);
  }

  private Integer run() {
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1) {
      throw new CliException("--threads must be at least 1");
    }
    ContributionSource src = ContributionSource.of(source);
    String label = version != null ? version : "v" + (existingVersions(out) + 1);
    long total = src.count();
    long t0 = System.nanoTime();
    List<CorpusIndex.ShardInfo> shards;
    try (Bars bars = new Bars(spec.commandLine().getErr(), total, noProgress)) {
      shards = CorpusIndex.append(out, label, src.iterator(), n, bars);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long tokens = 0;
    int contributions = 0;
    long bytes = 0;
    List<String> files = new ArrayList<>();
    for (CorpusIndex.ShardInfo s : shards) {
      tokens += s.positions() - s.contributions();
      contributions += s.contributions();
      bytes += fileSize(out.resolve(s.file()));
      files.add(s.file());
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", out.toString());
      m.put("version", label);
      m.put("files", files);
      m.put("contributions", contributions);
      m.put("tokens", tokens);
      m.put("file_bytes", bytes);
      m.put("bytes_per_token", bytes / (double) tokens);
      m.put("seconds", seconds);
      m.put("tokens_per_second", tokens / seconds);
      o.println(Cli.json(m));
    } else {
      o.printf(
          Locale.ROOT,
          "indexed %,d contributions, %,d tokens as version %s in %s (%s, %.2f bytes/token)%n"
              + "%.1fs, %,.0f tokens/s%n",
          contributions,
          tokens,
          label,
          out,
          String.join(", ", files),
          bytes / (double) tokens,
          seconds,
          tokens / seconds);
    }
    return 0;
  }

  private static long existingVersions(Path index) {
    if (!Files.exists(index.resolve(CorpusIndex.MANIFEST))) {
      return 0;
    }
    return CorpusIndex.manifest(index).stream()
        .map(CorpusIndex.ShardInfo::version)
        .distinct()
        .count();
  }

  private static long fileSize(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** One progress bar per build phase, on stderr. */
  private static final class Bars implements BuildProgress, AutoCloseable {
    private final PrintWriter err;
    private final long contributions;
    private final boolean off;
    private ProgressBar bar;

    Bars(PrintWriter err, long contributions, boolean off) {
      this.err = err;
      this.contributions = contributions;
      this.off = off;
    }

    @Override
    public void start(Phase phase, long total) {
      close();
      if (off) {
        return;
      }
      ProgressBarBuilder b =
          new ProgressBarBuilder()
              .setConsumer(
                  new ConsoleProgressBarConsumer(new java.io.PrintStream(System.err, true)))
              .setUpdateIntervalMillis(250);
      switch (phase) {
        case TOKENIZE -> b.setTaskName("tokenize").setInitialMax(contributions).setUnit(" docs", 1);
        case SORT -> b.setTaskName("sort suffixes").setInitialMax(100).setUnit("%", 1).hideEta();
        case WRITE -> b.setTaskName("write").setInitialMax(total).setUnit(" MiB", 1 << 20);
      }
      bar = b.build();
    }

    @Override
    public void progress(long done) {
      if (bar != null) {
        bar.stepTo(done);
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
      err.flush();
    }
  }
}
