package io.openledger.openlora.model;

/**
 * The rows of one forward step, reused from step to step (no allocation in the decode loop). A row
 * is one token of one sequence at one position: decode contributes one row per sequence, prefill a
 * run of rows. Rows using the same adapter are contiguous and described by a segment; an ensemble
 * contributes one segment per member over the same rows.
 */
public final class Batch {
  public final int capacity;
  public final int[] tokens;
  public final int[] positions;
  public final KvCache[] caches;

  /** Rows whose logits are wanted, in the order logits are written. */
  public final int[] logitRows;

  public final int[] segFrom;
  public final int[] segTo;
  public final LoraWeights[] segAdapter;
  public final float[] segWeight;

  int rows;
  int logitCount;
  int segments;
  MergedWeights merged;

  /**
   * @param capacity most rows per step
   * @param maxSegments most adapter segments per step
   */
  public Batch(int capacity, int maxSegments) {
    this.capacity = capacity;
    tokens = new int[capacity];
    positions = new int[capacity];
    caches = new KvCache[capacity];
    logitRows = new int[capacity];
    segFrom = new int[maxSegments];
    segTo = new int[maxSegments];
    segAdapter = new LoraWeights[maxSegments];
    segWeight = new float[maxSegments];
  }

  public void clear() {
    java.util.Arrays.fill(caches, 0, rows, null);
    java.util.Arrays.fill(segAdapter, 0, segments, null);
    rows = 0;
    logitCount = 0;
    segments = 0;
    merged = null;
  }

  /** Adds a row; returns its index. */
  public int addRow(int token, int position, KvCache cache, boolean wantLogits) {
    if (rows == capacity) {
      throw new IllegalStateException("batch is full");
    }
    if (position >= cache.capacity()) {
      throw new IllegalStateException("position " + position + " beyond the sequence's cache");
    }
    int r = rows++;
    tokens[r] = token;
    positions[r] = position;
    caches[r] = cache;
    if (wantLogits) {
      logitRows[logitCount++] = r;
    }
    return r;
  }

  /** Rows [from, to) add weight · (their adapter's scale) · B·A·x to every projection it adapts. */
  public void addSegment(int from, int to, LoraWeights adapter, double weight) {
    if (segments == segFrom.length) {
      throw new IllegalStateException("too many segments");
    }
    segFrom[segments] = from;
    segTo[segments] = to;
    segAdapter[segments] = adapter;
    segWeight[segments] = (float) weight;
    segments++;
  }

  /** Use merged weights for every row (the caller adds no segments). */
  public void useMerged(MergedWeights m) {
    merged = m;
  }

  public int rows() {
    return rows;
  }

  public int logitCount() {
    return logitCount;
  }

  public int segments() {
    return segments;
  }

  /** Rows that can still be added. */
  public int free() {
    return capacity - rows;
  }
}
