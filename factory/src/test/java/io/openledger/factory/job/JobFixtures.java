package io.openledger.factory.job;

import io.openledger.factory.data.Document;
import io.openledger.factory.out.TrainingManifest.DatanetUsed;
import io.openledger.factory.train.TrainingConfig;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.Batch;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.model.LoraWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Documents, configs and a serving-side loss shared by the job tests. */
final class JobFixtures {
  private JobFixtures() {}

  static final String ROOT_1 = "0x" + "11".repeat(32);
  static final String ROOT_2 = "0x" + "22".repeat(32);

  private static final String[] WORDS = {
    "river", "stone", "ledger", "quiet", "orange", "window", "market", "signal", "copper", "garden",
    "winter", "number", "paper", "engine", "violet", "harbor", "silent", "bridge", "lantern",
        "field"
  };

  /** A sentence of seeded words: documents that share no phrase with each other. */
  static String sentence(SplittableRandom r, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return b.append('.').toString();
  }

  /** {@code count} documents of datanet 1 v1 (ids 1..) and 2 v3 (ids 101..), alternating. */
  static List<Document> documents(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean first = i % 2 == 0;
      docs.add(
          new Document(
              first ? 1 : 2,
              first ? 1 : 3,
              (first ? 1 : 101) + i / 2,
              sentence(r, 8 + r.nextInt(8))));
    }
    return docs;
  }

  static List<DatanetUsed> datanets() {
    return List.of(new DatanetUsed(1, 1, ROOT_1), new DatanetUsed(2, 3, ROOT_2));
  }

  static TrainingConfig lora(int steps) {
    return TrainingConfig.lora(4, 8, List.of("q_proj", "v_proj", "down_proj"))
        .withBatch(24, 4)
        .withSchedule(steps, 2, 2e-2, 0.0)
        .withRun(5, 2, 0.25, 4);
  }

  static TrainingConfig scratch(int steps) {
    return TrainingConfig.fromScratch(32, 2, 4, 2, 64, 300)
        .withBatch(24, 4)
        .withSchedule(steps, 3, 1e-2, 0.1)
        .withRun(5, 2, 0.25, 4);
  }

  /** Σ −log softmax(logits[t])[tokens[t+1]] from openlora's serving prefill. */
  static double servingLoss(LlamaModel m, LoraWeights adapter, int[] tokens) {
    int n = tokens.length;
    try (KernelPool pool = new KernelPool(1)) {
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
      float[] z = new float[m.config().vocabSize()];
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
}
