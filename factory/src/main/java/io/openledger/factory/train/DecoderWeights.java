package io.openledger.factory.train;

import io.openledger.openlora.model.Projection;

/**
 * Where every tensor of a Llama-family decoder lives for {@link TrainingPass}: in a frozen array
 * (the base model of LoRA training) or in the trainable {@link Parameters}, whose gradient sits at
 * the same offset of the gradient array.
 *
 * @param embed token embeddings [vocab, hidden]
 * @param layers the decoder layers
 * @param finalNorm the final RMSNorm weight [hidden]
 * @param head lm_head [vocab, hidden]; the same reference as embed when the embeddings are tied
 */
public record DecoderWeights(Ref embed, Layer[] layers, Ref finalNorm, Ref head) {

  /**
   * A tensor at {@code offset} of {@code data}.
   *
   * @param trainable data is the parameter array and the gradient lives at the same offset
   */
  public record Ref(float[] data, int offset, boolean trainable) {
    public static Ref frozen(float[] data) {
      return new Ref(data, 0, false);
    }
  }

  /**
   * A LoRA pair on one projection, both in the parameter array: A [rank, in] (PEFT's lora_A) and B
   * [out, rank] (lora_B); the projection's output gains scale · x·Aᵀ·Bᵀ.
   */
  public record Lora(int aOffset, int bOffset, int rank, float scale) {}

  /**
   * One decoder layer. Biases (Qwen2's q/k/v) are frozen arrays or null; lora entries are null
   * where a projection is not adapted.
   *
   * @param projections indexed by {@link Projection#ordinal()}
   * @param lora indexed by {@link Projection#ordinal()}
   */
  public record Layer(
      Ref attnNorm,
      Ref[] projections,
      float[] qBias,
      float[] kBias,
      float[] vBias,
      Ref ffnNorm,
      Lora[] lora) {
    public Ref weight(Projection p) {
      return projections[p.ordinal()];
    }

    public Lora lora(Projection p) {
      return lora[p.ordinal()];
    }

    float[] bias(Projection p) {
      return switch (p) {
        case Q_PROJ -> qBias;
        case K_PROJ -> kBias;
        case V_PROJ -> vBias;
        default -> null;
      };
    }
  }

  /** The largest LoRA rank of any projection (0 without adapters). */
  public int maxRank() {
    int r = 0;
    for (Layer l : layers) {
      for (Lora lo : l.lora()) {
        if (lo != null) {
          r = Math.max(r, lo.rank());
        }
      }
    }
    return r;
  }
}
