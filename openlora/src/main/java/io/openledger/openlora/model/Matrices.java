package io.openledger.openlora.model;

import io.openledger.openlora.kernels.Matrix;
import io.openledger.openlora.safetensors.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Conversions from tensors to the kernels' matrix formats. */
final class Matrices {
  private Matrices() {}

  /** F16 has no fast kernel path: converted once to off-heap F32. */
  static Matrix.F32 fromF16(Tensor t, Arena arena) {
    int rows = (int) t.dim(0);
    int cols = (int) t.dim(1);
    long n = (long) rows * cols;
    MemorySegment seg = arena.allocate(n * 4, 64);
    ValueLayout.OfShort h = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    MemorySegment src = t.data();
    for (long k = 0; k < n; k++) {
      seg.set(f, k * 4, Float.float16ToFloat(src.get(h, k * 2)));
    }
    return new Matrix.F32(seg, rows, cols);
  }
}
