package io.openledger.node.attribution;

import io.openledger.attribution.dedup.NearDuplicate;
import io.openledger.attribution.dedup.NearDuplicateIndex;
import io.openledger.attribution.index.Contribution;
import io.openledger.attribution.index.ContributionSource;
import io.openledger.node.cli.CliException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger attribution dedup}: near-duplicate detection (MinHash/LSH). */
@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    description = {
      "Find near duplicates (MinHash over 5-word shingles, LSH): with FILEs, the contributions of"
          + " CORPUS each file nearly duplicates; without, every near-duplicate pair inside CORPUS.",
      "Similarity is the estimated Jaccard similarity of the shingle sets (case and spacing"
          + " ignored)."
    })
public final class DedupCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CORPUS", description = "Directory of files or JSONL file.")
  Path corpus;

  @Parameters(index = "1..*", paramLabel = "FILE", description = "New texts to check.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--threshold",
      paramLabel = "S",
      defaultValue = "0.7",
      description = "Similarity from which a text is a near duplicate (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Cli.userErrors(this::run);
  }

  private Integer run() {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new CliException("--threshold must be in (0, 1]");
    }
    NearDuplicateIndex index = new NearDuplicateIndex(threshold);
    for (Iterator<Contribution> it = ContributionSource.of(corpus).iterator(); it.hasNext(); ) {
      Contribution c = it.next();
      index.add(c.id(), c.text());
    }
    PrintWriter o = spec.commandLine().getOut();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("corpus_contributions", index.size());
    out.put("threshold", threshold);
    if (files.isEmpty()) {
      List<Map<String, Object>> pairs = new ArrayList<>();
      for (NearDuplicateIndex.Pair p : index.pairs()) {
        pairs.add(
            Cli.fields(
                "id", p.id(), "duplicate_of", p.duplicateOf(), "similarity", p.similarity()));
        if (!json) {
          o.printf(Locale.ROOT, "%.3f  %s  ~  %s%n", p.similarity(), p.id(), p.duplicateOf());
        }
      }
      out.put("pairs", pairs);
      if (!json) {
        o.printf(
            Locale.ROOT,
            "%d near-duplicate pair(s) among %,d contributions (threshold %.2f)%n",
            pairs.size(),
            index.size(),
            threshold);
      }
    } else {
      List<Map<String, Object>> results = new ArrayList<>();
      for (Path f : files) {
        List<NearDuplicate> hits = index.query(ContributionSource.readText(f));
        List<Map<String, Object>> h = new ArrayList<>();
        for (NearDuplicate d : hits) {
          h.add(Cli.fields("id", d.contributionId(), "similarity", d.similarity()));
        }
        results.add(Cli.fields("file", f.toString(), "near_duplicates", h));
        if (!json) {
          o.printf(
              Locale.ROOT,
              "%s: %s%n",
              f,
              hits.isEmpty() ? "no near duplicate" : hits.size() + " near duplicate(s)");
          for (NearDuplicate d : hits) {
            o.printf(Locale.ROOT, "  %.3f  %s%n", d.similarity(), d.contributionId());
          }
        }
      }
      out.put("files", results);
    }
    if (json) {
      o.println(Cli.json(out));
    }
    return 0;
  }
}
