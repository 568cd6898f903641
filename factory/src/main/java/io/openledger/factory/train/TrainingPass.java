package io.openledger.factory.train;

import io.openledger.factory.train.DecoderWeights.Layer;
import io.openledger.factory.train.DecoderWeights.Lora;
import io.openledger.factory.train.DecoderWeights.Ref;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.kernels.Kernels;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.model.RopeTable;
import java.util.Arrays;

/**
 * The decoder's forward pass over one token sequence, keeping the activations the backward pass
 * needs, and the hand-written backward pass: the same math as openlora's ForwardPass (RMSNorm, RoPE
 * attention with grouped-query heads, SwiGLU, tied or untied head) followed by softmax
 * cross-entropy on every next token. Trainable tensors get their gradients added into the caller's
 * array; frozen ones (a LoRA base) only pass gradients through.
 *
 * <p>Buffers grow to the longest sequence seen and are reused. Not thread-safe: one caller at a
 * time (the kernels run on the pool). Every result is bit-identical for any thread count.
 */
public final class TrainingPass {
  private static final Projection[] ALL = Projection.values();

  private final LlamaConfig c;
  private final DecoderWeights w;
  private final float[] params;
  private final KernelPool pool;
  private final int dim;
  private final int qDim;
  private final int kvDim;
  private final int inter;
  private final int vocab;
  private final int layers;
  private final int rank;

  private int capacity; // tokens the buffers hold
  private float[] cos; // [positions, headDim/2]
  private float[] sin;
  private float[] negSin; // the inverse rotation, for RoPE's backward

  // saved activations, per layer [tokens, width]
  private float[][] res; // [layers + 1] the residual stream entering layer l (res[layers]: leaving)
  private float[][] h1; // rmsnorm(res[l]): input of q, k, v
  private float[][] inv1; // [tokens] 1/rms of res[l]
  private float[][] q; // rotated queries [tokens, qDim]
  private float[][] k; // rotated keys [tokens, kvDim]
  private float[][] v; // values [tokens, kvDim]
  private float[][] att; // attention output [tokens, qDim]: input of o_proj
  private float[][] mid; // residual after attention
  private float[][] h2; // rmsnorm(mid): input of gate, up
  private float[][] inv2;
  private float[][] gate; // [tokens, intermediate]
  private float[][] up;
  private float[][] act; // silu(gate) · up: input of down_proj
  private float[][][] loraU; // [layer][projection] x·Aᵀ [tokens, rank], null where not adapted
  private float[] hF; // final rmsnorm [tokens, dim]
  private float[] invF;
  private float[] logits; // [tokens - 1, vocab]; after a backward, dlogits
  private double[] rowLoss; // [tokens - 1]

  // backward scratch
  private float[] dRes; // [tokens, dim]
  private float[] dH; // [tokens, dim]: into a norm
  private float[] dAct; // [tokens, intermediate]
  private float[] dGate;
  private float[] dUp;
  private float[] dAtt; // [tokens, qDim]
  private float[] dQ; // [tokens, qDim]
  private float[] dK; // [tokens, kvDim]
  private float[] dV;
  private float[] probs; // [heads, tokens, tokens]
  private float[] dScores; // [heads, tokens, tokens]
  private float[] tmp; // [tokens, dim]: a projection's output before the residual add
  private float[] loraScaled; // [tokens, rank]: scale · u
  private float[] loraDu; // [tokens, rank]
  private float[] dyT; // [widest out, tokens]: an output gradient transposed

  /**
   * @param params the trainable parameter array the weights' trainable references point into
   */
  public TrainingPass(LlamaConfig c, DecoderWeights w, float[] params, KernelPool pool) {
    if (c.attentionBias() && w.layers()[0].qBias() == null) {
      throw new IllegalArgumentException("config has q/k/v biases but the weights lack them");
    }
    this.c = c;
    this.w = w;
    this.params = params;
    this.pool = pool;
    this.dim = c.hiddenSize();
    this.qDim = c.qDim();
    this.kvDim = c.kvDim();
    this.inter = c.intermediateSize();
    this.vocab = c.vocabSize();
    this.layers = c.layers();
    this.rank = w.maxRank();
  }

  public LlamaConfig config() {
    return c;
  }

