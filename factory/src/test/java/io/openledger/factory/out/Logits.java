package io.openledger.factory.out;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.model.Batch;
import io.openledger.openlora.model.ForwardPass;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LlamaModel;
import io.openledger.openlora.model.LoraWeights;
import java.nio.file.Path;

/** Logits of every position of a token sequence, computed by OpenLoRA's forward pass. */
final class Logits {
  private Logits() {}

  static float[][] of(Path modelDir, int[] tokens, LoraWeights adapter) {
    try (LlamaModel model = LlamaModel.load(modelDir, false);
        KernelPool pool = new KernelPool(1)) {
      ForwardPass pass = new ForwardPass(model, pool, 8, tokens.length);
      int vocab = model.config().vocabSize();
      KvCache cache = new KvCache(model.config(), tokens.length);
      Batch b = new Batch(pass.maxRows(), 4);
      float[][] out = new float[tokens.length][vocab];
      for (int p = 0; p < tokens.length; p++) {
        b.clear();
        b.addRow(tokens[p], p, cache, true);
        if (adapter != null) {
          b.addSegment(0, 1, adapter, 1.0);
        }
        pass.forward(b);
        pass.logitsOf(0, out[p]);
      }
      return out;
    }
  }
}
