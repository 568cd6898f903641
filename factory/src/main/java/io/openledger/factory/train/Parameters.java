package io.openledger.factory.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable parameters of a model in one flat array, cut into named segments that carry the
 * tensor names and shapes Hugging Face and PEFT save them under ({@code
 * model.layers.0.mlp.up_proj.weight} [intermediate, hidden], {@code
 * base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight} [r, hidden]). Gradients and
 * optimizer moments use the same layout.
 */
public final class Parameters {

  /**
   * One tensor: floats {@code [offset, offset + size())} of {@link #values()}, row-major.
   *
   * @param shape dimensions, outermost first
   */
  public record Segment(String name, int offset, int[] shape) {
    public Segment {
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    public int size() {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    /** Whether this is a matrix (weight decay applies to matrices, not to norm vectors). */
    public boolean isMatrix() {
      return shape.length >= 2;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Segment s
          && s.name.equals(name)
          && s.offset == offset
          && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + offset;
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape) + "@" + offset;
    }
  }

  private final float[] values;
  private final List<Segment> segments;
  private final Map<String, Segment> byName;

  private Parameters(float[] values, List<Segment> segments) {
    this.values = values;
    this.segments = Collections.unmodifiableList(segments);
    this.byName = new LinkedHashMap<>();
    for (Segment s : segments) {
      byName.put(s.name(), s);
    }
  }

  /** The values, shared: the optimizer updates them in place. */
  public float[] values() {
    return values;
  }

  public List<Segment> segments() {
    return segments;
  }

  /** Total floats. */
  public int size() {
    return values.length;
  }

  /** The segment with this name. */
  public Segment segment(String name) {
    Segment s = byName.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no parameter named " + name);
    }
    return s;
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  /** A copy of one tensor's values. */
  public float[] copyOf(String name) {
    Segment s = segment(name);
    return Arrays.copyOfRange(values, s.offset(), s.offset() + s.size());
  }

  /** Lays out segments one after the other, then allocates the array once. */
  public static final class Builder {
    private final List<Segment> segments = new ArrayList<>();
    private final Map<String, Integer> names = new LinkedHashMap<>();
    private long size;

    /** Adds a tensor and returns its offset. */
    public int add(String name, int... shape) {
      if (names.containsKey(name)) {
        throw new IllegalArgumentException("parameter " + name + " added twice");
      }
      long n = 1;
      for (int d : shape) {
        if (d <= 0) {
          throw new IllegalArgumentException(name + " has a non-positive dimension");
        }
        n *= d;
      }
      if (size + n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "parameters exceed one Java array (2^31 floats) at " + name);
      }
      int offset = (int) size;
      segments.add(new Segment(name, offset, shape));
      names.put(name, offset);
      size += n;
      return offset;
    }

    public Parameters build() {
      return new Parameters(new float[(int) size], new ArrayList<>(segments));
    }
  }
}