  /**
   * Sum over positions 1..n−1 of −log p(tokens[t] | tokens[..t]); with {@code grad} not null, adds
   * its gradient with respect to every trainable tensor into grad (the parameter layout).
   */
  public double run(int[] tokens, float[] grad) {
    check(tokens);
    int n = tokens.length;
    ensure(n);
    double loss = forward(tokens, grad != null);
    if (grad != null) {
      backward(tokens, grad);
    }
    return loss;
  }

  private void check(int[] tokens) {
    if (tokens.length < 2) {
      throw new IllegalArgumentException("a training sequence needs at least 2 tokens");
    }
    if (tokens.length > c.maxPositions()) {
      throw new IllegalArgumentException(
          "sequence of "
              + tokens.length
              + " tokens is longer than max_position_embeddings "
              + c.maxPositions());
    }
    for (int t : tokens) {
      if (t < 0 || t >= vocab) {
        throw new IllegalArgumentException("token " + t + " is outside the vocabulary of " + vocab);
      }
    }
  }

  // ---------------------------------------------------------------- forward

  private double forward(int[] tokens, boolean keepGradient) {
    int n = tokens.length;
    int m = n - 1; // rows with a next token
    float eps = c.rmsNormEps();
    for (int t = 0; t < n; t++) {
      System.arraycopy(
          w.embed().data(), w.embed().offset() + tokens[t] * dim, res[0], t * dim, dim);
    }
    for (int l = 0; l < layers; l++) {
      Layer layer = w.layers()[l];
      // attention block: mid = res + o_proj(attention(rope(q), rope(k), v)), over rmsnorm(res)
      for (int t = 0; t < n; t++) {
        inv1[l][t] = norm(h1[l], res[l], t, layer.attnNorm(), eps);
      }
      linear(layer, l, Projection.Q_PROJ, h1[l], n, q[l]);
      linear(layer, l, Projection.K_PROJ, h1[l], n, k[l]);
      linear(layer, l, Projection.V_PROJ, h1[l], n, v[l]);
      for (int t = 0; t < n; t++) {
        Kernels.rope(q[l], t * qDim, c.heads(), c.headDim(), cos, sin, t * (c.headDim() / 2));
        Kernels.rope(k[l], t * kvDim, c.kvHeads(), c.headDim(), cos, sin, t * (c.headDim() / 2));
      }
      attention(l, n);
      linear(layer, l, Projection.O_PROJ, att[l], n, tmp);
      add(res[l], tmp, mid[l], n * dim);
      // MLP block: res' = mid + down(silu(gate(h)) · up(h)), h = rmsnorm(mid)
      for (int t = 0; t < n; t++) {
        inv2[l][t] = norm(h2[l], mid[l], t, layer.ffnNorm(), eps);
      }
      linear(layer, l, Projection.GATE_PROJ, h2[l], n, gate[l]);
      linear(layer, l, Projection.UP_PROJ, h2[l], n, up[l]);
      TrainingKernels.swiglu(gate[l], up[l], act[l], 0, n * inter);
      linear(layer, l, Projection.DOWN_PROJ, act[l], n, tmp);
      add(mid[l], tmp, res[l + 1], n * dim);
    }
    // final norm and lm_head for the rows that predict a next token: [m, dim] x [vocab, dim]ᵀ
    for (int t = 0; t < m; t++) {
      invF[t] = norm(hF, res[layers], t, w.finalNorm(), eps);
    }
    forwardMatmul(w.head(), vocab, dim, hF, m, logits);
    pool.parallelFor(
        m,
        1,
        (worker, from, to) -> {
          for (int t = from; t < to; t++) {
            rowLoss[t] =
                TrainingKernels.crossEntropy(logits, t * vocab, vocab, tokens[t + 1], keepGradient);
          }
        });
    double loss = 0;
    for (int t = 0; t < m; t++) {
      loss += rowLoss[t];
    }
    return loss;
  }

  private float norm(float[] out, float[] x, int t, Ref weight, float eps) {
    return TrainingKernels.rmsnorm(
        out, t * dim, x, t * dim, weight.data(), weight.offset(), dim, eps);
  }

  private static void add(float[] a, float[] b, float[] sum, int len) {
    System.arraycopy(a, 0, sum, 0, len);
    Kernels.add(b, 0, sum, 0, len);
  }

