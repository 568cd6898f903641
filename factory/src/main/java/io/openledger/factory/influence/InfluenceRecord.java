package io.openledger.factory.influence;

import io.openledger.attribution.influence.DataInf;
import io.openledger.openlora.json.JsonMaps;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the recorder keeps of a training run for influence, as written to {@code
 * <outDir>/influence/sketches.safetensors} and read back bit for bit.
 *
 * <p>The file is safetensors (readable with {@code safetensors.safe_open} in Python). Tensors, all
 * F32:
 *
 * <ul>
 *   <li>{@code sketches} {@code [n, L, k]}: example {@code i}'s gradient, layer {@code l} projected
 *       by {@link io.openledger.attribution.influence.GradientSketch} (seed, k) at the layer's
 *       absolute coordinates; the whole-gradient sketch is the sum over {@code l}.
 *   <li>{@code squared_norms} {@code [n, L]}: {@code ‖g_i^l‖²} of the full gradients.
 *   <li>{@code held_out_helpfulness} {@code [n]} (absent without held-out examples): DataInf
 *       helpfulness of each example on the mean held-out loss; positive = training on it lowered
 *       the held-out loss.
 * </ul>
 *
 * Metadata (strings): {@code format} = {@value #FORMAT}, {@code projection} = {@value #PROJECTION},
 * {@code seed}, {@code sketch_dimension} (k), {@code layers} (JSON {@code [{"name", "offset",
 * "length"}]} over the trainable vector), {@code dimension} (its length), {@code lambda} (JSON
 * array, {@code λ_l}), {@code damping} (JSON {@code {"scale", "perCoordinate"}}), {@code
 * contribution_ids} (JSON array, one per example, in example order), {@code held_out_examples},
 * {@code held_out_method} ({@code datainf-exact}, {@code datainf-sketch} or {@code none}).
 *
 * @param sketches {@code [n][L·k]}
 * @param squaredNorms {@code [n][L]}
 * @param heldOutHelpfulness {@code [n]}, empty when there were no held-out examples
 */
public record InfluenceRecord(
    long seed,
    int sketchDimension,
    List<DataInf.Layer> layers,
    int dimension,
    DataInf.Damping damping,
    double[] lambda,
    long[] contributionIds,
    float[][] sketches,
    float[][] squaredNorms,
    int heldOutExamples,
    String heldOutMethod,
    Optional<float[]> heldOutHelpfulness) {

  public static final String FORMAT = "openledger-influence/1";
  public static final String PROJECTION = "rademacher-splitmix64/1";

  /** The file under a training output directory. */
  public static Path file(Path outDir) {
    return outDir.resolve("influence").resolve("sketches.safetensors");
  }

  public InfluenceRecord {
    layers = List.copyOf(layers);
    int n = contributionIds.length;
    if (sketches.length != n || squaredNorms.length != n) {
      throw new IllegalArgumentException(
          n
              + " contribution ids, "
              + sketches.length
              + " sketches, "
              + squaredNorms.length
              + " norms");
    }
    if (lambda.length != layers.size()) {
      throw new IllegalArgumentException(
          lambda.length + " dampings for " + layers.size() + " layers");
    }
    heldOutHelpfulness.ifPresent(
        h -> {
          if (h.length != n) {
            throw new IllegalArgumentException(
                h.length + " helpfulness values for " + n + " examples");
          }
        });
  }

  /** The number of training examples. */
  public int examples() {
    return contributionIds.length;
  }

  /** Writes {@link #file(Path)} (creating {@code influence/}). */
  public void write(Path outDir) {
    Path file = file(outDir);
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
    int n = examples();
    int numLayers = layers.size();
    int width = numLayers * sketchDimension;
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    entries.add(
        new SafetensorsWriter.Entry(
            "sketches",
            DType.F32,
            new long[] {n, numLayers, sketchDimension},
            () -> flatten(sketches, width)));
    entries.add(
        new SafetensorsWriter.Entry(
            "squared_norms",
            DType.F32,
            new long[] {n, numLayers},
            () -> flatten(squaredNorms, numLayers)));
    heldOutHelpfulness.ifPresent(
        h -> entries.add(SafetensorsWriter.Entry.of("held_out_helpfulness", DType.F32, h, n)));
    SafetensorsWriter.write(file, entries, metadata());
  }

  private Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("projection", PROJECTION);
    m.put("seed", Long.toString(seed));
    m.put("sketch_dimension", Integer.toString(sketchDimension));
    List<Object> layerList = new ArrayList<>();
    for (DataInf.Layer l : layers) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", l.name());
      o.put("offset", l.offset());
      o.put("length", l.length());
      layerList.add(o);
    }
    m.put("layers", JsonMaps.write(layerList));
    m.put("dimension", Integer.toString(dimension));
    m.put("lambda", JsonMaps.write(Arrays.stream(lambda).boxed().toList()));
    m.put(
        "damping",
        JsonMaps.write(Map.of("scale", damping.scale(), "perCoordinate", damping.perCoordinate())));
    m.put("contribution_ids", JsonMaps.write(Arrays.stream(contributionIds).boxed().toList()));
    m.put("held_out_examples", Integer.toString(heldOutExamples));
    m.put("held_out_method", heldOutMethod);
    return m;
  }

  /**
   * Reads {@link #file(Path)}.
   *
   * @throws IllegalArgumentException naming what is missing or not understood (another format,
   *     another projection, inconsistent shapes)
   */
  public static InfluenceRecord read(Path outDir) {
    Path file = file(outDir);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Map<String, String> m = f.metadata();
      require(file, m, "format", FORMAT);
      require(file, m, "projection", PROJECTION);
      try {
        return read(file, f, m);
      } catch (NumberFormatException | ClassCastException | NullPointerException e) {
        throw new IllegalArgumentException(file + ": malformed metadata: " + e.getMessage(), e);
      }
    }
  }

  private static InfluenceRecord read(Path file, SafetensorsFile f, Map<String, String> m) {
    long seed = Long.parseLong(field(file, m, "seed"));
    int k = Integer.parseInt(field(file, m, "sketch_dimension"));
    List<DataInf.Layer> layers = new ArrayList<>();
    for (Object o : (List<?>) JsonMaps.parse(field(file, m, "layers"))) {
      Map<?, ?> l = (Map<?, ?>) o;
      layers.add(
          new DataInf.Layer(
              (String) l.get("name"),
              Math.toIntExact((Long) l.get("offset")),
              Math.toIntExact((Long) l.get("length"))));
    }
    int dimension = Integer.parseInt(field(file, m, "dimension"));
    double[] lambda =
        ((List<?>) JsonMaps.parse(field(file, m, "lambda")))
            .stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    Map<String, Object> d = JsonMaps.parseObject(field(file, m, "damping"));
    DataInf.Damping damping =
        new DataInf.Damping(
            ((Number) d.get("scale")).doubleValue(), (Boolean) d.get("perCoordinate"));
    long[] ids =
        ((List<?>) JsonMaps.parse(field(file, m, "contribution_ids")))
            .stream().mapToLong(x -> (Long) x).toArray();
    int n = ids.length;
    float[][] sketches = rows(file, f, "sketches", n, layers.size() * k);
    float[][] norms = rows(file, f, "squared_norms", n, layers.size());
    Optional<float[]> helpfulness =
        f.tensors().containsKey("held_out_helpfulness")
            ? Optional.of(rows(file, f, "held_out_helpfulness", 1, n)[0])
            : Optional.empty();
    return new InfluenceRecord(
        seed,
        k,
        layers,
        dimension,
        damping,
        lambda,
        ids,
        sketches,
        norms,
        Integer.parseInt(field(file, m, "held_out_examples")),
        field(file, m, "held_out_method"),
        helpfulness);
  }

  private static String field(Path file, Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException(file + ": no metadata field " + key);
    }
    return v;
  }

  private static void require(Path file, Map<String, String> m, String key, String want) {
    String got = field(file, m, key);
    if (!got.equals(want)) {
      throw new IllegalArgumentException(file + ": " + key + " is " + got + ", expected " + want);
    }
  }

  private static float[][] rows(Path file, SafetensorsFile f, String name, int n, int width) {
    Tensor t = f.tensors().get(name);
    if (t == null) {
      throw new IllegalArgumentException(file + ": no tensor " + name);
    }
    if (t.dtype() != DType.F32 || t.elementCount() != (long) n * width) {
      throw new IllegalArgumentException(
          file + ": tensor " + t.describe() + ", expected F32 of " + n + " × " + width);
    }
    float[] flat = t.toFloatArray();
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return out;
  }

  private static float[] flatten(float[][] rows, int width) {
    float[] flat = new float[Math.multiplyExact(rows.length, width)];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
  }
}
