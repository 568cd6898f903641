package io.openledger.openlora.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The few numeric kernels the forward pass is made of, vectorised with the Vector API. Arrays are
 * row-major; every offset is in floats. Each kernel has a naive twin in the tests.
 */
public final class Kernels {
  private Kernels() {}

  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
  static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
  static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

  /** Rows of W staged at once by {@link #matmul} (F32 and BF16). */
  public static final int ROW_BLOCK = 4;

  /** Rows of an int8 panel ({@link Matrix.Int8}): four vectors. */
  public static final int PANEL = 4 * L;

  /** Tokens per register block of the int8 prompt kernel: 6 × 4 vectors of sums. */
  static final int PANEL_TOKENS = 6;

  /**
   * Rows per unit of work when a matmul is split between threads: whole int8 panels, so that no
   * panel is computed by two threads (any multiple of ROW_BLOCK would do for the other formats).
   */
  public static final int SPLIT_ROWS = PANEL;

  /**
   * One thread's staging space for {@link #matmul} on matrices of up to {@code maxCols} columns:
   * ROW_BLOCK rows of W as floats, one int8 panel as floats, and the sums of one register block.
   */
  public static final class Scratch {
    final float[] rows;
    final float[] panel;
    final float[] sums;

    public Scratch(int maxCols) {
      rows = new float[ROW_BLOCK * maxCols];
      panel = new float[PANEL * maxCols];
      sums = new float[PANEL_TOKENS * PANEL];
    }
  }

  // ---------------------------------------------------------------- matmul

  /**
   * y[t, j] = Σ_i x[t, i] · W[j, i] for tokens t in [0, n) and output rows j in [j0, j1).
   *
   * <p>x is [n, in] at {@code xOff} (row stride in = W.cols); y is [n, yStride] at {@code yOff}.
   * F32 and BF16: rows of W are staged four at a time into {@code scratch} (converted from bf16, or
   * copied from the mapping), then multiplied against every token while they sit in L1, lane sums
   * reduced by a fixed tree. INT8: see {@link #int8Matmul}. Either way the weights are read from
   * memory once per call whatever n is, and each output is computed in an order that does not
   * depend on n, on the other tokens or on [j0, j1): a token has the same bits alone as in a
   * prompt.
   */
  public static void matmul(
      Matrix w,
      float[] x,
      int xOff,
      int n,
      float[] y,
      int yOff,
      int yStride,
      int j0,
      int j1,
      Scratch scratch) {
    int in = w.cols();
    if (w instanceof Matrix.Int8 q) {
      int8Matmul(q, x, xOff, n, y, yOff, yStride, j0, j1, scratch);
      return;
    }
    if (w instanceof Matrix.F32 f && f.data().heapBase().orElse(null) instanceof float[] arr) {
      int base = (int) (f.data().address() / 4);
      for (int j = j0; j < j1; j += ROW_BLOCK) {
        int rows = Math.min(ROW_BLOCK, j1 - j);
        matmulBlock(arr, base + j * in, rows, in, x, xOff, n, y, yOff + j, yStride);
      }
      return;
    }
    int j = j0;
    if (n == 1 && w instanceof Matrix.F32 f) {
      // single-stream decode: rows read straight from the mapping, one after the other (one
      // sequential stream, which the hardware prefetcher follows better than four interleaved rows:
      // about 1.7x the decode tokens/s of four rows at a time)
      for (; j < j1; j++) {
        y[yOff + j] = dot(f.data(), (long) j * in * 4, x, xOff, in);
      }
    }
    float[] rowsScratch = scratch.rows;
    for (; j < j1; j += ROW_BLOCK) {
      int rows = Math.min(ROW_BLOCK, j1 - j);
      stageRows(w, j, rows, rowsScratch);
      matmulBlock(rowsScratch, 0, rows, in, x, xOff, n, y, yOff + j, yStride);
    }
  }

  /**
   * The int8 matmul, panel by panel ({@link Matrix.Int8}'s layout). Each output is one chain of
   * multiply-adds over the columns in order, on the row's integers as floats, times the row's scale
   * at the end; the register blocks hold the sums of PANEL rows (lanes) for one or six tokens, so
   * there are no lane sums. A prompt converts each panel to floats once ({@code scratch.panel},
   * L2-resident) and multiplies it with six tokens at a time: per column, four vector loads and six
   * broadcasts feed 24 multiply-adds, far fewer loads per multiply-add than the F32 block's. Fewer
   * than four tokens (single-stream decode) convert the panel's bytes in registers as they stream
   * past: one sequential read of the weights. Both give the same bits.
   */
  private static void int8Matmul(
      Matrix.Int8 q,
      float[] x,
      int xOff,
      int n,
      float[] y,
      int yOff,
      int yStride,
      int j0,
      int j1,
      Scratch s) {
    if (n < 4) {
      int8Tokens(q, x, xOff, n, y, yOff, yStride, j0, j1, s.sums);
      return;
    }
    int in = q.cols();
    float[] sums = s.sums;
    float[] panel = s.panel;
    for (int p = j0 / PANEL * PANEL; p < j1; p += PANEL) {
      int lo = Math.max(j0, p);
      int hi = Math.min(j1, p + PANEL);
      int8RowToF32(q.data(), (long) p * in, PANEL * in, 1f, panel, 0);
      int t = 0;
      for (; t + PANEL_TOKENS <= n; t += PANEL_TOKENS) {
        panel6(panel, in, x, xOff + t * in, sums);
        finish(sums, 0, PANEL_TOKENS, q.scales(), p, lo, hi, y, yOff + t * yStride, yStride);
      }
      for (; t < n; t++) {
        panel1(panel, in, x, xOff + t * in, sums);
        finish(sums, 0, 1, q.scales(), p, lo, hi, y, yOff + t * yStride, yStride);
      }
    }
  }

