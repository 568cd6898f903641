package io.openledger.openlora.bench;

import io.openledger.openlora.kernels.Kernels;
import io.openledger.openlora.kernels.Matrix;
import io.openledger.openlora.safetensors.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH for the engine's kernels at the ~100M bench model's shapes (width 768, MLP 2560, kv 256), one
 * thread. Run (see docs/BENCHMARKS.md):
 *
 * <pre>
 * ./mvnw -q -pl openlora test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp openlora/target/test-classes:openlora/target/classes:$(cat openlora/target/cp.txt) \
 *   org.openjdk.jmh.Main KernelsBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelsBenchmark {
  static final int DIM = 768;
  static final int FF = 2560;
  static final int KV = 256;
  static final int RANK = 16;
  static final int POSITIONS = 512;
  static final int HEAD = 64;

  /** Tokens in the batch: 1 is single-stream decode, 64 a full batch. */
  @Param({"1", "64"})
  public int tokens;

  Arena arena;
  Matrix.F32 f32;
  Matrix.Bf16 bf16;
  Matrix.Int8 int8;
  float[] x;
  float[] y;
  Kernels.Scratch scratch;
  float[] norm;
  float[] a;
  float[] bt;
  float[] tmp;
  float[] q;
  float[] keys;
  float[] values;
  float[] scores;
  float[] head;
  float[] logits;
  float[] cos;
  float[] sin;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom r = new SplittableRandom(1);
    arena = Arena.ofShared();
    float[] w = gaussian(r, FF * DIM);
    MemorySegment seg = arena.allocate((long) w.length * 4, 64);
    MemorySegment.copy(w, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, w.length);
    f32 = new Matrix.F32(seg, FF, DIM);
    MemorySegment bseg = arena.allocate((long) w.length * 2, 64);
    for (int i = 0; i < w.length; i++) {
      bseg.set(
          ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
          2L * i,
          DType.floatToBf16(w[i]));
    }
    bf16 = new Matrix.Bf16(bseg, FF, DIM);
    int8 = Matrix.Int8.quantize(f32, arena);
    x = gaussian(r, tokens * FF);
    y = new float[tokens * FF];
    scratch = new Kernels.Scratch(FF);
    norm = gaussian(r, DIM);
    a = gaussian(r, RANK * DIM);
    bt = gaussian(r, RANK * DIM);
    tmp = new float[tokens * RANK];
    q = gaussian(r, HEAD);
    keys = gaussian(r, POSITIONS * KV);
    values = gaussian(r, POSITIONS * KV);
    scores = new float[POSITIONS];
    head = new float[HEAD];
    logits = gaussian(r, 8192);
    cos = new float[HEAD / 2];
    sin = new float[HEAD / 2];
    for (int i = 0; i < HEAD / 2; i++) {
      cos[i] = (float) Math.cos(i);
      sin[i] = (float) Math.sin(i);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    arena.close();
  }

  static float[] gaussian(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** up_proj-sized matmul [tokens, 768] x [768, 2560], f32 weights. */
  @Benchmark
  public float[] matmulF32() {
    Kernels.matmul(f32, x, 0, tokens, y, 0, FF, 0, FF, scratch);
    return y;
  }

  @Benchmark
  public float[] matmulBf16() {
    Kernels.matmul(bf16, x, 0, tokens, y, 0, FF, 0, FF, scratch);
    return y;
  }

  @Benchmark
  public float[] matmulInt8() {
    Kernels.matmul(int8, x, 0, tokens, y, 0, FF, 0, FF, scratch);
    return y;
  }

  /** LoRA rank 16 on a 768 -> 768 projection for the batch: shrink then expand. */
  @Benchmark
  public float[] loraShrinkExpand() {
    Kernels.loraShrink(a, RANK, DIM, x, 0, tokens, tmp, 0);
    Kernels.loraExpand(bt, RANK, DIM, 2f, tmp, 0, tokens, y, 0, DIM);
    return y;
  }

  @Benchmark
  public float[] rmsnorm() {
    for (int t = 0; t < tokens; t++) {
      Kernels.rmsnorm(y, t * DIM, x, t * DIM, norm, DIM, 1e-5f);
    }
    return y;
  }

  /** One head over 512 cached positions, per token. */
  @Benchmark
  public float[] attention() {
    for (int t = 0; t < tokens; t++) {
      Kernels.attention(q, 0, keys, values, KV, 0, 0, POSITIONS, HEAD, scores, head, 0);
    }
    return head;
  }

  @Benchmark
  public float[] softmaxVocab() {
    Kernels.softmax(logits, 0, logits.length);
    return logits;
  }

  @Benchmark
  public float[] ropeQ() {
    for (int t = 0; t < tokens; t++) {
      Kernels.rope(x, t * DIM, DIM / HEAD, HEAD, cos, sin, 0);
    }
    return x;
  }

  @Benchmark
  public float[] swiglu() {
    Kernels.swiglu(y, 0, x, 0, tokens * FF);
    return y;
  }
}
