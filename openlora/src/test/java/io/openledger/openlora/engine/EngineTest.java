package io.openledger.openlora.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.Fixtures;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine through its public API, on the generated tiny model and adapters. */
class EngineTest {
  static final ModelSpec SPEC = ModelSpec.tiny();
  static Path adapters;
  static InferenceEngine engine;

  @BeforeAll
  static void open() throws IOException {
    adapters = Fixtures.newDir("engine-adapters");
    TestModels.writeAdapters(adapters, SPEC, 4, AdapterSpec.of(8, 21));
    TestModels.writeAdapter(adapters.resolve("r16"), SPEC, AdapterSpec.of(16, 40));
    TestModels.writeAdapter(adapters.resolve("all"), SPEC, AdapterSpec.allLinear(4, 41));
    Path broken = TestModels.writeAdapter(adapters.resolve("broken"), SPEC, AdapterSpec.of(8, 42));
    Path w = broken.resolve("adapter_model.safetensors");
    byte[] b = Files.readAllBytes(w);
    Files.write(w, java.util.Arrays.copyOf(b, b.length - 100));
    engine = InferenceEngine.open(EngineConfig.of(Fixtures.tinyModel()).withAdapterDir(adapters));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  static GenerationResult run(InferenceEngine e, GenerationRequest r) {
    return e.submit(r).result().join();
  }

  @Test
  void modelInfoDescribesTheBase() {
    ModelInfo m = engine.model();
    assertThat(m.vocabSize()).isEqualTo(SPEC.vocabSize());
    assertThat(m.contextLength()).isEqualTo(SPEC.maxPositions());
    assertThat(m.parameters()).isEqualTo(SPEC.parameters());
    assertThat(m.chatTemplate()).contains(TestModels.CHAT_TEMPLATE);
    assertThat(m.eosTokenIds()).isNotEmpty();
  }

  @Test
  void greedyGenerationIsStableAcrossRunsEnginesAndThreadCounts() {
    GenerationRequest r =
        GenerationRequest.of("The ledger and the model", 24).withAdapter("adapter-0001");
    GenerationResult first = run(engine, r);
    assertThat(run(engine, r).tokens()).isEqualTo(first.tokens());
    try (InferenceEngine one =
        InferenceEngine.open(
            EngineConfig.of(Fixtures.tinyModel()).withAdapterDir(adapters).withThreads(1))) {
      assertThat(run(one, r).tokens()).isEqualTo(first.tokens());
    }
  }

  @Test
  void adaptersChangeTheOutputAndEachRequestMatchesItsSoloRun() throws Exception {
    String prompt = "Open data for every model";
    List<GenerationRequest> reqs = new ArrayList<>();
    reqs.add(GenerationRequest.of(prompt, 16));
    for (String id : List.of("adapter-0000", "adapter-0001", "adapter-0002", "r16", "all")) {
      reqs.add(GenerationRequest.of(prompt, 16).withAdapter(id));
    }
    reqs.add(
        GenerationRequest.of(prompt, 16)
            .withAdapters(
                new AdapterChoice.Ensemble(
                    List.of(
                        new AdapterChoice.Weighted("adapter-0000", 0.5),
                        new AdapterChoice.Weighted("r16", 0.5)))));
    List<GenerationResult> solo = new ArrayList<>();
    for (GenerationRequest r : reqs) {
      solo.add(run(engine, r));
    }
    // all at once, several times over: they share batches in varying combinations
    List<Generation> together = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (GenerationRequest r : reqs) {
        together.add(engine.submit(r));
      }
    }
    for (int i = 0; i < together.size(); i++) {
      assertThat(together.get(i).result().get().tokens())
          .as("request %d batched vs alone", i % reqs.size())
          .isEqualTo(solo.get(i % reqs.size()).tokens());
    }
    long distinct = solo.stream().map(GenerationResult::tokens).distinct().count();
    assertThat(distinct).as("adapters change the output").isGreaterThanOrEqualTo(5);
  }

  @Test
  void seededSamplingRepeatsAndSeedsDiffer() {
    GenerationRequest r =
        GenerationRequest.of("Sample", 20)
            .withSampling(SamplingParams.sampled(0.9, 1234, 20).withTopK(50).withTopP(0.9));
    GenerationResult a = run(engine, r);
    GenerationResult b = run(engine, r);
    assertThat(b.tokens()).isEqualTo(a.tokens());
    GenerationResult c = run(engine, r.withSampling(SamplingParams.sampled(0.9, 99, 20)));
    assertThat(c.tokens()).isNotEqualTo(a.tokens());
  }

