package io.openledger.factory.train;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.kernels.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of the backward pass (and the forward pieces openlora's {@link Kernels} does not
 * have), vectorised with the Vector API. Arrays are row-major; offsets are in floats. Each kernel
 * has a naive twin in the tests.
 *
 * <p>Determinism: every output element is computed whole by one thread, summing its terms in a
 * fixed order that does not depend on how the work is split, so results are bit-identical for any
 * thread count. Reductions across lanes use openlora's fixed-tree {@link Kernels#sum}.
 */
public final class TrainingKernels {
  private TrainingKernels() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();

  // ---------------------------------------------------------------- matmul

  /** Columns of C a task computes at a time: two vectors. */
  static final int COLUMN_BLOCK = 2 * L;

  /**
   * Inner terms per packed strip of B: DEPTH × COLUMN_BLOCK floats (16 KB with 8-float vectors).
   */
  static final int DEPTH = 256;

  /** Rows of A per tile: ROW_TILE × DEPTH floats of A (128 KB) stay in L2 across column blocks. */
  static final int ROW_TILE = 128;

  /**
   * C (+)= A · B, the one matmul of training, with A read through strides and B stored either way:
   *
   * <ul>
   *   <li>forward y = x · Wᵀ: A = x [n, in], B = Wᵀ read from W [out, in] ({@code bTransposed});
   *   <li>dX = dY · W: A = dY [n, out], B = W [out, in];
   *   <li>dW += dYᵀ · X: A = dYᵀ [out, n] (transposed by the caller), B = X [n, in].
   * </ul>
   *
   * C[r, i] = Σ_{k < inner} A(r, k) · B(k, i) with A(r, k) = a[aOff + r·aRow + k·aCol] and B(k, i)
   * = b[bOff + k·bStride + i] (or b[bOff + i·bStride + k] when bTransposed), for r < rows and i <
   * cols, in parallel over blocks of {@link #COLUMN_BLOCK} columns. Blocked as a GEMM: a tile of A
   * rows, a strip of B packed contiguous (DEPTH × COLUMN_BLOCK), a 4 × 2-vector register block.
   * Each element sums its terms in DEPTH slices in k order, whatever the split: bit-identical for
   * any thread count.
   *
   * @param accumulate add to C (gradients) instead of overwriting it
   */
  public static void matmulAB(
      KernelPool pool,
      float[] a,
      int aOff,
      int aRow,
      int aCol,
      int rows,
      int inner,
      float[] b,
      int bOff,
      int bStride,
      boolean bTransposed,
      float[] c,
      int cOff,
      int cStride,
      int cols,
      boolean accumulate) {
    int units = (cols + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
    pool.parallelFor(
        units,
        1,
        (worker, from, to) ->
            matmulAB(
                a,
                aOff,
                aRow,
                aCol,
                rows,
                inner,
                b,
                bOff,
                bStride,
                bTransposed,
                c,
                cOff,
                cStride,
                from * COLUMN_BLOCK,
                Math.min(cols, to * COLUMN_BLOCK),
                accumulate));
  }

  /**
   * {@link #matmulAB} for columns [i0, i1) on the calling thread; i0 must be a multiple of {@link
   * #COLUMN_BLOCK}.
   */
  public static void matmulAB(
      float[] a,
      int aOff,
      int aRow,
      int aCol,
      int rows,
      int inner,
      float[] b,
      int bOff,
      int bStride,
      boolean bTransposed,
      float[] c,
      int cOff,
      int cStride,
      int i0,
      int i1,
      boolean accumulate) {
    if (inner == 0) {
      if (!accumulate) {
        for (int r = 0; r < rows; r++) {
          java.util.Arrays.fill(c, cOff + r * cStride + i0, cOff + r * cStride + i1, 0f);
        }
      }
      return;
    }
    float[] pack = new float[DEPTH * COLUMN_BLOCK];
    float[] edge = new float[4 * COLUMN_BLOCK];
    for (int r0 = 0; r0 < rows; r0 += ROW_TILE) {
      int r1 = Math.min(rows, r0 + ROW_TILE);
      for (int i = i0; i < i1; i += COLUMN_BLOCK) {
        int width = Math.min(COLUMN_BLOCK, i1 - i);
        for (int k0 = 0; k0 < inner; k0 += DEPTH) {
          int depth = Math.min(DEPTH, inner - k0);
          pack(b, bOff, bStride, bTransposed, k0, depth, i, width, pack);
          boolean acc = accumulate || k0 > 0;
          int r = r0;
          for (; r + 4 <= r1; r += 4) {
            block4(
                a,
                aOff + r * aRow + k0 * aCol,
                aRow,
                aCol,
                depth,
                pack,
                c,
                cOff + r * cStride + i,
                cStride,
                width,
                acc,
                edge);
          }
          for (; r < r1; r++) {
            block1(
                a,
                aOff + r * aRow + k0 * aCol,
                aCol,
                depth,
                pack,
                c,
                cOff + r * cStride + i,
                width,
                acc,
                edge);
          }
        }
      }
    }
  }

  /** pack[k, j] = B(k0 + k, i + j) for k < depth, j < width; columns past width are 0. */
  private static void pack(
      float[] b,
      int bOff,
      int bStride,
      boolean transposed,
      int k0,
      int depth,
      int i,
      int width,
      float[] pack) {
    if (width < COLUMN_BLOCK) {
      java.util.Arrays.fill(pack, 0f);
    }
    if (!transposed) {
      for (int k = 0; k < depth; k++) {
        System.arraycopy(b, bOff + (k0 + k) * bStride + i, pack, k * COLUMN_BLOCK, width);
      }
    } else {
      for (int j = 0; j < width; j++) {
        int src = bOff + (i + j) * bStride + k0;
        for (int k = 0; k < depth; k++) {
          pack[k * COLUMN_BLOCK + j] = b[src + k];
        }
      }
    }
  }

  /** Four rows of A × the packed strip: 8 accumulators (fits AVX2's 16 registers). */
  private static void block4(
      float[] a,
      int a0,
      int aRow,
      int aCol,
      int depth,
      float[] pack,
      float[] c,
      int c0,
      int cStride,
      int width,
      boolean accumulate,
      float[] edge) {
    int a1 = a0 + aRow;
    int a2 = a1 + aRow;
    int a3 = a2 + aRow;
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    for (int k = 0; k < depth; k++) {
      FloatVector v0 = FloatVector.fromArray(F, pack, k * COLUMN_BLOCK);
      FloatVector v1 = FloatVector.fromArray(F, pack, k * COLUMN_BLOCK + L);
      int ak = k * aCol;
      FloatVector s = FloatVector.broadcast(F, a[a0 + ak]);
      c00 = v0.fma(s, c00);
      c01 = v1.fma(s, c01);
      s = FloatVector.broadcast(F, a[a1 + ak]);
      c10 = v0.fma(s, c10);
      c11 = v1.fma(s, c11);
      s = FloatVector.broadcast(F, a[a2 + ak]);
      c20 = v0.fma(s, c20);
      c21 = v1.fma(s, c21);
      s = FloatVector.broadcast(F, a[a3 + ak]);
      c30 = v0.fma(s, c30);
      c31 = v1.fma(s, c31);
    }
    if (width == COLUMN_BLOCK) {
      store(c00, c, c0, accumulate);
      store(c01, c, c0 + L, accumulate);
      store(c10, c, c0 + cStride, accumulate);
      store(c11, c, c0 + cStride + L, accumulate);
      store(c20, c, c0 + 2 * cStride, accumulate);
      store(c21, c, c0 + 2 * cStride + L, accumulate);
      store(c30, c, c0 + 3 * cStride, accumulate);
      store(c31, c, c0 + 3 * cStride + L, accumulate);
    } else {
      c00.intoArray(edge, 0);
      c01.intoArray(edge, L);
      c10.intoArray(edge, COLUMN_BLOCK);
      c11.intoArray(edge, COLUMN_BLOCK + L);
      c20.intoArray(edge, 2 * COLUMN_BLOCK);
      c21.intoArray(edge, 2 * COLUMN_BLOCK + L);
      c30.intoArray(edge, 3 * COLUMN_BLOCK);
      c31.intoArray(edge, 3 * COLUMN_BLOCK + L);
      for (int r = 0; r < 4; r++) {
        storeEdge(edge, r * COLUMN_BLOCK, c, c0 + r * cStride, width, accumulate);
      }
    }
  }

  /** One row of A × the packed strip (the same sums as {@link #block4}, lane by lane). */
  private static void block1(
      float[] a,
      int a0,
      int aCol,
      int depth,
      float[] pack,
      float[] c,
      int c0,
      int width,
      boolean accumulate,
      float[] edge) {
    FloatVector c0v = FloatVector.zero(F);
    FloatVector c1v = c0v;
    for (int k = 0; k < depth; k++) {
      FloatVector s = FloatVector.broadcast(F, a[a0 + k * aCol]);
      c0v = FloatVector.fromArray(F, pack, k * COLUMN_BLOCK).fma(s, c0v);
      c1v = FloatVector.fromArray(F, pack, k * COLUMN_BLOCK + L).fma(s, c1v);
    }
    if (width == COLUMN_BLOCK) {
      store(c0v, c, c0, accumulate);
      store(c1v, c, c0 + L, accumulate);
    } else {
      c0v.intoArray(edge, 0);
      c1v.intoArray(edge, L);
      storeEdge(edge, 0, c, c0, width, accumulate);
    }
  }

  private static void store(FloatVector v, float[] c, int off, boolean accumulate) {
    if (accumulate) {
      v = v.add(FloatVector.fromArray(F, c, off));
    }
    v.intoArray(c, off);
  }

  private static void storeEdge(
      float[] edge, int from, float[] c, int off, int width, boolean accumulate) {
    for (int j = 0; j < width; j++) {
      c[off + j] = accumulate ? c[off + j] + edge[from + j] : edge[from + j];
    }
  }

  // ---------------------------------------------------------------- RMSNorm

  /**
   * RMSNorm of one row: out = x · inv · w with inv = 1 / √(mean(x²) + eps), as Hugging Face's
   * LlamaRMSNorm. Returns inv (kept for the backward pass).
   */
  public static float rmsnorm(
      float[] out, int outOff, float[] x, int xOff, float[] w, int wOff, int dim, float eps) {
    FloatVector acc = FloatVector.zero(F);
    int upper = F.loopBound(dim);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      acc = v.fma(v, acc);
    }
    float ss = Kernels.sum(acc);
    for (; i < dim; i++) {
      ss = Math.fma(x[xOff + i], x[xOff + i], ss);
    }
    float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
    i = 0;
    for (; i < upper; i += L) {
      FloatVector.fromArray(F, x, xOff + i)
          .mul(inv)
          .mul(FloatVector.fromArray(F, w, wOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < dim; i++) {
      out[outOff + i] = x[xOff + i] * inv * w[wOff + i];
    }
    return inv;
  }

  /**
   * Backward of {@link #rmsnorm} for one row, h = x · inv · w: with g = dh ⊙ w,
   *
   * <pre>
   *   dx += inv · g − inv³ / dim · (g · x) · x
   *   dw += dh ⊙ x · inv           (when dw is not null)
   * </pre>
   */
  public static void rmsnormBackward(
      float[] dh,
      int dhOff,
      float[] x,
      int xOff,
      float inv,
      float[] w,
      int wOff,
      int dim,
      float[] dx,
      int dxOff,
      float[] dw,
      int dwOff) {
    FloatVector acc = FloatVector.zero(F);
    int upper = F.loopBound(dim);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector g =
          FloatVector.fromArray(F, dh, dhOff + i).mul(FloatVector.fromArray(F, w, wOff + i));
      acc = g.fma(FloatVector.fromArray(F, x, xOff + i), acc);
    }
    float gx = Kernels.sum(acc);
    for (; i < dim; i++) {
      gx = Math.fma(dh[dhOff + i] * w[wOff + i], x[xOff + i], gx);
    }
    float k = -inv * inv * inv * gx / dim;
    i = 0;
    for (; i < upper; i += L) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
      FloatVector dhv = FloatVector.fromArray(F, dh, dhOff + i);
      FloatVector g = dhv.mul(FloatVector.fromArray(F, w, wOff + i));
      g.mul(inv)
          .add(xv.mul(k))
          .add(FloatVector.fromArray(F, dx, dxOff + i))
          .intoArray(dx, dxOff + i);
      if (dw != null) {
        dhv.mul(xv).mul(inv).add(FloatVector.fromArray(F, dw, dwOff + i)).intoArray(dw, dwOff + i);
      }
    }
    for (; i < dim; i++) {
      float g = dh[dhOff + i] * w[wOff + i];
      dx[dxOff + i] += g * inv + x[xOff + i] * k;
      if (dw != null) {
        dw[dwOff + i] += dh[dhOff + i] * x[xOff + i] * inv;
      }
    }
  }

