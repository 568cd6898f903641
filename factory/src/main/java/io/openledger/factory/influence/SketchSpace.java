package io.openledger.factory.influence;

import io.openledger.attribution.influence.DataInf;
import io.openledger.attribution.influence.GradientSketch;
import java.util.List;

/**
 * DataInf over per-layer sketches: the training gradients' sketches stand in for the gradients
 * (inner products preserved within Johnson-Lindenstrauss bounds), with the full gradients' norms
 * and dampings. Scoring a new gradient costs one projection and {@code O(n·L·k)}.
 */
final class SketchSpace {
  private final GradientSketch sketch;
  private final List<DataInf.Layer> layers; // over the full vector
  private final DataInf inf; // over the sketch layout
  private final float[][] sketches; // [n][L·k]
  private final int dimension;

  SketchSpace(
      GradientSketch sketch,
      List<DataInf.Layer> layers,
      double[] lambda,
      double[][] squaredNorms,
      float[][] sketches,
      int dimension) {
    this.sketch = sketch;
    this.layers = layers;
    this.inf = new DataInf(sketch.sketchLayers(layers), lambda, squaredNorms);
    this.sketches = sketches;
    this.dimension = dimension;
  }

  static SketchSpace of(InfluenceRecord r) {
    double[][] norms = new double[r.examples()][];
    for (int i = 0; i < norms.length; i++) {
      norms[i] = new double[r.squaredNorms()[i].length];
      for (int l = 0; l < norms[i].length; l++) {
        norms[i][l] = r.squaredNorms()[i][l];
      }
    }
    return new SketchSpace(
        new GradientSketch(r.seed(), r.sketchDimension()),
        r.layers(),
        r.lambda(),
        norms,
        r.sketches(),
        r.dimension());
  }

  /** Helpfulness of every training example for a test gradient ({@code [dimension]}). */
  double[] helpfulness(float[] testGradient) {
    if (testGradient.length != dimension) {
      throw new IllegalArgumentException(
          "test gradient of " + testGradient.length + " values, the model has " + dimension);
    }
    DataInf.Gradients held =
        new DataInf.Gradients() {
          @Override
          public int count() {
            return sketches.length;
          }

          @Override
          public int dimension() {
            return sketches[0].length;
          }

          @Override
          public void gradient(int example, float[] into) {
            System.arraycopy(sketches[example], 0, into, 0, into.length);
          }
        };
    return inf.helpfulness(held, sketch.projectLayers(testGradient, layers));
  }

  /** The whole-gradient sketches (the sum of the layers'), {@code [n][k]}, for the TRAK kernel. */
  double[][] wholeSketches() {
    int k = sketch.dimension();
    double[][] out = new double[sketches.length][k];
    for (int i = 0; i < sketches.length; i++) {
      for (int l = 0; l < layers.size(); l++) {
        for (int t = 0; t < k; t++) {
          out[i][t] += sketches[i][l * k + t];
        }
      }
    }
    return out;
  }

  /** The test gradient's sketch over the layers, summed as {@link #wholeSketches}, {@code [k]}. */
  double[] wholeSketch(float[] testGradient) {
    float[] s = sketch.projectLayers(testGradient, layers);
    int k = sketch.dimension();
    double[] out = new double[k];
    for (int l = 0; l < layers.size(); l++) {
      for (int t = 0; t < k; t++) {
        out[t] += s[l * k + t];
      }
    }
    return out;
  }
}
