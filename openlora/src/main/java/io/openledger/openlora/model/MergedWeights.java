package io.openledger.openlora.model;

import io.openledger.openlora.kernels.Kernels;
import io.openledger.openlora.kernels.Matrix;

/**
 * An adapter folded into the base: W' = W + weight · scale · B·A for every projection it adapts, as
 * f32 heap matrices. Used while every sequence in the batch runs the same adapter, so the batch
 * costs exactly one base matmul per projection and no low-rank work.
 */
public final class MergedWeights {
  private final LoraWeights adapter;
  private final double weight;
  private final Matrix[][] merged; // [layer][projection], null where not adapted

  private MergedWeights(LoraWeights adapter, double weight, Matrix[][] merged) {
    this.adapter = adapter;
    this.weight = weight;
    this.merged = merged;
  }

  /**
   * Builds W + weight·scale·BA for each adapted projection (row by row: W'[j] += s Σ_k B[j,k]
   * A[k]).
   */
  public static MergedWeights merge(LlamaModel model, LoraWeights adapter, double weight) {
    LlamaConfig c = model.config();
    Matrix[][] out = new Matrix[c.layers()][Projection.values().length];
    for (int l = 0; l < c.layers(); l++) {
      for (Projection p : Projection.values()) {
        LoraWeights.Layer lw = adapter.layer(l, p);
        if (lw == null) {
          continue;
        }
        Matrix base = model.layer(l).weight(p);
        int rows = base.rows();
        int cols = base.cols();
        float[] w = new float[rows * cols];
        float s = (float) (lw.scale() * weight);
        for (int j = 0; j < rows; j++) {
          base.rowInto(j, w, j * cols);
          for (int k = 0; k < lw.rank(); k++) {
            Kernels.axpy(s * lw.bt()[k * rows + j], lw.a(), k * cols, w, j * cols, cols);
          }
        }
        out[l][p.ordinal()] = Matrix.F32.of(w, rows, cols);
      }
    }
    return new MergedWeights(adapter, weight, out);
  }

  public LoraWeights adapter() {
    return adapter;
  }

  public double weight() {
    return weight;
  }

  /** The merged matrix, or {@code base} where the adapter does not reach. */
  public Matrix weightOr(int layer, Projection p, Matrix base) {
    Matrix m = merged[layer][p.ordinal()];
    return m == null ? base : m;
  }

  /** Bytes of the merged copies. */
  public long bytes() {
    long b = 0;
    for (Matrix[] ms : merged) {
      for (Matrix m : ms) {
        if (m != null) {
          b += m.bytes();
        }
      }
    }
    return b;
  }
}
