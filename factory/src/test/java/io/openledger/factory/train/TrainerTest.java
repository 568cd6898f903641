package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop: it learns, it is deterministic, and a resumed run ends where an uninterrupted one does.
 */
class TrainerTest {
  @TempDir Path dir;

  /** Sequences of a learnable language: each token is the previous one plus a per-sequence step. */
  static List<int[]> corpus(int count, int len, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      int[] s = new int[2 + r.nextInt(len - 1)]; // mixed lengths 2..len
      int step = 1 + r.nextInt(3);
      s[0] = r.nextInt(vocab);
      for (int i = 1; i < s.length; i++) {
        s[i] = (s[i - 1] + step) % vocab;
      }
      out.add(s);
    }
    return out;
  }

  static TrainingConfig scratch(int steps, int threads) {
    return TrainingConfig.fromScratch(32, 2, 4, 2, 64, 24)
        .withBatch(16, 4)
        .withSchedule(steps, 3, 1e-2, 0.1)
        .withRun(5, threads, 0.1, 5);
  }

  @Test
  void scratchModelLearnsTheCorpus() {
    TrainingConfig cfg = scratch(40, 2);
    List<int[]> train = corpus(48, 16, 24, 1);
    List<int[]> held = corpus(8, 16, 24, 2);
    List<TrainingListener.Step> steps = new ArrayList<>();
    try (ScratchTrainable t = ScratchTrainable.init(cfg, 3)) {
      TrainingResult r = new Trainer(t, cfg, steps::add).run(train, held, Optional.empty());
      assertThat(steps).hasSize(40);
      assertThat(steps.getFirst().loss()).isGreaterThan(Math.log(24) - 0.3);
      assertThat(r.heldOutLoss()).as("held-out loss after training").isLessThan(1.6);
      assertThat(r.perplexity()).isEqualTo(Math.exp(r.heldOutLoss()));
      assertThat(r.heldOutTokens()).isEqualTo(held.stream().mapToLong(s -> s.length - 1).sum());
      assertThat(steps.getLast().learningRate()).isGreaterThanOrEqualTo(1e-3 - 1e-12);
    }
  }

  @Test
  void loraTrainingLowersTheLossOfTheBase() {
    ModelSpec spec =
        new ModelSpec("trainer-base", 320, 32, 48, 2, 4, 2, 64, 10000, false, false, "F32", 3);
    Path base = TestModels.writeModel(dir.resolve("base"), spec);
    TrainingConfig cfg =
        TrainingConfig.lora(4, 8, List.of("q_proj", "v_proj", "down_proj"))
            .withBatch(16, 4)
            .withSchedule(25, 2, 2e-2, 0.0)
            .withRun(5, 2, 0.1, 0);
    List<int[]> train = corpus(24, 16, 320, 3);
    try (LoraTrainable t = LoraTrainable.init(base, cfg)) {
      double before = 0;
      long targets = 0;
      for (int[] s : train) {
        before += t.loss(s);
        targets += t.targets(s);
      }
      TrainingResult r =
          new Trainer(t, cfg, TrainingListener.NONE).run(train, List.of(), Optional.empty());
      assertThat(r.trainLoss()).isLessThan(0.7 * before / targets);
      assertThat(r.heldOutLoss()).isNaN();
    }
  }

  @Test
  void sameSeedSameResultForAnyThreadCount() {
    List<int[]> train = corpus(20, 12, 24, 4);
    float[][] finals = new float[2][];
    for (int i = 0; i < 2; i++) {
      TrainingConfig cfg = scratch(6, 1 + 2 * i);
      try (ScratchTrainable t = ScratchTrainable.init(cfg, 9)) {
        new Trainer(t, cfg, TrainingListener.NONE).run(train, List.of(), Optional.empty());
        finals[i] = t.parameters().values().clone();
      }
    }
    assertThat(finals[1]).isEqualTo(finals[0]);
  }

  @Test
  void resumedRunEndsWhereAnUninterruptedOneDoes() {
    List<int[]> train = corpus(10, 12, 24, 5); // 4 per batch: epochs turn mid-batch
    TrainingConfig cfg = scratch(12, 2);
    float[] straight;
    try (ScratchTrainable t = ScratchTrainable.init(cfg, 9)) {
      new Trainer(t, cfg, TrainingListener.NONE)
          .run(train, List.of(), Optional.of(dir.resolve("a")));
      straight = t.parameters().values().clone();
    }
    Path ck = dir.resolve("b");
    TrainingListener crash =
        new TrainingListener() {
          @Override
          public void onStep(Step step) {}

          @Override
          public void onCheckpoint(long step, Path d) {
            if (step == 5) {
              throw new IllegalStateException("crash after the checkpoint at step 5");
            }
          }
        };
    try (ScratchTrainable t = ScratchTrainable.init(cfg, 9)) {
      assertThatThrownBy(() -> new Trainer(t, cfg, crash).run(train, List.of(), Optional.of(ck)))
          .hasMessageContaining("crash");
    }
    List<Long> resumed = new ArrayList<>();
    List<Long> seen = new ArrayList<>();
    try (ScratchTrainable t = ScratchTrainable.init(cfg, 1234)) { // another init: all restored
      TrainingListener l =
          new TrainingListener() {
            @Override
            public void onStep(Step step) {
              seen.add(step.step());
            }

            @Override
            public void onResume(long step) {
              resumed.add(step);
            }
          };
      TrainingResult r = new Trainer(t, cfg, l).run(train, List.of(), Optional.of(ck));
      assertThat(r.resumedFrom()).isEqualTo(5);
      assertThat(t.parameters().values()).isEqualTo(straight);
    }
    assertThat(resumed).containsExactly(5L);
    assertThat(seen).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L);
  }

  @Test
  void checkpointOfAnotherConfigIsRefused() {
    List<int[]> train = corpus(8, 12, 24, 6);
    TrainingConfig cfg = scratch(3, 1);
    try (ScratchTrainable t = ScratchTrainable.init(cfg, 9)) {
      new Trainer(t, cfg, TrainingListener.NONE).run(train, List.of(), Optional.of(dir));
    }
    TrainingConfig other = cfg.withSchedule(3, 3, 5e-3, 0.1);
    try (ScratchTrainable t = ScratchTrainable.init(other, 9)) {
      assertThatThrownBy(
              () ->
                  new Trainer(t, other, TrainingListener.NONE)
                      .run(train, List.of(), Optional.of(dir)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("another training config");
    }
    // the thread count is not part of the config's identity
    TrainingConfig threads = cfg.withRun(5, 3, 0.1, 5);
    assertThat(threads.hash()).isEqualTo(cfg.hash());
  }

  @Test
  void sequencesLongerThanTheConfigAreRefused() {
    TrainingConfig cfg = scratch(1, 1);
    try (ScratchTrainable t = ScratchTrainable.init(cfg, 9)) {
      assertThatThrownBy(
              () ->
                  new Trainer(t, cfg, TrainingListener.NONE)
                      .run(List.of(new int[17]), List.of(), Optional.empty()))
          .hasMessageContaining("17 tokens");
    }
  }
}
