package io.openledger.openlora.model;

/**
 * One sequence's keys and values: per layer a [capacity, kvDim] array, filled position by position.
 * Allocated once when the sequence is admitted, sized to its prompt plus its token budget.
 */
public final class KvCache {
  final float[][] keys;
  final float[][] values;
  private final int capacity;
  private final int kvDim;

  public KvCache(LlamaConfig c, int capacity) {
    this.capacity = capacity;
    this.kvDim = c.kvDim();
    keys = new float[c.layers()][];
    values = new float[c.layers()][];
    for (int l = 0; l < c.layers(); l++) {
      keys[l] = new float[capacity * kvDim];
      values[l] = new float[capacity * kvDim];
    }
  }

  /** Positions this cache can hold. */
  public int capacity() {
    return capacity;
  }

  /** Bytes held. */
  public long bytes() {
    return 2L * keys.length * capacity * kvDim * 4;
  }

  /** Bytes a cache of {@code capacity} positions takes for this model. */
  public static long bytesFor(LlamaConfig c, int capacity) {
    return 2L * c.layers() * capacity * c.kvDim() * 4;
  }
}
