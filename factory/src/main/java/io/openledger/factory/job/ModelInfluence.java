package io.openledger.factory.job;

import io.openledger.factory.data.Document;
import io.openledger.factory.data.DocumentTokenizer;
import io.openledger.factory.data.Example;
import io.openledger.factory.data.TrainingExamples;
import io.openledger.factory.influence.InfluenceRecord;
import io.openledger.factory.influence.InfluenceReport;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.factory.train.LoraTrainable;
import io.openledger.factory.train.Parameters;
import io.openledger.factory.train.ScratchTrainable;
import io.openledger.factory.train.Trainable;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which contributions a trained model's output owes to: {@code openledger influence --model DIR
 * --text FILE [--base DIR]}. Loads a directory written by {@link TrainingJob} (LoRA: the base and
 * the adapter; from scratch: the model), its {@code training.json} and its influence record,
 * computes the gradient of the text's loss over the recorded layers, and scores every contribution
 * trained on with DataInf in sketch space ({@link InfluenceReport#scoreOutput}).
 */
public final class ModelInfluence implements AutoCloseable {

  /**
   * One contribution's influence on the text.
   *
   * @param score its helpfulness: to first order, how much the text's loss (nats) would rise had
   *     the model been trained without it; negative when it made the text less likely
   * @param share its share of the positive scores (0 when its score is not positive)
   * @param examples its training sequences
   */
  public record Ranked(
      long contributionId, long datanetId, int examples, double score, double share) {}

  /**
   * The text's influence report.
   *
   * @param tokens the text's tokens (a bos token first, when the tokenizer has one)
   * @param loss the text's summed next-token loss under the model, nats
   * @param ranked every contribution trained on, most helpful first (then by id)
   */
  public record Result(int tokens, double loss, List<Ranked> ranked) {
    public Result {
      ranked = List.copyOf(ranked);
    }
  }

  private final Trainable model;
  private final TrainingManifest manifest;
  private final InfluenceReport report;
  private final DocumentTokenizer tokenizer;
  private final ModelTokenizer modelTokenizer;
  private final int seqLen;
  private final Map<Long, Long> datanetOf = new HashMap<>();

  private ModelInfluence(
      Trainable model,
      TrainingManifest manifest,
      InfluenceRecord record,
      ModelTokenizer modelTokenizer,
      int seqLen) {
    this.model = model;
    this.manifest = manifest;
    this.report = new InfluenceReport(record);
    this.modelTokenizer = modelTokenizer;
    this.tokenizer = DocumentTokenizer.of(modelTokenizer);
    this.seqLen = seqLen;
    for (TrainingManifest.ContributionUsed c : manifest.contributions()) {
      datanetOf.put(c.id(), c.datanet());
    }
  }

  /**
   * Opens a trained model directory.
   *
   * @param baseDir the base model, for a LoRA adapter (required); none for a model from scratch
   * @param threads kernel threads for the gradient
   * @throws IllegalArgumentException with the reason: no training.json, no influence records, a
   *     LoRA model without its base (or a model from scratch with one), a tokenizer that does not
   *     fit the weights, a record that does not fit the model's parameters
   */
  public static ModelInfluence open(Path modelDir, Optional<Path> baseDir, int threads) {
    if (!Files.isRegularFile(modelDir.resolve("training.json"))) {
      throw new IllegalArgumentException(
          modelDir + " has no training.json: it is not a directory the factory trained");
    }
    TrainingManifest manifest = TrainingManifest.read(modelDir);
    if (!Files.isRegularFile(InfluenceRecord.file(modelDir))) {
      throw new IllegalArgumentException(
          modelDir
              + " has no influence records (influence/sketches.safetensors): it was trained without"
              + " influence (influenceMethod "
              + manifest.influenceMethod().json()
              + ")");
    }
    boolean lora = manifest.mode() == TrainingManifest.Mode.LORA;
    if (lora && baseDir.isEmpty()) {
      throw new IllegalArgumentException(
          modelDir
              + " is a LoRA adapter of "
              + manifest.base().orElse("?")
              + ": give its base model directory");
    }
    if (!lora && baseDir.isPresent()) {
      throw new IllegalArgumentException(
          modelDir
              + " is a model trained from scratch: it has no base (got "
              + baseDir.get()
              + ")");
    }
    InfluenceRecord record = InfluenceRecord.read(modelDir);
    Path tokenizerDir = lora ? baseDir.get() : modelDir;
    TrainingJob.checkVocabulary(tokenizerDir, LlamaConfig.read(tokenizerDir));
    if (!(manifest.config().get("seqLen") instanceof Long seqLen)) {
      throw new IllegalArgumentException(modelDir + "/training.json: config.seqLen is missing");
    }
    Trainable model =
        lora
            ? LoraTrainable.load(baseDir.get(), modelDir, threads)
            : ScratchTrainable.load(modelDir, threads);
    ModelTokenizer tokenizer = null;
    try {
      checkRecordFits(modelDir, record, model);
      checkContributions(modelDir, record, manifest);
      tokenizer = ModelTokenizer.load(tokenizerDir);
      return new ModelInfluence(model, manifest, record, tokenizer, Math.toIntExact(seqLen));
    } catch (RuntimeException e) {
      model.close();
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e;
    }
  }

  private static void checkRecordFits(Path dir, InfluenceRecord record, Trainable model) {
    Parameters p = model.parameters();
    if (record.dimension() != p.size()) {
      throw new IllegalArgumentException(
          InfluenceRecord.file(dir)
              + " was recorded over "
              + record.dimension()
              + " parameters, the model has "
              + p.size());
    }
    for (var layer : record.layers()) {
      if (!p.has(layer.name())
          || p.segment(layer.name()).offset() != layer.offset()
          || p.segment(layer.name()).size() != layer.length()) {
        throw new IllegalArgumentException(
            InfluenceRecord.file(dir)
                + " records layer "
                + layer.name()
                + " at ["
                + layer.offset()
                + ", +"
                + layer.length()
                + "), which is not a parameter of the model there");
      }
    }
  }

  private static void checkContributions(
      Path dir, InfluenceRecord record, TrainingManifest manifest) {
    Set<Long> listed = new HashSet<>();
    for (TrainingManifest.ContributionUsed c : manifest.contributions()) {
      listed.add(c.id());
    }
    for (long id : record.contributionIds()) {
      if (!listed.contains(id)) {
        throw new IllegalArgumentException(
            InfluenceRecord.file(dir)
                + " holds examples of contribution "
                + id
                + ", which training.json does not list");
      }
    }
  }

  /** The model's training.json. */
  public TrainingManifest manifest() {
    return manifest;
  }

  /**
   * Scores a text (an output of the model, or any text): its tokens are {@code [bos] text} (no eos:
   * an output need not end), cut into the training's windows when longer than its sequence length,
   * their summed loss differentiated at the trained parameters.
   *
   * @throws IllegalArgumentException when the text has no token to predict
   */
  public Result score(String text) {
    int[] body = tokenizer.encode(text);
    int head = tokenizer.bos().isPresent() ? 1 : 0;
    int[] tokens = new int[head + body.length];
    if (head == 1) {
      tokens[0] = tokenizer.bos().getAsInt();
    }
    System.arraycopy(body, 0, tokens, head, body.length);
    if (tokens.length < 2) {
      throw new IllegalArgumentException("the text has no token to score");
    }
    float[] grad = new float[model.parameters().size()];
    double loss = 0;
    for (Example w : TrainingExamples.windows(new Document(0, 0, 0, text), tokens, seqLen)) {
      loss += model.lossAndGradient(w.tokens(), grad);
    }
    List<Ranked> ranked = new ArrayList<>();
    for (InfluenceReport.ContributionInfluence c : report.scoreOutput(grad)) {
      ranked.add(
          new Ranked(
              c.contributionId(),
              datanetOf.get(c.contributionId()),
              c.examples(),
              c.helpfulness(),
              c.share()));
    }
    ranked.sort(
        Comparator.comparingDouble(Ranked::score)
            .reversed()
            .thenComparingLong(Ranked::contributionId));
    return new Result(tokens.length, loss, ranked);
  }

  @Override
  public void close() {
    model.close();
    modelTokenizer.close();
  }
}
