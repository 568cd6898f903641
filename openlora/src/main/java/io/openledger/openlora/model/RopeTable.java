package io.openledger.openlora.model;

/**
 * cos and sin of every (position, frequency) pair: [positions, headDim/2] each, computed in double
 * from Hugging Face's inverse frequencies (with Llama 3 scaling when configured).
 */
public final class RopeTable {
  final float[] cos;
  final float[] sin;
  final int half;

  public RopeTable(LlamaConfig c, int positions) {
    half = c.headDim() / 2;
    double[] invFreq = inverseFrequencies(c);
    cos = new float[positions * half];
    sin = new float[positions * half];
    for (int p = 0; p < positions; p++)
      for (int i = 0; i < half; i++) {
        double a = p * invFreq[i];
        cos[p * half + i] = (float) Math.cos(a);
        sin[p * half + i] = (float) Math.sin(a);
      }
  }

  static double[] inverseFrequencies(LlamaConfig c) {
    int dim = c.headDim();
    double[] f = new double[dim / 2];
    for (int i = 0; i < f.length; i++) f[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / dim);
    LlamaConfig.RopeScaling s = c.ropeScaling();
    if (s != null && s.type().equals("llama3")) {
      double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
      double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
      for (int i = 0; i < f.length; i++) {
        double wavelen = 2 * Math.PI / f[i];
        if (wavelen > lowWavelen) f[i] = f[i] / s.factor();
        else if (wavelen >= highWavelen) {
          double smooth =
              (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                  / (s.highFreqFactor() - s.lowFreqFactor());
          f[i] = (1 - smooth) * f[i] / s.factor() + smooth * f[i];
        }
      }
    }
    return f;
  }

  /** Offset of position {@code pos} in the tables. */
  int offset(int pos) {
    return pos * half;
  }
}
