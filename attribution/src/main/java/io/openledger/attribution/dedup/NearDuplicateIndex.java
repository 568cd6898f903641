package io.openledger.attribution.dedup;

import com.dynatrace.hash4j.similarity.ElementHashProvider;
import com.dynatrace.hash4j.similarity.SimilarityHashPolicy;
import com.dynatrace.hash4j.similarity.SimilarityHasher;
import com.dynatrace.hash4j.similarity.SimilarityHashing;
import com.dynatrace.hash4j.similarity.SuperMinHashVersion;
import io.openledger.attribution.AttributionException;
import io.openledger.attribution.PartsPerMillion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Near-duplicate detection for contributions (spec section 8): MinHash signatures of 5-word
 * shingles (SuperMinHash, 128 components of 16 bits), indexed by locality-sensitive hashing in 32
 * bands of 4 components. A query finds the contributions whose estimated Jaccard similarity with
 * the text is at least the threshold. Not thread-safe for adding; queries may run concurrently when
 * no add is in progress.
 */
public final class NearDuplicateIndex {
  /** Signature components. */
  public static final int COMPONENTS = 128;

  /** Bits per component. */
  public static final int COMPONENT_BITS = 16;

  /** LSH bands; each band is {@link #COMPONENTS} / BANDS = 4 components, one 64-bit key. */
  public static final int BANDS = 32;

  /** Default similarity from which a text counts as a near duplicate. */
  public static final double DEFAULT_THRESHOLD = 0.7;

  private static final int ROWS = COMPONENTS / BANDS;
  private static final SimilarityHashPolicy POLICY =
      SimilarityHashing.superMinHash(COMPONENTS, COMPONENT_BITS, SuperMinHashVersion.V1);

  private final double threshold;
  private final List<String> ids = new ArrayList<>();
  private final List<byte[]> signatures = new ArrayList<>();
  private final Set<String> idSet = new HashSet<>();
  // Open addressing over (band, key) -> head of a linked list of documents.
  private long[] slotKey = new long[1 << 12];
  private int[] slotBand = new int[1 << 12];
  private int[] slotHead = filled(1 << 12);
  private int slotsUsed;
  private int[] entryDoc = new int[1 << 12];
  private int[] entryNext = new int[1 << 12];
  private int entries;