  /**
   * {@link #int8Matmul} for a few tokens (single-stream decode): each panel's bytes converted in
   * registers as they stream past, two panels at once when the range has them (two streams of the
   * weights read together bring about 10% more of the memory bandwidth than one).
   */
  private static void int8Tokens(
      Matrix.Int8 q,
      float[] x,
      int xOff,
      int n,
      float[] y,
      int yOff,
      int yStride,
      int j0,
      int j1,
      float[] sums) {
    int in = q.cols();
    for (int p = j0 / PANEL * PANEL; p < j1; ) {
      int lo = Math.max(j0, p);
      int hi = Math.min(j1, p + PANEL);
      boolean two = p + PANEL < j1;
      for (int t = 0; t < n; t++) {
        int o = yOff + t * yStride;
        if (two) {
          panelToken2(q.data(), (long) p * in, in, x, xOff + t * in, sums);
          finish(sums, 0, 1, q.scales(), p, lo, hi, y, o, yStride);
          finish(
              sums,
              PANEL,
              1,
              q.scales(),
              p + PANEL,
              p + PANEL,
              Math.min(j1, p + 2 * PANEL),
              y,
              o,
              yStride);
        } else {
          panelToken(q.data(), (long) p * in, in, x, xOff + t * in, sums);
          finish(sums, 0, 1, q.scales(), p, lo, hi, y, o, yStride);
        }
      }
      p += two ? 2 * PANEL : PANEL;
    }
  }

  /**
   * y[t, r] = sums[sumsOff + t·PANEL + r - p] · scales[r] for tokens t < tokens and rows r in [lo,
   * hi) of the panel starting at row p (y[t, r] at yOff + t·yStride + r).
   */
  private static void finish(
      float[] sums,
      int sumsOff,
      int tokens,
      float[] scales,
      int p,
      int lo,
      int hi,
      float[] y,
      int yOff,
      int yStride) {
    for (int t = 0; t < tokens; t++) {
      int o = yOff + t * yStride;
      int so = sumsOff + t * PANEL - p;
      if (lo == p && hi == p + PANEL) {
        for (int v = 0; v < PANEL; v += L) {
          FloatVector.fromArray(F, sums, so + p + v)
              .mul(FloatVector.fromArray(F, scales, p + v))
              .intoArray(y, o + p + v);
        }
      } else {
        for (int r = lo; r < hi; r++) {
          y[o + r] = sums[so + r] * scales[r];
        }
      }
    }
  }

  /**
   * sums[t·PANEL + r] = Σ_c panel[c·PANEL + r] · x[x0 + t·in + c] over c in order, for six tokens t
   * and the PANEL rows r of a panel staged as floats.
   */
  private static void panel6(float[] w, int in, float[] x, int x0, float[] sums) {
    int x1 = x0 + in;
    int x2 = x1 + in;
    int x3 = x2 + in;
    int x4 = x3 + in;
    int x5 = x4 + in;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a03 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a13 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a23 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    FloatVector a33 = a00;
    FloatVector a40 = a00;
    FloatVector a41 = a00;
    FloatVector a42 = a00;
    FloatVector a43 = a00;
    FloatVector a50 = a00;
    FloatVector a51 = a00;
    FloatVector a52 = a00;
    FloatVector a53 = a00;
    for (int c = 0; c < in; c++) {
      int o = c * PANEL;
      FloatVector w0 = FloatVector.fromArray(F, w, o);
      FloatVector w1 = FloatVector.fromArray(F, w, o + L);
      FloatVector w2 = FloatVector.fromArray(F, w, o + 2 * L);
      FloatVector w3 = FloatVector.fromArray(F, w, o + 3 * L);
      FloatVector u = FloatVector.broadcast(F, x[x0 + c]);
      a00 = w0.fma(u, a00);
      a01 = w1.fma(u, a01);
      a02 = w2.fma(u, a02);
      a03 = w3.fma(u, a03);
      u = FloatVector.broadcast(F, x[x1 + c]);
      a10 = w0.fma(u, a10);
      a11 = w1.fma(u, a11);
      a12 = w2.fma(u, a12);
      a13 = w3.fma(u, a13);
      u = FloatVector.broadcast(F, x[x2 + c]);
      a20 = w0.fma(u, a20);
      a21 = w1.fma(u, a21);
      a22 = w2.fma(u, a22);
      a23 = w3.fma(u, a23);
      u = FloatVector.broadcast(F, x[x3 + c]);
      a30 = w0.fma(u, a30);
      a31 = w1.fma(u, a31);
      a32 = w2.fma(u, a32);
      a33 = w3.fma(u, a33);
      u = FloatVector.broadcast(F, x[x4 + c]);
      a40 = w0.fma(u, a40);
      a41 = w1.fma(u, a41);
      a42 = w2.fma(u, a42);
      a43 = w3.fma(u, a43);
      u = FloatVector.broadcast(F, x[x5 + c]);
      a50 = w0.fma(u, a50);
      a51 = w1.fma(u, a51);
      a52 = w2.fma(u, a52);
      a53 = w3.fma(u, a53);
    }
    a00.intoArray(sums, 0);
    a01.intoArray(sums, L);
    a02.intoArray(sums, 2 * L);
    a03.intoArray(sums, 3 * L);
    a10.intoArray(sums, PANEL);
    a11.intoArray(sums, PANEL + L);
    a12.intoArray(sums, PANEL + 2 * L);
    a13.intoArray(sums, PANEL + 3 * L);
    a20.intoArray(sums, 2 * PANEL);
    a21.intoArray(sums, 2 * PANEL + L);
    a22.intoArray(sums, 2 * PANEL + 2 * L);
    a23.intoArray(sums, 2 * PANEL + 3 * L);
    a30.intoArray(sums, 3 * PANEL);
    a31.intoArray(sums, 3 * PANEL + L);
    a32.intoArray(sums, 3 * PANEL + 2 * L);
    a33.intoArray(sums, 3 * PANEL + 3 * L);
    a40.intoArray(sums, 4 * PANEL);
    a41.intoArray(sums, 4 * PANEL + L);
    a42.intoArray(sums, 4 * PANEL + 2 * L);
    a43.intoArray(sums, 4 * PANEL + 3 * L);
    a50.intoArray(sums, 5 * PANEL);
    a51.intoArray(sums, 5 * PANEL + L);
    a52.intoArray(sums, 5 * PANEL + 2 * L);
    a53.intoArray(sums, 5 * PANEL + 3 * L);
  }

