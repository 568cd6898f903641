package io.openledger.openlora.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

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
   * int8 weights with one f32 scale per row (per output channel): W[r, c] ≈ q(r, c) · scale[r].
   * Quantized symmetrically: scale = max|W[r, :]| / 127.
   *
   * <p>Laid out for the kernels rather than as stored: rows go in panels of {@link #PANEL} rows,
   * and a panel is stored column by column, the PANEL bytes of column c together ({@link #offset}).
   * So one token's products with a whole panel are one sequential read of the panel, PANEL rows per
   * vector step, and every output is a single chain of multiply-adds over the columns in order, the
   * same in the single-token and the prompt kernels. The last panel is padded with zero rows (scale
   * 1), which the kernels compute and never store.
   */
  record Int8(MemorySegment data, float[] scales, int rows, int cols) implements Matrix {
    /** Rows per panel: four vectors of the preferred float species (64 with AVX-512). */
    public static final int PANEL = Kernels.PANEL;

    public Int8 {
      if (rows < 0 || cols < 0) {
        throw new IllegalArgumentException("negative shape");
      }
      check(data, paddedRows(rows), cols, 1);
      if (scales.length != paddedRows(rows)) {
        throw new IllegalArgumentException("one scale per row, padded to whole panels");
      }
    }

    /** {@code rows} rounded up to whole panels. */
    public static int paddedRows(int rows) {
      return (rows + PANEL - 1) / PANEL * PANEL;
    }

    /** Byte offset of row r, column c in {@link #data}. */
    public long offset(int r, int c) {
      return ((long) (r / PANEL) * cols + c) * PANEL + r % PANEL;
    }

    /** The integer at row r, column c. */
    public byte q(int r, int c) {
      return data.get(ValueLayout.JAVA_BYTE, offset(r, c));
    }

    @Override
    public long bytes() {
      return (long) paddedRows(rows) * cols + 4L * paddedRows(rows);
    }

    @Override
    public void rowInto(int r, float[] dst, int dstOff) {
      float scale = scales[r];
      for (int c = 0; c < cols; c++) {
        dst[dstOff + c] = q(r, c) * scale;
      }
    }

    /** Quantizes any matrix row by row into off-heap memory owned by {@code arena}. */
    public static Int8 quantize(Matrix m, Arena arena) {
      int cols = m.cols();
      int padded = paddedRows(m.rows());
      MemorySegment q = arena.allocate((long) padded * cols, 64);
      float[] scales = new float[padded];
      Arrays.fill(scales, 1f);
      float[] row = new float[cols];
      byte[] panel = new byte[PANEL * cols];
      for (int p = 0; p < padded; p += PANEL) {
        Arrays.fill(panel, (byte) 0);
        for (int r = p; r < Math.min(p + PANEL, m.rows()); r++) {
          m.rowInto(r, row, 0);
          float max = 0;
          for (float v : row) {
            max = Math.max(max, Math.abs(v));
          }
          float scale = max == 0 ? 1f : max / 127f;
          float inv = 1f / scale;
          for (int c = 0; c < cols; c++) {
            panel[c * PANEL + r - p] = (byte) Math.round(row[c] * inv);
          }
          scales[r] = scale;
        }
        MemorySegment.copy(panel, 0, q, ValueLayout.JAVA_BYTE, (long) p * cols, panel.length);
      }
      return new Int8(q, scales, m.rows(), cols);
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
