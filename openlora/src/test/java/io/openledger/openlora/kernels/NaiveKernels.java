package io.openledger.openlora.kernels;

/** Textbook versions of every kernel, in double precision, for comparison. */
final class NaiveKernels {
  private NaiveKernels() {}

  /** y[t, j] = Σ_i x[t, i] w[j, i]; w is [out, in] as float rows. */
  static float[] matmul(float[] x, int n, int in, float[][] w) {
    float[] y = new float[n * w.length];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < w.length; j++) {
        double s = 0;
        for (int i = 0; i < in; i++) {
          s += (double) x[t * in + i] * w[j][i];
        }
        y[t * w.length + j] = (float) s;
      }
    }
    return y;
  }

  static float[] rmsnorm(float[] x, float[] w, float eps) {
    double ss = 0;
    for (float v : x) {
      ss += (double) v * v;
    }
    double scale = 1 / Math.sqrt(ss / x.length + eps);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (x[i] * scale * w[i]);
    }
    return out;
  }

  static float[] softmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] e = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      sum += e[i] = Math.exp(x[i] - max);
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (e[i] / sum);
    }
    return out;
  }

  /** rotate_half RoPE of one head at angle pos · invFreq[i]. */
  static float[] rope(float[] head, int pos, double[] invFreq) {
    int half = head.length / 2;
    float[] out = new float[head.length];
    for (int i = 0; i < half; i++) {
      double a = pos * invFreq[i];
      double c = Math.cos(a);
      double s = Math.sin(a);
      out[i] = (float) (head[i] * c - head[i + half] * s);
      out[i + half] = (float) (head[i + half] * c + head[i] * s);
    }
    return out;
  }

  static float[] swiglu(float[] g, float[] u) {
    float[] out = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      out[i] = (float) (g[i] / (1 + Math.exp(-g[i])) * u[i]);
    }
    return out;
  }

  /** softmax(q·K/√d)·V over positions 0..n-1. */
  static float[] attention(float[] q, float[][] keys, float[][] values) {
    int n = keys.length;
    int d = q.length;
    double[] s = new double[n];
    double max = Double.NEGATIVE_INFINITY;
    for (int p = 0; p < n; p++) {
      double dot = 0;
      for (int i = 0; i < d; i++) {
        dot += (double) q[i] * keys[p][i];
      }
      s[p] = dot / Math.sqrt(d);
      max = Math.max(max, s[p]);
    }
    double sum = 0;
    for (int p = 0; p < n; p++) {
      sum += s[p] = Math.exp(s[p] - max);
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      double acc = 0;
      for (int p = 0; p < n; p++) {
        acc += s[p] / sum * values[p][i];
      }
      out[i] = (float) acc;
    }
    return out;
  }

  /** y + scale · (x · Aᵀ) · Bᵀ with A [r, in], B [out, r]. */
  static float[] lora(float[] x, int n, int in, float[][] a, float[][] b, float scale, float[] y) {
    int r = a.length;
    int out = b.length;
    float[] res = y.clone();
    for (int t = 0; t < n; t++) {
      double[] tmp = new double[r];
      for (int k = 0; k < r; k++) {
        for (int i = 0; i < in; i++) {
          tmp[k] += (double) x[t * in + i] * a[k][i];
        }
      }
      for (int j = 0; j < out; j++) {
        double s = 0;
        for (int k = 0; k < r; k++) {
          s += tmp[k] * b[j][k];
        }
        res[t * out + j] += (float) (scale * s);
      }
    }
    return res;
  }
}
