package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.kernels.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every training kernel against a naive double-precision twin on seeded random shapes, including
 * lengths that are not multiples of the vector width and row counts not multiples of the blocks.
 */
class TrainingKernelsTest {
  static final SplittableRandom SEED = new SplittableRandom(20261202);
  static KernelPool pool;

  @BeforeAll
  static void start() {
    pool = new KernelPool(3);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  static float[] gaussian(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static void assertClose(float[] actual, double[] expected, double tol, String what) {
    assertThat(actual.length).as(what).isGreaterThanOrEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("%s at %d: %s vs %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(tol * (1 + Math.abs(expected[i])));
    }
  }

  /**
   * The three uses (forward with Wᵀ read from W, dX with A rows, dW with A read down its columns),
   * tails in every dimension, both storage orders of B; and a split at any column block boundary
   * gives bit-identical results (what makes training independent of the thread count).
   */
  @Test
  void matmulABMatchesNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 400; c++) {
      int rows = 1 + r.nextInt(c % 10 == 0 ? 300 : 11);
      int inner = 1 + r.nextInt(c % 7 == 0 ? 700 : 40);
      int cols = 1 + r.nextInt(60);
      boolean transposedA = r.nextBoolean();
      boolean transposedB = r.nextBoolean();
      boolean accumulate = r.nextBoolean();
      float[] a = gaussian(r, rows * inner);
      int aRow = transposedA ? 1 : inner;
      int aCol = transposedA ? rows : 1;
      int bOff = r.nextInt(3);
      int bStride = transposedB ? inner : cols;
      float[] b = gaussian(r, bOff + inner * cols);
      float[] cArr = gaussian(r, rows * cols);
      double[] e = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          double s = accumulate ? cArr[i * cols + j] : 0;
          for (int k = 0; k < inner; k++) {
            float bv = transposedB ? b[bOff + j * bStride + k] : b[bOff + k * bStride + j];
            s += (double) a[i * aRow + k * aCol] * bv;
          }
          e[i * cols + j] = s;
        }
      }
      float[] once = cArr.clone();
      TrainingKernels.matmulAB(
          pool,
          a,
          0,
          aRow,
          aCol,
          rows,
          inner,
          b,
          bOff,
          bStride,
          transposedB,
          once,
          0,
          cols,
          cols,
          accumulate);
      assertClose(once, e, 1e-5 * Math.sqrt(inner), "case " + c);
      float[] split = cArr.clone();
      int cut = TrainingKernels.COLUMN_BLOCK * r.nextInt(cols / TrainingKernels.COLUMN_BLOCK + 1);
      TrainingKernels.matmulAB(
          a,
          0,
          aRow,
          aCol,
          rows,
          inner,
          b,
          bOff,
          bStride,
          transposedB,
          split,
          0,
          cols,
          0,
          cut,
          accumulate);
      TrainingKernels.matmulAB(
          a,
          0,
          aRow,
          aCol,
          rows,
          inner,
          b,
          bOff,
          bStride,
          transposedB,
          split,
          0,
          cols,
          cut,
          cols,
          accumulate);
      assertThat(split).as("case %d split at %d", c, cut).isEqualTo(once);
    }
  }

  @Test
  void transposeMatchesNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 50; c++) {
      int rows = 1 + r.nextInt(40);
      int cols = 1 + r.nextInt(40);
      int off = r.nextInt(3);
      float[] src = gaussian(r, off + rows * cols);
      float[] dst = new float[rows * cols];
      TrainingKernels.transpose(pool, src, off, rows, cols, dst);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          assertThat(dst[j * rows + i]).isEqualTo(src[off + i * cols + j]);
        }
      }
    }
  }

  @Test
  void rmsnormAndItsBackwardMatchNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 200; c++) {
      int dim = 1 + r.nextInt(70);
      float eps = 1e-5f;
      float[] x = gaussian(r, dim);
      float[] w = gaussian(r, dim);
      float[] dh = gaussian(r, dim);
      float[] out = new float[dim];
      float inv = TrainingKernels.rmsnorm(out, 0, x, 0, w, 0, dim, eps);
      double ss = 0;
      for (float v : x) {
        ss += (double) v * v;
      }
      double ei = 1 / Math.sqrt(ss / dim + eps);
      double[] eOut = new double[dim];
      double gx = 0;
      for (int i = 0; i < dim; i++) {
        eOut[i] = x[i] * ei * w[i];
        gx += (double) dh[i] * w[i] * x[i];
      }
      assertThat((double) inv).isCloseTo(ei, org.assertj.core.data.Offset.offset(1e-5 * ei));
      assertClose(out, eOut, 1e-5, "rmsnorm case " + c);
      float[] dx = gaussian(r, dim);
      float[] dw = gaussian(r, dim);
      double[] eDx = new double[dim];
      double[] eDw = new double[dim];
      for (int i = 0; i < dim; i++) {
        eDx[i] = dx[i] + ei * dh[i] * w[i] - ei * ei * ei / dim * gx * x[i];
        eDw[i] = dw[i] + dh[i] * x[i] * ei;
      }
      TrainingKernels.rmsnormBackward(dh, 0, x, 0, inv, w, 0, dim, dx, 0, dw, 0);
      assertClose(dx, eDx, 1e-4, "rmsnorm dx case " + c);
      assertClose(dw, eDw, 1e-4, "rmsnorm dw case " + c);
    }
  }

  @Test
  void swigluAndItsBackwardMatchNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 100; c++) {
      int len = 1 + r.nextInt(90);
      float[] g = gaussian(r, len);
      float[] u = gaussian(r, len);
      float[] d = gaussian(r, len);
      g[0] = c % 2 == 0 ? 30f : -30f; // saturated sigmoid
      float[] act = new float[len];
      float[] dg = new float[len];
      float[] du = new float[len];
      TrainingKernels.swiglu(g, u, act, 0, len);
      TrainingKernels.swigluBackward(d, g, u, dg, du, 0, len);
      double[] eAct = new double[len];
      double[] eDg = new double[len];
      double[] eDu = new double[len];
      for (int i = 0; i < len; i++) {
        double s = 1 / (1 + Math.exp(-g[i]));
        eAct[i] = g[i] * s * u[i];
        eDu[i] = d[i] * g[i] * s;
        eDg[i] = d[i] * u[i] * (s + g[i] * s * (1 - s));
      }
      assertClose(act, eAct, 1e-5, "swiglu case " + c);
      assertClose(dg, eDg, 1e-5, "swiglu dgate case " + c);
      assertClose(du, eDu, 1e-5, "swiglu dup case " + c);
    }
  }

  @Test
  void crossEntropyMatchesNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 100; c++) {
      int vocab = 2 + r.nextInt(100);
      float[] z = gaussian(r, vocab);
      for (int i = 0; i < vocab; i++) {
        z[i] *= 5;
      }
      int target = r.nextInt(vocab);
      double max = Double.NEGATIVE_INFINITY;
      for (float v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : z) {
        sum += Math.exp(v - max);
      }
      double eLoss = Math.log(sum) + max - z[target];
      double[] eGrad = new double[vocab];
      for (int i = 0; i < vocab; i++) {
        eGrad[i] = Math.exp(z[i] - max) / sum - (i == target ? 1 : 0);
      }
      float[] copy = z.clone();
      assertThat(TrainingKernels.crossEntropy(copy, 0, vocab, target, false))
          .isCloseTo(eLoss, org.assertj.core.data.Offset.offset(1e-5 * (1 + eLoss)));
      assertThat(copy).isEqualTo(z);
      double loss = TrainingKernels.crossEntropy(z, 0, vocab, target, true);
      assertThat(loss).isCloseTo(eLoss, org.assertj.core.data.Offset.offset(1e-5 * (1 + eLoss)));
      assertClose(z, eGrad, 1e-5, "cross-entropy gradient case " + c);
    }
  }

  /**
   * Both halves of the attention backward against a naive double backward of causal GQA attention
   * (with and without a sliding window).
   */
  @Test
  void attentionBackwardMatchesNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 40; c++) {
      int n = 1 + r.nextInt(9);
      int kvHeads = 1 + r.nextInt(2);
      int group = 1 + r.nextInt(3);
      int heads = kvHeads * group;
      int hd = 2 * (1 + r.nextInt(9));
      int window = r.nextBoolean() ? 0 : 1 + r.nextInt(4);
      int qDim = heads * hd;
      int kvDim = kvHeads * hd;
      float[] q = gaussian(r, n * qDim);
      float[] k = gaussian(r, n * kvDim);
      float[] v = gaussian(r, n * kvDim);
      float[] dOut = gaussian(r, n * qDim);
      float[] p = new float[heads * n * n];
      float[] ds = new float[heads * n * n];
      float[] dq = new float[n * qDim];
      float[] dk = new float[n * kvDim];
      float[] dv = new float[n * kvDim];
      for (int t = 0; t < n; t++) {
        for (int h = 0; h < heads; h++) {
          int first = window > 0 ? Math.max(0, t + 1 - window) : 0;
          TrainingKernels.attentionBackward(
              q,
              t * qDim + h * hd,
              k,
              v,
              kvDim,
              (h / group) * hd,
              first,
              t + 1,
              hd,
              dOut,
              t * qDim + h * hd,
              p,
              ds,
              (h * n + t) * n,
              dq,
              t * qDim + h * hd);
        }
      }
      for (int pos = 0; pos < n; pos++) {
        for (int g = 0; g < kvHeads; g++) {
          int last = window > 0 ? Math.min(n - 1, pos + window - 1) : n - 1;
          TrainingKernels.attentionKvBackward(
              pos, last, g, group, n, hd, q, qDim, dOut, p, ds, dk, dv, kvDim);
        }
      }
      double[] eDq = new double[n * qDim];
      double[] eDk = new double[n * kvDim];
      double[] eDv = new double[n * kvDim];
      double scale = 1 / Math.sqrt(hd);
      for (int t = 0; t < n; t++) {
        for (int h = 0; h < heads; h++) {
          int kv = (h / group) * hd;
          int first = window > 0 ? Math.max(0, t + 1 - window) : 0;
          double[] s = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = first; j <= t; j++) {
            for (int i = 0; i < hd; i++) {
              s[j] += (double) q[t * qDim + h * hd + i] * k[j * kvDim + kv + i];
            }
            s[j] *= scale;
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (int j = first; j <= t; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          double[] dp = new double[t + 1];
          double dot = 0;
          for (int j = first; j <= t; j++) {
            s[j] /= sum;
            for (int i = 0; i < hd; i++) {
              dp[j] += (double) dOut[t * qDim + h * hd + i] * v[j * kvDim + kv + i];
            }
            dot += s[j] * dp[j];
          }
          for (int j = first; j <= t; j++) {
            double dsj = s[j] * (dp[j] - dot);
            for (int i = 0; i < hd; i++) {
              eDq[t * qDim + h * hd + i] += scale * dsj * k[j * kvDim + kv + i];
              eDk[j * kvDim + kv + i] += scale * dsj * q[t * qDim + h * hd + i];
              eDv[j * kvDim + kv + i] += s[j] * dOut[t * qDim + h * hd + i];
            }
          }
        }
      }
      String what =
          "case " + c + " n " + n + " heads " + heads + "/" + kvHeads + " window " + window;
      assertClose(dq, eDq, 1e-4, what + " dq");
      assertClose(dk, eDk, 1e-4, what + " dk");
      assertClose(dv, eDv, 1e-4, what + " dv");
    }
  }

  @Test
  void ropeWithNegatedSinIsTheInverseRotation() {
    SplittableRandom r = SEED.split();
    int hd = 10;
    float[] cos = new float[hd / 2];
    float[] sin = new float[hd / 2];
    float[] neg = new float[hd / 2];
    for (int i = 0; i < hd / 2; i++) {
      double a = r.nextDouble(-3, 3);
      cos[i] = (float) Math.cos(a);
      sin[i] = (float) Math.sin(a);
      neg[i] = -sin[i];
    }
    float[] x = gaussian(r, 3 * hd);
    float[] y = x.clone();
    Kernels.rope(y, 0, 3, hd, cos, sin, 0);
    Kernels.rope(y, 0, 3, hd, cos, neg, 0);
    double[] e = new double[x.length];
    Arrays.setAll(e, i -> x[i]);
    assertClose(y, e, 1e-6, "rope then inverse");
  }
}