  @Test
  void streamedPiecesConcatenateToTheResultAndStopSequencesCut() throws Exception {
    GenerationRequest r = GenerationRequest.of("Streaming ledger", 30);
    Generation g = engine.submit(r);
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    GenerationEvent e;
    while (!(e = g.nextEvent()).isTerminal()) {
      GenerationEvent.Token t = (GenerationEvent.Token) e;
      assertThat(t.index()).isEqualTo(tokens++);
      text.append(t.text());
    }
    GenerationResult full = ((GenerationEvent.Finished) e).result();
    assertThat(text.toString()).isEqualTo(full.text());
    assertThat(full.completionTokens()).isEqualTo(tokens);
    assertThat(g.nextEvent()).as("the terminal event repeats").isEqualTo(e);

    String visible = full.text().replace("\uFFFD", "");
    String stop = visible.length() > 6 ? visible.substring(3, 6) : null;
    if (stop != null && full.text().contains(stop)) {
      GenerationResult cut =
          run(engine, r.withSampling(SamplingParams.greedy(30).withStop(List.of(stop))));
      assertThat(cut.finishReason()).isEqualTo(GenerationResult.FinishReason.STOP_SEQUENCE);
      assertThat(cut.text()).isEqualTo(full.text().substring(0, full.text().indexOf(stop)));
    }
    assertThat(run(engine, GenerationRequest.of("x", 3)).finishReason())
        .isIn(GenerationResult.FinishReason.LENGTH, GenerationResult.FinishReason.EOS_TOKEN);
  }

  @Test
  void logprobsAreTheModelsOwnAndTopAlternativesAreSorted() {
    GenerationResult r = run(engine, GenerationRequest.of("Probabilities", 6).withLogprobs(5));
    for (GenerationEvent.Token t : r.tokens()) {
      assertThat(t.top()).hasSize(5);
      assertThat(t.top().get(0).tokenId())
          .as("greedy picks the most likely")
          .isEqualTo(t.tokenId());
      assertThat(t.top().get(0).logprob()).isEqualTo(t.logprob());
      for (int k = 1; k < 5; k++) {
        assertThat(t.top().get(k).logprob()).isLessThanOrEqualTo(t.top().get(k - 1).logprob());
      }
      assertThat(t.logprob()).isNegative();
    }
  }

  @Test
  void aBrokenAdapterFailsOnlyItsOwnRequests() {
    List<Generation> good = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      good.add(
          engine.submit(GenerationRequest.of("Isolation " + i, 10).withAdapter("adapter-000" + i)));
    }
    Generation bad;
    try {
      bad = engine.submit(GenerationRequest.of("boom", 10).withAdapter("broken"));
    } catch (EngineException.AdapterInvalid e) {
      bad = null; // refused up front: the header check already caught it
    }
    if (bad != null) {
      assertThatThrownBy(
              () ->
                  engine
                      .submit(GenerationRequest.of("boom", 10).withAdapter("broken"))
                      .result()
                      .join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(EngineException.AdapterInvalid.class);
    }
    assertThatThrownBy(() -> engine.submit(GenerationRequest.of("boom", 10).withAdapter("broken")))
        .isInstanceOf(EngineException.AdapterInvalid.class)
        .hasMessageContaining("broken")
        .hasMessageContaining("corrupt weights");
    for (Generation g : good) {
      assertThat(g.result().join().completionTokens()).isPositive();
    }
    assertThatThrownBy(() -> engine.submit(GenerationRequest.of("x", 1).withAdapter("nope")))
        .isInstanceOf(EngineException.AdapterNotFound.class)
        .extracting(e -> ((EngineException) e).httpStatus())
        .isEqualTo(404);
  }

  @Test
  void badParametersAreRefusedUpFront() {
    assertThatThrownBy(() -> SamplingParams.greedy(0))
        .isInstanceOf(EngineException.InvalidRequest.class);
    assertThatThrownBy(() -> SamplingParams.sampled(0.7, 1, 5).withTopP(0))
        .isInstanceOf(EngineException.InvalidRequest.class);
    assertThatThrownBy(
            () ->
                engine.submit(
                    new GenerationRequest(
                        new GenerationRequest.Prompt.Tokens(new int[] {1, SPEC.vocabSize()}),
                        null,
                        null,
                        0)))
        .isInstanceOf(EngineException.InvalidRequest.class)
        .hasMessageContaining("outside the vocabulary");
    String longPrompt = "word ".repeat(SPEC.maxPositions() * 2);
    assertThatThrownBy(() -> engine.submit(GenerationRequest.of(longPrompt, 5)))
        .isInstanceOf(EngineException.InvalidRequest.class)
        .hasMessageContaining("the context holds " + SPEC.maxPositions());
  }