  // ---------------------------------------------------------------- SwiGLU

  /** act = silu(gate) · up = gate / (1 + e^−gate) · up, over len floats at off. */
  public static void swiglu(float[] gate, float[] up, float[] act, int off, int len) {
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector g = FloatVector.fromArray(F, gate, off + i);
      FloatVector e = Kernels.exp(g.neg());
      g.div(e.add(1f)).mul(FloatVector.fromArray(F, up, off + i)).intoArray(act, off + i);
    }
    for (; i < len; i++) {
      float g = gate[off + i];
      act[off + i] = g / (1f + Kernels.exp(-g)) * up[off + i];
    }
  }

  /**
   * Backward of {@link #swiglu}: with s = σ(g), silu(g) = g·s and silu'(g) = s·(1 + g·(1 − s)), dUp
   * = dAct · g·s and dGate = dAct · up · s·(1 + g·(1 − s)).
   */
  public static void swigluBackward(
      float[] dAct, float[] gate, float[] up, float[] dGate, float[] dUp, int off, int len) {
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector g = FloatVector.fromArray(F, gate, off + i);
      FloatVector d = FloatVector.fromArray(F, dAct, off + i);
      FloatVector s = Kernels.exp(g.neg()).add(1f);
      s = FloatVector.broadcast(F, 1f).div(s);
      d.mul(g).mul(s).intoArray(dUp, off + i);
      FloatVector ds = s.mul(g.mul(s.neg().add(1f)).add(1f));
      d.mul(FloatVector.fromArray(F, up, off + i)).mul(ds).intoArray(dGate, off + i);
    }
    for (; i < len; i++) {
      float g = gate[off + i];
      float d = dAct[off + i];
      float s = 1f / (Kernels.exp(-g) + 1f);
      dUp[off + i] = d * g * s;
      dGate[off + i] = d * up[off + i] * (s * (g * (1f - s) + 1f));
    }
  }

  // ---------------------------------------------------------------- cross-entropy

  /**
   * Softmax cross-entropy of one row of logits against {@code target}: returns −log
   * softmax(z)[target] (computed as log Σ e^(z − max) + max − z[target], in double) and, when
   * {@code gradient}, replaces the row with its gradient softmax(z) − onehot(target).
   */
  public static double crossEntropy(float[] z, int off, int vocab, int target, boolean gradient) {
    int upper = F.loopBound(vocab);
    float max = Float.NEGATIVE_INFINITY;
    int i = 0;
    if (upper > 0) {
      FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (; i < upper; i += L) {
        m = m.max(FloatVector.fromArray(F, z, off + i));
      }
      max = m.reduceLanes(VectorOperators.MAX); // exact in any order
    }
    for (; i < vocab; i++) {
      max = Math.max(max, z[off + i]);
    }
    float zt = z[off + target];
    FloatVector acc = FloatVector.zero(F);
    i = 0;
    for (; i < upper; i += L) {
      FloatVector e = Kernels.exp(FloatVector.fromArray(F, z, off + i).sub(max));
      if (gradient) {
        e.intoArray(z, off + i);
      }
      acc = acc.add(e);
    }
    float sum = Kernels.sum(acc);
    for (; i < vocab; i++) {
      float e = Kernels.exp(z[off + i] - max);
      if (gradient) {
        z[off + i] = e;
      }
      sum += e;
    }
    double loss = Math.log(sum) + max - zt;
    if (gradient) {
      float inv = 1f / sum;
      i = 0;
      for (; i < upper; i += L) {
        FloatVector.fromArray(F, z, off + i).mul(inv).intoArray(z, off + i);
      }
      for (; i < vocab; i++) {
        z[off + i] *= inv;
      }
      z[off + target] -= 1f;
    }
    return loss;
  }

  // ---------------------------------------------------------------- attention

  /**
   * Backward of one attention head of one query (openlora's {@link Kernels#attention} forward),
   * first half: recomputes the probabilities P over keys [first, end), then
   *
   * <pre>
   *   dP_j = dO · v_j,   dS_j = P_j (dP_j − Σ_i P_i dP_i),   dq = scale · Σ_j dS_j k_j
   * </pre>
   *
   * P and dS are written to {@code p} and {@code ds} at pOff + j (j the key position) for the
   * key/value half ({@link #attentionKvBackward}), which sums them over queries.
   */
  public static void attentionBackward(
      float[] q,
      int qOff,
      float[] keys,
      float[] values,
      int kvStride,
      int kvCol,
      int first,
      int end,
      int headDim,
      float[] dOut,
      int dOutOff,
      float[] p,
      float[] ds,
      int pOff,
      float[] dq,
      int dqOff) {
    float scale = (float) (1.0 / Math.sqrt(headDim));
    int n = end - first;
    int base = pOff + first;
    for (int j = 0; j < n; j++) {
      p[base + j] = Kernels.dot(q, qOff, keys, (first + j) * kvStride + kvCol, headDim) * scale;
    }
    Kernels.softmax(p, base, n);
    float dot = 0;
    for (int j = 0; j < n; j++) {
      float dp = Kernels.dot(dOut, dOutOff, values, (first + j) * kvStride + kvCol, headDim);
      ds[base + j] = dp;
      dot = Math.fma(p[base + j], dp, dot);
    }
    java.util.Arrays.fill(dq, dqOff, dqOff + headDim, 0f);
    for (int j = 0; j < n; j++) {
      float s = p[base + j] * (ds[base + j] - dot);
      ds[base + j] = s;
      Kernels.axpy(s * scale, keys, (first + j) * kvStride + kvCol, dq, dqOff, headDim);
    }
  }

  /**
   * Backward of attention, second half, for key/value position {@code pos} of one kv head: sums
   * over the queries t in [pos, lastQuery] and the query heads h of the group that read it
   *
   * <pre>
   *   dk_pos = scale · Σ_h Σ_t dS[h, t, pos] q[t, h],   dv_pos = Σ_h Σ_t P[h, t, pos] dO[t, h]
   * </pre>
   *
   * with P and dS laid out [heads, n, n] (row (h, t) at (h·n + t)·n).
   */
  public static void attentionKvBackward(
      int pos,
      int lastQuery,
      int kvHead,
      int group,
      int n,
      int headDim,
      float[] q,
      int qStride,
      float[] dOut,
      float[] p,
      float[] ds,
      float[] dk,
      float[] dv,
      int kvStride) {
    float scale = (float) (1.0 / Math.sqrt(headDim));
    int kOff = pos * kvStride + kvHead * headDim;
    java.util.Arrays.fill(dk, kOff, kOff + headDim, 0f);
    java.util.Arrays.fill(dv, kOff, kOff + headDim, 0f);
    for (int h = kvHead * group; h < (kvHead + 1) * group; h++) {
      for (int t = pos; t <= lastQuery; t++) {
        int row = (h * n + t) * n + pos;
        int qOff = t * qStride + h * headDim;
        Kernels.axpy(ds[row] * scale, q, qOff, dk, kOff, headDim);
        Kernels.axpy(p[row], dOut, qOff, dv, kOff, headDim);
      }
    }
  }

  // ---------------------------------------------------------------- small helpers

  /** dst [cols, rows] = srcᵀ for src [rows, cols] at srcOff. */
  public static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst) {
    transposeColumns(src, srcOff, rows, cols, dst, 0, cols);
  }

  /** {@link #transpose} in parallel over blocks of 16 rows of dst. */
  public static void transpose(
      KernelPool pool, float[] src, int srcOff, int rows, int cols, float[] dst) {
    pool.parallelFor(
        cols, 16, (worker, from, to) -> transposeColumns(src, srcOff, rows, cols, dst, from, to));
  }

  /**
   * Rows [from, to) of dst = columns [from, to) of src, 16 at a time: each src row contributes 16
   * contiguous floats to 16 dst rows.
   */
  private static void transposeColumns(
      float[] src, int srcOff, int rows, int cols, float[] dst, int from, int to) {
    for (int c0 = from; c0 < to; c0 += 16) {
      int c1 = Math.min(to, c0 + 16);
      for (int r = 0; r < rows; r++) {
        int s = srcOff + r * cols;
        for (int c = c0; c < c1; c++) {
          dst[c * rows + r] = src[s + c];
        }
      }
    }
  }

  /** y[i] = a · x[i] for i < len. */
  public static void scale(float a, float[] x, float[] y, int len) {
    for (int i = 0; i < len; i++) {
      y[i] = a * x[i];
    }
  }
}
