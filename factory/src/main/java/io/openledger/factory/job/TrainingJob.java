package io.openledger.factory.job;

import io.openledger.factory.data.Document;
import io.openledger.factory.data.DocumentTokenizer;
import io.openledger.factory.data.Example;
import io.openledger.factory.data.ScratchTokenizer;
import io.openledger.factory.data.TrainingExamples;
import io.openledger.factory.influence.ExampleGradients;
import io.openledger.factory.influence.InfluenceRecord;
import io.openledger.factory.influence.InfluenceRecorder;
import io.openledger.factory.influence.InfluenceReport;
import io.openledger.factory.out.AdapterWriter;
import io.openledger.factory.out.HfModelWriter;
import io.openledger.factory.out.NamedTensor;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.factory.out.TrainingManifest.ContributionUsed;
import io.openledger.factory.out.TrainingManifest.DatanetUsed;
import io.openledger.factory.train.LoraTrainable;
import io.openledger.factory.train.Parameters;
import io.openledger.factory.train.ScratchTrainable;
import io.openledger.factory.train.Trainable;
import io.openledger.factory.train.Trainer;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.factory.train.TrainingListener;
import io.openledger.factory.train.TrainingResult;
import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One training run from documents to a finished output directory: the entry point the CLI, the
 * devnet and the benchmarks call.
 *
 * <p>The phases ({@link JobListener.Phase}): the documents are tokenized (LoRA: with the base
 * model's tokenizer; from scratch: with a byte-level BPE learned on them and written into the
 * output directory first) and cut into training and held-out sequences; the model is trained with
 * checkpoints under {@code outDir/checkpoint} (a run over the same documents and config resumes
 * from them; another config or other documents are refused); the adapter (PEFT layout) or the model
 * (Hugging Face layout) is written; influence is measured (optional: DataInf of every training
 * example on the held-out loss, recorded under {@code outDir/influence}); and {@code training.json}
 * records the data, the per-contribution tokens and influence, and the evaluation.
 *
 * <p>Influence is measured over the LoRA matrices of an adapter (every one a DataInf layer). For a
 * model trained from scratch it is measured over the projection matrices of the last decoder layer
 * only ({@link #influenceLayers}): DataInf's closed form stands in for each layer's inverse Hessian
 * with a rank-one approximation whose error grows with the layer's size (the DataInf paper's
 * argument for LoRA layers), the embedding and a tied lm_head are vocabulary-sized and mostly
 * record which tokens an example contains, and the last layer's gradients are the ones that
 * separate examples most (the usual choice of last-layer influence). The full gradient is still
 * computed for every example; only the recorded span is narrowed.
 */
public final class TrainingJob {
  /** The checkpoint directory under the output directory. */
  public static final String CHECKPOINT_DIR = "checkpoint";

  /** What the checkpoint directory says about the data it was trained on. */
  static final String JOB_FILE = "job.json";

  static final String JOB_FORMAT = "openledger-factory-job/1";

  private TrainingJob() {}

  /**
   * What to train.
   *
   * @param documents the texts of the accepted contributions of the datanet versions used
   * @param datanets the datanet versions the documents come from, each with at least one document
   * @param baseModelDir the base model (a Hugging Face directory with its tokenizer); LoRA only
   * @param outDir where the adapter or model, the checkpoints, the influence records and
   *     training.json go (created if missing)
   * @param influence how to measure influence; empty: none, the fee is split by token share
   */
  public record Spec(
      List<Document> documents,
      List<DatanetUsed> datanets,
      TrainingConfig config,
      Optional<Path> baseModelDir,
      Path outDir,
      Optional<InfluenceRecorder.Config> influence) {

    /**
     * @throws IllegalArgumentException with the reason: no documents, no datanets, a document of a
     *     datanet version not listed, a datanet version listed twice or without documents, a LoRA
     *     job without a base, a job from scratch with one
     */
    public Spec {
      documents = List.copyOf(documents);
      datanets = List.copyOf(datanets);
      if (config == null || outDir == null) {
        throw new IllegalArgumentException("a training job needs a config and an output directory");
      }
      if (documents.isEmpty()) {
        throw new IllegalArgumentException("no documents to train on");
      }
      if (datanets.isEmpty()) {
        throw new IllegalArgumentException("no datanet versions given for the documents");
      }
      Map<String, Integer> perVersion = new LinkedHashMap<>();
      for (DatanetUsed d : datanets) {
        if (perVersion.put(key(d.id(), d.version()), 0) != null) {
          throw new IllegalArgumentException(
              "datanet " + d.id() + " v" + d.version() + " is listed twice");
        }
      }
      Set<Long> datanetIds = new HashSet<>();
      for (DatanetUsed d : datanets) {
        if (!datanetIds.add(d.id())) {
          throw new IllegalArgumentException(
              "datanet " + d.id() + " is listed in two versions: train on one version of each");
        }
      }
      for (Document doc : documents) {
        String k = key(doc.datanetId(), doc.version());
        Integer n = perVersion.get(k);
        if (n == null) {
          throw new IllegalArgumentException(
              "contribution "
                  + doc.contributionId()
                  + " comes from datanet "
                  + doc.datanetId()
                  + " v"
                  + doc.version()
                  + ", which is not among the datanet versions given");
        }
        perVersion.put(k, n + 1);
      }
      for (DatanetUsed d : datanets) {
        if (perVersion.get(key(d.id(), d.version())) == 0) {
          throw new IllegalArgumentException(
              "datanet " + d.id() + " v" + d.version() + " has no documents to train on");
        }
      }
      boolean lora = config.mode() == TrainingConfig.Mode.LORA;
      if (lora && baseModelDir.isEmpty()) {
        throw new IllegalArgumentException("a LoRA job needs a base model directory");
      }
      if (!lora && baseModelDir.isPresent()) {
        throw new IllegalArgumentException(
            "a model trained from scratch has no base model (got " + baseModelDir.get() + ")");
      }
    }

    private static String key(long datanet, int version) {
      return datanet + "@" + version;
    }
  }

  /**
   * Runs the job: tokenize, train (resuming from {@code outDir/checkpoint} when it holds a run of
   * the same documents and config), write the model, measure influence, write training.json.
   *
   * @return the manifest written to {@code outDir/training.json}
   * @throws IllegalArgumentException with the reason: a base whose tokenizer does not fit its
   *     weights, a sequence length beyond the base's context, no training sequence, influence asked
   *     for without held-out sequences, a checkpoint of another config or other documents
   */
  public static TrainingManifest run(Spec spec, JobListener listener) {
    TrainingConfig cfg = spec.config();
    Path out = spec.outDir();
    Path checkpoints = out.resolve(CHECKPOINT_DIR);
    boolean lora = cfg.mode() == TrainingConfig.Mode.LORA;
    String fingerprint = fingerprint(spec);
    checkResumable(checkpoints, cfg, fingerprint);
    if (lora) {
      checkBase(spec.baseModelDir().get(), cfg);
    }

    // ---- tokenize
    listener.onPhase(JobListener.Phase.TOKENIZE, spec.documents().size());
    Optional<ScratchTokenizer.SpecialIds> specials = Optional.empty();
    Path tokenizerDir = lora ? spec.baseModelDir().get() : out;
    if (!lora) {
      specials =
          Optional.of(ScratchTokenizer.write(spec.documents(), cfg.vocab(), cfg.seqLen(), out));
    }
    TrainingExamples examples;
    try (ModelTokenizer tokenizer = ModelTokenizer.load(tokenizerDir)) {
      DocumentTokenizer counting = counting(DocumentTokenizer.of(tokenizer), spec, listener);
      examples =
          TrainingExamples.cut(
              spec.documents(), counting, cfg.seqLen(), cfg.heldOutFraction(), cfg.seed());
    }
    if (examples.train().isEmpty()) {
      throw new IllegalArgumentException(
          "every sequence was held out ("
              + examples.heldOut().size()
              + " sequences, heldOutFraction "
              + cfg.heldOutFraction()
              + "): nothing is left to train on");
    }
    if (spec.influence().isPresent() && examples.heldOut().isEmpty()) {
      throw new IllegalArgumentException(
          "influence is measured on the held-out loss, and no sequence was held out"
              + " (heldOutFraction "
              + cfg.heldOutFraction()
              + "): hold some out or train without influence (token share)");
    }
    writeJobFile(checkpoints, fingerprint);

    try (Trainable model =
        lora
            ? LoraTrainable.init(spec.baseModelDir().get(), cfg)
            : ScratchTrainable.init(cfg, cfg.seed())) {
      // ---- train
      long total = Trainer.totalSteps(cfg, examples.train().size());
      listener.onPhase(JobListener.Phase.TRAIN, total);
      TrainingResult result =
          new Trainer(model, cfg, trainingListener(listener, total))
              .run(tokens(examples.train()), tokens(examples.heldOut()), Optional.of(checkpoints));

      // ---- write
      listener.onPhase(JobListener.Phase.WRITE, 1);
      if (lora) {
        writeAdapter(out, (LoraTrainable) model, spec.baseModelDir().get());
      } else {
        writeScratchModel(out, model, cfg, specials.get());
      }
      listener.onProgress(JobListener.Phase.WRITE, 1, 1);

      // ---- influence
      Optional<Map<Long, Double>> influence = Optional.empty();
      if (spec.influence().isPresent()) {
        influence = Optional.of(measureInfluence(model, examples, spec, listener));
      }
      TrainingManifest manifest = manifest(spec, examples, result, influence);
      Path file = manifest.write(out);
      listener.onFinished(file);
      return manifest;
    }
  }

  /**
   * The parameters influence is recorded over: every LoRA matrix of an adapter; for a model from
   * scratch the projection matrices of the last decoder layer (see the class comment for why).
   */
  public static List<Parameters.Segment> influenceLayers(Trainable model) {
    if (model instanceof LoraTrainable) {
      return model.parameters().segments();
    }
    String last = "model.layers." + (model.config().layers() - 1) + ".";
    List<Parameters.Segment> out = new ArrayList<>();
    for (Parameters.Segment s : model.parameters().segments()) {
      if (s.name().startsWith(last) && s.isMatrix()) {
        out.add(s);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ checks

  /**
   * Refuses a base whose tokenizer has ids beyond the model's vocabulary (they index no embedding
   * row: the tokenizer and the weights do not belong together), and a sequence length beyond the
   * base's context.
   */
  static void checkBase(Path base, TrainingConfig cfg) {
    LlamaConfig c = LlamaConfig.read(base);
    checkVocabulary(base, c);
    if (cfg.seqLen() > c.maxPositions()) {
      throw new IllegalArgumentException(
          "seqLen "
              + cfg.seqLen()
              + " exceeds the base model's context (max_position_embeddings "
              + c.maxPositions()
              + ")");
    }
  }

  /** Refuses a model directory whose tokenizer has ids the model's embedding lacks. */
  static void checkVocabulary(Path tokenizerDir, LlamaConfig model) {
    int ids;
    try (ModelTokenizer t = ModelTokenizer.load(tokenizerDir)) {
      ids = t.vocabSizeHint();
    }
    if (ids > model.vocabSize()) {
      throw new IllegalArgumentException(
          "the tokenizer in "
              + tokenizerDir
              + " has "
              + ids
              + " token ids but the model's vocab_size is "
              + model.vocabSize()
              + ": the tokenizer does not belong to these weights");
    }
  }

  /**
   * Refuses to resume from a checkpoint of another training config or of other data (documents,
   * base), before anything in the output directory is overwritten.
   */
  private static void checkResumable(Path checkpoints, TrainingConfig cfg, String fingerprint) {
    Path ckpt = checkpoints.resolve("checkpoint.safetensors");
    if (!Files.isRegularFile(ckpt)) {
      return;
    }
    String hash;
    try (SafetensorsFile f = SafetensorsFile.open(ckpt)) {
      hash = f.metadata().get("configHash");
    }
    if (!cfg.hash().equals(hash)) {
      throw new IllegalArgumentException(
          ckpt
              + " was written by a run with another training config (hash "
              + hash
              + ", this run "
              + cfg.hash()
              + "): remove it or use the same config");
    }
    Path job = checkpoints.resolve(JOB_FILE);
    String recorded = null;
    if (Files.isRegularFile(job)) {
      try {
        Map<String, Object> m = JsonMaps.parseObject(Files.readString(job));
        if (JOB_FORMAT.equals(m.get("format")) && m.get("data") instanceof String s) {
          recorded = s;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + job, e);
      }
    }
    if (recorded == null) {
      throw new IllegalArgumentException(
          ckpt + " has no readable " + JOB_FILE + " saying what it was trained on: remove it");
    }
    if (!recorded.equals(fingerprint)) {
      throw new IllegalArgumentException(
          ckpt
              + " was written by a run on other documents or another base model: remove it or"
              + " train on the same data");
    }
  }

  private static void writeJobFile(Path checkpoints, String fingerprint) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", JOB_FORMAT);
    m.put("data", fingerprint);
    try {
      Files.createDirectories(checkpoints);
      Files.writeString(checkpoints.resolve(JOB_FILE), JsonMaps.writePretty(m));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + checkpoints.resolve(JOB_FILE), e);
    }
  }

  /**
   * SHA-256 of what, besides the config, decides the run: the documents in order (datanet, version,
   * contribution, text), and the base model's config.json and weight files' sizes.
   */
  static String fingerprint(Spec spec) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Document doc : spec.documents()) {
        String head =
            doc.datanetId()
                + "/"
                + doc.version()
                + "/"
                + doc.contributionId()
                + "/"
                + doc.text().length()
                + ":";
        d.update(head.getBytes(StandardCharsets.UTF_8));
        d.update(doc.text().getBytes(StandardCharsets.UTF_8));
      }
      if (spec.baseModelDir().isPresent()) {
        Path base = spec.baseModelDir().get();
        d.update(Files.readAllBytes(base.resolve("config.json")));
        try (var files = Files.list(base)) {
          for (Path f :
              files.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList()) {
            d.update(
                (f.getFileName() + ":" + Files.size(f) + ";").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the base model: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ phases

  /** The tokenizer, reporting each document it frames (TrainingExamples frames each once). */
  private static DocumentTokenizer counting(
      DocumentTokenizer inner, Spec spec, JobListener listener) {
    long total = spec.documents().size();
    return new DocumentTokenizer() {
      private long done;

      @Override
      public int[] encode(String text) {
        return inner.encode(text);
      }

      @Override
      public OptionalInt bos() {
        return inner.bos();
      }

      @Override
      public int eos() {
        return inner.eos();
      }

      @Override
      public int[] stream(String text) {
        int[] s = inner.stream(text);
        listener.onProgress(JobListener.Phase.TOKENIZE, ++done, total);
        return s;
      }
    };
  }

  private static List<int[]> tokens(List<Example> examples) {
    return examples.stream().map(Example::tokens).toList();
  }

  private static TrainingListener trainingListener(JobListener listener, long total) {
    return new TrainingListener() {
      @Override
      public void onStep(Step step) {
        listener.onProgress(JobListener.Phase.TRAIN, step.step(), step.totalSteps());
        listener.onStep(step);
      }

      @Override
      public void onCheckpoint(long step, Path dir) {
        listener.onCheckpoint(step, dir);
      }

      @Override
      public void onResume(long step) {
        listener.onResume(step);
        listener.onProgress(JobListener.Phase.TRAIN, step, total);
      }
    };
  }

  private static List<NamedTensor> tensors(Parameters p) {
    List<NamedTensor> out = new ArrayList<>();
    for (Parameters.Segment s : p.segments()) {
      out.add(new NamedTensor(s.name(), s.shape(), p.copyOf(s.name())));
    }
    return out;
  }

  private static void writeAdapter(Path out, LoraTrainable model, Path base) {
    String name = model.config().nameOrPath();
    if (name == null || name.isBlank()) {
      name = baseName(base);
    }
    AdapterWriter.LoraSettings settings =
        new AdapterWriter.LoraSettings(
            name, model.rank(), model.alpha(), model.targets(), model.rslora());
    AdapterWriter.write(out, settings, model.config(), tensors(model.parameters()));
  }

  private static void writeScratchModel(
      Path out, Trainable model, TrainingConfig cfg, ScratchTokenizer.SpecialIds ids) {
    Map<String, Object> hf = ScratchTrainable.hfConfig(cfg); // the constants trained with
    HfModelWriter.HfModelConfig c =
        new HfModelWriter.HfModelConfig(
            cfg.hidden(),
            cfg.intermediate(),
            cfg.layers(),
            cfg.heads(),
            cfg.kvHeads(),
            cfg.vocab(),
            cfg.seqLen(),
            (Double) hf.get("rms_norm_eps"),
            (Double) hf.get("rope_theta"),
            cfg.tiedEmbeddings(),
            ids.bos(),
            ids.eos());
    HfModelWriter.write(out, c, tensors(model.parameters()), out);
  }

  private static String baseName(Path base) {
    Path abs = base.toAbsolutePath().normalize();
    return abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
  }

  /** Records influence; returns each trained contribution's positive held-out influence mass. */
  private static Map<Long, Double> measureInfluence(
      Trainable model, TrainingExamples examples, Spec spec, JobListener listener) {
    InfluenceRecorder.Config ic = spec.influence().get();
    List<Parameters.Segment> layers = influenceLayers(model);
    int dim = model.parameters().size();
    ExampleGradients train =
        ExampleGradients.of(examples.train(), layers, dim, model::lossAndGradient);
    ExampleGradients held =
        ExampleGradients.of(examples.heldOut(), layers, dim, model::lossAndGradient);
    long n = train.examples();
    long m = held.examples();
    long total = m + n * (ic.heldOut() == InfluenceRecorder.HeldOut.EXACT ? 3 : 1);
    listener.onPhase(JobListener.Phase.INFLUENCE, total);
    InfluenceRecorder.Progress progress =
        (pass, done, passTotal) -> {
          long before =
              switch (pass) {
                case "held-out" -> 0;
                case "sketch" -> m;
                case "datainf-v" -> m + n;
                case "datainf-score" -> m + 2 * n;
                default -> throw new IllegalStateException("unknown influence pass " + pass);
              };
          listener.onProgress(JobListener.Phase.INFLUENCE, before + done, total);
        };
    InfluenceRecord record = InfluenceRecorder.record(train, held, ic, spec.outDir(), progress);
    Map<Long, Double> mass = new HashMap<>();
    for (InfluenceReport.ContributionInfluence c : new InfluenceReport(record).heldOut()) {
      mass.put(c.contributionId(), c.mass());
    }
    return mass;
  }

  private static TrainingManifest manifest(
      Spec spec,
      TrainingExamples examples,
      TrainingResult result,
      Optional<Map<Long, Double>> influence) {
    Map<Long, Long> datanetOf = new HashMap<>();
    for (Document d : spec.documents()) {
      datanetOf.put(d.contributionId(), d.datanetId());
    }
    List<ContributionUsed> contributions = new ArrayList<>();
    for (Map.Entry<Long, Long> e : examples.tokensByContribution().entrySet()) {
      long id = e.getKey();
      OptionalDouble inf =
          influence.isPresent()
              ? OptionalDouble.of(
                  influence.get().getOrDefault(id, 0.0)) // all held out: not trained
              : OptionalDouble.empty();
      contributions.add(new ContributionUsed(id, datanetOf.get(id), e.getValue(), inf));
    }
    Optional<TrainingManifest.Eval> eval =
        result.heldOutTokens() > 0
            ? Optional.of(
                new TrainingManifest.Eval(
                    result.heldOutLoss(),
                    result.perplexity(),
                    result.heldOutTokens(),
                    result.trainLoss()))
            : Optional.empty();
    TrainingConfig cfg = spec.config();
    boolean lora = cfg.mode() == TrainingConfig.Mode.LORA;
    return new TrainingManifest(
        lora ? TrainingManifest.Mode.LORA : TrainingManifest.Mode.FROM_SCRATCH,
        spec.baseModelDir().map(TrainingJob::baseName),
        spec.datanets(),
        contributions,
        influence.isPresent()
            ? TrainingManifest.InfluenceMethod.DATAINF
            : TrainingManifest.InfluenceMethod.TOKEN_SHARE,
        eval,
        cfg.toMap(),
        cfg.seed());
  }
}
