package io.openledger.attribution;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rounding rule of attribution version 1, shared by span and influence attribution (spec
 * section "Parts per million"): given non-negative integer masses {@code m_c} for contributions and
 * {@code m_model} for the model, with {@code T = m_model + sum(m_c)},
 *
 * <pre>
 *   ppm_c     = floor(1,000,000 * m_c / T)        (exact integer arithmetic)
 *   ppm_model = 1,000,000 - sum(ppm_c)             (the model takes the rounding remainder)
 * </pre>
 *
 * and when {@code T = 0} the model gets 1,000,000. Contributions whose ppm is 0 are left out.
 */
public final class PartsPerMillion {
  /** The whole: 1,000,000 parts per million. */
  public static final int ONE = 1_000_000;

  private static final BigInteger ONE_BIG = BigInteger.valueOf(ONE);

  /**
   * Scale on which influence scores are quantized before rounding: the largest positive score maps
   * to 2^40.
   */
  public static final long SCORE_SCALE = 1L << 40;

  private PartsPerMillion() {}

  /**
   * Applies the rule to integer masses.
   *
   * @param masses mass per contribution id (each at least 0)
   * @param modelMass the model's own mass (at least 0)
   */
  public static AttributionWeights fromMasses(Map<String, Long> masses, long modelMass) {
    if (modelMass < 0) {
      throw new IllegalArgumentException("negative model mass");
    }
    TreeMap<String, Long> sorted = new TreeMap<>(Comparator.comparing((String s) -> s, CODE_POINT));
    sorted.putAll(masses);
    long total = modelMass;
    for (long m : sorted.values()) {
      if (m < 0) {
        throw new IllegalArgumentException("negative mass");
      }
      total = Math.addExact(total, m);
    }
    if (total == 0) {
      return AttributionWeights.allToModel(AttributionVersion.V1);
    }
    List<ContributionWeight> out = new ArrayList<>();
    long given = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      int ppm = floorPpm(e.getValue(), total);
      if (ppm > 0) {
        out.add(new ContributionWeight(e.getKey(), ppm));
        given += ppm;
      }
    }
    out.sort(
        Comparator.comparingInt(ContributionWeight::ppm)
            .reversed()
            .thenComparing(ContributionWeight::contributionId, CODE_POINT));
    return new AttributionWeights(AttributionVersion.V1, out, (int) (ONE - given));
  }

  /**
   * Influence scores to weights: only positive scores earn. Each positive score {@code s} becomes
   * the mass {@code floor(s / max * 2^40)} (IEEE-754 double division and multiplication, then
   * truncation), where {@code max} is the largest score; the model's mass is 0, so it receives only
   * the rounding remainder. No positive score gives all weight to the model.
   */
  public static AttributionWeights fromScores(List<String> ids, double[] scores) {
    if (ids.size() != scores.length) {
      throw new IllegalArgumentException("ids and scores differ in length");
    }
    double max = 0;
    for (double s : scores) {
      if (Double.isNaN(s) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("score is not finite");
      }
      max = Math.max(max, s);
    }
    Map<String, Long> masses = new TreeMap<>(CODE_POINT);
    if (max > 0) {
      for (int i = 0; i < scores.length; i++) {
        if (scores[i] > 0) {
          long m = (long) (scores[i] / max * SCORE_SCALE);
          masses.merge(ids.get(i), m, Long::sum);
        }
      }
    }
    return fromMasses(masses, 0);
  }

  /** floor(1e6 * m / total) without overflow. */
  static int floorPpm(long m, long total) {
    if (m <= Long.MAX_VALUE / ONE) {
      return (int) (m * ONE / total);
    }
    return BigInteger.valueOf(m)
        .multiply(ONE_BIG)
        .divide(BigInteger.valueOf(total))
        .intValueExact();
  }

  /** Orders strings by Unicode code point (the order of their UTF-8 bytes), not UTF-16 units. */
  public static final Comparator<String> CODE_POINT =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };
}