  /** y [n, out] = x [n, in] · Wᵀ (+ bias) (+ scale · (x·Aᵀ)·Bᵀ, keeping u = x·Aᵀ). */
  private void linear(Layer layer, int l, Projection p, float[] x, int n, float[] y) {
    int in = c.inFeatures(p);
    int out = c.outFeatures(p);
    forwardMatmul(layer.weight(p), out, in, x, n, y);
    float[] bias = layer.bias(p);
    if (bias != null) {
      for (int t = 0; t < n; t++) {
        Kernels.add(bias, 0, y, t * out, out);
      }
    }
    Lora lo = layer.lora(p);
    if (lo != null) {
      int r = lo.rank();
      float[] u = loraU[l][p.ordinal()];
      // u [n, r] = x [n, in] · Aᵀ, A [r, in]
      TrainingKernels.matmulAB(
          pool, x, 0, in, 1, n, in, params, lo.aOffset(), in, true, u, 0, r, r, false);
      // y += (scale · u) [n, r] · Bᵀ, B [out, r]
      TrainingKernels.scale(lo.scale(), u, loraScaled, n * r);
      TrainingKernels.matmulAB(
          pool, loraScaled, 0, r, 1, n, r, params, lo.bOffset(), r, true, y, 0, out, out, true);
    }
  }

  /** y [n, out] = x [n, in] · Wᵀ for W [out, in]. */
  private void forwardMatmul(Ref wr, int out, int in, float[] x, int n, float[] y) {
    TrainingKernels.matmulAB(
        pool, x, 0, in, 1, n, in, wr.data(), wr.offset(), in, true, y, 0, out, out, false);
  }

  /** Causal attention of every (token, head), GQA: head h reads kv head h / (heads / kvHeads). */
  private void attention(int l, int n) {
    int heads = c.heads();
    int hd = c.headDim();
    int group = heads / c.kvHeads();
    int window = c.slidingWindow(l);
    float[][] scores = new float[pool.threads()][n];
    pool.parallelFor(
        n * heads,
        1,
        (worker, from, to) -> {
          for (int i = from; i < to; i++) {
            int t = i / heads;
            int h = i % heads;
            int end = t + 1;
            int first = window > 0 ? Math.max(0, end - window) : 0;
            Kernels.attention(
                q[l],
                t * qDim + h * hd,
                k[l],
                v[l],
                kvDim,
                (h / group) * hd,
                first,
                end,
                hd,
                scores[worker],
                att[l],
                t * qDim + h * hd);
          }
        });
  }

  // ---------------------------------------------------------------- backward

