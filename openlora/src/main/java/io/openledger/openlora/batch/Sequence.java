package io.openledger.openlora.batch;

import io.openledger.openlora.adapter.AdapterCache;
import io.openledger.openlora.adapter.AdapterManifest;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.model.KvCache;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.sample.Sampler;
import io.openledger.openlora.tokenizer.StreamDecoder;
import java.util.ArrayList;
import java.util.List;

/** One request inside the engine: its tokens, cache, adapters, sampler and output so far. */
final class Sequence {
  final GenerationHandle handle;
  final int[] prompt;
  final int maxNewTokens; // already clipped to the context
  final List<AdapterManifest> adapters; // empty for the base
  final double[] weights; // per adapter
  final AdapterGroup group; // rows of sequences in the same group form one segment
  final Sampler sampler;
  final StreamDecoder decoder;
  final StopText stop;
  final int topLogprobs;
  final long submitNanos;

  AdapterCache.Pin[] pins;
  LoraWeights[] loaded;
  KvCache cache;
  int prefilled; // prompt tokens already in the cache
  int lastToken = -1; // sampled, not yet fed back
  int position; // next position to write
  final List<GenerationEvent.Token> tokens = new ArrayList<>();
  long firstTokenNanos;
  GenerationResult.FinishReason finishReason; // set when the last token is emitted

  Sequence(
      GenerationHandle handle,
      int[] prompt,
      int maxNewTokens,
      List<AdapterManifest> adapters,
      double[] weights,
      Sampler sampler,
      StreamDecoder decoder,
      StopText stop,
      int topLogprobs,
      long submitNanos) {
    this.handle = handle;
    this.prompt = prompt;
    this.maxNewTokens = maxNewTokens;
    this.adapters = adapters;
    this.weights = weights;
    this.sampler = sampler;
    this.decoder = decoder;
    this.stop = stop;
    this.topLogprobs = topLogprobs;
    this.submitNanos = submitNanos;
    this.group = AdapterGroup.of(adapters, weights);
  }

  boolean prefilling() {
    return prefilled < prompt.length;
  }

  /** Positions the cache needs: the prompt and every generated token but the last. */
  int capacity() {
    return prompt.length + maxNewTokens;
  }

  /** The one adapter at weight 1, or null (base, or an ensemble). */
  AdapterManifest single() {
    return adapters.size() == 1 && weights[0] == 1.0 ? adapters.get(0) : null;
  }
}
