package io.openledger.factory.eval;

import io.openledger.attribution.influence.DataInf;
import io.openledger.factory.data.Document;
import io.openledger.factory.data.DocumentTokenizer;
import io.openledger.factory.data.Example;
import io.openledger.factory.data.ScratchTokenizer;
import io.openledger.factory.data.TrainingExamples;
import io.openledger.factory.influence.ExampleGradients;
import io.openledger.factory.influence.InfluenceRecord;
import io.openledger.factory.influence.InfluenceRecorder;
import io.openledger.factory.influence.InfluenceReport;
import io.openledger.factory.influence.InfluenceReport.ContributionInfluence;
import io.openledger.factory.influence.LinearDatamodelingScore;
import io.openledger.factory.out.HfModelWriter;
import io.openledger.factory.out.NamedTensor;
import io.openledger.factory.train.LoraTrainable;
import io.openledger.factory.train.Parameters;
import io.openledger.factory.train.ScratchTrainable;
import io.openledger.factory.train.Trainable;
import io.openledger.factory.train.Trainer;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.factory.train.TrainingListener;
import io.openledger.factory.train.TrainingResult;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * How good the factory's influence is, measured on real text (Debian's fortunes) against planted
 * ground truth.
 *
 * <p><b>The model.</b> {@link Setup#standard()}: a tiny Llama (byte-level BPE of 512 tokens, hidden
 * 64, 2 layers) pre-trained from scratch on other collections ({@link Base#standard()}, about 3.5k
 * fortunes, 3 epochs), then LoRA rank 8 on all seven projections tuned on the contributions,
 * influence over the adapter's A and B. A LoRA adapter on openlora's random test model would
 * measure nothing (a random base has no language to adapt). Training from scratch on the
 * contributions alone ({@link Setup#scratch()}) was measured too and is the weaker setting for
 * DataInf: the influence is taken at the end of a short run far from convergence (held-out loss 4.4
 * nats), so the last gradients say little about the whole trajectory (LDS 0.17 to 0.27 over 24
 * subsets, within chance); LoRA on a base that already knows English is the small perturbation
 * DataInf is derived for (LDS 0.72). The base costs about 100 s on two busy cores, each retraining
 * about 5 s.
 *
 * <p><b>Linear datamodeling score</b> ({@link #lds}). Contributions are consecutive groups of
 * fortunes from several collections; the held-out set is later fortunes of some of them (the
 * "target" collections), in no contribution. The predicted influence of each contribution on the
 * held-out loss (DataInf, via {@link InfluenceRecorder}) is compared with models retrained, same
 * config and seed, without random halves of the contributions ({@link LinearDatamodelingScore});
 * the same retrainings score two baselines: token share (a contribution's helpfulness is its size,
 * what the fee split falls back to) and random scores (seeded; the mean and spread over draws).
 *
 * <p><b>Planted duplicate</b> ({@link #plantedDuplicate}). One contribution's text is contributed
 * again verbatim under a second id; an output quoting one of its fortunes is scored against every
 * contribution ({@link InfluenceReport#scoreOutput}); both copies should rank at the top.
 *
 * <p>Run: {@code java -cp ... io.openledger.factory.eval.InfluenceQuality [subsets]} or the tagged
 * tests ({@code InfluenceQualityTest}).
 */
public final class InfluenceQuality {
  /**
   * The data and the model.
   *
   * @param collections the collections contributions are cut from, in order
   * @param targets the collections (a subset of {@code collections}) the held-out set comes from
   * @param contributionsPerCollection contributions cut from each collection
   * @param fortunesPerContribution consecutive fortunes per contribution
   * @param heldOutPerTarget held-out fortunes from each target collection (those after the
   *     contributions' ones)
   * @param minChars fortunes shorter than this are skipped
   * @param maxChars fortunes longer than this are skipped
   * @param config the training run (epochs, so a smaller subset trains fewer steps over the same
   *     passes): from scratch, or LoRA on {@code base}
   * @param base the pre-trained base of a LoRA setup
   */
  public record Setup(
      List<String> collections,
      List<String> targets,
      int contributionsPerCollection,
      int fortunesPerContribution,
      int heldOutPerTarget,
      int minChars,
      int maxChars,
      TrainingConfig config,
      Optional<Base> base) {
    public Setup {
      collections = List.copyOf(collections);
      targets = List.copyOf(targets);
      if (!collections.containsAll(targets)) {
        throw new IllegalArgumentException(
            "held-out collections " + targets + " are not all among " + collections);
      }
      if ((config.mode() == TrainingConfig.Mode.LORA) != base.isPresent()) {
        throw new IllegalArgumentException(
            "a LoRA setup needs a pre-trained base, a from-scratch setup none");
      }
      for (String c : base.map(Base::collections).orElse(List.of())) {
        if (collections.contains(c)) {
          throw new IllegalArgumentException("the base is pre-trained on contributed " + c);
        }
      }
      if (contributionsPerCollection < 1 || fortunesPerContribution < 1 || heldOutPerTarget < 0) {
        throw new IllegalArgumentException("counts must be positive: " + this);
      }
    }

    /** The same contributions and held-out set, trained from scratch. */
    public static Setup scratch() {
      Setup s = standard();
      return new Setup(
          s.collections(),
          s.targets(),
          s.contributionsPerCollection(),
          s.fortunesPerContribution(),
          s.heldOutPerTarget(),
          s.minChars(),
          s.maxChars(),
          model(8),
          Optional.empty());
    }

    /**
     * The measured setup: 4 collections × 12 contributions of 5 fortunes (48 contributions, about
     * 17.6k tokens), held out: 20 later fortunes of linux and of startrek each; LoRA rank 8 on all
     * seven projections, 4 epochs at 5e-3, batches of 8 sequences of 64 tokens, on {@link
     * Base#standard()}.
     */
    public static Setup standard() {
      return new Setup(
          List.of("linux", "startrek", "food", "law"),
          List.of("linux", "startrek"),
          12,
          5,
          20,
          20,
          400,
          TrainingConfig.lora(
                  8,
                  16,
                  List.of(
                      "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"))
              .withBatch(64, 8)
              .withSchedule(1, 5, 5e-3, 0.1)
              .withEpochs(4)
              .withRun(7, 2, 0.0, 0),
          Optional.of(Base.standard()));
    }

    /** The tiny model: vocab 512, hidden 64, 2 layers of 4 heads (2 kv), SwiGLU 128. */
    public static TrainingConfig model(int epochs) {
      return TrainingConfig.fromScratch(64, 2, 4, 2, 128, 512)
          .withBatch(64, 8)
          .withSchedule(1, 10, 1e-2, 0.1)
          .withEpochs(epochs)
          .withRun(7, 2, 0.0, 0);
    }
  }

  /**
   * A base model pre-trained from scratch on other collections, with its tokenizer.
   *
   * @param collections disjoint from the contributions'
   * @param config from scratch
   */
  public record Base(List<String> collections, int minChars, int maxChars, TrainingConfig config) {
    public Base {
      collections = List.copyOf(collections);
      if (config.mode() != TrainingConfig.Mode.FROM_SCRATCH) {
        throw new IllegalArgumentException("the base is trained from scratch");
      }
    }

    /** people, computers, wisdom, work and science (about 3k fortunes): 3 epochs of the model. */
    public static Base standard() {
      return new Base(
          List.of("people", "computers", "wisdom", "work", "science"), 20, 400, Setup.model(3));
    }
  }

  /**
   * The documents of a setup.
   *
   * @param contributions one document per contribution, ids 1.. in collection order
   * @param heldOut one document per held-out fortune (ids from {@link #HELD_OUT_IDS}; not trained
   *     on)
   * @param fortunes each contribution's fortunes, by id
   * @param targetIds the contributions cut from a collection the held-out set comes from
   */
  public record Corpus(
      List<Document> contributions,
      List<Document> heldOut,
      Map<Long, List<String>> fortunes,
      Set<Long> targetIds) {}

  /** Held-out documents are numbered from here (they are no contribution). */
  public static final long HELD_OUT_IDS = 1_000_000;

  /**
   * The linear datamodeling scores.
   *
   * @param contributions how many
   * @param trainTokens tokens trained on with every contribution
   * @param heldOutTokens loss terms of the held-out set
   * @param fullHeldOutLoss the held-out loss trained on everything (nats per token)
   * @param dataInf DataInf's evaluation (subsets, predicted, actual)
   * @param tokenShareLds the token-share baseline's score on the same retrainings
   * @param targetCollectionLds a diagnostic, not an estimator: the score of 1 for contributions
   *     from a held-out collection and 0 for the others (how much of the truth is the subsets' mix
   *     of collections)
   * @param randomLds the random baseline's score per seeded draw
   * @param seconds wall time of the whole measurement
   */
  public record LdsResult(
      int contributions,
      long trainTokens,
      long heldOutTokens,
      double fullHeldOutLoss,
      LinearDatamodelingScore.Result dataInf,
      double tokenShareLds,
      double targetCollectionLds,
      double[] randomLds,
      double seconds) {
    public double dataInfLds() {
      return dataInf.lds();
    }

    public double randomMean() {
      return Arrays.stream(randomLds).average().orElseThrow();
    }

    public double randomStd() {
      double m = randomMean();
      return Math.sqrt(
          Arrays.stream(randomLds).map(x -> (x - m) * (x - m)).average().orElseThrow());
    }

    /** The {@code q}-quantile (0..1) of the random draws' scores, nearest rank. */
    public double randomQuantile(double q) {
      double[] sorted = randomLds.clone();
      Arrays.sort(sorted);
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** One line per figure, for the bench and the logs. */
    public String summary() {
      return String.format(
          Locale.ROOT,
          "contributions %d, train tokens %d, held-out tokens %d, held-out loss %.4f;"
              + " LDS over %d subsets: datainf %.3f, token-share %.3f, random %.3f ± %.3f"
              + " (%d draws, 95th percentile %.3f); target-collection indicator %.3f; %.0f s",
          contributions,
          trainTokens,
          heldOutTokens,
          fullHeldOutLoss,
          dataInf.subsets().size(),
          dataInf.lds(),
          tokenShareLds,
          randomMean(),
          randomStd(),
          randomLds.length,
          randomQuantile(0.95),
          targetCollectionLds,
          seconds);
    }
  }

  /**
   * The planted duplicate's outcome.
   *
   * @param originalId the contribution repeated
   * @param duplicateId the second id with its text
   * @param quotes the outputs scored (each a fortune of the original)
   * @param rankings per quote: every contribution, most influential first
   */
  public record DuplicateResult(
      long originalId,
      long duplicateId,
      List<String> quotes,
      List<List<ContributionInfluence>> rankings) {
    /** The worst (largest, 1-based) rank either copy has over the quotes. */
    public int worstRank() {
      int worst = 0;
      for (List<ContributionInfluence> r : rankings) {
        worst = Math.max(worst, Math.max(rank(r, originalId), rank(r, duplicateId)));
      }
      return worst;
    }

    /** 1-based rank of {@code id} in {@code ranking}. */
    public static int rank(List<ContributionInfluence> ranking, long id) {
      for (int i = 0; i < ranking.size(); i++) {
        if (ranking.get(i).contributionId() == id) {
          return i + 1;
        }
      }
      throw new IllegalArgumentException("contribution " + id + " is not ranked");
    }
  }

  private InfluenceQuality() {}

  /** Cuts the setup's documents from the collections under {@code dir}. */
  public static Corpus corpus(Path dir, Setup setup) {
    List<Document> contributions = new ArrayList<>();
    List<Document> heldOut = new ArrayList<>();
    Map<Long, List<String>> fortunes = new TreeMap<>();
    Set<Long> targetIds = new TreeSet<>();
    int used = setup.contributionsPerCollection() * setup.fortunesPerContribution();
    for (String c : setup.collections()) {
      List<String> all = Fortunes.read(dir, c, setup.minChars(), setup.maxChars());
      int need = used + (setup.targets().contains(c) ? setup.heldOutPerTarget() : 0);
      if (all.size() < need) {
        throw new IllegalArgumentException(
            "collection " + c + " has " + all.size() + " usable fortunes, the setup needs " + need);
      }
      for (int j = 0; j < setup.contributionsPerCollection(); j++) {
        List<String> group =
            all.subList(
                j * setup.fortunesPerContribution(), (j + 1) * setup.fortunesPerContribution());
        long id = contributions.size() + 1;
        contributions.add(new Document(1, 1, id, String.join("\n\n", group)));
        fortunes.put(id, List.copyOf(group));
        if (setup.targets().contains(c)) {
          targetIds.add(id);
        }
      }
      if (setup.targets().contains(c)) {
        for (String f : all.subList(used, used + setup.heldOutPerTarget())) {
          heldOut.add(new Document(1, 1, HELD_OUT_IDS + heldOut.size(), f));
        }
      }
    }
    return new Corpus(
        List.copyOf(contributions), List.copyOf(heldOut), fortunes, Set.copyOf(targetIds));
  }

  /**
   * Measures the linear datamodeling score of DataInf, token share and random scores.
   *
   * @param subsets retrainings (each without a random half of the contributions)
   * @param randomDraws random-score draws evaluated on the same retrainings
   * @param work a directory for the tokenizer
   * @param log progress lines
   */
  public static LdsResult lds(
      Path fortunesDir, Setup setup, int subsets, int randomDraws, Path work, PrintStream log) {
    long began = System.nanoTime();
    Corpus corpus = corpus(fortunesDir, setup);
    TrainingConfig cfg = setup.config();
    Path tokenizerDir;
    Supplier<Trainable> fresh;
    if (setup.base().isPresent()) {
      Path baseDir = pretrain(fortunesDir, setup.base().get(), work, log);
      tokenizerDir = baseDir;
      fresh = () -> LoraTrainable.init(baseDir, cfg);
    } else {
      tokenizerDir = writeTokenizer(corpus.contributions(), cfg, work);
      fresh = () -> ScratchTrainable.init(cfg, cfg.seed());
    }
    try (ModelTokenizer mt = ModelTokenizer.load(tokenizerDir)) {
      DocumentTokenizer tok = DocumentTokenizer.of(mt);
      List<Example> train = examples(corpus.contributions(), tok, cfg);
      List<int[]> held = tokens(examples(corpus.heldOut(), tok, cfg));
      Map<Long, Long> tokenCounts =
          TrainingExamples.cut(corpus.contributions(), tok, cfg.seqLen(), 0, cfg.seed())
              .tokensByContribution();

      TrainingResult full;
      Map<Long, Double> helpfulness = new TreeMap<>();
      try (Trainable model = fresh.get()) {
        full = new Trainer(model, cfg, TrainingListener.NONE).run(tokens(train), held, none());
        log.printf(
            Locale.ROOT,
            "trained on all %d contributions: held-out loss %.4f (%.0f s)%n",
            corpus.contributions().size(),
            full.heldOutLoss(),
            full.seconds());
        InfluenceRecord record =
            InfluenceRecorder.measure(
                gradients(train, model),
                gradients(examples(corpus.heldOut(), tok, cfg), model),
                new InfluenceRecorder.Config(
                    cfg.seed(), 64, DataInf.Damping.DEFAULT, InfluenceRecorder.HeldOut.EXACT));
        for (ContributionInfluence c : new InfluenceReport(record).heldOut()) {
          helpfulness.put(c.contributionId(), c.helpfulness());
        }
      }
      log.printf(Locale.ROOT, "influence measured (%.0f s)%n", (System.nanoTime() - began) / 1e9);

      Map<Set<Long>, Double> losses = new HashMap<>();
      LinearDatamodelingScore.Retraining retrain =
          leftOut -> {
            List<int[]> kept = new ArrayList<>();
            for (Example e : train) {
              if (!leftOut.contains(e.contributionId())) {
                kept.add(e.tokens());
              }
            }
            try (Trainable m = fresh.get()) {
              TrainingResult r = new Trainer(m, cfg, TrainingListener.NONE).run(kept, held, none());
              losses.put(Set.copyOf(leftOut), r.heldOutLoss());
              log.printf(
                  Locale.ROOT,
                  "retrained without %d contributions (%d of %d sequences): held-out loss %.4f%n",
                  leftOut.size(),
                  kept.size(),
                  train.size(),
                  r.heldOutLoss());
              return r.heldOutLoss();
            }
          };
      long ldsSeed = cfg.seed() + 1;
      LinearDatamodelingScore.Result dataInf =
          LinearDatamodelingScore.evaluate(helpfulness, retrain, subsets, 0.5, ldsSeed);
      LinearDatamodelingScore.Retraining cached =
          leftOut -> {
            Double loss = losses.get(Set.copyOf(leftOut));
            if (loss == null) {
              throw new IllegalStateException("subset " + leftOut + " was not retrained");
            }
            return loss;
          };
      Map<Long, Double> share = new TreeMap<>();
      tokenCounts.forEach((id, n) -> share.put(id, (double) n));
      double tokenShare =
          LinearDatamodelingScore.evaluate(share, cached, subsets, 0.5, ldsSeed).lds();
      Map<Long, Double> target = new TreeMap<>();
      for (Document d : corpus.contributions()) {
        target.put(d.contributionId(), corpus.targetIds().contains(d.contributionId()) ? 1.0 : 0.0);
      }
      double targetLds =
          LinearDatamodelingScore.evaluate(target, cached, subsets, 0.5, ldsSeed).lds();
      double[] random = new double[randomDraws];
      for (int d = 0; d < randomDraws; d++) {
        SplittableRandom r = new SplittableRandom(1000L + d);
        Map<Long, Double> scores = new TreeMap<>();
        for (long id : new TreeSet<>(helpfulness.keySet())) {
          scores.put(id, r.nextGaussian());
        }
        random[d] = LinearDatamodelingScore.evaluate(scores, cached, subsets, 0.5, ldsSeed).lds();
      }
      return new LdsResult(
          corpus.contributions().size(),
          train.stream().mapToLong(e -> e.tokens().length).sum(),
          full.heldOutTokens(),
          full.heldOutLoss(),
          dataInf,
          tokenShare,
          targetLds,
          random,
          (System.nanoTime() - began) / 1e9);
    }
  }

  /**
   * Plants a duplicate: contribution {@code originalId}'s text is contributed again under {@code
   * duplicateId}; after training, each of the original's fortunes (as an output on its own) is
   * scored against every contribution.
   */
  public static DuplicateResult plantedDuplicate(
      Path fortunesDir, Setup setup, long originalId, long duplicateId, Path work) {
    Corpus corpus = corpus(fortunesDir, setup);
    Document original =
        corpus.contributions().stream()
            .filter(d -> d.contributionId() == originalId)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no contribution " + originalId));
    if (corpus.fortunes().containsKey(duplicateId)) {
      throw new IllegalArgumentException("contribution " + duplicateId + " already exists");
    }
    List<Document> docs = new ArrayList<>(corpus.contributions());
    docs.add(new Document(1, 1, duplicateId, original.text()));
    TrainingConfig cfg = setup.config();
    if (setup.base().isPresent()) {
      throw new IllegalArgumentException("the planted duplicate is measured from scratch");
    }
    try (ModelTokenizer mt = ModelTokenizer.load(writeTokenizer(docs, cfg, work))) {
      DocumentTokenizer tok = DocumentTokenizer.of(mt);
      List<Example> train = examples(docs, tok, cfg);
      try (ScratchTrainable model = ScratchTrainable.init(cfg, cfg.seed())) {
        new Trainer(model, cfg, TrainingListener.NONE).run(tokens(train), List.of(), none());
        InfluenceRecord record =
            InfluenceRecorder.measure(
                gradients(train, model),
                gradients(List.of(), model),
                new InfluenceRecorder.Config(
                    cfg.seed(), 64, DataInf.Damping.DEFAULT, InfluenceRecorder.HeldOut.SKETCH));
        InfluenceReport report = new InfluenceReport(record);
        List<String> quotes = corpus.fortunes().get(originalId);
        List<List<ContributionInfluence>> rankings = new ArrayList<>();
        for (String q : quotes) {
          int[] s = tok.stream(q);
          int[] output = Arrays.copyOf(s, Math.min(s.length, cfg.seqLen()));
          float[] g = new float[model.parameters().size()];
          model.lossAndGradient(output, g);
          rankings.add(report.scoreOutput(g));
        }
        return new DuplicateResult(originalId, duplicateId, quotes, rankings);
      }
    }
  }

  private static Path writeTokenizer(List<Document> docs, TrainingConfig cfg, Path work) {
    Path dir = work.resolve("tokenizer");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    ScratchTokenizer.write(docs, cfg.vocab(), cfg.seqLen(), dir);
    return dir;
  }

  /**
   * Pre-trains the base from scratch on its collections (each fortune a document), with a tokenizer
   * learned on them, and writes it as a Hugging Face directory {@code work/base}.
   */
  static Path pretrain(Path fortunesDir, Base base, Path work, PrintStream log) {
    long began = System.nanoTime();
    List<Document> docs = new ArrayList<>();
    for (String c : base.collections()) {
      for (String f : Fortunes.read(fortunesDir, c, base.minChars(), base.maxChars())) {
        docs.add(new Document(2, 1, docs.size() + 1, f));
      }
    }
    TrainingConfig cfg = base.config();
    Path dir = work.resolve("base");
    ScratchTokenizer.SpecialIds ids = ScratchTokenizer.write(docs, cfg.vocab(), cfg.seqLen(), dir);
    List<Example> examples;
    try (ModelTokenizer mt = ModelTokenizer.load(dir)) {
      examples = examples(docs, DocumentTokenizer.of(mt), cfg);
    }
    try (ScratchTrainable m = ScratchTrainable.init(cfg, cfg.seed())) {
      TrainingResult r =
          new Trainer(m, cfg, TrainingListener.NONE).run(tokens(examples), List.of(), none());
      List<NamedTensor> tensors = new ArrayList<>();
      for (Parameters.Segment s : m.parameters().segments()) {
        tensors.add(new NamedTensor(s.name(), s.shape(), m.parameters().copyOf(s.name())));
      }
      HfModelWriter.write(
          dir,
          new HfModelWriter.HfModelConfig(
              cfg.hidden(),
              cfg.intermediate(),
              cfg.layers(),
              cfg.heads(),
              cfg.kvHeads(),
              cfg.vocab(),
              cfg.seqLen(),
              1e-6,
              10000.0,
              cfg.tiedEmbeddings(),
              ids.bos(),
              ids.eos()),
          tensors,
          dir);
      log.printf(
          Locale.ROOT,
          "pre-trained the base on %d fortunes (%d sequences): train loss %.4f (%.0f s)%n",
          docs.size(),
          examples.size(),
          r.trainLoss(),
          (System.nanoTime() - began) / 1e9);
    }
    return dir;
  }

  private static List<Example> examples(
      List<Document> docs, DocumentTokenizer tok, TrainingConfig cfg) {
    return TrainingExamples.cut(docs, tok, cfg.seqLen(), 0, cfg.seed()).train();
  }

  private static List<int[]> tokens(List<Example> examples) {
    return examples.stream().map(Example::tokens).toList();
  }

  private static Optional<Path> none() {
    return Optional.empty();
  }

  /** Every tensor of the model is one DataInf layer. */
  private static ExampleGradients gradients(List<Example> examples, Trainable model) {
    return ExampleGradients.of(
        examples, model.parameters().segments(), model.parameters().size(), model::lossAndGradient);
  }

  /**
   * The linear datamodeling scores of a setup on the installed fortunes (installing the package
   * when missing and possible), in a temporary directory: what {@code openledger bench} prints.
   */
  public static LdsResult run(Setup setup, int subsets, PrintStream log) throws IOException {
    List<String> needed = new ArrayList<>(setup.collections());
    setup.base().ifPresent(b -> needed.addAll(b.collections()));
    Fortunes.ensureInstalled(needed);
    Path work = Files.createTempDirectory("influence-quality");
    return lds(Fortunes.DEBIAN_DIR, setup, subsets, 200, work, log);
  }

  /**
   * Prints the linear datamodeling scores of {@link Setup#standard()} on Debian's fortunes.
   *
   * @param args optional: the number of retrainings (default 24), then {@code scratch} to measure
   *     the from-scratch setup instead of LoRA on the pre-trained base
   */
  public static void main(String[] args) throws IOException {
    int subsets = args.length > 0 ? Integer.parseInt(args[0]) : 24;
    Setup setup;
    if (args.length < 2) {
      setup = Setup.standard();
    } else if (args[1].equals("scratch")) {
      setup = Setup.scratch();
    } else {
      throw new IllegalArgumentException("unknown setup " + args[1] + " (expected scratch)");
    }
    System.out.println(run(setup, subsets, System.out).summary());
  }
}
