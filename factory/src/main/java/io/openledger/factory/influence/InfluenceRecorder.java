package io.openledger.factory.influence;

import io.openledger.attribution.influence.DataInf;
import io.openledger.attribution.influence.GradientSketch;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Measures influence at the end of training and keeps what later scoring needs (see {@link
 * InfluenceRecord} for the file).
 *
 * <p>One pass over the training examples computes, per example and layer, the squared gradient
 * norm, the gradient's sketch and its inner product with the mean held-out gradient; the dampings
 * follow. The held-out helpfulness is then either exact DataInf on the full gradients (two more
 * passes: {@code v}, then {@code g_jᵀv}) or DataInf on the sketches (no more passes: the same
 * formula with inner products taken between sketches, exact norms and dampings).
 */
public final class InfluenceRecorder {
  /** How held-out influence is computed. */
  public enum HeldOut {
    /** DataInf on the full gradients: three backward passes per training example in all. */
    EXACT("datainf-exact"),
    /** DataInf on the sketches: one backward pass per training example. */
    SKETCH("datainf-sketch");

    private final String label;

    HeldOut(String label) {
      this.label = label;
    }

    /** The name recorded in the file's {@code held_out_method}. */
    public String label() {
      return label;
    }
  }

  /**
   * Settings.
   *
   * @param seed the projection's seed
   * @param sketchDimension {@code k} per layer
   */
  public record Config(long seed, int sketchDimension, DataInf.Damping damping, HeldOut heldOut) {
    /** Seed 7, 64 dimensions per layer, DataInf's default damping, exact held-out influence. */
    public static final Config DEFAULT = new Config(7, 64, DataInf.Damping.DEFAULT, HeldOut.EXACT);

    public Config {
      if (sketchDimension < 1) {
        throw new IllegalArgumentException("sketch dimension must be at least 1");
      }
    }
  }

  /** Progress of the passes over the examples (each pass recomputes gradients: minutes). */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called after each example of a pass.
     *
     * @param pass {@code held-out}, {@code sketch}, {@code datainf-v} or {@code datainf-score}
     */
    void examples(String pass, int done, int total);

    /** Reports nothing. */
    Progress NONE = (pass, done, total) -> {};
  }

  private InfluenceRecorder() {}

  /**
   * Measures, writes {@code outDir/influence/sketches.safetensors} and returns what it wrote.
   *
   * @param heldOut held-out examples (their contribution ids are not used); none: no held-out
   *     helpfulness is recorded
   * @throws IllegalArgumentException when there are no training examples, the two sources disagree
   *     on the parameter layout, or a layer has no gradient in any example
   */
  public static InfluenceRecord record(
      ExampleGradients train,
      ExampleGradients heldOut,
      Config config,
      Path outDir,
      Progress progress) {
    InfluenceRecord r = measure(train, heldOut, config, progress);
    r.write(outDir);
    return r;
  }

  /** {@link #record} without writing or progress. */
  public static InfluenceRecord measure(
      ExampleGradients train, ExampleGradients heldOut, Config config) {
    return measure(train, heldOut, config, Progress.NONE);
  }

  /** {@link #record} without writing. */
  public static InfluenceRecord measure(
      ExampleGradients train, ExampleGradients heldOut, Config config, Progress progress) {
    int n = train.examples();
    if (n < 1) {
      throw new IllegalArgumentException("no training examples");
    }
    if (heldOut.examples() > 0
        && (heldOut.dimension() != train.dimension()
            || !heldOut.dataInfLayers().equals(train.dataInfLayers()))) {
      throw new IllegalArgumentException("held-out gradients have another parameter layout");
    }
    List<DataInf.Layer> layers = train.dataInfLayers();
    int numLayers = layers.size();
    GradientSketch sketch = new GradientSketch(config.seed(), config.sketchDimension());
    Optional<float[]> test = meanGradient(heldOut, progress);

    float[] g = new float[train.dimension()];
    long[] ids = new long[n];
    float[][] sketches = new float[n][];
    double[][] norms = new double[n][];
    double[][] dots = new double[n][];
    for (int i = 0; i < n; i++) {
      train.gradient(i, g);
      progress.examples("sketch", i + 1, n);
      ids[i] = train.contributionId(i);
      norms[i] = DataInf.squaredNorms(g, layers);
      sketches[i] = sketch.projectLayers(g, layers);
      if (test.isPresent()) {
        dots[i] = DataInf.dots(g, test.get(), layers);
      }
    }
    // the record keeps F32 norms; DataInf runs on exactly what is kept, so a read-back scores the
    // same
    float[][] keptNorms = new float[n][numLayers];
    double[][] usedNorms = new double[n][numLayers];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < numLayers; l++) {
        keptNorms[i][l] = (float) norms[i][l];
        usedNorms[i][l] = keptNorms[i][l];
      }
    }
    double[] lambda = DataInf.lambdas(norms, layers, config.damping());

    Optional<float[]> helpfulness = Optional.empty();
    String method = "none";
    if (test.isPresent()) {
      double[] h =
          switch (config.heldOut()) {
            case EXACT -> {
              DataInf inf = new DataInf(layers, lambda, usedNorms);
              double[] v =
                  inf.preconditioned(reporting(train, "datainf-v", progress), test.get(), dots);
              yield inf.helpfulness(reporting(train, "datainf-score", progress), v);
            }
            case SKETCH -> {
              SketchSpace space =
                  new SketchSpace(sketch, layers, lambda, usedNorms, sketches, train.dimension());
              yield space.helpfulness(test.get());
            }
          };
      float[] kept = new float[n];
      for (int j = 0; j < n; j++) {
        kept[j] = (float) h[j];
      }
      helpfulness = Optional.of(kept);
      method = config.heldOut().label();
    }
    return new InfluenceRecord(
        config.seed(),
        config.sketchDimension(),
        layers,
        train.dimension(),
        config.damping(),
        lambda,
        ids,
        sketches,
        keptNorms,
        heldOut.examples(),
        method,
        helpfulness);
  }

  // the mean held-out gradient (the gradient of the mean held-out loss), summed in double
  private static Optional<float[]> meanGradient(ExampleGradients heldOut, Progress progress) {
    int m = heldOut.examples();
    if (m == 0) {
      return Optional.empty();
    }
    float[] g = new float[heldOut.dimension()];
    double[] sum = new double[g.length];
    for (int i = 0; i < m; i++) {
      heldOut.gradient(i, g);
      progress.examples("held-out", i + 1, m);
      for (int a = 0; a < g.length; a++) {
        sum[a] += g[a];
      }
    }
    float[] mean = new float[g.length];
    for (int a = 0; a < g.length; a++) {
      mean[a] = (float) (sum[a] / m);
    }
    return Optional.of(mean);
  }

  // the training gradients for DataInf, reporting each example (DataInf visits them in order)
  private static DataInf.Gradients reporting(
      ExampleGradients train, String pass, Progress progress) {
    return new DataInf.Gradients() {
      @Override
      public int count() {
        return train.examples();
      }

      @Override
      public int dimension() {
        return train.dimension();
      }

      @Override
      public void gradient(int example, float[] into) {
        train.gradient(example, into);
        progress.examples(pass, example + 1, train.examples());
      }
    };
  }
}
