package io.openledger.attribution.influence;

import java.util.List;

/**
 * TRAK-style random projection of gradients (Park et al. 2023): {@code φ = P g} with {@code P} a
 * {@code [k, d]} Rademacher matrix, entries {@code ±1/√k}, so inner products are preserved in
 * expectation ({@code E[φ_aᵀφ_b] = g_aᵀg_b}) and within Johnson-Lindenstrauss bounds with high
 * probability.
 *
 * <p>{@code P} is never stored: the signs of column {@code i} (the {@code k} entries that multiply
 * gradient coordinate {@code i}) are the bits of SplitMix64 outputs number {@code i·⌈k/64⌉ + w},
 * {@code w = 0..⌈k/64⌉-1}, of the stream seeded with {@code mix64(seed)}: bit {@code t mod 64} of
 * output {@code w = t / 64} gives row {@code t}, a set bit meaning {@code -1/√k}. A column depends
 * only on {@code (seed, k, i)}, so a gradient can be projected span by span (a layer at a time, at
 * its absolute coordinates) and the spans' projections add up to the whole's; memory is {@code
 * O(k)} whatever {@code d} is, and the same seed gives the same bits on every machine.
 */
public final class GradientSketch {
  /** SplitMix64's increment (the golden ratio in 64 bits). */
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private final long seed;
  private final int k;
  private final int words;
  private final long state;
  private final double scale;

  /**
   * @param seed the projection's seed (recorded with the sketches: scoring a new gradient needs it)
   * @param k the sketch's dimension
   */
  public GradientSketch(long seed, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("sketch dimension must be at least 1, got " + k);
    }
    this.seed = seed;
    this.k = k;
    this.words = (k + 63) / 64;
    this.state = mix64(seed);
    this.scale = 1 / Math.sqrt(k);
  }

  public long seed() {
    return seed;
  }

  /** The sketch's dimension {@code k}. */
  public int dimension() {
    return k;
  }

  /**
   * Adds {@code P[:, first .. first+length) · g[from .. from+length)} to {@code out[outOffset ..
   * outOffset+k)}: the projection of a span of a gradient whose first element is coordinate {@code
   * first} of the whole gradient.
   */
  public void accumulate(float[] g, int from, int length, long first, double[] out, int outOffset) {
    for (int c = 0; c < length; c++) {
      float gc = g[from + c];
      if (gc == 0) {
        continue;
      }
      double v = gc * scale;
      long n = (first + c) * words;
      for (int w = 0; w < words; w++) {
        long bits = mix64(state + (n + w) * GAMMA);
        int base = outOffset + 64 * w;
        int rows = Math.min(64, k - 64 * w);
        for (int b = 0; b < rows; b++) {
          // bit set: -v, clear: +v
          out[base + b] += v - 2 * v * ((bits >>> b) & 1);
        }
      }
    }
  }

  /** {@code P g} of a whole gradient: {@code [d] -> [k]}. */
  public float[] project(float[] g) {
    double[] acc = new double[k];
    accumulate(g, 0, g.length, 0, acc, 0);
    return toFloats(acc);
  }

  /**
   * One sketch per layer, concatenated: {@code [d] -> [layers.size() · k]}, layer {@code l}'s at
   * {@code [l·k, (l+1)·k)}. Each layer is projected at its absolute coordinates, so the layers'
   * sketches sum to {@link #project(float[])} of the whole (up to rounding).
   */
  public float[] projectLayers(float[] g, List<DataInf.Layer> layers) {
    double[] acc = new double[layers.size() * k];
    for (int l = 0; l < layers.size(); l++) {
      DataInf.Layer layer = layers.get(l);
      accumulate(g, layer.offset(), layer.length(), layer.offset(), acc, l * k);
    }
    return toFloats(acc);
  }

  /** The layout of {@link #projectLayers} output, as layers of {@code k} each. */
  public List<DataInf.Layer> sketchLayers(List<DataInf.Layer> layers) {
    return java.util.stream.IntStream.range(0, layers.size())
        .mapToObj(l -> new DataInf.Layer(layers.get(l).name(), l * k, k))
        .toList();
  }

  private static float[] toFloats(double[] acc) {
    float[] out = new float[acc.length];
    for (int i = 0; i < acc.length; i++) {
      out[i] = (float) acc[i];
    }
    return out;
  }

  // SplitMix64's output function (Steele, Lea, Flood 2014), as java.util.SplittableRandom
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
