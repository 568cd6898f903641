package io.openledger.factory.job;

import static io.openledger.factory.job.JobFixtures.datanets;
import static io.openledger.factory.job.JobFixtures.documents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.openledger.factory.data.Document;
import io.openledger.factory.data.DocumentTokenizer;
import io.openledger.factory.data.ScratchTokenizer;
import io.openledger.factory.influence.InfluenceRecord;
import io.openledger.factory.influence.InfluenceRecorder;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.factory.train.LoraTrainable;
import io.openledger.factory.train.ScratchTrainable;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.factory.train.TrainingListener;
import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.adapter.AdapterSource;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.Tensor;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import io.openledger.openlora.tokenizer.ModelTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end on tiny models: what it writes loads and serves, resumes exactly, refuses. */
class TrainingJobTest {
  @TempDir Path tmp;

  /** Records every event, in order. */
  static final class Recorder implements JobListener {
    final List<String> phases = new ArrayList<>();
    final List<TrainingListener.Step> steps = new ArrayList<>();
    final List<Long> resumed = new ArrayList<>();
    final Map<Phase, long[]> last = new TreeMap<>();
    Path finished;

    @Override
    public void onPhase(Phase phase, long total) {
      phases.add(phase.label() + "/" + total);
    }

    @Override
    public void onProgress(Phase phase, long done, long total) {
      last.put(phase, new long[] {done, total});
    }

    @Override
    public void onStep(TrainingListener.Step step) {
      steps.add(step);
    }

    @Override
    public void onResume(long step) {
      resumed.add(step);
    }

    @Override
    public void onFinished(Path trainingJson) {
      finished = trainingJson;
    }
  }

  private Path base() {
    return TestModels.writeModel(tmp.resolve("tiny-llama"), ModelSpec.tiny());
  }

  @Test
  void loraJobWritesAnAdapterThatServesAndAManifestThatReadsBack() throws Exception {
    Path base = base();
    Path out = tmp.resolve("out");
    List<Document> docs = documents(16, 1);
    TrainingConfig cfg = JobFixtures.lora(30);
    Recorder rec = new Recorder();
    TrainingManifest m =
        TrainingJob.run(
            new TrainingJob.Spec(
                docs,
                datanets(),
                cfg,
                Optional.of(base),
                out,
                Optional.of(InfluenceRecorder.Config.DEFAULT)),
            rec);

    // the loss fell
    assertThat(rec.steps).hasSize(30);
    double firstLosses = (rec.steps.get(0).loss() + rec.steps.get(1).loss()) / 2;
    assertThat(m.eval()).isPresent();
    assertThat(m.eval().get().trainLoss()).isLessThan(0.8 * firstLosses);
    assertThat(rec.steps.getLast().tokensPerSecond()).isPositive();
    assertThat(rec.phases.get(0)).isEqualTo("tokenize/16");
    assertThat(rec.phases.get(1)).isEqualTo("train/30");
    assertThat(rec.phases.get(2)).isEqualTo("write/1");
    assertThat(rec.phases.get(3)).startsWith("influence/");
    for (long[] doneTotal : rec.last.values()) {
      assertThat(doneTotal[0]).isEqualTo(doneTotal[1]);
    }
    assertThat(rec.finished).isEqualTo(out.resolve("training.json"));

    // the manifest: what was written is what was returned, and it is complete
    assertThat(TrainingManifest.read(out)).isEqualTo(m);
    assertThat(m.mode()).isEqualTo(TrainingManifest.Mode.LORA);
    assertThat(m.base()).contains("tiny-llama");
    assertThat(m.influenceMethod()).isEqualTo(TrainingManifest.InfluenceMethod.DATAINF);
    assertThat(m.contributions()).hasSize(16);
    assertThat(m.contributions()).allSatisfy(c -> assertThat(c.influence()).isPresent());
    assertThat(m.contributions().stream().mapToDouble(c -> c.influence().getAsDouble()).sum())
        .isPositive();
    assertThat(m.eval().get().perplexity())
        .isCloseTo(Math.exp(m.eval().get().heldOutLoss()), within(1e-9));
    assertThat(m.eval().get().heldOutTokens()).isPositive();
    assertThat(m.config()).isEqualTo(cfg.toMap());
    assertThat(Files.isRegularFile(InfluenceRecord.file(out))).isTrue();
    try (ModelTokenizer t = ModelTokenizer.load(base)) {
      DocumentTokenizer dt = DocumentTokenizer.of(t);
      for (Document d : docs) {
        long tokens = dt.encode(d.text()).length;
        assertThat(m.contributions())
            .anySatisfy(
                c -> {
                  assertThat(c.id()).isEqualTo(d.contributionId());
                  assertThat(c.datanet()).isEqualTo(d.datanetId());
                  assertThat(c.tokens()).isEqualTo(tokens);
                });
      }

      // openlora reads the adapter and serves it: the served loss is the trained one, and lower
      try (LlamaModel served = LlamaModel.load(base, false);
          LoraTrainable trained = LoraTrainable.load(base, out, 1)) {
        AdapterReader reader = new AdapterReader(served.config(), Set.of("tiny-llama"), true);
        LoraWeights w = reader.load(reader.inspect("trained", new AdapterSource.Directory(out)));
        double withAdapter = 0;
        double without = 0;
        for (Document d : docs.subList(0, 4)) {
          int[] s = dt.stream(d.text());
          double a = JobFixtures.servingLoss(served, w, s);
          assertThat(trained.loss(s)).isCloseTo(a, within(1e-3));
          withAdapter += a;
          without += JobFixtures.servingLoss(served, null, s);
        }
        assertThat(withAdapter).isLessThan(0.8 * without);
      }
    }
  }

