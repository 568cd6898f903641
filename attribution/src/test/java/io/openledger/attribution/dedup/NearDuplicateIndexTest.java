package io.openledger.attribution.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openledger.attribution.bench.SyntheticCorpus;
import io.openledger.attribution.index.Contribution;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearDuplicateIndexTest {

  private static List<Contribution> corpus() {
    List<Contribution> docs = new ArrayList<>();
    new SyntheticCorpus(5_000, 3).contributions(150_000).forEachRemaining(docs::add);
    return docs;
  }

  /** Replaces about {@code fraction} of the words with fresh ones. */
  private static String edit(String text, double fraction, SplittableRandom r) {
    String[] words = text.split(" ");
    for (int i = 0; i < words.length; i++) {
      if (r.nextDouble() < fraction) {
        words[i] = "edit" + r.nextInt(1_000_000);
      }
    }
    return String.join(" ", words);
  }

  @Test
  void findsLightlyEditedCopiesAndNotUnrelatedTexts() {
    List<Contribution> docs = corpus();
    NearDuplicateIndex index = new NearDuplicateIndex(NearDuplicateIndex.DEFAULT_THRESHOLD);
    docs.forEach(d -> index.add(d.id(), d.text()));
    SplittableRandom r = new SplittableRandom(11);
    int found = 0;
    int falseHits = 0;
    int trials = 200;
    for (int t = 0; t < trials; t++) {
      Contribution src = docs.get(r.nextInt(docs.size()));
      // 1% of words changed, case changed, spacing changed: still the same data
      String copy = edit(src.text(), 0.01, r).toUpperCase(java.util.Locale.ROOT).replace(" ", "  ");
      List<NearDuplicate> hits = index.query(copy);
      if (!hits.isEmpty() && hits.get(0).contributionId().equals(src.id())) {
        found++;
      }
      for (NearDuplicate h : hits) {
        if (!h.contributionId().equals(src.id())) {
          falseHits++;
        }
      }
    }
    assertThat(found).as("edited copies found").isGreaterThanOrEqualTo(trials * 95 / 100);
    assertThat(falseHits).as("unrelated contributions reported").isZero();
    SyntheticCorpus other = new SyntheticCorpus(5_000, 999);
    other.contributions(20_000).forEachRemaining(c -> assertThat(index.query(c.text())).isEmpty());
  }

  @Test
  void similarityEstimatesJaccardOfShingleSets() {
    SplittableRandom r = new SplittableRandom(5);
    List<Contribution> docs = corpus();
    for (int t = 0; t < 100; t++) {
      String a = docs.get(r.nextInt(docs.size())).text();
      String b = edit(a, 0.05 * r.nextInt(5), r);
      double exact = jaccard(Shingles.of(a), Shingles.of(b));
      // 128 components: standard error sqrt(J(1-J)/128) <= 0.045; allow 4 of them
      assertThat(NearDuplicateIndex.similarity(a, b))
          .as("case %d", t)
          .isCloseTo(exact, within(0.18));
    }
  }

  private static double jaccard(long[] a, long[] b) {
    Set<Long> sa = new HashSet<>();
    for (long x : a) {
      sa.add(x);
    }
    int inter = 0;
    for (long x : b) {
      if (sa.contains(x)) {
        inter++;
      }
    }
    return inter / (double) (a.length + b.length - inter);
  }

  @Test
  void pairsReportsEachDuplicateOnceAndTextsWithoutWordsNever() {
    NearDuplicateIndex index = new NearDuplicateIndex(0.7);
    String text = corpus().get(0).text();
    index.add("orig", text);
    index.add("copy", text + " ");
    index.add("punct", "... !!! ???");
    index.add("punct2", "... !!! ???");
    index.add("other", corpus().get(1).text());
    assertThat(index.pairs()).containsExactly(new NearDuplicateIndex.Pair("copy", "orig", 1.0));
    assertThat(index.query("!!!")).isEmpty();
  }
}