  private void backward(int[] tokens, float[] grad) {
    int n = tokens.length;
    int m = n - 1;
    // lm_head: logits now hold dlogits [m, vocab]
    Ref head = w.head();
    // dhF [m, dim] = dlogits [m, vocab] · H [vocab, dim]
    TrainingKernels.matmulAB(
        pool,
        logits,
        0,
        vocab,
        1,
        m,
        vocab,
        head.data(),
        head.offset(),
        dim,
        false,
        dH,
        0,
        dim,
        dim,
        false);
    if (head.trainable()) {
      // dH [vocab, dim] += dlogitsᵀ [vocab, m] · hF [m, dim]
      TrainingKernels.transpose(pool, logits, 0, m, vocab, dyT);
      TrainingKernels.matmulAB(
          pool, dyT, 0, m, 1, vocab, m, hF, 0, dim, false, grad, head.offset(), dim, dim, true);
    }
    Arrays.fill(dRes, 0, n * dim, 0f);
    for (int t = 0; t < m; t++) {
      normBackward(dH, res[layers], invF, t, w.finalNorm(), grad);
    }
    for (int l = layers - 1; l >= 0; l--) {
      Layer layer = w.layers()[l];
      // MLP block (dRes holds d res[l + 1] = d of the block's output)
      linearBackward(layer, l, Projection.DOWN_PROJ, act[l], dRes, n, dAct, false, true, grad);
      TrainingKernels.swigluBackward(dAct, gate[l], up[l], dGate, dUp, 0, n * inter);
      linearBackward(layer, l, Projection.GATE_PROJ, h2[l], dGate, n, dH, false, true, grad);
      linearBackward(layer, l, Projection.UP_PROJ, h2[l], dUp, n, dH, true, true, grad);
      for (int t = 0; t < n; t++) {
        normBackward(dH, mid[l], inv2[l], t, layer.ffnNorm(), grad); // dRes: d mid
      }
      // attention block
      linearBackward(layer, l, Projection.O_PROJ, att[l], dRes, n, dAtt, false, true, grad);
      attentionBackward(l, n);
      for (int t = 0; t < n; t++) {
        int off = t * (c.headDim() / 2);
        Kernels.rope(dQ, t * qDim, c.heads(), c.headDim(), cos, negSin, off);
        Kernels.rope(dK, t * kvDim, c.kvHeads(), c.headDim(), cos, negSin, off);
      }
      // below layer 0 only the embeddings (and its norm) could want the input's gradient
      boolean below = l > 0 || w.embed().trainable() || layer.attnNorm().trainable();
      linearBackward(layer, l, Projection.Q_PROJ, h1[l], dQ, n, dH, false, below, grad);
      linearBackward(layer, l, Projection.K_PROJ, h1[l], dK, n, dH, true, below, grad);
      linearBackward(layer, l, Projection.V_PROJ, h1[l], dV, n, dH, true, below, grad);
      if (below) {
        for (int t = 0; t < n; t++) {
          normBackward(dH, res[l], inv1[l], t, layer.attnNorm(), grad); // dRes: d res[l]
        }
      }
    }
    Ref embed = w.embed();
    if (embed.trainable()) {
      for (int t = 0; t < n; t++) {
        Kernels.add(dRes, t * dim, grad, embed.offset() + tokens[t] * dim, dim);
      }
    }
  }

  /** dRes[t] += rmsnorm backward of dH[t]; the weight's gradient when it is trainable. */
  private void normBackward(float[] dh, float[] x, float[] inv, int t, Ref weight, float[] grad) {
    TrainingKernels.rmsnormBackward(
        dh,
        t * dim,
        x,
        t * dim,
        inv[t],
        weight.data(),
        weight.offset(),
        dim,
        dRes,
        t * dim,
        weight.trainable() ? grad : null,
        weight.offset());
  }

  /**
   * Backward of {@link #linear} for input x [n, in] and output gradient dy [n, out]: dx (+)= dy·W
   * (+ the adapter's path), and the gradients of W (when trainable) and of the adapter's A and B.
   */
  private void linearBackward(
      Layer layer,
      int l,
      Projection p,
      float[] x,
      float[] dy,
      int n,
      float[] dx,
      boolean accumulate,
      boolean wantDx,
      float[] grad) {
    int in = c.inFeatures(p);
    int out = c.outFeatures(p);
    Ref wr = layer.weight(p);
    if (wantDx) {
      // dx [n, in] (+)= dy [n, out] · W [out, in]
      TrainingKernels.matmulAB(
          pool,
          dy,
          0,
          out,
          1,
          n,
          out,
          wr.data(),
          wr.offset(),
          in,
          false,
          dx,
          0,
          in,
          in,
          accumulate);
    }
    Lora lo = layer.lora(p);
    if (!wr.trainable() && lo == null) {
      return;
    }
    // dyᵀ [out, n]: the left operand of the weight gradients
    TrainingKernels.transpose(pool, dy, 0, n, out, dyT);
    if (wr.trainable()) {
      // dW [out, in] += dyᵀ [out, n] · x [n, in]
      TrainingKernels.matmulAB(
          pool, dyT, 0, n, 1, out, n, x, 0, in, false, grad, wr.offset(), in, in, true);
    }
    if (lo == null) {
      return;
    }
    int r = lo.rank();
    float[] u = loraU[l][p.ordinal()];
    // dB [out, r] += dyᵀ [out, n] · (scale · u) [n, r]
    TrainingKernels.scale(lo.scale(), u, loraScaled, n * r);
    TrainingKernels.matmulAB(
        pool, dyT, 0, n, 1, out, n, loraScaled, 0, r, false, grad, lo.bOffset(), r, r, true);
    // du [n, r] = scale · dy [n, out] · B [out, r]
    TrainingKernels.matmulAB(
        pool, dy, 0, out, 1, n, out, params, lo.bOffset(), r, false, loraDu, 0, r, r, false);
    TrainingKernels.scale(lo.scale(), loraDu, loraDu, n * r);
    // dA [r, in] += duᵀ [r, n] · x [n, in]
    TrainingKernels.matmulAB(
        pool, loraDu, 0, 1, r, r, n, x, 0, in, false, grad, lo.aOffset(), in, in, true);
    if (wantDx) {
      // dx [n, in] += du [n, r] · A [r, in]
      TrainingKernels.matmulAB(
          pool, loraDu, 0, r, 1, n, r, params, lo.aOffset(), in, false, dx, 0, in, in, true);
    }
  }

