package io.openledger.openlora.model;

/**
 * cos and sin of every (position, frequency) pair: [positions, headDim/2] each, computed in double
 * from transformers' inverse frequencies for the config's rope type (default, linear, llama3,
 * dynamic within max_position_embeddings, yarn with its attention factor on cos and sin).
 */
public final class RopeTable {
  final float[] cos;
  final float[] sin;
  final int half;

  public RopeTable(LlamaConfig c, int positions) {
    half = c.headDim() / 2;
    double[] invFreq = inverseFrequencies(c);
    double scale = c.rope().attentionFactor();
    cos = new float[positions * half];
    sin = new float[positions * half];
    for (int p = 0; p < positions; p++) {
      for (int i = 0; i < half; i++) {
        double a = p * invFreq[i];
        cos[p * half + i] = (float) (Math.cos(a) * scale);
        sin[p * half + i] = (float) (Math.sin(a) * scale);
      }
    }
  }

  static double[] inverseFrequencies(LlamaConfig c) {
    int dim = c.headDim();
    LlamaConfig.Rope r = c.rope();
    double[] f = new double[dim / 2];
    for (int i = 0; i < f.length; i++) {
      f[i] = 1.0 / Math.pow(r.theta(), (2.0 * i) / dim);
    }
    switch (r.type()) {
      case "linear" -> {
        for (int i = 0; i < f.length; i++) {
          f[i] /= r.factor();
        }
      }
      case "llama3" -> llama3(f, r);
      case "yarn" -> yarn(f, r, dim);
      default -> {} // default, and dynamic within max_position_embeddings
    }
    return f;
  }

  /** Llama 3.1: long wavelengths divided by factor, short ones kept, a smooth ramp between. */
  private static void llama3(double[] f, LlamaConfig.Rope s) {
    double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
    double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
    for (int i = 0; i < f.length; i++) {
      double wavelen = 2 * Math.PI / f[i];
      if (wavelen > lowWavelen) {
        f[i] = f[i] / s.factor();
      } else if (wavelen >= highWavelen) {
        double smooth =
            (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                / (s.highFreqFactor() - s.lowFreqFactor());
        f[i] = (1 - smooth) * f[i] / s.factor() + smooth * f[i];
      }
    }
  }

  /** YaRN: interpolated (f / factor) and extrapolated (f) frequencies blended by a linear ramp. */
  private static void yarn(double[] f, LlamaConfig.Rope r, int dim) {
    double low = correctionDim(r.betaFast(), dim, r.theta(), r.originalMaxPositions());
    double high = correctionDim(r.betaSlow(), dim, r.theta(), r.originalMaxPositions());
    if (r.truncate()) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    low = Math.max(low, 0);
    high = Math.min(high, dim - 1);
    if (low == high) {
      high += 0.001; // transformers' guard against a zero-width ramp
    }
    for (int i = 0; i < f.length; i++) {
      double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
      double extrapolation = 1 - ramp;
      f[i] = f[i] / r.factor() * (1 - extrapolation) + f[i] * extrapolation;
    }
  }

  private static double correctionDim(double rotations, int dim, double base, int maxPositions) {
    return dim * Math.log(maxPositions / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
  }

  /** Offset of position {@code pos} in the tables. */
  public int offset(int pos) {
    return pos * half;
  }

  /** cos [positions, headDim/2] (the attention factor included), read-only by contract. */
  public float[] cos() {
    return cos;
  }

  /** sin [positions, headDim/2] (the attention factor included), read-only by contract. */
  public float[] sin() {
    return sin;
  }
}
