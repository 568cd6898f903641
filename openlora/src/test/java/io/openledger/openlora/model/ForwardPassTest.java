package io.openledger.openlora.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.adapter.AdapterSource;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.Fixtures;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forward pass's contracts: the KV cache gives what full recomputation gives; a row's result
 * does not depend on what else is in the batch; an unmerged adapter equals its merged weights.
 */
class ForwardPassTest {
  static final ModelSpec SPEC = ModelSpec.tiny();
  static LlamaModel model;
  static KernelPool pool;
  static LoraWeights a8;
  static LoraWeights b16;
  static LoraWeights all4;

  @BeforeAll
  static void load() {
    model = LlamaModel.load(Fixtures.tinyModel(), false);
    pool = new KernelPool(2);
    AdapterReader r = new AdapterReader(model.config(), Set.of(SPEC.name()));
    a8 = loadAdapter(r, "a8", AdapterSpec.of(8, 1));
    b16 = loadAdapter(r, "b16", AdapterSpec.of(16, 2));
    all4 = loadAdapter(r, "all4", AdapterSpec.allLinear(4, 3));
  }

  static LoraWeights loadAdapter(AdapterReader r, String id, AdapterSpec spec) {
    Path dir = TestModels.writeAdapter(Fixtures.newDir(id), SPEC, spec);
    return r.load(r.inspect(id, new AdapterSource.Directory(dir)));
  }

  @AfterAll
  static void close() {
    pool.close();
    model.close();
  }

