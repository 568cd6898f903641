package io.openledger.openlora.model;

/**
 * An adapter in the form the kernels use: per (layer, projection) the shrink matrix A [rank, in]
 * (PEFT's lora_A as stored) and the expand matrix Bᵀ [rank, out] (PEFT's lora_B [out, rank],
 * transposed once at load so expand is a contiguous axpy), and the scale alpha / r.
 */
public final class LoraWeights {

  /** One adapted projection. */
  public record Layer(float[] a, float[] bt, int rank, int in, int out, float scale) {
    public Layer {
      if (a.length != rank * in || bt.length != rank * out) {
        throw new IllegalArgumentException("LoRA layer arrays do not match rank/in/out");
      }
    }

    public long bytes() {
      return 4L * (a.length + bt.length);
    }
  }

  private final String id;
  private final Layer[][] layers; // [layer][projection ordinal], null where not adapted
  private final long bytes;
  private final int maxRank;

  public LoraWeights(String id, Layer[][] layers) {
    this.id = id;
    this.layers = layers;
    long b = 0;
    int r = 0;
    for (Layer[] byProj : layers) {
      for (Layer l : byProj) {
        if (l != null) {
          b += l.bytes();
          r = Math.max(r, l.rank());
        }
      }
    }
    this.bytes = b;
    this.maxRank = r;
  }

  public String id() {
    return id;
  }

  /** The adapted projection, or null when this adapter leaves it alone. */
  public Layer layer(int layer, Projection p) {
    return layers[layer][p.ordinal()];
  }

  public int layerCount() {
    return layers.length;
  }

  /** Bytes of A and Bᵀ arrays. */
  public long bytes() {
    return bytes;
  }

  public int maxRank() {
    return maxRank;
  }
}
