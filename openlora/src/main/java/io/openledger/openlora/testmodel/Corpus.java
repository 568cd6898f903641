package io.openledger.openlora.testmodel;

import java.util.SplittableRandom;

/**
 * Pseudo-English text for training the generated tokenizer: common English words plus invented ones
 * built from syllables, drawn with Zipf-like frequencies, in sentences with punctuation and
 * numbers. Deterministic in its seed.
 */
final class Corpus {
  private Corpus() {}

  private static final String[] WORDS =
      ("the of and to in is that it for on with as was be by this are at from or an have not "
              + "but all they which one you were her we there can has more will if their so "
              + "about out up what when who would into time its only other new some could these "
              + "two may first then do any like my now over such our man me even most made "
              + "after also did many before must through back years where much your way well "
              + "down should because each just those people how too little state good very "
              + "make world still own see men work long get here between both life being under "
              + "never day same another know while last might us great old year off come since "
              + "against go came right used take three ledger model data token chain block "
              + "adapter weight batch stake reward proof attribution inference open loader "
              + "river stone light garden morning music letter window north paper silver")
          .split(" ");

  private static final String[] SYLLABLES =
      ("ka lo mi ne ru sa ti vo be da fe gi ho ju le ma no pi qu re so tu va we xi yo za ar "
              + "en il or un ber con dis ent ful ing ion ter est ous ment able tion")
          .split(" ");

  /** About {@code chars} characters of text. */
  static String text(long seed, int chars, int inventedWords) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] invented = new String[inventedWords];
    for (int i = 0; i < inventedWords; i++) {
      StringBuilder w = new StringBuilder();
      int n = 1 + r.nextInt(4);
      for (int k = 0; k < n; k++) {
        w.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
      }
      invented[i] = w.toString();
    }
    StringBuilder b = new StringBuilder(chars + 64);
    boolean sentenceStart = true;
    int inSentence = 0;
    while (b.length() < chars) {
      String w = pick(r, invented);
      if (sentenceStart) {
        w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
        sentenceStart = false;
      }
      if (r.nextInt(40) == 0) {
        w = Integer.toString(r.nextInt(2030));
      }
      b.append(w);
      inSentence++;
      if (inSentence > 4 && r.nextInt(8) == 0) {
        b.append(r.nextInt(5) == 0 ? "?" : ".");
        b.append(r.nextInt(6) == 0 ? "\n" : " ");
        sentenceStart = true;
        inSentence = 0;
      } else if (r.nextInt(12) == 0) {
        b.append(", ");
      } else {
        b.append(' ');
      }
    }
    return b.toString();
  }

  /** Zipf-like: word k (of the combined list) with weight about 1 / (k + 1). */
  private static String pick(SplittableRandom r, String[] invented) {
    int total = WORDS.length + invented.length;
    // inverse CDF of 1/x on [1, total + 1): x = (total + 1)^u
    int k = (int) Math.floor(Math.pow(total + 1, r.nextDouble())) - 1;
    k = Math.min(total - 1, Math.max(0, k));
    return k < WORDS.length ? WORDS[k] : invented[k - WORDS.length];
  }
}
