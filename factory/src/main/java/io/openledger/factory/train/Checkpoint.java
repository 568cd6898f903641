package io.openledger.factory.train;

import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import io.openledger.openlora.safetensors.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A training run's state in one safetensors file, {@code <dir>/checkpoint.safetensors}: every
 * parameter under its own name, AdamW's moments under {@code adamw.m.<name>} and {@code
 * adamw.v.<name>}, and in the metadata the steps taken and the hash of the config that wrote it.
 * Written to a temporary file and moved into place, so a crash leaves the previous checkpoint.
 */
public final class Checkpoint {
  static final String FILE = "checkpoint.safetensors";
  static final String FORMAT = "openledger-factory-checkpoint/1";

  private Checkpoint() {}

  /** Writes the state after {@code step} optimizer steps. */
  public static void write(Path dir, Parameters params, AdamW opt, long step, String configHash) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    for (String prefix : new String[] {"", "adamw.m.", "adamw.v."}) {
      float[] src =
          switch (prefix) {
            case "" -> params.values();
            case "adamw.m." -> opt.firstMoments();
            default -> opt.secondMoments();
          };
      for (Parameters.Segment s : params.segments()) {
        long[] shape = Arrays.stream(s.shape()).asLongStream().toArray();
        entries.add(
            new SafetensorsWriter.Entry(
                prefix + s.name(),
                DType.F32,
                shape,
                () -> Arrays.copyOfRange(src, s.offset(), s.offset() + s.size())));
      }
    }
    SafetensorsWriter.write(
        dir.resolve(FILE),
        entries,
        Map.of(
            "format",
            FORMAT,
            "step",
            Long.toString(step),
            "configHash",
            configHash,
            "optimizerStep",
            Long.toString(opt.step())));
  }

  /**
   * Restores parameters and moments from {@code dir} when a checkpoint is there; returns the steps
   * it had taken, or empty when there is none.
   *
   * @throws IllegalArgumentException when the checkpoint was written for another config or another
   *     parameter layout (the reason says which)
   */
  public static Optional<Long> restore(Path dir, Parameters params, AdamW opt, String configHash) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Map<String, String> meta = f.metadata();
      if (!FORMAT.equals(meta.get("format"))) {
        throw new IllegalArgumentException(
            file + " is not a factory checkpoint (format " + meta.get("format") + ")");
      }
      if (!configHash.equals(meta.get("configHash"))) {
        throw new IllegalArgumentException(
            file
                + " was written by a run with another training config (hash "
                + meta.get("configHash")
                + ", this run "
                + configHash
                + "): remove it or use the same config");
      }
      float[] m = new float[params.size()];
      float[] v = new float[params.size()];
      float[] values = new float[params.size()];
      for (Parameters.Segment s : params.segments()) {
        copy(f, s.name(), s, values);
        copy(f, "adamw.m." + s.name(), s, m);
        copy(f, "adamw.v." + s.name(), s, v);
      }
      if (f.tensors().size() != 3 * params.segments().size()) {
        throw new IllegalArgumentException(
            file + " holds tensors this model does not have (" + f.tensors().size() + ")");
      }
      System.arraycopy(values, 0, params.values(), 0, values.length);
      opt.restore(m, v, Long.parseLong(meta.get("optimizerStep")));
      return Optional.of(Long.parseLong(meta.get("step")));
    }
  }

  private static void copy(SafetensorsFile f, String name, Parameters.Segment s, float[] into) {
    Tensor t = f.tensor(name);
    long[] want = Arrays.stream(s.shape()).asLongStream().toArray();
    if (t == null || !Arrays.equals(t.shape(), want)) {
      throw new IllegalArgumentException(
          f.path() + ": " + name + (t == null ? " is missing" : " has another shape"));
    }
    System.arraycopy(t.toFloatArray(), 0, into, s.offset(), s.size());
  }
}