  /** {@link #panel6} for one token. */
  private static void panel1(float[] w, int in, float[] x, int x0, float[] sums) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int c = 0; c < in; c++) {
      int o = c * PANEL;
      FloatVector u = FloatVector.broadcast(F, x[x0 + c]);
      a0 = FloatVector.fromArray(F, w, o).fma(u, a0);
      a1 = FloatVector.fromArray(F, w, o + L).fma(u, a1);
      a2 = FloatVector.fromArray(F, w, o + 2 * L).fma(u, a2);
      a3 = FloatVector.fromArray(F, w, o + 3 * L).fma(u, a3);
    }
    a0.intoArray(sums, 0);
    a1.intoArray(sums, L);
    a2.intoArray(sums, 2 * L);
    a3.intoArray(sums, 3 * L);
  }

  /**
   * {@link #panel1} on the panel's bytes at {@code off} of {@code q}, converted in registers: the
   * same products and sums, so the same bits.
   */
  private static void panelToken(
      MemorySegment q, long off, int in, float[] x, int x0, float[] sums) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int c = 0; c < in; c++) {
      long o = off + (long) c * PANEL;
      FloatVector u = FloatVector.broadcast(F, x[x0 + c]);
      a0 = bytesToFloats(q, o).fma(u, a0);
      a1 = bytesToFloats(q, o + L).fma(u, a1);
      a2 = bytesToFloats(q, o + 2 * L).fma(u, a2);
      a3 = bytesToFloats(q, o + 3 * L).fma(u, a3);
    }
    a0.intoArray(sums, 0);
    a1.intoArray(sums, L);
    a2.intoArray(sums, 2 * L);
    a3.intoArray(sums, 3 * L);
  }

  /**
   * {@link #panelToken} on two consecutive panels (the second PANEL·in bytes after the first); the
   * second's sums go to sums[PANEL .. 2·PANEL).
   */
  private static void panelToken2(
      MemorySegment q, long off, int in, float[] x, int x0, float[] sums) {
    long next = (long) PANEL * in;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    for (int c = 0; c < in; c++) {
      long o = off + (long) c * PANEL;
      long o2 = o + next;
      FloatVector u = FloatVector.broadcast(F, x[x0 + c]);
      a0 = bytesToFloats(q, o).fma(u, a0);
      a1 = bytesToFloats(q, o + L).fma(u, a1);
      a2 = bytesToFloats(q, o + 2 * L).fma(u, a2);
      a3 = bytesToFloats(q, o + 3 * L).fma(u, a3);
      b0 = bytesToFloats(q, o2).fma(u, b0);
      b1 = bytesToFloats(q, o2 + L).fma(u, b1);
      b2 = bytesToFloats(q, o2 + 2 * L).fma(u, b2);
      b3 = bytesToFloats(q, o2 + 3 * L).fma(u, b3);
    }
    a0.intoArray(sums, 0);
    a1.intoArray(sums, L);
    a2.intoArray(sums, 2 * L);
    a3.intoArray(sums, 3 * L);
    b0.intoArray(sums, PANEL);
    b1.intoArray(sums, PANEL + L);
    b2.intoArray(sums, PANEL + 2 * L);
    b3.intoArray(sums, PANEL + 3 * L);
  }

  private static FloatVector bytesToFloats(MemorySegment q, long off) {
    return (FloatVector)
        ByteVector.fromMemorySegment(B, q, off, LE).convertShape(VectorOperators.B2F, F, 0);
  }

  /** Copies (converting) rows [j, j+rows) of an F32 or BF16 W to dst[0 .. rows*cols). */
  static void stageRows(Matrix w, int j, int rows, float[] dst) {
    int in = w.cols();
    switch (w) {
      case Matrix.F32 f ->
          MemorySegment.copy(f.data(), F32_LE, (long) j * in * 4, dst, 0, rows * in);
      case Matrix.Bf16 b -> bf16RowToF32(b.data(), (long) j * in * 2, rows * in, dst, 0);
      case Matrix.Int8 q -> throw new IllegalArgumentException("int8 rows are not staged");
    }
  }

  /**
   * y[t, r] (at yOff + t*yStride + r) = x[t, :] · w[r, :] for r < rows (1..4), every token t < n. w
   * rows are {@code in} floats at wOff.
   */
  public static void matmulBlock(
      float[] w,
      int wOff,
      int rows,
      int in,
      float[] x,
      int xOff,
      int n,
      float[] y,
      int yOff,
      int yStride) {
    if (rows == 4) {
      int t = 0;
      for (; t + 4 <= n; t += 4) {
        dot4x4(w, wOff, in, x, xOff + t * in, y, yOff + t * yStride, yStride);
      }
      for (; t < n; t++) {
        dot4x1(w, wOff, in, x, xOff + t * in, y, yOff + t * yStride);
      }
    } else {
      for (int r = 0; r < rows; r++) {
        int t = 0;
        for (; t + 4 <= n; t += 4) {
          dot1x4(w, wOff + r * in, in, x, xOff + t * in, y, yOff + t * yStride + r, yStride);
        }
        for (; t < n; t++) {
          y[yOff + t * yStride + r] = dot(w, wOff + r * in, x, xOff + t * in, in);
        }
      }
    }
  }

  /** Four W rows × four tokens: 16 accumulators, 8 loads per 16 FMAs (AVX-512). */
  private static void dot4x4(
      float[] w, int w0, int in, float[] x, int x0, float[] y, int y0, int yStride) {
    int w1 = w0 + in;
    int w2 = w1 + in;
    int w3 = w2 + in;
    int x1 = x0 + in;
    int x2 = x1 + in;
    int x3 = x2 + in;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a03 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a13 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a23 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    FloatVector a33 = a00;
    int upper = F.loopBound(in);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector v0 = FloatVector.fromArray(F, w, w0 + i);
      FloatVector v1 = FloatVector.fromArray(F, w, w1 + i);
      FloatVector v2 = FloatVector.fromArray(F, w, w2 + i);
      FloatVector v3 = FloatVector.fromArray(F, w, w3 + i);
      FloatVector u = FloatVector.fromArray(F, x, x0 + i);
      a00 = v0.fma(u, a00);
      a10 = v1.fma(u, a10);
      a20 = v2.fma(u, a20);
      a30 = v3.fma(u, a30);
      u = FloatVector.fromArray(F, x, x1 + i);
      a01 = v0.fma(u, a01);
      a11 = v1.fma(u, a11);
      a21 = v2.fma(u, a21);
      a31 = v3.fma(u, a31);
      u = FloatVector.fromArray(F, x, x2 + i);
      a02 = v0.fma(u, a02);
      a12 = v1.fma(u, a12);
      a22 = v2.fma(u, a22);
      a32 = v3.fma(u, a32);
      u = FloatVector.fromArray(F, x, x3 + i);
      a03 = v0.fma(u, a03);
      a13 = v1.fma(u, a13);
      a23 = v2.fma(u, a23);
      a33 = v3.fma(u, a33);
    }
    if (L == 16) {
      // the 16 sums as one vector, lane 4t + r = row r · token t, by the same pairwise tree as
      // sum()
      // (same bits). Written out rather than called: past C2's inlining node budget, which this
      // method reaches, a call to a helper is not inlined and its vectors are boxed (about 1.2 kB
      // of garbage per block and 1.5x the time of the whole block).
      FloatVector c0 = a00.blend(a02, HALF8).add(a02.blend(a00, HALF8).rearrange(SWAP8));
      FloatVector c1 = a10.blend(a12, HALF8).add(a12.blend(a10, HALF8).rearrange(SWAP8));
      FloatVector c2 = a20.blend(a22, HALF8).add(a22.blend(a20, HALF8).rearrange(SWAP8));
      FloatVector c3 = a30.blend(a32, HALF8).add(a32.blend(a30, HALF8).rearrange(SWAP8));
      FloatVector c4 = a01.blend(a03, HALF8).add(a03.blend(a01, HALF8).rearrange(SWAP8));
      FloatVector c5 = a11.blend(a13, HALF8).add(a13.blend(a11, HALF8).rearrange(SWAP8));
      FloatVector c6 = a21.blend(a23, HALF8).add(a23.blend(a21, HALF8).rearrange(SWAP8));
      FloatVector c7 = a31.blend(a33, HALF8).add(a33.blend(a31, HALF8).rearrange(SWAP8));
      FloatVector d0 = c0.blend(c4, HALF4).add(c4.blend(c0, HALF4).rearrange(SWAP4));
      FloatVector d1 = c1.blend(c5, HALF4).add(c5.blend(c1, HALF4).rearrange(SWAP4));
      FloatVector d2 = c2.blend(c6, HALF4).add(c6.blend(c2, HALF4).rearrange(SWAP4));
      FloatVector d3 = c3.blend(c7, HALF4).add(c7.blend(c3, HALF4).rearrange(SWAP4));
      FloatVector e0 = d0.blend(d2, HALF2).add(d2.blend(d0, HALF2).rearrange(SWAP2));
      FloatVector e1 = d1.blend(d3, HALF2).add(d3.blend(d1, HALF2).rearrange(SWAP2));
      FloatVector f = e0.blend(e1, HALF1).add(e1.blend(e0, HALF1).rearrange(SWAP1));
      // token t's four rows are lanes 4t .. 4t+3
      f.intoArray(y, y0, TOKEN0);
      f.intoArray(y, y0 + yStride - 4, TOKEN1);
      f.intoArray(y, y0 + 2 * yStride - 8, TOKEN2);
      f.intoArray(y, y0 + 3 * yStride - 12, TOKEN3);
    } else {
      int o1 = y0 + yStride;
      int o2 = o1 + yStride;
      int o3 = o2 + yStride;
      y[y0] = sum(a00);
      y[y0 + 1] = sum(a10);
      y[y0 + 2] = sum(a20);
      y[y0 + 3] = sum(a30);
      y[o1] = sum(a01);
      y[o1 + 1] = sum(a11);
      y[o1 + 2] = sum(a21);
      y[o1 + 3] = sum(a31);
      y[o2] = sum(a02);
      y[o2 + 1] = sum(a12);
      y[o2 + 2] = sum(a22);
      y[o2 + 3] = sum(a32);
      y[o3] = sum(a03);
      y[o3 + 1] = sum(a13);
      y[o3 + 2] = sum(a23);
      y[o3 + 3] = sum(a33);
    }
    // tails added to the stored sums, in the order the other blocks add them
    for (; i < in; i++) {
      for (int t = 0; t < 4; t++) {
        float u = x[x0 + t * in + i];
        int o = y0 + t * yStride;
        y[o] += w[w0 + i] * u;
        y[o + 1] += w[w1 + i] * u;
        y[o + 2] += w[w2 + i] * u;
        y[o + 3] += w[w3 + i] * u;
      }
    }
  }

  // the reduction tree of dot4x4 (16 lanes): lanes that take the other vector, and the swap of
  // each lane with its partner 8, 4, 2, 1 lanes away
  private static final VectorMask<Float> HALF8 = laneMask(0xFF00L);
  private static final VectorMask<Float> HALF4 = laneMask(0xF0F0L);
  private static final VectorMask<Float> HALF2 = laneMask(0xCCCCL);
  private static final VectorMask<Float> HALF1 = laneMask(0xAAAAL);
  private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(F, i -> (i ^ 8) % L);
  private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(F, i -> (i ^ 4) % L);
  private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(F, i -> (i ^ 2) % L);
  private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(F, i -> (i ^ 1) % L);
  private static final VectorMask<Float> TOKEN0 = laneMask(0x000FL);
  private static final VectorMask<Float> TOKEN1 = laneMask(0x00F0L);
  private static final VectorMask<Float> TOKEN2 = laneMask(0x0F00L);
  private static final VectorMask<Float> TOKEN3 = laneMask(0xF000L);

  private static VectorMask<Float> laneMask(long bits) {
    return VectorMask.fromLong(F, bits);
  }

  /** Four W rows × one token (the single-stream decode case). */
  private static void dot4x1(float[] w, int w0, int in, float[] x, int x0, float[] y, int y0) {
    int w1 = w0 + in;
    int w2 = w1 + in;
    int w3 = w2 + in;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int upper = F.loopBound(in);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector u = FloatVector.fromArray(F, x, x0 + i);
      a0 = FloatVector.fromArray(F, w, w0 + i).fma(u, a0);
      a1 = FloatVector.fromArray(F, w, w1 + i).fma(u, a1);
      a2 = FloatVector.fromArray(F, w, w2 + i).fma(u, a2);
      a3 = FloatVector.fromArray(F, w, w3 + i).fma(u, a3);
    }
    float s0 = sum(a0);
    float s1 = sum(a1);
    float s2 = sum(a2);
    float s3 = sum(a3);
    for (; i < in; i++) {
      float u = x[x0 + i];
      s0 += w[w0 + i] * u;
      s1 += w[w1 + i] * u;
      s2 += w[w2 + i] * u;
      s3 += w[w3 + i] * u;
    }
    y[y0] = s0;
    y[y0 + 1] = s1;
    y[y0 + 2] = s2;
    y[y0 + 3] = s3;
  }

  /** One W row × four tokens. */
  private static void dot1x4(
      float[] w, int w0, int in, float[] x, int x0, float[] y, int y0, int yStride) {
    int x1 = x0 + in;
    int x2 = x1 + in;
    int x3 = x2 + in;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int upper = F.loopBound(in);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(F, w, w0 + i);
      a0 = v.fma(FloatVector.fromArray(F, x, x0 + i), a0);
      a1 = v.fma(FloatVector.fromArray(F, x, x1 + i), a1);
      a2 = v.fma(FloatVector.fromArray(F, x, x2 + i), a2);
      a3 = v.fma(FloatVector.fromArray(F, x, x3 + i), a3);
    }
    float s0 = sum(a0);
    float s1 = sum(a1);
    float s2 = sum(a2);
    float s3 = sum(a3);
    for (; i < in; i++) {
      float v = w[w0 + i];
      s0 += v * x[x0 + i];
      s1 += v * x[x1 + i];
      s2 += v * x[x2 + i];
      s3 += v * x[x3 + i];
    }
    y[y0] = s0;
    y[y0 + yStride] = s1;
    y[y0 + 2 * yStride] = s2;
    y[y0 + 3 * yStride] = s3;
  }

  /** {@link #dot} with {@code a} f32 values in a segment at byte offset {@code aOff}. */
  private static float dot(MemorySegment a, long aOff, float[] b, int bOff, int len) {
    FloatVector acc = FloatVector.zero(F);
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      acc =
          FloatVector.fromMemorySegment(F, a, aOff + 4L * i, LE)
              .fma(FloatVector.fromArray(F, b, bOff + i), acc);
    }
    float s = sum(acc);
    for (; i < len; i++) {
      s += a.get(F32_LE, aOff + 4L * i) * b[bOff + i];
    }
    return s;
  }

  /** Σ a[aOff + i] · b[bOff + i] for i < len. */
  public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector acc = FloatVector.zero(F);
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
    }
    float s = sum(acc);
    for (; i < len; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  // ---------------------------------------------------------------- element-wise

  /** y[yOff + i] += a · x[xOff + i] for i < len. */
  public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
    FloatVector av = FloatVector.broadcast(F, a);
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector.fromArray(F, x, xOff + i)
          .fma(av, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  /** y[yOff + i] += x[xOff + i] for i < len (the residual connection). */
  public static void add(float[] x, int xOff, float[] y, int yOff, int len) {
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector.fromArray(F, x, xOff + i)
          .add(FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      y[yOff + i] += x[xOff + i];
    }
  }

  /** RMSNorm: out = x / sqrt(mean(x²) + eps) · weight, over {@code dim} floats. out may alias x. */
  public static void rmsnorm(
      float[] out, int outOff, float[] x, int xOff, float[] weight, int dim, float eps) {
    FloatVector acc = FloatVector.zero(F);
    int upper = F.loopBound(dim);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, xOff + i);
      acc = v.fma(v, acc);
    }
    float ss = sum(acc);
    for (; i < dim; i++) {
      ss += x[xOff + i] * x[xOff + i];
    }
    float scale = (float) (1.0 / Math.sqrt(ss / dim + eps));
    i = 0;
    for (; i < upper; i += L) {
      FloatVector.fromArray(F, x, xOff + i)
          .mul(scale)
          .mul(FloatVector.fromArray(F, weight, i))
          .intoArray(out, outOff + i);
    }
    for (; i < dim; i++) {
      out[outOff + i] = x[xOff + i] * scale * weight[i];
    }
  }

  /** SwiGLU: gate[i] = silu(gate[i]) · up[i] = gate / (1 + e^-gate) · up, in place. */
  public static void swiglu(float[] gate, int gOff, float[] up, int uOff, int len) {
    int upper = F.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      FloatVector g = FloatVector.fromArray(F, gate, gOff + i);
      FloatVector e = exp(g.neg());
      g.div(e.add(1f)).mul(FloatVector.fromArray(F, up, uOff + i)).intoArray(gate, gOff + i);
    }
    for (; i < len; i++) {
      float g = gate[gOff + i];
      gate[gOff + i] = g / (1f + exp(-g)) * up[uOff + i];
    }
  }

  /**
   * Rotary position embedding, Hugging Face's rotate_half layout: in each head of {@code headDim}
   * floats, element i pairs with i + headDim/2. cos/sin hold headDim/2 values for this position at
   * {@code tableOff}.
   */
  public static void rope(
      float[] v, int off, int heads, int headDim, float[] cos, float[] sin, int tableOff) {
    int half = headDim / 2;
    int upper = F.loopBound(half);
    for (int h = 0; h < heads; h++) {
      int a = off + h * headDim;
      int b = a + half;
      int i = 0;
      for (; i < upper; i += L) {
        FloatVector x1 = FloatVector.fromArray(F, v, a + i);
        FloatVector x2 = FloatVector.fromArray(F, v, b + i);
        FloatVector c = FloatVector.fromArray(F, cos, tableOff + i);
        FloatVector s = FloatVector.fromArray(F, sin, tableOff + i);
        x1.mul(c).sub(x2.mul(s)).intoArray(v, a + i);
        x2.mul(c).add(x1.mul(s)).intoArray(v, b + i);
      }
      for (; i < half; i++) {
        float x1 = v[a + i];
        float x2 = v[b + i];
        float c = cos[tableOff + i];
        float s = sin[tableOff + i];
        v[a + i] = x1 * c - x2 * s;
        v[b + i] = x2 * c + x1 * s;
      }
    }
  }

  /** Softmax over x[off .. off+len), in place. */
  public static void softmax(float[] x, int off, int len) {
    float max = Float.NEGATIVE_INFINITY;
    int upper = F.loopBound(len);
    int i = 0;
    if (upper > 0) {
      FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (; i < upper; i += L) {
        m = m.max(FloatVector.fromArray(F, x, off + i));
      }
      max = max(m);
    }
    for (; i < len; i++) {
      max = Math.max(max, x[off + i]);
    }
    FloatVector sum = FloatVector.zero(F);
    i = 0;
    for (; i < upper; i += L) {
      FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(max));
      e.intoArray(x, off + i);
      sum = sum.add(e);
    }
    float s = sum(sum);
    for (; i < len; i++) {
      float e = exp(x[off + i] - max);
      x[off + i] = e;
      s += e;
    }
    float inv = 1f / s;
    i = 0;
    for (; i < upper; i += L) {
      FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
    }
    for (; i < len; i++) {
      x[off + i] *= inv;
    }
  }

  /**
   * One attention head of one query over a sequence's cached keys and values.
   *
   * @param q the query head at qOff ({@code headDim} floats, already rotated)
   * @param keys cache [positions, kvStride]; this head's keys start at column {@code kvCol}
   * @param values same layout as keys
   * @param first keys first..positions-1 are attended (0, or the start of a sliding window)
   * @param positions causal end: up to and including this token
   * @param scores scratch of at least {@code positions - first} floats
   * @param out receives the head's output at outOff
   */
  public static void attention(
      float[] q,
      int qOff,
      float[] keys,
      float[] values,
      int kvStride,
      int kvCol,
      int first,
      int positions,
      int headDim,
      float[] scores,
      float[] out,
      int outOff) {
    float scale = (float) (1.0 / Math.sqrt(headDim));
    int n = positions - first;
    for (int p = 0; p < n; p++) {
      scores[p] = dot(q, qOff, keys, (first + p) * kvStride + kvCol, headDim) * scale;
    }
    softmax(scores, 0, n);
    // out = Σ_p scores[p] · values[p], p in order: the sums of four vectors of columns stay in
    // registers over all positions (a running axpy through memory waits on its own stores)
    int v0 = first * kvStride + kvCol;
    int d = 0;
    for (; d + 4 * L <= headDim; d += 4 * L) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int j = 0, o = v0 + d; j < n; j++, o += kvStride) {
        FloatVector u = FloatVector.broadcast(F, scores[j]);
        a0 = FloatVector.fromArray(F, values, o).fma(u, a0);
        a1 = FloatVector.fromArray(F, values, o + L).fma(u, a1);
        a2 = FloatVector.fromArray(F, values, o + 2 * L).fma(u, a2);
        a3 = FloatVector.fromArray(F, values, o + 3 * L).fma(u, a3);
      }
      a0.intoArray(out, outOff + d);
      a1.intoArray(out, outOff + d + L);
      a2.intoArray(out, outOff + d + 2 * L);
      a3.intoArray(out, outOff + d + 3 * L);
    }
    for (; d + L <= headDim; d += L) {
      FloatVector a = FloatVector.zero(F);
      for (int j = 0, o = v0 + d; j < n; j++, o += kvStride) {
        a = FloatVector.fromArray(F, values, o).fma(FloatVector.broadcast(F, scores[j]), a);
      }
      a.intoArray(out, outOff + d);
    }
    for (; d < headDim; d++) {
      float a = 0f;
      for (int j = 0, o = v0 + d; j < n; j++, o += kvStride) {
        a += scores[j] * values[o];
      }
      out[outOff + d] = a;
    }
  }

  // ---------------------------------------------------------------- LoRA (SGMV on the CPU)

  /**
   * LoRA shrink for one adapter segment: tmp[t, k] = x[t, :] · A[k, :] for the segment's n tokens.
   * A is PEFT's lora_A [rank, in]; x is [n, in] at xOff; tmp is [n, rank] at tmpOff.
   */
  public static void loraShrink(
      float[] a, int rank, int in, float[] x, int xOff, int n, float[] tmp, int tmpOff) {
    for (int k = 0; k < rank; k += ROW_BLOCK) {
      matmulBlock(a, k * in, Math.min(ROW_BLOCK, rank - k), in, x, xOff, n, tmp, tmpOff + k, rank);
    }
  }

  /**
   * LoRA expand for one adapter segment: y[t, :] += scale · Σ_k tmp[t, k] · Bᵀ[k, :]. Bᵀ is PEFT's
   * lora_B [out, rank] transposed at load to [rank, out] so each step is a contiguous axpy over the
   * output; y is [n, yStride] at yOff.
   */
  public static void loraExpand(
      float[] bt,
      int rank,
      int out,
      float scale,
      float[] tmp,
      int tmpOff,
      int n,
      float[] y,
      int yOff,
      int yStride) {
    int upper = F.loopBound(out);
    for (int t = 0; t < n; t++) {
      int yo = yOff + t * yStride;
      int to = tmpOff + t * rank;
      int i = 0;
      for (; i < upper; i += L) {
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < rank; k++) {
          acc =
              FloatVector.fromArray(F, bt, k * out + i)
                  .fma(FloatVector.broadcast(F, tmp[to + k]), acc);
        }
        acc.fma(FloatVector.broadcast(F, scale), FloatVector.fromArray(F, y, yo + i))
            .intoArray(y, yo + i);
      }
      for (; i < out; i++) {
        float s = 0;
        for (int k = 0; k < rank; k++) {
          s += tmp[to + k] * bt[k * out + i];
        }
        y[yo + i] += scale * s;
      }
    }
  }

  // ---------------------------------------------------------------- deterministic reductions

  /*
   * The Vector API's reduceLanes and EXP are computed one way by the JIT's intrinsics and another
   * by the interpreter's fallback, so results would change in the last bits once code is compiled.
   * These versions use only lane-wise IEEE operations, which are identical in both: a request gives
   * bit-identical results whether it runs first or after warm-up.
   */

  // rotations by L/2, L/4, ... as constants, so the JIT keeps the reduction in registers
  private static final VectorShuffle<Float> ROT8 = rotation(8);
  private static final VectorShuffle<Float> ROT4 = rotation(4);
  private static final VectorShuffle<Float> ROT2 = rotation(2);
  private static final VectorShuffle<Float> ROT1 = rotation(1);

  private static VectorShuffle<Float> rotation(int by) {
    return VectorShuffle.fromOp(F, i -> (i + by) % L);
  }

  /** Sum of the lanes by a fixed pairwise tree (same result compiled or interpreted). */
  public static float sum(FloatVector v) {
    if (L >= 16) {
      v = v.add(v.rearrange(ROT8));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(ROT4));
    }
    if (L >= 4) {
      v = v.add(v.rearrange(ROT2));
    }
    if (L >= 2) {
      v = v.add(v.rearrange(ROT1));
    }
    return v.lane(0);
  }

  /** Max of the lanes. */
  static float max(FloatVector v) {
    if (L >= 16) {
      v = v.max(v.rearrange(ROT8));
    }
    if (L >= 8) {
      v = v.max(v.rearrange(ROT4));
    }
    if (L >= 4) {
      v = v.max(v.rearrange(ROT2));
    }
    if (L >= 2) {
      v = v.max(v.rearrange(ROT1));
    }
    return v.lane(0);
  }

  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  private static final float ROUND = 12582912f; // 1.5 · 2^23: adding it rounds to an integer

  /**
   * e^x for every lane, about 2 ulp (Cephes' expf: x = n ln2 + r, polynomial in r, times 2^n);
   * inputs below -87.34 give 0, above 88.376 (where 2^n would overflow) infinity.
   */
  public static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(-87.33654f).min(88.37626f);
    FloatVector t = xc.fma(LOG2E, ROUND);
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), xc);
    r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
    FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
    p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
    p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
    p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
    p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
    p = p.fma(r.mul(r), r).add(1f);
    IntVector bits =
        t.reinterpretAsInts().sub(0x4B400000).add(127).lanewise(VectorOperators.LSHL, 23);
    FloatVector scaled = p.mul(bits.reinterpretAsFloats());
    return scaled
        .blend(0f, x.compare(VectorOperators.LT, -87.33654f))
        .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.37626f));
  }

  /** The same function for one value (tails), so a result never depends on its lane. */
  public static float exp(float x) {
    if (x < -87.33654f) {
      return 0f;
    }
    if (x > 88.37626f) {
      return Float.POSITIVE_INFINITY;
    }
    float t = Math.fma(x, LOG2E, ROUND);
    float n = t - ROUND;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
    p = Math.fma(p, r, 8.3334519073e-3f);
    p = Math.fma(p, r, 4.1665795894e-2f);
    p = Math.fma(p, r, 1.6666665459e-1f);
    p = Math.fma(p, r, 5.0000001201e-1f);
    p = Math.fma(p, r * r, r) + 1f;
    int bits = ((Float.floatToRawIntBits(t) - 0x4B400000) + 127) << 23;
    return p * Float.intBitsToFloat(bits);
  }

  // ---------------------------------------------------------------- conversions

  /** bf16 values (little-endian shorts at byte offset {@code off}) to floats. */
  public static void bf16RowToF32(MemorySegment src, long off, int len, float[] dst, int dstOff) {
    int upper = S.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      ShortVector sv = ShortVector.fromMemorySegment(S, src, off + 2L * i, LE);
      ((IntVector) sv.convertShape(VectorOperators.S2I, I, 0))
          .lanewise(VectorOperators.LSHL, 16)
          .reinterpretAsFloats()
          .intoArray(dst, dstOff + i);
    }
    for (; i < len; i++) {
      dst[dstOff + i] =
          Float.intBitsToFloat(
              (src.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), off + 2L * i) & 0xffff)
                  << 16);
    }
  }

  /** int8 values at byte offset {@code off} times {@code scale} to floats. */
  public static void int8RowToF32(
      MemorySegment src, long off, int len, float scale, float[] dst, int dstOff) {
    int upper = B.loopBound(len);
    int i = 0;
    for (; i < upper; i += L) {
      ByteVector bv = ByteVector.fromMemorySegment(B, src, off + i, LE);
      ((FloatVector) bv.convertShape(VectorOperators.B2F, F, 0))
          .mul(scale)
          .intoArray(dst, dstOff + i);
    }
    for (; i < len; i++) {
      dst[dstOff + i] = src.get(ValueLayout.JAVA_BYTE, off + i) * scale;
    }
  }
}
