package io.openledger.openlora.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight matrix W of shape [rows = out features, cols = in features], row-major, as Hugging Face
 * stores linear layers: y = x · Wᵀ reads W one contiguous row per output, so the mapped file is
 * used as is, never transposed or copied.
 */
public sealed interface Matrix {
  int rows();

  int cols();

  /** Bytes this matrix keeps resident (mapped or allocated). */
  long bytes();

  /** Row {@code r} converted to float into {@code dst[dstOff..dstOff+cols)}. */
  void rowInto(int r, float[] dst, int dstOff);

  /** f32 little-endian rows in a memory segment (mapped file, off-heap, or a heap array). */
  record F32(MemorySegment data, int rows, int cols) implements Matrix {
    public F32 {
      check(data, rows, cols, 4);
    }

    /** Wraps a heap array [rows, cols] (copies nothing). */
    public static F32 of(float[] values, int rows, int cols) {
      return new F32(MemorySegment.ofArray(values), rows, cols);
    }

    @Override
    public long bytes() {
      return (long) rows * cols * 4;
    }

    @Override
    public void rowInto(int r, float[] dst, int dstOff) {
      MemorySegment.copy(data, Kernels.F32_LE, (long) r * cols * 4, dst, dstOff, cols);
    }
  }

  /** bfloat16 rows (upper halves of f32), converted on the fly by the kernels. */
  record Bf16(MemorySegment data, int rows, int cols) implements Matrix {
    public Bf16 {
      check(data, rows, cols, 2);
    }

    @Override
    public long bytes() {
      return (long) rows * cols * 2;
    }

    @Override
    public void rowInto(int r, float[] dst, int dstOff) {
      Kernels.bf16RowToF32(data, (long) r * cols * 2, cols, dst, dstOff);
    }
  }

  /**
   * int8 rows with one f32 scale per row (per output channel): W[r, c] ≈ q[r, c] · scale[r].
   * Quantized symmetrically: scale = max|W[r, :]| / 127.
   */
  record Int8(MemorySegment data, float[] scales, int rows, int cols) implements Matrix {
    public Int8 {
      check(data, rows, cols, 1);
      if (scales.length != rows) {
        throw new IllegalArgumentException("one scale per row");
      }
    }

    @Override
    public long bytes() {
      return (long) rows * cols + 4L * rows;
    }

    @Override
    public void rowInto(int r, float[] dst, int dstOff) {
      Kernels.int8RowToF32(data, (long) r * cols, cols, scales[r], dst, dstOff);
    }

    /** Quantizes any matrix row by row into off-heap memory owned by {@code arena}. */
    public static Int8 quantize(Matrix m, Arena arena) {
      MemorySegment q = arena.allocate((long) m.rows() * m.cols(), 64);
      float[] scales = new float[m.rows()];
      float[] row = new float[m.cols()];
      for (int r = 0; r < m.rows(); r++) {
        m.rowInto(r, row, 0);
        float max = 0;
        for (float v : row) {
          max = Math.max(max, Math.abs(v));
        }
        float scale = max == 0 ? 1f : max / 127f;
        float inv = 1f / scale;
        long base = (long) r * m.cols();
        for (int c = 0; c < row.length; c++) {
          q.set(ValueLayout.JAVA_BYTE, base + c, (byte) Math.round(row[c] * inv));
        }
        scales[r] = scale;
      }
      return new Int8(q, scales, m.rows(), m.cols());
    }
  }

  private static void check(MemorySegment data, int rows, int cols, int elementBytes) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative shape");
    }
    if (data.byteSize() != (long) rows * cols * elementBytes) {
      throw new IllegalArgumentException(
          "matrix ["
              + rows
              + ", "
              + cols
              + "] needs "
              + (long) rows * cols * elementBytes
              + " bytes, got "
              + data.byteSize());
    }
  }
}
