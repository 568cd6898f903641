package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openledger.openlora.adapter.AdapterReader;
import io.openledger.openlora.adapter.AdapterSource;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.Batch;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is trained is what is served: the training pass's loss equals the loss computed from
 * openlora's serving forward pass (prefill, KV cache) on the same weights, with and without an
 * adapter, on a GQA model with RoPE and on a tied Qwen2-style model with q/k/v biases.
 */
class ServingParityTest {
  @TempDir Path dir;

  @Test
  void scratchLossEqualsServingLoss() {
    ModelSpec spec = ModelSpec.tiny();
    Path model = TestModels.writeModel(dir.resolve("m"), spec);
    int[] tokens = GradientCheckTest.tokens(23, spec.vocabSize(), 4);
    try (KernelPool pool = new KernelPool(2);
        ScratchTrainable t = ScratchTrainable.load(model, pool);
        LlamaModel served = LlamaModel.load(model, false)) {
      assertThat(t.loss(tokens)).isCloseTo(servingLoss(served, null, tokens, pool), within(1e-3));
    }
  }

  @Test
  void loraLossEqualsServingLossWithTheAdapter() {
    ModelSpec spec = ModelSpec.tiny().withQkvBias(true).withTiedEmbeddings(true).withName("qb");
    Path model = TestModels.writeModel(dir.resolve("qb"), spec);
    Path adapter = TestModels.writeAdapter(dir.resolve("a"), spec, AdapterSpec.allLinear(4, 5));
    int[] tokens = GradientCheckTest.tokens(19, spec.vocabSize(), 5);
    try (KernelPool pool = new KernelPool(2);
        LoraTrainable t = LoraTrainable.load(model, adapter, pool);
        LlamaModel served = LlamaModel.load(model, false)) {
      AdapterReader r = new AdapterReader(served.config(), Set.of(spec.name()));
      LoraWeights w = r.load(r.inspect("a", new AdapterSource.Directory(adapter)));
      double withAdapter = servingLoss(served, w, tokens, pool);
      assertThat(t.loss(tokens)).isCloseTo(withAdapter, within(1e-3));
      assertThat(Math.abs(withAdapter - servingLoss(served, null, tokens, pool)))
          .as("the adapter changes the loss")
          .isGreaterThan(0.1);
    }
  }

  /** Σ −log softmax(logits[t])[tokens[t+1]] from the serving pass's prefill of the sequence. */
  static double servingLoss(LlamaModel m, LoraWeights adapter, int[] tokens, KernelPool pool) {
    int n = tokens.length;
    ForwardPass pass = new ForwardPass(m, pool, n, n);
    KvCache cache = new KvCache(m.config(), n);
    Batch b = new Batch(n, 2);
    for (int t = 0; t < n; t++) {
      b.addRow(tokens[t], t, cache, t < n - 1);
    }
    if (adapter != null) {
      b.addSegment(0, n, adapter, 1.0);
    }
    pass.forward(b);
    int vocab = m.config().vocabSize();
    float[] z = new float[vocab];
    double loss = 0;
    for (int t = 0; t < n - 1; t++) {
      pass.logitsOf(t, z);
      double max = Double.NEGATIVE_INFINITY;
      for (float v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : z) {
        sum += Math.exp(v - max);
      }
      loss += Math.log(sum) + max - z[tokens[t + 1]];
    }
    return loss;
  }
}
