package io.openledger.openlora.engine;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to open an engine.
 *
 * @param modelDir Hugging Face model directory: config.json, model.safetensors (or sharded with
 *     model.safetensors.index.json), tokenizer.json, optionally tokenizer_config.json
 * @param adapterDir each subdirectory is an adapter whose id is the subdirectory's name
 * @param blobStoreDir content-addressed store: an adapter id {@code sha256:<64 hex>} (or the bare
 *     hex) resolves to the file {@code <blobStoreDir>/<hex>} or {@code
 *     <blobStoreDir>/<hex[0..2]>/<hex>}, a single-file adapter bundle (see {@code AdapterBundle} of
 *     the adapter package) whose sha256 must equal the id
 * @param bundleResolver finds bundles by adapter hash: an adapter id {@code 0x<64 lowercase hex>}
 *     (the keccak-256 of a bundle, as a model registers it on chain) resolves to the file it
 *     returns (see {@link BundleResolver}); without one such ids are not found
 * @param adapterMemoryBudgetBytes bytes of adapter weights held in memory (active + warm tiers);
 *     the least recently used warm adapters are evicted to stay under it
 * @param maxBatchSize sequences decoded together in one step
 * @param maxQueuedRequests requests waiting for a batch slot before submit answers {@link
 *     EngineException.OverCapacity}
 * @param threads kernel threads for the matmuls (the scheduler thread is one of them)
 * @param int8Weights quantize the base's linear layers to int8 with per-output-channel scales
 * @param mergeMode when to fold an adapter into the base weights
 * @param maxContextLength tokens per sequence (prompt + completion); 0 means the model's own
 * @param strictAdapterBase refuse adapters whose base_model_name_or_path does not end in the served
 *     directory's name or its _name_or_path; off by default: such adapters are served when their
 *     shapes fit, with a warning in the log and in {@link AdapterInfo#warnings()}
 */
public record EngineConfig(
    Path modelDir,
    Optional<Path> adapterDir,
    Optional<Path> blobStoreDir,
    Optional<BundleResolver> bundleResolver,
    long adapterMemoryBudgetBytes,
    int maxBatchSize,
    int maxQueuedRequests,
    int threads,
    boolean int8Weights,
    MergeMode mergeMode,
    int maxContextLength,
    boolean strictAdapterBase) {

  /** When the engine computes with W + scale·BA instead of W plus a separate low-rank path. */
  public enum MergeMode {
    /** Never merge: every adapter runs as shrink/expand segments. */
    NEVER,
    /**
     * Merge while every sequence in the batch uses the same single adapter (traffic skewed to one
     * adapter): once at least 8 such sequences have run 4 steps, the adapter is merged in the
     * background and used from then on; the batch unmerges as soon as it mixes adapters. Merged
     * weights round differently from the unmerged path (within 1e-5 relative), so outputs can
     * differ in the last bits under load; a lone request always runs unmerged.
     */
    AUTO
  }

  public EngineConfig {
    if (modelDir == null) {
      throw new IllegalArgumentException("modelDir is required");
    }
    adapterDir = adapterDir == null ? Optional.empty() : adapterDir;
    blobStoreDir = blobStoreDir == null ? Optional.empty() : blobStoreDir;
    bundleResolver = bundleResolver == null ? Optional.empty() : bundleResolver;
    if (adapterMemoryBudgetBytes <= 0) {
      throw new IllegalArgumentException("adapterMemoryBudgetBytes must be positive");
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be at least 1");
    }
    if (maxQueuedRequests < 0) {
      throw new IllegalArgumentException("maxQueuedRequests must not be negative");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (mergeMode == null) {
      mergeMode = MergeMode.AUTO;
    }
    if (maxContextLength < 0) {
      throw new IllegalArgumentException("maxContextLength must not be negative");
    }
  }

  /** Defaults: 256 MiB of adapters, batches of 32, 256 queued, 2 threads, f32, merge AUTO. */
  public static EngineConfig of(Path modelDir) {
    return new EngineConfig(
        modelDir,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        256L << 20,
        32,
        256,
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        false,
        MergeMode.AUTO,
        0,
        false);
  }

  public EngineConfig withAdapterDir(Path dir) {
    return new EngineConfig(
        modelDir,
        Optional.ofNullable(dir),
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withBlobStoreDir(Path dir) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        Optional.ofNullable(dir),
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withBundleResolver(BundleResolver resolver) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        Optional.ofNullable(resolver),
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withAdapterMemoryBudgetBytes(long bytes) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        bytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withMaxBatchSize(int n) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        n,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withMaxQueuedRequests(int n) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        n,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withThreads(int n) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        n,
        int8Weights,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withInt8Weights(boolean int8) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8,
        mergeMode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withMergeMode(MergeMode mode) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mode,
        maxContextLength,
        strictAdapterBase);
  }

  public EngineConfig withMaxContextLength(int tokens) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        tokens,
        strictAdapterBase);
  }

  public EngineConfig withStrictAdapterBase(boolean strict) {
    return new EngineConfig(
        modelDir,
        adapterDir,
        blobStoreDir,
        bundleResolver,
        adapterMemoryBudgetBytes,
        maxBatchSize,
        maxQueuedRequests,
        threads,
        int8Weights,
        mergeMode,
        maxContextLength,
        strict);
  }
}