  static int[] tokens(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(SPEC.vocabSize());
    }
    return t;
  }

  /** Logits of every position of {@code toks}, one token per step (the decode path). */
  static float[][] incremental(ForwardPass pass, int[] toks, LoraWeights adapter) {
    int vocab = SPEC.vocabSize();
    KvCache cache = new KvCache(model.config(), toks.length);
    Batch b = new Batch(pass.maxRows(), 8);
    float[][] out = new float[toks.length][vocab];
    for (int p = 0; p < toks.length; p++) {
      b.clear();
      b.addRow(toks[p], p, cache, true);
      if (adapter != null) {
        b.addSegment(0, 1, adapter, 1.0);
      }
      pass.forward(b);
      pass.logitsOf(0, out[p]);
    }
    return out;
  }

  /** Logits of the last position, computing the whole prefix from scratch in one step. */
  static float[] full(
      ForwardPass pass, int[] toks, int len, LoraWeights adapter, MergedWeights merged) {
    KvCache cache = new KvCache(model.config(), len);
    Batch b = new Batch(pass.maxRows(), 8);
    for (int p = 0; p < len; p++) {
      b.addRow(toks[p], p, cache, p == len - 1);
    }
    if (adapter != null) {
      b.addSegment(0, len, adapter, 1.0);
    }
    if (merged != null) {
      b.useMerged(merged);
    }
    pass.forward(b);
    float[] out = new float[SPEC.vocabSize()];
    pass.logitsOf(0, out);
    return out;
  }

  static void assertClose(float[] a, float[] e, double tol, String what) {
    for (int i = 0; i < e.length; i++) {
      assertThat((double) Math.abs(a[i] - e[i]))
          .as("%s at %d: %s vs %s", what, i, a[i], e[i])
          .isLessThanOrEqualTo(tol * (1 + Math.abs(e[i])));
    }
  }

  @Test
  void kvCacheDecodingEqualsFullRecomputation() {
    ForwardPass pass = new ForwardPass(model, pool, 64, 64);
    for (LoraWeights adapter : new LoraWeights[] {null, a8, all4}) {
      int[] toks = tokens(11, 40);
      float[][] inc = incremental(pass, toks, adapter);
      for (int len = 1; len <= toks.length; len += 3) {
        assertClose(inc[len - 1], full(pass, toks, len, adapter, null), 1e-5, "prefix " + len);
      }
    }
  }

  @Test
  void aRowsResultDoesNotDependOnTheRestOfTheBatch() {
    ForwardPass pass = new ForwardPass(model, pool, 64, 64);
    int[][] seqs = {tokens(1, 9), tokens(2, 5), tokens(3, 13), tokens(4, 7)};
    LoraWeights[] adapters = {a8, null, b16, a8};
    // alone
    float[][] alone = new float[seqs.length][];
    for (int s = 0; s < seqs.length; s++) {
      alone[s] = full(pass, seqs[s], seqs[s].length, adapters[s], null);
    }
    // together: sequences 0 and 3 share a8 and are adjacent, as the scheduler groups them
    int[] order = {0, 3, 1, 2};
    Batch b = new Batch(64, 16);
    KvCache[] caches = new KvCache[seqs.length];
    int start = 0;
    for (int o = 0; o < order.length; o++) {
      int s = order[o];
      caches[s] = new KvCache(model.config(), seqs[s].length);
      for (int p = 0; p < seqs[s].length; p++) {
        b.addRow(seqs[s][p], p, caches[s], p == seqs[s].length - 1);
      }
    }
    b.addSegment(0, seqs[0].length + seqs[3].length, a8, 1.0);
    start = seqs[0].length + seqs[3].length + seqs[1].length;
    b.addSegment(start, start + seqs[2].length, b16, 1.0);
    pass.forward(b);
    for (int o = 0; o < order.length; o++) {
      float[] got = new float[SPEC.vocabSize()];
      pass.logitsOf(o, got);
      assertThat(got).as("sequence %d batched vs alone", order[o]).containsExactly(alone[order[o]]);
    }
  }

  @Test
  void resultsAreIdenticalForOneOrTwoThreads() {
    int[] toks = tokens(5, 20);
    float[] two = full(new ForwardPass(model, pool, 64, 64), toks, toks.length, b16, null);
    try (KernelPool one = new KernelPool(1)) {
      float[] single = full(new ForwardPass(model, one, 64, 64), toks, toks.length, b16, null);
      assertThat(single).containsExactly(two);
    }
  }

  /**
   * Tolerance: merged W + sBA rounds once per weight, unmerged adds sB(Ax) later; 1e-4 relative.
   */
  @Test
  void unmergedAdapterEqualsMergedWeights() {
    ForwardPass pass = new ForwardPass(model, pool, 64, 64);
    for (LoraWeights adapter : new LoraWeights[] {a8, b16, all4}) {
      MergedWeights merged = MergedWeights.merge(model, adapter, 1.0);
      int[] toks = tokens(7, 24);
      float[] unmerged = full(pass, toks, toks.length, adapter, null);
      float[] viaMerge = full(pass, toks, toks.length, null, merged);
      assertClose(viaMerge, unmerged, 1e-4, "merged " + adapter.id());
      assertThat(viaMerge)
          .as("the adapter changes the output")
          .isNotEqualTo(full(pass, toks, toks.length, null, null));
    }
  }

  @Test
  void anEnsembleIsTheWeightedSumOfItsMembers() {
    ForwardPass pass = new ForwardPass(model, pool, 64, 64);
    int[] toks = tokens(9, 10);
    KvCache cache = new KvCache(model.config(), toks.length);
    Batch b = new Batch(64, 8);
    for (int p = 0; p < toks.length; p++) {
      b.addRow(toks[p], p, cache, p == toks.length - 1);
    }
    b.addSegment(0, toks.length, a8, 0.3);
    b.addSegment(0, toks.length, b16, 0.7);
    pass.forward(b);
    float[] ensemble = new float[SPEC.vocabSize()];
    pass.logitsOf(0, ensemble);
    // reference: merge both into the weights one after the other
    LoraWeights.Layer[][] combined =
        new LoraWeights.Layer[model.config().layers()][Projection.values().length];
    MergedWeights m = MergedWeights.merge(model, a8, 0.3);
    float[] viaMerge = mergedTwice(pass, toks, m, b16, 0.7);
    assertClose(ensemble, viaMerge, 1e-4, "ensemble");
  }

  private static float[] mergedTwice(
      ForwardPass pass, int[] toks, MergedWeights first, LoraWeights second, double w) {
    KvCache cache = new KvCache(model.config(), toks.length);
    Batch b = new Batch(64, 8);
    for (int p = 0; p < toks.length; p++) {
      b.addRow(toks[p], p, cache, p == toks.length - 1);
    }
    b.useMerged(first);
    b.addSegment(0, toks.length, second, w);
    pass.forward(b);
    float[] out = new float[SPEC.vocabSize()];
    pass.logitsOf(0, out);
    return out;
  }

  @Test
  void int8WeightsStayCloseToF32() {
    try (LlamaModel q = LlamaModel.load(Fixtures.tinyModel(), true)) {
      assertThat(q.weightFormat()).isEqualTo("INT8");
      assertThat(q.weightBytes()).isLessThan(model.weightBytes() / 2);
      ForwardPass fp = new ForwardPass(model, pool, 64, 64);
      ForwardPass qp = new ForwardPass(q, pool, 64, 64);
      int agree = 0;
      int n = 0;
      for (int s = 0; s < 20; s++) {
        int[] toks = tokens(100 + s, 12);
        float[] a = full(fp, toks, toks.length, null, null);
        float[] b = full(qp, toks, toks.length, null, null);
        if (argmax(a) == argmax(b)) {
          agree++;
        }
        n++;
        double maxErr = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
          scale = Math.max(scale, Math.abs(a[i]));
        }
        assertThat(maxErr).as("case %d", s).isLessThan(0.05 * scale);
      }
      assertThat(agree).isGreaterThanOrEqualTo(n * 8 / 10);
    }
  }

  static int argmax(float[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[b]) {
        b = i;
      }
    }
    return b;
  }

  @Test
  void bf16AndF16ModelsLoadAndTrackF32() {
    for (String dt : new String[] {"BF16", "F16"}) {
      Path dir = Fixtures.model(SPEC.withDtype(dt));
      try (LlamaModel m = LlamaModel.load(dir, false)) {
        assertThat(m.weightFormat()).isEqualTo(dt);
        ForwardPass p = new ForwardPass(m, pool, 64, 64);
        ForwardPass f = new ForwardPass(model, pool, 64, 64);
        int[] toks = tokens(3, 8);
        float[] a = full(p, toks, toks.length, null, null);
        float[] b = full(f, toks, toks.length, null, null);
        double maxErr = 0;
        for (int i = 0; i < a.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
        }
        assertThat(maxErr).as(dt).isLessThan(dt.equals("F16") ? 0.05 : 0.3);
        assertThat(Arrays.equals(a, b)).isFalse();
      }
    }
  }

  @Test
  void qwenStyleBiasesAndTiedEmbeddingsLoad() {
    Path dir =
        Fixtures.model(SPEC.withQkvBias(true).withTiedEmbeddings(true).withName("tiny-qwen"));
    try (LlamaModel m = LlamaModel.load(dir, false)) {
      assertThat(m.config().modelType()).isEqualTo("qwen2");
      assertThat(m.layer(0).qBias()).isNotNull();
      assertThat(m.lmHead()).isSameAs(m.embedding());
      ForwardPass p = new ForwardPass(m, pool, 64, 64);
      int[] toks = tokens(4, 30);
      float[][] inc = incremental(p, toks, null);
      assertClose(inc[29], full(p, toks, 30, null, null), 1e-5, "qwen kv");
    }
  }
}
