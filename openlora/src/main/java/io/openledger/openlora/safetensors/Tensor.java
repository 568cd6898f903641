package io.openledger.openlora.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor: a view of its bytes (little-endian, row-major) inside a mapped file, never a copy.
 *
 * @param name the tensor's key in the header
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param data exactly {@code elementCount() * dtype.bytes()} bytes
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
  static final ValueLayout.OfFloat F32_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort I16_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  public Tensor {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code d}. */
  public long dim(int d) {
    return shape[d];
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Element {@code index} (row-major) as a float. */
  public float getFloat(long index) {
    return switch (dtype) {
      case F32 -> data.get(F32_LE, index * 4);
      case F16 -> Float.float16ToFloat(data.get(I16_LE, index * 2));
      case BF16 -> DType.bf16ToFloat(data.get(I16_LE, index * 2));
      case I8 -> data.get(ValueLayout.JAVA_BYTE, index);
    };
  }

  /** All elements converted to float (a copy; for small tensors such as norms and adapters). */
  public float[] toFloatArray() {
    long n = elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(name + " is too large");
    }
    float[] out = new float[(int) n];
    if (dtype == DType.F32) {
      MemorySegment.copy(data, F32_LE, 0, out, 0, out.length);
    } else {
      for (int k = 0; k < out.length; k++) {
        out[k] = getFloat(k);
      }
    }
    return out;
  }

  /** "name [a, b] F32", for error messages. */
  public String describe() {
    return name + " " + Arrays.toString(shape) + " " + dtype;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && t.name.equals(name)
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape)
        && t.data.equals(data);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "Tensor[" + describe() + "]";
  }
}
