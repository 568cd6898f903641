package io.openledger.factory.out;

import java.util.Arrays;

/**
 * A tensor to write: its Hugging Face name, its shape and its values in row-major order.
 *
 * @param values exactly product(shape) floats (kept, not copied)
 */
public record NamedTensor(String name, int[] shape, float[] values) {
  public NamedTensor {
    shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(name + " has shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          name + " has " + values.length + " values for shape " + Arrays.toString(shape));
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  long[] longShape() {
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }
}
