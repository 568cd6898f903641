package io.openledger.openlora.testmodel;

/**
 * The shape of a generated Llama-family model.
 *
 * @param name directory-friendly id, also written as config.json's _name_or_path
 * @param vocabSize tokens (byte-level BPE: 256 byte tokens, learned merges, 3 special tokens)
 * @param hiddenSize model width
 * @param intermediateSize SwiGLU width
 * @param layers decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads (grouped-query attention when fewer than heads)
 * @param maxPositions context length written to config.json
 * @param ropeTheta RoPE base
 * @param qkvBias Qwen2-style biases on q/k/v projections
 * @param tieEmbeddings lm_head shares the embedding matrix
 * @param dtype F32, F16 or BF16 tensors in model.safetensors
 * @param seed weights are a pure function of the spec (same seed, same bytes)
 */
public record ModelSpec(
    String name,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int maxPositions,
    double ropeTheta,
    boolean qkvBias,
    boolean tieEmbeddings,
    String dtype,
    long seed) {

  public ModelSpec {
    if (hiddenSize % heads != 0) {
      throw new IllegalArgumentException("hiddenSize must be a multiple of heads");
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("heads must be a multiple of kvHeads");
    }
    if ((hiddenSize / heads) % 2 != 0) {
      throw new IllegalArgumentException("head size must be even");
    }
    if (vocabSize < 300) {
      throw new IllegalArgumentException("vocabSize must be at least 300");
    }
    if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
      throw new IllegalArgumentException("dtype must be F32, F16 or BF16");
    }
  }

  /** A model small enough for unit tests (about 0.2M parameters, GQA, 2 layers). */
  public static ModelSpec tiny() {
    return new ModelSpec("tiny-llama", 512, 64, 160, 2, 4, 2, 256, 10000, false, false, "F32", 7);
  }

  /** The ~100M-parameter model the benchmark uses (12 layers, width 768, GQA 12/4). */
  public static ModelSpec bench100M() {
    return new ModelSpec(
        "bench-llama-100m", 8192, 768, 2560, 12, 12, 4, 2048, 10000, false, false, "F32", 100);
  }

  /** Weight count: embeddings, attention, MLP, norms and (untied) lm_head. */
  public long parameters() {
    long headDim = hiddenSize / heads;
    long kvDim = headDim * kvHeads;
    long attn = (long) hiddenSize * hiddenSize * 2 + 2L * hiddenSize * kvDim;
    if (qkvBias) {
      attn += hiddenSize + 2 * kvDim;
    }
    long mlp = 3L * hiddenSize * intermediateSize;
    long perLayer = attn + mlp + 2L * hiddenSize;
    long embed = (long) vocabSize * hiddenSize;
    return embed + layers * perLayer + hiddenSize + (tieEmbeddings ? 0 : embed);
  }

  public ModelSpec withName(String n) {
    return new ModelSpec(
        n,
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        maxPositions,
        ropeTheta,
        qkvBias,
        tieEmbeddings,
        dtype,
        seed);
  }

  public ModelSpec withDtype(String d) {
    return new ModelSpec(
        name,
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        maxPositions,
        ropeTheta,
        qkvBias,
        tieEmbeddings,
        d,
        seed);
  }

  public ModelSpec withQkvBias(boolean bias) {
    return new ModelSpec(
        name,
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        maxPositions,
        ropeTheta,
        bias,
        tieEmbeddings,
        dtype,
        seed);
  }

  public ModelSpec withTiedEmbeddings(boolean tied) {
    return new ModelSpec(
        name,
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        maxPositions,
        ropeTheta,
        qkvBias,
        tied,
        dtype,
        seed);
  }

  public ModelSpec withSeed(long s) {
    return new ModelSpec(
        name,
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        maxPositions,
        ropeTheta,
        qkvBias,
        tieEmbeddings,
        dtype,
        s);
  }
}
