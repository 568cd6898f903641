package io.openledger.openlora.model;

import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.kernels.Kernels;
import io.openledger.openlora.kernels.Matrix;
import java.util.Arrays;

/**
 * The decoder's forward pass over a {@link Batch} of rows from any number of sequences, each with
 * its own KV cache and adapters. Per layer and projection: one base matmul for all rows, then the
 * adapters' low-rank shrink/expand per segment of rows (SGMV). All buffers are allocated here once;
 * {@link #forward} allocates nothing.
 */
public final class ForwardPass {
  private final LlamaModel model;
  private final LlamaConfig c;
  private final KernelPool pool;
  private final RopeTable rope;
  private final int maxRows;

  // activations, [rows, width] row-major
  private final float[] x; // residual stream [rows, dim]
  private final float[] xb; // normed input of a block [rows, dim]
  private final float[] q; // [rows, qDim]
  private final float[] k; // [rows, kvDim]
  private final float[] v; // [rows, kvDim]
  private final float[] att; // attention output [rows, qDim]
  private final float[] out; // projection output [rows, dim]
  private final float[] gate; // [rows, intermediate]
  private final float[] up; // [rows, intermediate]
  private final float[] logits; // [logit rows, vocab]

  private final Kernels.Scratch[] scratch; // per worker: W rows staged by the matmul
  private final float[][] scores; // per worker: attention scores [positions]
  private final float[][] loraTmp; // per worker: shrink output [rows, rank]

  // the current operation, read by the pool's tasks (fields, so dispatch allocates nothing)
  private Batch batch;
  private int layerIndex;
  private final Matrix[] gW = new Matrix[3]; // the group's matrices (q,k,v / gate,up / one)
  private final float[][] gOut = new float[3][];
  private final Projection[] gProj = new Projection[3];
  private final int[] gStart = new int[4]; // cumulative output rows
  private int gCount;
  private float[] mIn;
  private int mRows;

  private static final Projection[] QKV = {Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ};
  private static final Projection[] O = {Projection.O_PROJ};
  private static final Projection[] GATE_UP = {Projection.GATE_PROJ, Projection.UP_PROJ};
  private static final Projection[] DOWN = {Projection.DOWN_PROJ};

  private final KernelPool.RangeTask matmulTask = this::matmulRows;
  private final KernelPool.RangeTask loraTask = this::loraRows;
  private final KernelPool.RangeTask attentionTask = this::attentionRows;

  /**
   * @param maxRows most rows per step (decode rows plus prefill rows)
   * @param maxPositions longest sequence (prompt + completion)
   */
  public ForwardPass(LlamaModel model, KernelPool pool, int maxRows, int maxPositions) {
    this.model = model;
    this.c = model.config();
    this.pool = pool;
    this.maxRows = maxRows;
    this.rope = new RopeTable(c, maxPositions);
    int dim = c.hiddenSize();
    x = new float[maxRows * dim];
    xb = new float[maxRows * Math.max(dim, c.qDim())];
    q = new float[maxRows * c.qDim()];
    k = new float[maxRows * c.kvDim()];
    v = new float[maxRows * c.kvDim()];
    att = new float[maxRows * c.qDim()];
    out = new float[maxRows * dim];
    gate = new float[maxRows * c.intermediateSize()];
    up = new float[maxRows * c.intermediateSize()];
    logits = new float[maxRows * c.vocabSize()];
    int widest = Math.max(Math.max(dim, c.qDim()), c.intermediateSize());
    scratch = new Kernels.Scratch[pool.threads()];
    for (int w = 0; w < scratch.length; w++) {
      scratch[w] = new Kernels.Scratch(widest);
    }
    scores = new float[pool.threads()][maxPositions];
    loraTmp = new float[pool.threads()][maxRows * 16];
  }

  public LlamaConfig config() {
    return c;
  }

  public int maxRows() {
    return maxRows;
  }

  /** Logits of the batch's logit rows: [logitCount, vocab], valid until the next forward. */
  public float[] logits() {
    return logits;
  }