  @Test
  void scratchJobWritesAModelOpenLoraLoadsWithARoundTrippingTokenizer() {
    Path out = tmp.resolve("scratch");
    List<Document> docs = documents(12, 2);
    TrainingConfig cfg = JobFixtures.scratch(20);
    Recorder rec = new Recorder();
    TrainingManifest m =
        TrainingJob.run(
            new TrainingJob.Spec(docs, datanets(), cfg, Optional.empty(), out, Optional.empty()),
            rec);

    assertThat(m.mode()).isEqualTo(TrainingManifest.Mode.FROM_SCRATCH);
    assertThat(m.base()).isEmpty();
    assertThat(m.influenceMethod()).isEqualTo(TrainingManifest.InfluenceMethod.TOKEN_SHARE);
    assertThat(m.contributions()).allSatisfy(c -> assertThat(c.influence()).isEmpty());
    assertThat(rec.steps.getLast().loss()).isLessThan(rec.steps.getFirst().loss());
    assertThat(Files.exists(InfluenceRecord.file(out))).isFalse();
    try (ModelTokenizer t = ModelTokenizer.load(out);
        LlamaModel served = LlamaModel.load(out, false);
        ScratchTrainable trained = ScratchTrainable.load(out, 1)) {
      assertThat(served.config().vocabSize()).isEqualTo(300);
      assertThat(t.vocabSizeHint()).isEqualTo(300);
      DocumentTokenizer dt = DocumentTokenizer.of(t);
      for (Document d : docs) {
        assertThat(t.decode(t.encode(d.text(), false))).isEqualTo(d.text());
        int[] all = dt.stream(d.text());
        assertThat(all[0]).isEqualTo(served.config().bosTokenId());
        assertThat(served.config().eosTokenIds()).contains(all[all.length - 1]);
        int[] s = Arrays.copyOf(all, Math.min(all.length, 24)); // the context trained for
        assertThat(trained.loss(s))
            .isCloseTo(JobFixtures.servingLoss(served, null, s), within(1e-3));
      }
    }
  }

  @Test
  void stoppedAndResumedRunEndsWithTheWeightsOfAnUninterruptedOne() {
    List<Document> docs = documents(12, 3);
    TrainingConfig cfg = JobFixtures.scratch(10).withRun(5, 2, 0.25, 2);
    Path straight = tmp.resolve("straight");
    TrainingJob.run(
        new TrainingJob.Spec(docs, datanets(), cfg, Optional.empty(), straight, Optional.empty()),
        JobListener.NONE);

    Path stopped = tmp.resolve("stopped");
    TrainingJob.Spec spec =
        new TrainingJob.Spec(docs, datanets(), cfg, Optional.empty(), stopped, Optional.empty());
    JobListener stop =
        new JobListener() {
          @Override
          public void onStep(TrainingListener.Step step) {
            if (step.step() == 5) {
              throw new IllegalStateException("stopped after step 5");
            }
          }
        };
    assertThatThrownBy(() -> TrainingJob.run(spec, stop)).hasMessage("stopped after step 5");
    assertThat(Files.exists(stopped.resolve("model.safetensors"))).isFalse();

    Recorder rec = new Recorder();
    TrainingManifest resumed = TrainingJob.run(spec, rec);
    assertThat(rec.resumed).containsExactly(4L); // the last checkpoint before the stop
    assertThat(rec.steps)
        .extracting(TrainingListener.Step::step)
        .containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    Map<String, float[]> a = tensors(straight);
    Map<String, float[]> b = tensors(stopped);
    assertThat(b.keySet()).isEqualTo(a.keySet());
    for (String name : a.keySet()) {
      assertThat(Arrays.equals(b.get(name), a.get(name))).as("%s bit for bit", name).isTrue();
    }
    assertThat(resumed).isEqualTo(TrainingManifest.read(straight));
  }

