package io.openledger.openlora.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.safetensors.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every optimised kernel against {@link NaiveKernels} on seeded random shapes, including lengths
 * that are not multiples of the vector width (tails) and row counts not multiples of the 4x4 block.
 */
class KernelsTest {
  private static final SplittableRandom SEED = new SplittableRandom(20261122);

  private static float[] gaussian(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static float[][] rows(SplittableRandom r, int rows, int cols) {
    float[][] w = new float[rows][];
    for (int j = 0; j < rows; j++) {
      w[j] = gaussian(r, cols);
    }
    return w;
  }

  private static float[] flat(float[][] w) {
    int cols = w[0].length;
    float[] f = new float[w.length * cols];
    for (int j = 0; j < w.length; j++) {
      System.arraycopy(w[j], 0, f, j * cols, cols);
    }
    return f;
  }

  /** Relative-to-scale closeness: |a - b| <= tol · (1 + |b|). */
  private static void assertClose(float[] actual, float[] expected, double tol, String what) {
    assertThat(actual.length).as(what).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) Math.abs(actual[i] - expected[i]))
          .as("%s at %d: %s vs %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(tol * (1 + Math.abs(expected[i])));
    }
  }

  @Test
  void matmulF32MatchesNaiveOnMappedAndHeapWeights() {
    SplittableRandom r = SEED.split();
    try (Arena arena = Arena.ofConfined()) {
      for (int c = 0; c < 300; c++) {
        int n = 1 + r.nextInt(11);
        int out = 1 + r.nextInt(37);
        int in = 1 + r.nextInt(150);
        float[][] w = rows(r, out, in);
        float[] x = gaussian(r, n * in);
        float[] expected = NaiveKernels.matmul(x, n, in, w);
        MemorySegment seg = arena.allocate((long) out * in * 4);
        MemorySegment.copy(flat(w), 0, seg, Kernels.F32_LE, 0, out * in);
        for (Matrix m :
            new Matrix[] {new Matrix.F32(seg, out, in), Matrix.F32.of(flat(w), out, in)}) {
          float[] y = new float[n * out];
          Kernels.Scratch scratch = new Kernels.Scratch(in);
          // split the rows in two calls, as the pool does
          int split = r.nextInt(out + 1);
          Kernels.matmul(m, x, 0, n, y, 0, out, 0, split, scratch);
          Kernels.matmul(m, x, 0, n, y, 0, out, split, out, scratch);
          assertClose(
              y, expected, 1e-4 * Math.sqrt(in), "case " + c + " " + m.getClass().getSimpleName());
        }
      }
    }
  }

  @Test
  void matmulGivesATokenTheSameBitsAloneAsInAPrompt() {
    // a decode step (one row) must see exactly what the same row computed during a prefill sees,
    // whichever register block (8 x 2, 4 x 4, 4 x 1, int8 in registers) computed it
    SplittableRandom r = SEED.split();
    try (Arena arena = Arena.ofConfined()) {
      for (int c = 0; c < 60; c++) {
        int n = 2 + r.nextInt(40);
        int out = 1 + r.nextInt(70);
        int in = 1 + r.nextInt(300);
        float[][] w = rows(r, out, in);
        float[] x = gaussian(r, n * in);
        MemorySegment seg = arena.allocate((long) out * in * 4);
        MemorySegment.copy(flat(w), 0, seg, Kernels.F32_LE, 0, out * in);
        Matrix f32 = new Matrix.F32(seg, out, in);
        for (Matrix m :
            new Matrix[] {f32, Matrix.F32.of(flat(w), out, in), Matrix.Int8.quantize(f32, arena)}) {
          Kernels.Scratch scratch = new Kernels.Scratch(in);
          float[] all = new float[n * out];
          Kernels.matmul(m, x, 0, n, all, 0, out, 0, out, scratch);
          for (int t = 0; t < n; t++) {
            float[] one = new float[out];
            Kernels.matmul(m, x, t * in, 1, one, 0, out, 0, out, scratch);
            assertThat(one)
                .as("case %d %s token %d", c, m.getClass().getSimpleName(), t)
                .containsExactly(java.util.Arrays.copyOfRange(all, t * out, (t + 1) * out));
          }
        }
      }
    }
  }

  @Test
  void matmulOnPromptLengthsMatchesNaive() {
    // the blocks a long prompt runs through: 4 rows x 4 tokens (F32), int8 panels x 6 tokens, and
    // the tails of rows and tokens; int8 row ranges cut anywhere, inside a panel too
    SplittableRandom r = SEED.split();
    try (Arena arena = Arena.ofConfined()) {
      for (int c = 0; c < 12; c++) {
        int n = 17 + r.nextInt(120);
        int out = 8 + r.nextInt(150);
        int in = 64 + r.nextInt(700);
        float[][] w = rows(r, out, in);
        float[] x = gaussian(r, n * in);
        float[] y = new float[n * out];
        Kernels.Scratch scratch = new Kernels.Scratch(in);
        Matrix.F32 f32 = Matrix.F32.of(flat(w), out, in);
        Kernels.matmul(f32, x, 0, n, y, 0, out, 0, out, scratch);
        assertClose(y, NaiveKernels.matmul(x, n, in, w), 1e-4 * Math.sqrt(in), "case " + c);
        Matrix.Int8 q = Matrix.Int8.quantize(f32, arena);
        float[] y8 = new float[n * out];
        int split = r.nextInt(out + 1);
        Kernels.matmul(q, x, 0, n, y8, 0, out, 0, split, scratch);
        Kernels.matmul(q, x, 0, n, y8, 0, out, split, out, scratch);
        assertClose(
            y8,
            NaiveKernels.matmul(x, n, in, dequantized(q)),
            1e-4 * Math.sqrt(in),
            "int8 case " + c + " split at " + split);
      }
    }
  }

  private static float[][] dequantized(Matrix.Int8 q) {
    float[][] wq = new float[q.rows()][q.cols()];
    for (int j = 0; j < q.rows(); j++) {
      for (int i = 0; i < q.cols(); i++) {
        wq[j][i] = q.q(j, i) * q.scales()[j];
      }
    }
    return wq;
  }

  @Test
  void matmulBf16AndInt8MatchNaiveOnTheirDequantizedWeights() {
    SplittableRandom r = SEED.split();
    try (Arena arena = Arena.ofConfined()) {
      for (int c = 0; c < 200; c++) {
        int n = 1 + r.nextInt(9);
        int out = 1 + r.nextInt(21);
        int in = 1 + r.nextInt(130);
        float[][] w = rows(r, out, in);
        float[] x = gaussian(r, n * in);
        // bf16: the kernel must equal naive on the bf16-rounded weights
        MemorySegment bseg = arena.allocate((long) out * in * 2);
        float[][] wb = new float[out][in];
        for (int j = 0; j < out; j++) {
          for (int i = 0; i < in; i++) {
            short s = DType.floatToBf16(w[j][i]);
            bseg.set(
                ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                2L * (j * in + i),
                s);
            wb[j][i] = DType.bf16ToFloat(s);
          }
        }
        float[] y = new float[n * out];
        Kernels.matmul(
            new Matrix.Bf16(bseg, out, in), x, 0, n, y, 0, out, 0, out, new Kernels.Scratch(in));
        assertClose(y, NaiveKernels.matmul(x, n, in, wb), 1e-4 * Math.sqrt(in), "bf16 case " + c);
        // int8: against naive on q·scale
        Matrix.Int8 q = Matrix.Int8.quantize(Matrix.F32.of(flat(w), out, in), arena);
        float[][] wq = dequantized(q);
        float[] y8 = new float[n * out];
        Kernels.matmul(q, x, 0, n, y8, 0, out, 0, out, new Kernels.Scratch(in));
        assertClose(y8, NaiveKernels.matmul(x, n, in, wq), 1e-4 * Math.sqrt(in), "int8 case " + c);
        // and quantization error is bounded by half a step per weight
        for (int j = 0; j < out; j++) {
          for (int i = 0; i < in; i++) {
            assertThat((double) Math.abs(wq[j][i] - w[j][i]))
                .isLessThanOrEqualTo(q.scales()[j] * 0.5001);
          }
        }
      }
    }
  }

  @Test
  void int8SingleTokenMatchesNaiveOverSplitRowRanges() {
    // the decode kernel: four rows' bytes converted in registers, the scale applied to the sum;
    // widths on and off the vector length, row ranges cut as the pool cuts them
    SplittableRandom r = SEED.split();
    try (Arena arena = Arena.ofConfined()) {
      for (int c = 0; c < 100; c++) {
        int out = 1 + r.nextInt(200);
        int in = c % 2 == 0 ? 16 * (1 + r.nextInt(40)) : 1 + r.nextInt(400);
        float[][] w = rows(r, out, in);
        float[] x = gaussian(r, 3 + in);
        Matrix.Int8 q = Matrix.Int8.quantize(Matrix.F32.of(flat(w), out, in), arena);
        float[][] wq = dequantized(q);
        float[] y = new float[out + 5];
        Kernels.Scratch scratch = new Kernels.Scratch(in);
        int split = r.nextInt(out + 1);
        Kernels.matmul(q, x, 3, 1, y, 5, out, 0, split, scratch);
        Kernels.matmul(q, x, 3, 1, y, 5, out, split, out, scratch);
        float[] expected =
            NaiveKernels.matmul(java.util.Arrays.copyOfRange(x, 3, 3 + in), 1, in, wq);
        assertClose(
            java.util.Arrays.copyOfRange(y, 5, 5 + out),
            expected,
            1e-4 * Math.sqrt(in),
            "int8 token case " + c);
      }
    }
  }

  @Test
  void rmsnormSoftmaxSwigluAxpyMatchNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 500; c++) {
      int len = 1 + r.nextInt(300);
      float[] x = gaussian(r, len);
      float[] w = gaussian(r, len);
      float[] out = new float[len + 3];
      Kernels.rmsnorm(out, 3, x, 0, w, len, 1e-5f);
      float[] got = java.util.Arrays.copyOfRange(out, 3, len + 3);
      assertClose(got, NaiveKernels.rmsnorm(x, w, 1e-5f), 1e-5, "rmsnorm " + c);

      float[] s = x.clone();
      for (int i = 0; i < len; i++) {
        s[i] *= 5;
      }
      float[] sm = s.clone();
      Kernels.softmax(sm, 0, len);
      assertClose(sm, NaiveKernels.softmax(s), 1e-5, "softmax " + c);

      float[] g = x.clone();
      Kernels.swiglu(g, 0, w, 0, len);
      assertClose(g, NaiveKernels.swiglu(x, w), 1e-5, "swiglu " + c);

      float[] y = w.clone();
      Kernels.axpy(0.37f, x, 0, y, 0, len);
      float[] ye = new float[len];
      for (int i = 0; i < len; i++) {
        ye[i] = w[i] + 0.37f * x[i];
      }
      assertClose(y, ye, 1e-6, "axpy " + c);
      assertThat((double) Kernels.dot(x, 0, w, 0, len))
          .isCloseTo(
              dot(x, w),
              org.assertj.core.data.Offset.offset(
                  1e-4 * Math.sqrt(len) * (1 + Math.abs(dot(x, w)))));
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void ropeMatchesNaiveRotateHalf() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 200; c++) {
      int headDim = 2 * (1 + r.nextInt(70));
      int heads = 1 + r.nextInt(4);
      int pos = r.nextInt(5000);
      double[] inv = new double[headDim / 2];
      for (int i = 0; i < inv.length; i++) {
        inv[i] = 1 / Math.pow(10000, 2.0 * i / headDim);
      }
      float[] cos = new float[inv.length];
      float[] sin = new float[inv.length];
      for (int i = 0; i < inv.length; i++) {
        cos[i] = (float) Math.cos(pos * inv[i]);
        sin[i] = (float) Math.sin(pos * inv[i]);
      }
      float[] v = gaussian(r, heads * headDim);
      float[] got = v.clone();
      Kernels.rope(got, 0, heads, headDim, cos, sin, 0);
      for (int h = 0; h < heads; h++) {
        float[] head = java.util.Arrays.copyOfRange(v, h * headDim, (h + 1) * headDim);
        assertClose(
            java.util.Arrays.copyOfRange(got, h * headDim, (h + 1) * headDim),
            NaiveKernels.rope(head, pos, inv),
            1e-4,
            "rope " + c);
      }
    }
  }

  @Test
  void attentionMatchesNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 200; c++) {
      int hd = 1 + r.nextInt(80);
      int kvHeads = 1 + r.nextInt(3);
      int n = 1 + r.nextInt(60);
      int head = r.nextInt(kvHeads);
      int stride = hd * kvHeads;
      float[] q = gaussian(r, hd);
      float[] keys = gaussian(r, n * stride);
      float[] values = gaussian(r, n * stride);
      float[][] k = new float[n][];
      float[][] v = new float[n][];
      for (int p = 0; p < n; p++) {
        k[p] =
            java.util.Arrays.copyOfRange(keys, p * stride + head * hd, p * stride + head * hd + hd);
        v[p] =
            java.util.Arrays.copyOfRange(
                values, p * stride + head * hd, p * stride + head * hd + hd);
      }
      float[] out = new float[hd + 5];
      Kernels.attention(q, 0, keys, values, stride, head * hd, 0, n, hd, new float[n], out, 5);
      assertClose(
          java.util.Arrays.copyOfRange(out, 5, hd + 5),
          NaiveKernels.attention(q, k, v),
          1e-4,
          "attention " + c);
      // and bit for bit the sum over positions in order, as a running axpy adds it
      float[] s = new float[n];
      for (int p = 0; p < n; p++) {
        s[p] = Kernels.dot(q, 0, keys, p * stride + head * hd, hd) * (float) (1.0 / Math.sqrt(hd));
      }
      Kernels.softmax(s, 0, n);
      float[] running = new float[hd];
      for (int p = 0; p < n; p++) {
        Kernels.axpy(s[p], values, p * stride + head * hd, running, 0, hd);
      }
      assertThat(java.util.Arrays.copyOfRange(out, 5, hd + 5))
          .as("attention %d in position order", c)
          .containsExactly(running);
    }
  }

  @Test
  void loraShrinkExpandMatchNaive() {
    SplittableRandom r = SEED.split();
    for (int c = 0; c < 300; c++) {
      int n = 1 + r.nextInt(9);
      int in = 1 + r.nextInt(120);
      int out = 1 + r.nextInt(90);
      int rank = 1 + r.nextInt(20);
      float[][] a = rows(r, rank, in);
      float[][] b = rows(r, out, rank);
      float[] x = gaussian(r, n * in);
      float[] y = gaussian(r, n * out);
      float scale = (float) r.nextDouble(-2, 2);
      float[] bt = new float[rank * out];
      for (int j = 0; j < out; j++) {
        for (int k = 0; k < rank; k++) {
          bt[k * out + j] = b[j][k];
        }
      }
      float[] tmp = new float[n * rank];
      float[] got = y.clone();
      Kernels.loraShrink(flat(a), rank, in, x, 0, n, tmp, 0);
      Kernels.loraExpand(bt, rank, out, scale, tmp, 0, n, got, 0, out);
      assertClose(
          got,
          NaiveKernels.lora(x, n, in, a, b, scale, y),
          1e-4 * Math.sqrt(in * rank),
          "lora " + c);
    }
  }

  @Test
  void expIsWithinFourUlpOfMathExpAndVectorEqualsScalar() {
    SplittableRandom r = SEED.split();
    float[] x = new float[4096];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 180 - 90);
    }
    x[0] = 0;
    x[1] = -1e-30f;
    x[2] = 88.37f;
    x[3] = -87.3f;
    float[] lanes = new float[x.length];
    for (int i = 0; i + Kernels.L <= x.length; i += Kernels.L) {
      Kernels.exp(jdk.incubator.vector.FloatVector.fromArray(Kernels.F, x, i)).intoArray(lanes, i);
    }
    for (int i = 0; i < x.length; i++) {
      float scalar = Kernels.exp(x[i]);
      assertThat(lanes[i]).as("lane vs scalar at %s", x[i]).isEqualTo(scalar);
      double exact = Math.exp(x[i]);
      if (exact < Float.MIN_NORMAL) {
        continue;
      } // subnormal results flush towards 0
      if (x[i] > 88.37626f) {
        assertThat(scalar).isInfinite(); // documented: 2^n would overflow
        continue;
      }
      assertThat(Math.abs(scalar - exact))
          .as("exp(%s) = %s vs %s", x[i], scalar, exact)
          .isLessThanOrEqualTo(4 * Math.ulp((float) exact));
    }
  }

  @Test
  void poolCoversEveryIndexExactlyOnce() {
    try (KernelPool pool = new KernelPool(3)) {
      SplittableRandom r = SEED.split();
      for (int c = 0; c < 2000; c++) {
        int total = r.nextInt(200);
        int grain = 1 + r.nextInt(8);
        int[] hits = new int[total];
        pool.parallelFor(
            total,
            grain,
            (w, from, to) -> {
              assertThat(from % grain).isZero();
              for (int i = from; i < to; i++) {
                hits[i]++;
              }
            });
        for (int i = 0; i < total; i++) {
          assertThat(hits[i]).as("case %d index %d", c, i).isEqualTo(1);
        }
      }
    }
  }
}