  /**
   * Runs the batch: appends every row's key and value to its sequence's cache at its position and
   * writes the logits of the logit rows.
   */
  public void forward(Batch b) {
    int n = b.rows;
    if (n == 0) {
      return;
    }
    if (n > maxRows) {
      throw new IllegalArgumentException("batch larger than the pass was sized for");
    }
    ensureLoraTmp(b);
    this.batch = b;
    int dim = c.hiddenSize();
    for (int t = 0; t < n; t++) {
      model.embedding().rowInto(b.tokens[t], x, t * dim);
    }
    for (int l = 0; l < c.layers(); l++) {
      layerIndex = l;
      LlamaModel.Layer layer = model.layer(l);
      // attention block: x += o_proj(attention(rope(q), rope(k), v)) over rmsnorm(x)
      for (int t = 0; t < n; t++) {
        Kernels.rmsnorm(xb, t * dim, x, t * dim, layer.attnNorm(), dim, c.rmsNormEps());
      }
      project(layer, QKV, xb, q, k, v, n);
      if (layer.qBias() != null) {
        addBias(q, layer.qBias(), n);
      }
      if (layer.kBias() != null) {
        addBias(k, layer.kBias(), n);
      }
      if (layer.vBias() != null) {
        addBias(v, layer.vBias(), n);
      }
      rotateAndCache(b, l, n);
      pool.parallelFor(n * c.heads(), 1, attentionTask);
      project(layer, O, att, out, null, null, n);
      Kernels.add(out, 0, x, 0, n * dim);
      // MLP block: x += down(silu(gate(h)) * up(h)), h = rmsnorm(x)
      for (int t = 0; t < n; t++) {
        Kernels.rmsnorm(xb, t * dim, x, t * dim, layer.ffnNorm(), dim, c.rmsNormEps());
      }
      project(layer, GATE_UP, xb, gate, up, null, n);
      Kernels.swiglu(gate, 0, up, 0, n * c.intermediateSize());
      project(layer, DOWN, gate, out, null, null, n);
      Kernels.add(out, 0, x, 0, n * dim);
    }
    // final norm and lm_head, only for the rows that sample
    int m = b.logitCount;
    for (int i = 0; i < m; i++) {
      Kernels.rmsnorm(xb, i * dim, x, b.logitRows[i] * dim, model.finalNorm(), dim, c.rmsNormEps());
    }
    gCount = 1;
    gW[0] = model.lmHead();
    gOut[0] = logits;
    gStart[1] = gW[0].rows();
    mIn = xb;
    mRows = m;
    pool.parallelFor(gStart[1], Kernels.SPLIT_ROWS, matmulTask);
    this.batch = null;
  }

  /**
   * One parallel matmul for a group of projections that read the same input (q, k, v; gate, up):
   * out_p = in · W_pᵀ (merged weights when the batch says so), then one parallel pass adding the
   * adapters' low-rank updates to every projection of the group.
   */
  private void project(
      LlamaModel.Layer layer,
      Projection[] group,
      float[] in,
      float[] o0,
      float[] o1,
      float[] o2,
      int n) {
    gCount = group.length;
    gOut[0] = o0;
    gOut[1] = o1;
    gOut[2] = o2;
    for (int g = 0; g < gCount; g++) {
      Projection p = group[g];
      Matrix w = layer.weight(p);
      if (batch.merged != null) {
        w = batch.merged.weightOr(layerIndex, p, w);
      }
      gW[g] = w;
      gProj[g] = p;
      gStart[g + 1] = gStart[g] + w.rows();
    }
    mIn = in;
    mRows = n;
    pool.parallelFor(gStart[gCount], Kernels.SPLIT_ROWS, matmulTask);
    if (batch.segments > 0) {
      pool.parallelFor(n, 1, loraTask);
    }
  }

  /** Output rows [from, to) of the group's outputs laid end to end. */
  private void matmulRows(int worker, int from, int to) {
    for (int g = 0; g < gCount; g++) {
      int a = Math.max(from, gStart[g]);
      int b = Math.min(to, gStart[g + 1]);
      if (a >= b) {
        continue;
      }
      Matrix w = gW[g];
      Kernels.matmul(
          w, mIn, 0, mRows, gOut[g], 0, w.rows(), a - gStart[g], b - gStart[g], scratch[worker]);
    }
  }