  @Test
  void aCheckpointOfAnotherConfigOrOtherDocumentsIsRefusedBeforeAnythingIsOverwritten()
      throws Exception {
    List<Document> docs = documents(8, 4);
    TrainingConfig cfg = JobFixtures.scratch(2);
    Path out = tmp.resolve("out");
    TrainingJob.run(
        new TrainingJob.Spec(docs, datanets(), cfg, Optional.empty(), out, Optional.empty()),
        JobListener.NONE);
    byte[] tokenizer = Files.readAllBytes(out.resolve("tokenizer.json"));

    TrainingConfig other = cfg.withSchedule(2, 3, 5e-3, 0.1);
    assertThatThrownBy(
            () ->
                TrainingJob.run(
                    new TrainingJob.Spec(
                        docs, datanets(), other, Optional.empty(), out, Optional.empty()),
                    JobListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another training config");

    List<Document> changed = new ArrayList<>(docs);
    Document d = changed.get(0);
    changed.set(0, new Document(d.datanetId(), d.version(), d.contributionId(), "other words"));
    assertThatThrownBy(
            () ->
                TrainingJob.run(
                    new TrainingJob.Spec(
                        changed, datanets(), cfg, Optional.empty(), out, Optional.empty()),
                    JobListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("other documents");
    assertThat(Files.readAllBytes(out.resolve("tokenizer.json"))).isEqualTo(tokenizer);
  }

  @Test
  void refusesWhatItCannotTrainWithTheReason() throws Exception {
    List<Document> docs = documents(4, 5);
    Path out = tmp.resolve("out");
    TrainingConfig lora = JobFixtures.lora(2);
    TrainingConfig scratch = JobFixtures.scratch(2);
    Optional<InfluenceRecorder.Config> none = Optional.empty();

    assertThatThrownBy(
            () -> new TrainingJob.Spec(List.of(), datanets(), scratch, Optional.empty(), out, none))
        .hasMessage("no documents to train on");
    List<Document> onlyFirst = docs.stream().filter(x -> x.datanetId() == 1).toList();
    assertThatThrownBy(
            () -> new TrainingJob.Spec(onlyFirst, datanets(), scratch, Optional.empty(), out, none))
        .hasMessage("datanet 2 v3 has no documents to train on");
    assertThatThrownBy(
            () ->
                new TrainingJob.Spec(
                    docs, datanets().subList(0, 1), scratch, Optional.empty(), out, none))
        .hasMessageContaining("from datanet 2 v3, which is not among the datanet versions given");
    assertThatThrownBy(
            () -> new TrainingJob.Spec(docs, datanets(), lora, Optional.empty(), out, none))
        .hasMessage("a LoRA job needs a base model directory");
    assertThatThrownBy(
            () -> new TrainingJob.Spec(docs, datanets(), scratch, Optional.of(out), out, none))
        .hasMessageContaining("a model trained from scratch has no base model");

    // a base whose tokenizer has ids its embedding lacks
    Path base = base();
    ScratchTokenizer.write(docs, 600, 64, base); // 600 ids over a 512-row embedding
    assertThatThrownBy(
            () ->
                TrainingJob.run(
                    new TrainingJob.Spec(docs, datanets(), lora, Optional.of(base), out, none),
                    JobListener.NONE))
        .hasMessageContaining("has 600 token ids but the model's vocab_size is 512");

    // influence is measured on held-out sequences: none held out is refused, not paid by tokens
    TrainingConfig noHeldOut = scratch.withRun(5, 1, 0.0, 0);
    assertThatThrownBy(
            () ->
                TrainingJob.run(
                    new TrainingJob.Spec(
                        docs,
                        datanets(),
                        noHeldOut,
                        Optional.empty(),
                        out,
                        Optional.of(InfluenceRecorder.Config.DEFAULT)),
                    JobListener.NONE))
        .hasMessageContaining("no sequence was held out");
  }

  /** Every tensor of model.safetensors, by name. */
  static Map<String, float[]> tensors(Path dir) {
    Map<String, float[]> out = new TreeMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      for (Tensor t : f.tensors().values()) {
        out.put(t.name(), t.toFloatArray());
      }
    }
    return out;
  }
}