  @Test
  void aFullQueueAnswersOverCapacityWithARetryHint() {
    try (InferenceEngine small =
        InferenceEngine.open(
            EngineConfig.of(Fixtures.tinyModel()).withMaxBatchSize(1).withMaxQueuedRequests(1))) {
      List<Generation> accepted = new ArrayList<>();
      EngineException.OverCapacity refused = null;
      for (int i = 0; i < 10 && refused == null; i++) {
        try {
          accepted.add(small.submit(GenerationRequest.of("busy", 200)));
        } catch (EngineException.OverCapacity e) {
          refused = e;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(small.metrics().requestsRejected()).isEqualTo(1);
      accepted.forEach(Generation::cancel);
      for (Generation g : accepted) {
        assertThat(g.result().join().finishReason())
            .isIn(
                GenerationResult.FinishReason.CANCELLED,
                GenerationResult.FinishReason.LENGTH,
                GenerationResult.FinishReason.EOS_TOKEN);
      }
    }
  }

  @Test
  void theAdapterBudgetHoldsAndEvictsLeastRecentlyUsed() {
    Path many = Fixtures.adapters(SPEC, 12, AdapterSpec.of(8, 300));
    long perAdapter;
    try (InferenceEngine probe =
        InferenceEngine.open(EngineConfig.of(Fixtures.tinyModel()).withAdapterDir(many))) {
      perAdapter = probe.adapter("adapter-0000").weightBytes();
    }
    long budget = perAdapter * 3;
    try (InferenceEngine e =
        InferenceEngine.open(
            EngineConfig.of(Fixtures.tinyModel())
                .withAdapterDir(many)
                .withAdapterMemoryBudgetBytes(budget))) {
      List<Generation> gs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        gs.add(
            e.submit(
                GenerationRequest.of("budget", 4).withAdapter(String.format("adapter-%04d", i))));
      }
      long maxResident = 0;
      for (Generation g : gs) {
        g.result().join();
        maxResident = Math.max(maxResident, e.metrics().adapterBytesResident());
      }
      EngineMetrics m = e.metrics();
      assertThat(maxResident).isLessThanOrEqualTo(budget);
      assertThat(m.adapterBytesResident()).isLessThanOrEqualTo(budget);
      assertThat(m.warm().misses()).isEqualTo(12);
      assertThat(m.warm().evictions()).isGreaterThanOrEqualTo(9);
      assertThat(m.cold().hits()).isEqualTo(12);
      assertThat(m.adapterLoad().count()).isEqualTo(12);
      // the most recent adapter is still warm: a hit
      run(e, GenerationRequest.of("again", 2).withAdapter("adapter-0011"));
      assertThat(e.metrics().warm().hits()).isEqualTo(1);
      assertThat(e.adapter("adapter-0011").tier()).isEqualTo(AdapterInfo.Tier.WARM);
      assertThat(e.adapter("adapter-0000").tier()).isEqualTo(AdapterInfo.Tier.COLD);
    }
  }

  @Test
  void adaptersAreListedAndRegisteredByDirectory() {
    assertThat(engine.adapters())
        .extracting(AdapterInfo::id)
        .contains("adapter-0000", "r16", "all")
        .doesNotContain("broken");
    Path extra = TestModels.writeAdapter(Fixtures.newDir("extra"), SPEC, AdapterSpec.of(2, 5));
    AdapterInfo info = engine.registerAdapter("my-extra", extra);
    assertThat(info.rank()).isEqualTo(2);
    assertThat(
            run(engine, GenerationRequest.of("hello", 3).withAdapter("my-extra"))
                .completionTokens())
        .isPositive();
    assertThatThrownBy(() -> engine.registerAdapter("../bad", extra))
        .isInstanceOf(EngineException.AdapterInvalid.class);
  }

  @Test
  void chatMessagesRenderWithTheModelsTemplate() {
    String s =
        engine.renderChat(
            List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")), true);
    assertThat(s)
        .isEqualTo(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void cancellingStopsAGeneration() {
    Generation g = engine.submit(GenerationRequest.of("long", 200));
    g.cancel();
    GenerationResult r = g.result().join();
    assertThat(r.completionTokens()).isLessThan(200);
    assertThat(r.finishReason()).isEqualTo(GenerationResult.FinishReason.CANCELLED);
  }

  @Test
  void promptTokensAreUsedAsGiven() {
    int[] ids = engine.encode("the open ledger");
    GenerationResult a =
        run(
            engine,
            new GenerationRequest(
                new GenerationRequest.Prompt.Tokens(ids), null, SamplingParams.greedy(5), 0));
    assertThat(a.promptTokens()).isEqualTo(ids.length);
    assertThat(engine.decode(ids)).isEqualTo("the open ledger");
    assertThat(SamplingParams.greedy(3).seed()).isEqualTo(OptionalLong.empty());
  }
}