  /** SGMV over rows [from, to): each segment overlapping them adds its shrink then expand. */
  private void loraRows(int worker, int from, int to) {
    Batch b = batch;
    float[] tmp = loraTmp[worker];
    for (int g = 0; g < gCount; g++) {
      Projection proj = gProj[g];
      float[] dst = gOut[g];
      int in = c.inFeatures(proj);
      int outDim = c.outFeatures(proj);
      for (int s = 0; s < b.segments; s++) {
        int a = Math.max(from, b.segFrom[s]);
        int e = Math.min(to, b.segTo[s]);
        if (a >= e) {
          continue;
        }
        LoraWeights.Layer lw = b.segAdapter[s].layer(layerIndex, proj);
        if (lw == null) {
          continue;
        }
        int rows = e - a;
        // [rows, in] x [in, r] -> [rows, r]
        Kernels.loraShrink(lw.a(), lw.rank(), in, mIn, a * in, rows, tmp, 0);
        // [rows, r] x [r, out] -> += [rows, out]
        Kernels.loraExpand(
            lw.bt(),
            lw.rank(),
            outDim,
            lw.scale() * b.segWeight[s],
            tmp,
            0,
            rows,
            dst,
            a * outDim,
            outDim);
      }
    }
  }

  private void ensureLoraTmp(Batch b) {
    int rank = 0;
    for (int s = 0; s < b.segments; s++) {
      rank = Math.max(rank, b.segAdapter[s].maxRank());
    }
    int need = maxRows * rank;
    for (int w = 0; w < loraTmp.length; w++) {
      if (loraTmp[w].length < need) {
        loraTmp[w] = new float[need];
      }
    } // only when a higher rank first appears
  }

  private void addBias(float[] y, float[] bias, int n) {
    for (int t = 0; t < n; t++) {
      Kernels.add(bias, 0, y, t * bias.length, bias.length);
    }
  }

  /** RoPE on q and k at each row's position, then k and v into the row's cache. */
  private void rotateAndCache(Batch b, int l, int n) {
    int hd = c.headDim();
    int kvDim = c.kvDim();
    for (int t = 0; t < n; t++) {
      int off = rope.offset(b.positions[t]);
      Kernels.rope(q, t * c.qDim(), c.heads(), hd, rope.cos, rope.sin, off);
      Kernels.rope(k, t * kvDim, c.kvHeads(), hd, rope.cos, rope.sin, off);
      KvCache cache = b.caches[t];
      int pos = b.positions[t];
      System.arraycopy(k, t * kvDim, cache.keys[l], pos * kvDim, kvDim);
      System.arraycopy(v, t * kvDim, cache.values[l], pos * kvDim, kvDim);
    }
  }

  /** Heads of rows: task i is (row i / heads, head i % heads); GQA maps heads to kv heads. */
  private void attentionRows(int worker, int from, int to) {
    Batch b = batch;
    int heads = c.heads();
    int hd = c.headDim();
    int group = heads / c.kvHeads();
    int window = c.slidingWindow(layerIndex);
    for (int i = from; i < to; i++) {
      int t = i / heads;
      int h = i % heads;
      KvCache cache = b.caches[t];
      int end = b.positions[t] + 1;
      // sliding window: the query sees itself and the window - 1 positions before it
      int first = window > 0 ? Math.max(0, end - window) : 0;
      Kernels.attention(
          q,
          t * c.qDim() + h * hd,
          cache.keys[layerIndex],
          cache.values[layerIndex],
          c.kvDim(),
          (h / group) * hd,
          first,
          end,
          hd,
          scores[worker],
          att,
          t * c.qDim() + h * hd);
    }
  }

  /** Copies logits row {@code i} (i-th logit row) into dst. */
  public void logitsOf(int i, float[] dst) {
    System.arraycopy(logits, i * c.vocabSize(), dst, 0, c.vocabSize());
  }

  /** For tests: all of x, the residual stream. */
  float[] residual() {
    return Arrays.copyOf(x, x.length);
  }
}
