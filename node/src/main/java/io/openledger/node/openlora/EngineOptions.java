package io.openledger.node.openlora;

import io.openledger.node.cli.CliException;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.InferenceEngine;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options {@code serve} and {@code generate} share: which model, adapters and resources. */
public final class EngineOptions {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "Hugging Face model directory (config.json, model.safetensors, tokenizer.json). Create a"
              + " tiny one with: openledger model generate-tiny --out DIR")
  Path model;

  @Option(
      names = "--adapters",
      paramLabel = "DIR",
      description =
          "Directory of PEFT LoRA adapters; each subdirectory is an adapter, its name the id.")
  Path adapters;

  @Option(
      names = "--blob-store",
      paramLabel = "DIR",
      description = "Content-addressed adapter store: ids sha256:<hex> resolve to files here.")
  Path blobStore;

  @Option(
      names = "--memory-budget",
      paramLabel = "BYTES",
      defaultValue = "256MiB",
      converter = ByteSize.class,
      description =
          "Bytes of adapter weights held in memory, e.g. 268435456 or 256MiB (default: ${DEFAULT-VALUE}).")
  long memoryBudget;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Kernel threads (default: min(2, cores)).")
  Integer threads;

  @Option(
      names = "--max-batch",
      paramLabel = "N",
      defaultValue = "32",
      description = "Sequences decoded together (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(
      names = "--max-queue",
      paramLabel = "N",
      defaultValue = "256",
      description =
          "Requests waiting for a batch slot before new ones get 503 (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Option(names = "--int8", description = "Quantize the base's linear layers to int8.")
  boolean int8;

  @Option(
      names = "--no-merge",
      description =
          "Never fold an adapter into the base weights, even when one adapter has all traffic.")
  boolean noMerge;

  @Option(
      names = "--strict-adapter-base",
      description =
          "Refuse an adapter whose base_model_name_or_path does not name the served model (its"
              + " directory name or _name_or_path), even when its shapes fit. Default: serve it"
              + " with a warning in the log and in /v1/models.")
  boolean strictAdapterBase;

  @Option(
      names = "--context",
      paramLabel = "TOKENS",
      description = "Tokens per sequence, prompt and completion (default: the model's own).")
  Integer context;

  /** The engine configuration these options describe; paths are checked first. */
  public EngineConfig config() {
    requireDir(model, "--model");
    if (!Files.isRegularFile(model.resolve("config.json"))) {
      throw new CliException(
          "--model " + model + " has no config.json; is it a Hugging Face model directory?");
    }
    if (adapters != null) {
      requireDir(adapters, "--adapters");
    }
    if (blobStore != null) {
      requireDir(blobStore, "--blob-store");
    }
    if (maxBatch < 1) {
      throw new CliException("--max-batch must be at least 1");
    }
    if (maxQueue < 0) {
      throw new CliException("--max-queue must not be negative");
    }
    EngineConfig c =
        EngineConfig.of(model)
            .withAdapterDir(adapters)
            .withBlobStoreDir(blobStore)
            .withAdapterMemoryBudgetBytes(memoryBudget)
            .withMaxBatchSize(maxBatch)
            .withMaxQueuedRequests(maxQueue)
            .withInt8Weights(int8)
            .withStrictAdapterBase(strictAdapterBase)
            .withMergeMode(noMerge ? EngineConfig.MergeMode.NEVER : EngineConfig.MergeMode.AUTO);
    if (threads != null) {
      if (threads < 1) {
        throw new CliException("--threads must be at least 1");
      }
      c = c.withThreads(threads);
    }
    if (context != null) {
      if (context < 2) {
        throw new CliException("--context must be at least 2 tokens");
      }
      c = c.withMaxContextLength(context);
    }
    return c;
  }

  /** Opens the engine, turning a bad model directory into a one-line error. */
  public InferenceEngine open() {
    EngineConfig c = config();
    try {
      return InferenceEngine.open(c);
    } catch (IllegalArgumentException e) {
      throw new CliException("cannot load model " + model + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new CliException("cannot read model " + model + ": " + e.getCause().getMessage());
    }
  }

  private static void requireDir(Path dir, String option) {
    if (!Files.isDirectory(dir)) {
      throw new CliException(option + " " + dir + " is not a directory");
    }
  }
}
