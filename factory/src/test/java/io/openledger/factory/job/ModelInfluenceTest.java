package io.openledger.factory.job;

import static io.openledger.factory.job.JobFixtures.datanets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.factory.data.Document;
import io.openledger.factory.data.TrainingExamples;
import io.openledger.factory.influence.InfluenceRecord;
import io.openledger.factory.influence.InfluenceRecorder;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Influence of a trained adapter's training data on a text: a contribution planted twice (the same
 * text under two contribution ids, in two datanets) ranks on top for an output that quotes it.
 */
class ModelInfluenceTest {
  @TempDir Path tmp;

  /** Held-out influence in sketch space: one backward pass per training example. */
  static final InfluenceRecorder.Config SKETCH =
      new InfluenceRecorder.Config(
          7, 32, InfluenceRecorder.Config.DEFAULT.damping(), InfluenceRecorder.HeldOut.SKETCH);

  static final String PLANTED =
      "the amber falcon counts seven lanterns above the northern salt marsh at dawn.";

  /** The first id from {@code from} none of whose windows is held out (so it is trained on). */
  static long trainedId(long from, TrainingConfig cfg) {
    long id = from;
    while (TrainingExamples.isHeldOut(cfg.seed(), id, 0, cfg.heldOutFraction())
        || TrainingExamples.isHeldOut(cfg.seed(), id, 1, cfg.heldOutFraction())) {
      id++;
    }
    return id;
  }

  @Test
  void aPlantedDuplicateRanksOnTopForAnOutputQuotingIt() {
    Path base = TestModels.writeModel(tmp.resolve("tiny-llama"), ModelSpec.tiny());
    TrainingConfig cfg =
        TrainingConfig.lora(4, 8, List.of("q_proj", "v_proj", "down_proj"))
            .withBatch(32, 4)
            .withSchedule(24, 2, 2e-2, 0.0)
            .withRun(5, 2, 0.25, 0);
    List<Document> docs = new ArrayList<>(JobFixtures.documents(14, 7));
    long first = trainedId(50, cfg);
    long second = trainedId(150, cfg);
    docs.add(new Document(1, 1, first, PLANTED));
    docs.add(new Document(2, 3, second, PLANTED));
    Path out = tmp.resolve("adapter");
    TrainingManifest m =
        TrainingJob.run(
            new TrainingJob.Spec(
                docs, datanets(), cfg, Optional.of(base), out, Optional.of(SKETCH)),
            JobListener.NONE);
    assertThat(m.contributions()).hasSize(16);

    try (ModelInfluence inf = ModelInfluence.open(out, Optional.of(base), 2)) {
      ModelInfluence.Result r =
          inf.score("the amber falcon counts seven lanterns above the northern salt marsh");
      assertThat(r.tokens()).isGreaterThan(5);
      assertThat(r.loss()).isPositive();
      assertThat(r.ranked().subList(0, 2))
          .extracting(ModelInfluence.Ranked::contributionId)
          .containsExactlyInAnyOrder(first, second);
      assertThat(r.ranked().get(0).score()).isPositive();
      assertThat(r.ranked().get(1).score()).isPositive();
      assertThat(r.ranked())
          .filteredOn(x -> x.contributionId() == first)
          .singleElement()
          .extracting(ModelInfluence.Ranked::datanetId)
          .isEqualTo(1L);
      double planted = r.ranked().get(0).share() + r.ranked().get(1).share();
      assertThat(planted).as("the duplicates' share of the positive influence").isGreaterThan(0.8);
    }

    // refusals: a LoRA adapter without its base, a directory trained without influence
    assertThatThrownBy(() -> ModelInfluence.open(out, Optional.empty(), 1))
        .hasMessageContaining("is a LoRA adapter of tiny-llama: give its base model directory");
    Path plain = tmp.resolve("plain");
    TrainingJob.run(
        new TrainingJob.Spec(
            docs,
            datanets(),
            cfg.withSchedule(2, 1, 2e-2, 0.0),
            Optional.of(base),
            plain,
            Optional.empty()),
        JobListener.NONE);
    assertThatThrownBy(() -> ModelInfluence.open(plain, Optional.of(base), 1))
        .hasMessageContaining("has no influence records")
        .hasMessageContaining("influenceMethod token-share");
    assertThatThrownBy(() -> ModelInfluence.open(tmp.resolve("nowhere"), Optional.of(base), 1))
        .hasMessageContaining("has no training.json");
  }

  /**
   * A model from scratch records influence over its last decoder layer's projection matrices, and
   * is scored without a base.
   */
  @Test
  void aScratchModelRecordsTheLastLayerAndScoresWithoutABase() {
    TrainingConfig cfg = JobFixtures.scratch(6);
    List<Document> docs = JobFixtures.documents(10, 8);
    Path out = tmp.resolve("scratch");
    TrainingManifest m =
        TrainingJob.run(
            new TrainingJob.Spec(docs, datanets(), cfg, Optional.empty(), out, Optional.of(SKETCH)),
            JobListener.NONE);
    assertThat(m.influenceMethod()).isEqualTo(TrainingManifest.InfluenceMethod.DATAINF);
    InfluenceRecord record = InfluenceRecord.read(out);
    assertThat(record.heldOutMethod()).isEqualTo("datainf-sketch");
    assertThat(record.layers())
        .extracting(l -> l.name())
        .containsExactly(
            "model.layers.1.self_attn.q_proj.weight",
            "model.layers.1.self_attn.k_proj.weight",
            "model.layers.1.self_attn.v_proj.weight",
            "model.layers.1.self_attn.o_proj.weight",
            "model.layers.1.mlp.gate_proj.weight",
            "model.layers.1.mlp.up_proj.weight",
            "model.layers.1.mlp.down_proj.weight");
    try (ModelInfluence inf = ModelInfluence.open(out, Optional.empty(), 1)) {
      ModelInfluence.Result r = inf.score(docs.get(0).text());
      assertThat(r.ranked()).isNotEmpty();
      assertThat(r.ranked().stream().mapToDouble(ModelInfluence.Ranked::share).sum())
          .isBetween(0.999, 1.001);
    }
    assertThatThrownBy(() -> ModelInfluence.open(out, Optional.of(out), 1))
        .hasMessageContaining("is a model trained from scratch: it has no base");
  }
}
