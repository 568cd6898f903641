package io.openledger.openlora.model;

import io.openledger.openlora.kernels.Matrix;
import io.openledger.openlora.safetensors.ModelTensors;
import io.openledger.openlora.safetensors.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Llama-family model's weights. F32 and BF16 linear layers are views into the mapped safetensors
 * files (never copied); F16 ones are converted to F32 once at load; with int8 enabled every linear
 * layer is quantized per output row. Norms and biases are small and copied to arrays.
 */
public final class LlamaModel implements AutoCloseable {

  /** One decoder layer. Biases are null unless the config has attention biases (Qwen2). */
  public record Layer(
      float[] attnNorm,
      Matrix[] projections,
      float[] qBias,
      float[] kBias,
      float[] vBias,
      float[] ffnNorm) {
    public Matrix weight(Projection p) {
      return projections[p.ordinal()];
    }
  }

  private final LlamaConfig config;
  private final Layer[] layers;
  private final Matrix embed;
  private final float[] finalNorm;
  private final Matrix lmHead;
  private final ModelTensors files;
  private final Arena arena;
  private final String format;

  private LlamaModel(
      LlamaConfig config,
      Layer[] layers,
      Matrix embed,
      float[] finalNorm,
      Matrix lmHead,
      ModelTensors files,
      Arena arena,
      String format) {
    this.config = config;
    this.layers = layers;
    this.embed = embed;
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
    this.files = files;
    this.arena = arena;
    this.format = format;
  }

  /**
   * Loads config.json and the safetensors weights of a model directory.
   *
   * @param int8 quantize linear layers (and lm_head) to int8 with per-row scales
   * @throws IllegalArgumentException naming the first tensor that is missing or mis-shaped
   */
  public static LlamaModel load(Path dir, boolean int8) {
    LlamaConfig c = LlamaConfig.read(dir);
    ModelTensors files = ModelTensors.open(dir);
    Arena arena = Arena.ofShared();
    try {
      Loader ld = new Loader(files, arena, int8);
      Layer[] layers = new Layer[c.layers()];
      for (int l = 0; l < c.layers(); l++) {
        String p = "model.layers." + l + ".";
        Matrix[] proj = new Matrix[Projection.values().length];
        for (Projection pr : Projection.values()) {
          proj[pr.ordinal()] =
              ld.matrix(pr.weightName(l), c.outFeatures(pr), c.inFeatures(pr), true);
        }
        float[] qb = null;
        float[] kb = null;
        float[] vb = null;
        if (c.attentionBias()) {
          qb = ld.vector(p + "self_attn.q_proj.bias", c.qDim());
          kb = ld.vector(p + "self_attn.k_proj.bias", c.kvDim());
          vb = ld.vector(p + "self_attn.v_proj.bias", c.kvDim());
        }
        layers[l] =
            new Layer(
                ld.vector(p + "input_layernorm.weight", c.hiddenSize()),
                proj,
                qb,
                kb,
                vb,
                ld.vector(p + "post_attention_layernorm.weight", c.hiddenSize()));
      }
      Matrix embed = ld.matrix("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize(), false);
      Matrix head;
      if (c.tieEmbeddings() || files.get("lm_head.weight") == null) {
        head = int8 ? Matrix.Int8.quantize(embed, arena) : embed;
      } else {
        head = ld.matrix("lm_head.weight", c.vocabSize(), c.hiddenSize(), true);
      }
      float[] norm = ld.vector("model.norm.weight", c.hiddenSize());
      return new LlamaModel(c, layers, embed, norm, head, files, arena, ld.format());
    } catch (RuntimeException e) {
      arena.close();
      files.close();
      throw e;
    }
  }

  private static final class Loader {
    final ModelTensors files;
    final Arena arena;
    final boolean int8;
    String format;

    Loader(ModelTensors files, Arena arena, boolean int8) {
      this.files = files;
      this.arena = arena;
      this.int8 = int8;
    }

    String format() {
      return int8 ? "INT8" : format;
    }

    Tensor tensor(String name, long... shape) {
      Tensor t = files.get(name);
      if (t == null) {
        throw new IllegalArgumentException("model.safetensors lacks " + name);
      }
      if (!Arrays.equals(t.shape(), shape)) {
        throw new IllegalArgumentException(
            name
                + " has shape "
                + Arrays.toString(t.shape())
                + " but config.json implies "
                + Arrays.toString(shape));
      }
      return t;
    }

    Matrix matrix(String name, int rows, int cols, boolean quantizable) {
      Tensor t = tensor(name, rows, cols);
      if (format == null) {
        format = t.dtype().name();
      }
      Matrix m =
          switch (t.dtype()) {
            case F32 -> new Matrix.F32(t.data(), rows, cols);
            case BF16 -> new Matrix.Bf16(t.data(), rows, cols);
            case F16 -> Matrices.fromF16(t, arena);
            case I8 -> throw new IllegalArgumentException(name + " is I8; expected F32/F16/BF16");
          };
      return int8 && quantizable ? Matrix.Int8.quantize(m, arena) : m;
    }

    float[] vector(String name, int len) {
      return tensor(name, len).toFloatArray();
    }
  }

  public LlamaConfig config() {
    return config;
  }

  public Layer layer(int l) {
    return layers[l];
  }

  public Matrix embedding() {
    return embed;
  }

  public float[] finalNorm() {
    return finalNorm;
  }

  public Matrix lmHead() {
    return lmHead;
  }

  /** F32, F16, BF16 or INT8. */
  public String weightFormat() {
    return format;
  }

  /** Parameters: every element of every weight tensor. */
  public long parameters() {
    long n = (long) embed.rows() * embed.cols() + finalNorm.length;
    if (lmHead != embed && !config.tieEmbeddings()) {
      n += (long) lmHead.rows() * lmHead.cols();
    }
    for (Layer l : layers) {
      for (Matrix m : l.projections()) {
        n += (long) m.rows() * m.cols();
      }
      n += l.attnNorm().length + l.ffnNorm().length;
      if (l.qBias() != null) {
        n += l.qBias().length + l.kBias().length + l.vBias().length;
      }
    }
    return n;
  }

  /** Bytes of weights the forward pass touches (mapped, converted or quantized). */
  public long weightBytes() {
    long n = embed.bytes() + 4L * finalNorm.length;
    if (lmHead != embed) {
      n += lmHead.bytes();
    }
    for (Layer l : layers) {
      for (Matrix m : l.projections()) {
        n += m.bytes();
      }
      n += 4L * (l.attnNorm().length + l.ffnNorm().length);
    }
    return n;
  }

  @Override
  public void close() {
    arena.close();
    files.close();
  }
}