  /** dAtt → dQ, dK, dV (all after RoPE): per (token, head), then per (position, kv head). */
  private void attentionBackward(int l, int n) {
    int heads = c.heads();
    int hd = c.headDim();
    int group = heads / c.kvHeads();
    int window = c.slidingWindow(l);
    pool.parallelFor(
        n * heads,
        1,
        (worker, from, to) -> {
          for (int i = from; i < to; i++) {
            int t = i / heads;
            int h = i % heads;
            int end = t + 1;
            int first = window > 0 ? Math.max(0, end - window) : 0;
            int off = t * qDim + h * hd;
            TrainingKernels.attentionBackward(
                q[l],
                off,
                k[l],
                v[l],
                kvDim,
                (h / group) * hd,
                first,
                end,
                hd,
                dAtt,
                off,
                probs,
                dScores,
                (h * n + t) * n,
                dQ,
                off);
          }
        });
    pool.parallelFor(
        n * c.kvHeads(),
        1,
        (worker, from, to) -> {
          for (int i = from; i < to; i++) {
            int pos = i / c.kvHeads();
            int g = i % c.kvHeads();
            int last = window > 0 ? Math.min(n - 1, pos + window - 1) : n - 1;
            TrainingKernels.attentionKvBackward(
                pos, last, g, group, n, hd, q[l], qDim, dAtt, probs, dScores, dK, dV, kvDim);
          }
        });
  }

  // ---------------------------------------------------------------- buffers

  private void ensure(int n) {
    if (n <= capacity) {
      return;
    }
    int cap = Math.max(n, Math.min(c.maxPositions(), capacity * 2));
    capacity = cap;
    RopeTable rope = new RopeTable(c, cap);
    cos = rope.cos();
    sin = rope.sin();
    negSin = new float[sin.length];
    for (int i = 0; i < sin.length; i++) {
      negSin[i] = -sin[i];
    }
    res = new float[layers + 1][cap * dim];
    h1 = new float[layers][cap * dim];
    inv1 = new float[layers][cap];
    q = new float[layers][cap * qDim];
    k = new float[layers][cap * kvDim];
    v = new float[layers][cap * kvDim];
    att = new float[layers][cap * qDim];
    mid = new float[layers][cap * dim];
    h2 = new float[layers][cap * dim];
    inv2 = new float[layers][cap];
    gate = new float[layers][cap * inter];
    up = new float[layers][cap * inter];
    act = new float[layers][cap * inter];
    loraU = new float[layers][ALL.length][];
    for (int l = 0; l < layers; l++) {
      for (Projection p : ALL) {
        Lora lo = w.layers()[l].lora(p);
        if (lo != null) {
          loraU[l][p.ordinal()] = new float[cap * lo.rank()];
        }
      }
    }
    hF = new float[cap * dim];
    invF = new float[cap];
    logits = new float[cap * vocab];
    rowLoss = new double[cap];
    dRes = new float[cap * dim];
    dH = new float[cap * dim];
    dAct = new float[cap * inter];
    dGate = new float[cap * inter];
    dUp = new float[cap * inter];
    dAtt = new float[cap * qDim];
    dQ = new float[cap * qDim];
    dK = new float[cap * kvDim];
    dV = new float[cap * kvDim];
    probs = new float[c.heads() * cap * cap];
    dScores = new float[c.heads() * cap * cap];
    tmp = new float[cap * dim];
    loraScaled = new float[cap * rank];
    loraDu = new float[cap * rank];
    dyT = new float[cap * Math.max(Math.max(vocab, inter), Math.max(dim, qDim))];
  }
}