  /** An empty index with the given threshold (0 < threshold <= 1). */
  public NearDuplicateIndex(double threshold) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
    }
    this.threshold = threshold;
  }

  public double threshold() {
    return threshold;
  }

  /** Contributions added. */
  public int size() {
    return ids.size();
  }

  /** The signature of a text, or null when it has no word (such texts never match). */
  static byte[] signature(String text) {
    long[] shingles = Shingles.of(text);
    if (shingles.length == 0) {
      return null;
    }
    SimilarityHasher hasher = POLICY.createHasher();
    return hasher.compute(ElementHashProvider.ofValues(shingles));
  }

  /** Estimated Jaccard similarity of two texts' shingle sets (0 when either has no word). */
  public static double similarity(String a, String b) {
    byte[] sa = signature(a);
    byte[] sb = signature(b);
    return sa == null || sb == null ? 0 : POLICY.getFractionOfEqualComponents(sa, sb);
  }

  /**
   * Adds a contribution.
   *
   * @throws AttributionException.InvalidInput if the id was added before
   */
  public void add(String id, String text) {
    if (!idSet.add(id)) {
      throw new AttributionException.InvalidInput("duplicate contribution id: " + id);
    }
    byte[] sig = signature(text);
    int doc = ids.size();
    ids.add(id);
    signatures.add(sig);
    if (sig == null) {
      return;
    }
    for (int b = 0; b < BANDS; b++) {
      insert(b, bandKey(sig, b), doc);
    }
  }

  /** The contributions {@code text} nearly duplicates, most similar first, ties by id. */
  public List<NearDuplicate> query(String text) {
    byte[] sig = signature(text);
    if (sig == null) {
      return List.of();
    }
    return matches(sig, Integer.MAX_VALUE);
  }

  /**
   * Every pair of added contributions that are near duplicates of each other, each reported once as
   * (later id, earlier match), in the order added.
   */
  public List<Pair> pairs() {
    List<Pair> out = new ArrayList<>();
    for (int d = 0; d < ids.size(); d++) {
      byte[] sig = signatures.get(d);
      if (sig == null) {
        continue;
      }
      for (NearDuplicate n : matches(sig, d)) {
        out.add(new Pair(ids.get(d), n.contributionId(), n.similarity()));
      }
    }
    return out;
  }

  /** Two near-duplicate contributions: {@code id} was added after {@code duplicateOf}. */
  public record Pair(String id, String duplicateOf, double similarity) {}

  // Near duplicates among documents with index below {@code before}.
  private List<NearDuplicate> matches(byte[] sig, int before) {
    Set<Integer> candidates = new HashSet<>();
    for (int b = 0; b < BANDS; b++) {
      long key = bandKey(sig, b);
      int slot = find(b, key);
      if (slot < 0) {
        continue;
      }
      for (int e = slotHead[slot]; e >= 0; e = entryNext[e]) {
        if (entryDoc[e] < before) {
          candidates.add(entryDoc[e]);
        }
      }
    }
    List<NearDuplicate> out = new ArrayList<>();
    for (int doc : candidates) {
      double s = POLICY.getFractionOfEqualComponents(sig, signatures.get(doc));
      if (s >= threshold) {
        out.add(new NearDuplicate(ids.get(doc), s));
      }
    }
    out.sort(
        Comparator.comparingDouble(NearDuplicate::similarity)
            .reversed()
            .thenComparing(NearDuplicate::contributionId, PartsPerMillion.CODE_POINT));
    return out;
  }

  private static long bandKey(byte[] sig, int band) {
    long key = 0;
    for (int r = 0; r < ROWS; r++) {
      key |= POLICY.getComponent(sig, band * ROWS + r) << (COMPONENT_BITS * r);
    }
    return key;
  }

  private static int mix(long key, int band) {
    long h = (key ^ ((long) band << 58)) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  private int find(int band, long key) {
    int mask = slotKey.length - 1;
    for (int s = mix(key, band) & mask; ; s = (s + 1) & mask) {
      if (slotHead[s] < 0) {
        return -1;
      }
      if (slotKey[s] == key && slotBand[s] == band) {
        return s;
      }
    }
  }

  private void insert(int band, long key, int doc) {
    if ((slotsUsed + 1) * 2 > slotKey.length) {
      grow();
    }
    int mask = slotKey.length - 1;
    int s = mix(key, band) & mask;
    while (slotHead[s] >= 0 && !(slotKey[s] == key && slotBand[s] == band)) {
      s = (s + 1) & mask;
    }
    if (slotHead[s] < 0) {
      slotKey[s] = key;
      slotBand[s] = band;
      slotsUsed++;
    }
    if (entries == entryDoc.length) {
      entryDoc = Arrays.copyOf(entryDoc, entries * 2);
      entryNext = Arrays.copyOf(entryNext, entries * 2);
    }
    entryDoc[entries] = doc;
    entryNext[entries] = slotHead[s];
    slotHead[s] = entries++;
  }

  private void grow() {
    long[] oldKey = slotKey;
    int[] oldBand = slotBand;
    int[] oldHead = slotHead;
    int cap = oldKey.length * 2;
    slotKey = new long[cap];
    slotBand = new int[cap];
    slotHead = filled(cap);
    int mask = cap - 1;
    for (int i = 0; i < oldKey.length; i++) {
      if (oldHead[i] < 0) {
        continue;
      }
      int s = mix(oldKey[i], oldBand[i]) & mask;
      while (slotHead[s] >= 0) {
        s = (s + 1) & mask;
      }
      slotKey[s] = oldKey[i];
      slotBand[s] = oldBand[i];
      slotHead[s] = oldHead[i];
    }
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }
}
