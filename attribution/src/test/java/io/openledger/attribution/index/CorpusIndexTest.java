package io.openledger.attribution.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openledger.attribution.AttributionException.CorruptIndex;
import io.openledger.attribution.AttributionException.InvalidInput;
import io.openledger.attribution.bench.SyntheticCorpus;
import io.openledger.attribution.tokenize.TokenizedText;
import io.openledger.attribution.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusIndexTest {
  @TempDir Path dir;

  private static List<Contribution> corpus(long tokens, long seed) {
    List<Contribution> out = new ArrayList<>();
    new SyntheticCorpus(2_000, seed).contributions(tokens).forEachRemaining(out::add);
    return out;
  }

  @Test
  void shardHoldsTheTokensTheirSuffixArrayAndTheirContributions() {
    List<Contribution> docs = corpus(20_000, 1);
    docs.add(new Contribution("unicode", "Ça va? 東京。 𝔘𝔫𝔦 ok, ok."));
    Path file = dir.resolve("s.olsa");
    new ShardWriter(2).write(docs.iterator(), file, BuildProgress.NONE);
    try (Shard s = Shard.open(file)) {
      assertThat(s.contributionCount()).isEqualTo(docs.size());
      long p = 0;
      Map<String, Long> counts = new HashMap<>();
      for (int d = 0; d < docs.size(); d++) {
        assertThat(s.contributionId(d)).isEqualTo(docs.get(d).id());
        assertThat(s.contributionStart(d)).isEqualTo(p);
        TokenizedText tt = Tokenizer.tokenize(docs.get(d).text());
        for (int i = 0; i < tt.size(); i++, p++) {
          assertThat(s.token(s.tokenAt(p))).as("position %d", p).isEqualTo(tt.token(i));
          assertThat(s.contributionAt(p)).isEqualTo(d);
          counts.merge(tt.token(i), 1L, Long::sum);
        }
        assertThat(s.tokenAt(p)).as("separator after contribution %d", d).isZero();
        p++;
      }
      assertThat(s.positions()).isEqualTo(p);
      assertThat(s.vocabularySize()).isEqualTo(counts.size());
      counts.forEach((tok, c) -> assertThat(s.count(s.tokenId(tok))).as(tok).isEqualTo(c));
      assertThat(s.tokenId("no-such-token")).isEqualTo(-1);
      // suffix array: a permutation, in increasing order of suffixes
      boolean[] seen = new boolean[(int) s.positions()];
      for (long r = 0; r < s.positions(); r++) {
        int pos = (int) s.suffixAt(r);
        assertThat(seen[pos]).isFalse();
        seen[pos] = true;
        if (r > 0) {
          assertThat(compare(s, s.suffixAt(r - 1), pos)).as("rank %d", r).isNegative();
        }
      }
    }
  }

  private static int compare(Shard s, long a, long b) {
    while (a < s.positions() && b < s.positions()) {
      int x = s.tokenAt(a);
      int y = s.tokenAt(b);
      if (x != y) {
        return Integer.compare(x, y);
      }
      a++;
      b++;
    }
    return a == s.positions() ? -1 : 1;
  }

  @Test
  void sameBytesOnEveryRunAndThreadCount() throws IOException {
    // long enough for the parallel suffix sorting (InductionTeam.MIN_PARALLEL tokens) at the top
    // level and in its first recursion
    List<Contribution> docs = corpus(250_000, 2);
    byte[] reference = null;
    // tokenizing threads, sorting threads
    int[][] runs = {{1, 1}, {2, 2}, {3, 3}, {8, 8}, {2, 1}, {1, 2}, {1, 1}};
    for (int[] run : runs) {
      Path file = dir.resolve("t" + run[0] + "-" + run[1] + "-" + System.nanoTime() + ".olsa");
      new ShardWriter(run[0], run[1]).write(docs.iterator(), file, BuildProgress.NONE);
      byte[] bytes = Files.readAllBytes(file);
      if (reference == null) {
        reference = bytes;
      }
      assertThat(bytes)
          .as("%d tokenizing, %d sorting threads", run[0], run[1])
          .isEqualTo(reference);
    }
  }

  @Test
  void shardBytesAreTheKnownAnswerForEveryThreadCount() throws Exception {
    // SHA-256 of this corpus's shard as the build wrote it before the tokenizer was fused with the
    // hashing and the text's sections were written beside the suffix sort (commit ab75ba4): the
    // build's speed work must not change a byte of format 1.
    List<Contribution> docs = corpus(250_000, 2);
    docs.add(new Contribution("unicode", "Ça va? 東京。 𝔘𝔫𝔦 ok, ok. \uD83D\uDE00x"));
    for (int threads = 1; threads <= 3; threads++) {
      Path file = dir.resolve("known-" + threads + ".olsa");
      new ShardWriter(threads).write(docs.iterator(), file, BuildProgress.NONE);
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      assertThat(HexFormat.of().formatHex(sha))
          .as("%d threads", threads)
          .isEqualTo("4c5c1371c8013e05212fb6845cca80743c1b839f285558eb252d9e9189a7ccd0");
    }
  }

  @Test
  void anErrorOnATokenizingThreadSurfacesAndChangesNothing() throws IOException {
    Path index = dir.resolve("idx");
    CorpusIndex.append(index, "v1", corpus(2_000, 9).iterator(), 2, BuildProgress.NONE);
    byte[] manifest = Files.readAllBytes(index.resolve(CorpusIndex.MANIFEST));
    List<String> before = listing(index);
    // several batches of contributions, so that the bad one is tokenized by the second lane
    List<Contribution> docs = new ArrayList<>();
    for (int i = 0; i < 3 * 4096 + 10; i++) {
      docs.add(new Contribution("c" + i, i == 4096 + 7 ? "fine \uD800 then" : "word " + i));
    }
    assertThatThrownBy(
            () -> CorpusIndex.append(index, "v2", docs.iterator(), 2, BuildProgress.NONE))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("unpaired surrogate U+D800 at char 5");
    assertThat(Files.readAllBytes(index.resolve(CorpusIndex.MANIFEST))).isEqualTo(manifest);
    assertThat(listing(index)).isEqualTo(before);
  }

  @Test
  void aFailedWriteSurfacesFromTheThreadThatWritesBesideTheSort() {
    // /dev/full accepts the open and fails every write (no space left): with 1 thread the
    // sections are written after the sort on the calling thread, with more on a second thread
    // while the sort runs; the error must reach the caller either way.
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "needs /dev/full");
    List<Contribution> docs = corpus(100_000, 10);
    for (int threads = 1; threads <= 3; threads++) {
      int t = threads;
      assertThatThrownBy(() -> new ShardWriter(t).write(docs.iterator(), full, BuildProgress.NONE))
          .as("%d threads", threads)
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("cannot write /dev/full");
    }
  }

  @Test
  void versionsAddShardsAndQueriesSelectThem() {
    Path index = dir.resolve("idx");
    CorpusIndex.append(index, "v1", corpus(5_000, 3).iterator(), 1, BuildProgress.NONE);
    CorpusIndex.append(index, "v2", corpus(5_000, 4).iterator(), 1, BuildProgress.NONE);
    assertThatThrownBy(
            () -> CorpusIndex.append(index, "v2", corpus(100, 5).iterator(), 1, BuildProgress.NONE))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("already has version v2");
    try (CorpusIndex ci = CorpusIndex.open(index)) {
      assertThat(ci.shardInfos())
          .extracting(CorpusIndex.ShardInfo::version)
          .containsExactly("v1", "v2");
      assertThat(ci.select(List.of())).hasSize(2);
      assertThat(ci.select(List.of("v2"))).containsExactly(ci.shards().get(1));
      assertThatThrownBy(() -> ci.select(List.of("v9")))
          .isInstanceOf(InvalidInput.class)
          .hasMessageContaining("no version v9");
    }
  }

  @Test
  void badInputIsRefusedAndChangesNothing() throws IOException {
    Path index = dir.resolve("idx");
    CorpusIndex.append(index, "v1", corpus(2_000, 6).iterator(), 1, BuildProgress.NONE);
    byte[] manifest = Files.readAllBytes(index.resolve(CorpusIndex.MANIFEST));
    List<String> before = listing(index);

    assertThatThrownBy(() -> append(index, Collections.emptyIterator()))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("corpus is empty");
    assertThatThrownBy(() -> append(index, List.of(new Contribution("a", " \n ")).iterator()))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("no tokens");
    assertThatThrownBy(
            () ->
                append(
                    index,
                    List.of(new Contribution("a", "x y"), new Contribution("a", "z")).iterator()))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("duplicate contribution id: a");
    String big = "word ".repeat(Tokenizer.MAX_CONTRIBUTION_BYTES / 5 + 1);
    assertThatThrownBy(() -> append(index, List.of(new Contribution("big", big)).iterator()))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("contribution big is 5242885 bytes, over the limit of 5242880");
    assertThatThrownBy(() -> Contribution.fromUtf8("bad", new byte[] {'h', 'i', (byte) 0xFF, 'x'}))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("contribution bad is not valid UTF-8 (bad byte at offset 2)");
    assertThatThrownBy(() -> Contribution.fromUtf8("big", big.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("over the limit");

    assertThat(Files.readAllBytes(index.resolve(CorpusIndex.MANIFEST))).isEqualTo(manifest);
    assertThat(listing(index)).isEqualTo(before);
  }

  private static void append(Path index, Iterator<Contribution> it) {
    CorpusIndex.append(index, "v2", it, 1, BuildProgress.NONE);
  }

  private static List<String> listing(Path p) throws IOException {
    try (var s = Files.list(p)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anyDamagedByteIsRefusedWithAClearError() throws IOException {
    Path index = dir.resolve("idx");
    CorpusIndex.append(index, "v1", corpus(3_000, 7).iterator(), 1, BuildProgress.NONE);
    Path shard = index.resolve("shard-000001.olsa");
    byte[] good = Files.readAllBytes(shard);
    SplittableRandom rnd = new SplittableRandom(99);
    // every header byte that matters, then random bytes all over the file
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < ShardFormat.HEADER_CRC_AT + 4; i++) {
      offsets.add(i);
    }
    for (int k = 0; k < 300; k++) {
      offsets.add(rnd.nextInt(good.length));
    }
    for (int off : offsets) {
      byte[] bad = good.clone();
      bad[off] ^= (byte) (1 << rnd.nextInt(8));
      Files.write(shard, bad);
      if (isPadding(good, off)) {
        continue; // alignment bytes between sections carry no data
      }
      assertThatThrownBy(() -> CorpusIndex.open(index).close())
          .as("flipped byte at %d", off)
          .isInstanceOf(CorruptIndex.class)
          .hasMessageContaining("rebuild the index");
    }
    Files.write(shard, java.util.Arrays.copyOf(good, good.length - 9));
    assertThatThrownBy(() -> CorpusIndex.open(index))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("outside the file");
    Files.write(
        shard, "not an index at all, just some text that is long enough".repeat(10).getBytes());
    assertThatThrownBy(() -> CorpusIndex.open(index))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("bad magic");
    Files.delete(shard);
    assertThatThrownBy(() -> CorpusIndex.open(index))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("is missing");
    assertThatThrownBy(() -> CorpusIndex.open(dir.resolve("nothing-here")))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("is not an attribution index");
  }

  // True when offset lies in the zero padding between two sections (outside every section).
  private static boolean isPadding(byte[] file, int off) {
    if (off < ShardFormat.HEADER_BYTES) {
      return off >= ShardFormat.HEADER_CRC_AT + 4;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < ShardFormat.SECTION_COUNT; i++) {
      int at = ShardFormat.SECTION_TABLE + i * ShardFormat.SECTION_ENTRY;
      long start = b.getLong(at);
      long len = b.getLong(at + 8);
      if (off >= start && off < start + len) {
        return false;
      }
    }
    return true;
  }

  @Test
  void manifestThatDisagreesWithItsShardIsRefused() throws IOException {
    Path index = dir.resolve("idx");
    CorpusIndex.append(index, "v1", corpus(1_000, 8).iterator(), 1, BuildProgress.NONE);
    Path m = index.resolve(CorpusIndex.MANIFEST);
    String text = Files.readString(m);
    Files.writeString(m, text.replaceAll(" [0-9a-f]{8}\n", " 00000000\n"));
    assertThatThrownBy(() -> CorpusIndex.open(index))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("does not match the manifest");
    Files.writeString(m, text.replace("shard v1", "shard v1 extra"));
    assertThatThrownBy(() -> CorpusIndex.open(index))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("line 3 is damaged");
  }

  @Test
  void partsArePowersOfTwoCutAtContributionsNearEqualSizes() {
    // 10 contributions of 10 positions: 100 positions
    long[] starts = new long[11];
    for (int d = 0; d <= 10; d++) {
      starts[d] = 10L * d;
    }
    assertThat(ShardWriter.partStarts(starts, 10, 100)).containsExactly(0, 10);
    assertThat(ShardWriter.partStarts(starts, 10, 99)).containsExactly(0, 5, 10);
    // 100 / 30 needs 4 parts: cut at the first contributions from 25, 50 and 75 positions on
    assertThat(ShardWriter.partStarts(starts, 10, 30)).containsExactly(0, 3, 5, 8, 10);
    // a contribution over the three cuts' positions (25, 50, 75): never cut inside, and the parts
    // that would be empty are dropped
    long[] big = {0, 5, 95, 100};
    assertThat(ShardWriter.partStarts(big, 3, 30)).containsExactly(0, 2, 3);
    assertThat(ShardWriter.partStarts(new long[] {0, 100}, 1, 10)).containsExactly(0, 1);
  }

  @Test
  void aVersionInPartsHasTheSameBytesForAnyThreadCountAndTracesAsOneShard() throws IOException {
    List<Contribution> docs = corpus(40_000, 21);
    Path one = dir.resolve("one.olsa");
    new ShardWriter(1).write(docs.iterator(), one, BuildProgress.NONE);
    List<List<byte[]>> byThreads = new ArrayList<>();
    for (int threads = 1; threads <= 3; threads++) {
      Path d = Files.createDirectories(dir.resolve("t" + threads));
      List<ShardWriter.ShardStats> parts =
          new ShardWriter(threads, 1, 12_000)
              .writeParts(docs.iterator(), k -> d.resolve(k + ".olsa"), BuildProgress.NONE);
      assertThat(parts).hasSize(4);
      List<byte[]> bytes = new ArrayList<>();
      for (int k = 0; k < parts.size(); k++) {
        bytes.add(Files.readAllBytes(d.resolve(k + ".olsa")));
        assertThat(parts.get(k).positions()).isLessThanOrEqualTo(12_000 + 1_300);
      }
      byThreads.add(bytes);
    }
    for (int t = 1; t < byThreads.size(); t++) {
      for (int k = 0; k < 4; k++) {
        assertThat(byThreads.get(t).get(k))
            .as("part %d, %d threads", k, t + 1)
            .isEqualTo(byThreads.get(0).get(k));
      }
    }
    // the parts hold every contribution once, in order, and each only the tokens it uses
    List<Shard> parts = new ArrayList<>();
    try (Shard whole = Shard.open(one)) {
      for (int k = 0; k < 4; k++) {
        parts.add(Shard.open(dir.resolve("t1").resolve(k + ".olsa")));
      }
      int d = 0;
      long positions = 0;
      for (Shard part : parts) {
        positions += part.positions();
        for (int i = 0; i < part.contributionCount(); i++, d++) {
          assertThat(part.contributionId(i)).isEqualTo(docs.get(d).id());
        }
        assertThat(part.vocabularySize()).isLessThan(whole.vocabularySize());
      }
      assertThat(d).isEqualTo(docs.size());
      assertThat(positions).isEqualTo(whole.positions());
      String output =
          docs.get(2).text().substring(0, 200)
              + " qqq zzz "
              + docs.get(docs.size() / 2).text().substring(20, 300)
              + " "
              + docs.getLast().text().substring(0, 150);
      var a =
          new io.openledger.attribution.trace.Tracer(
                  List.of(whole), io.openledger.attribution.trace.TraceParameters.V1)
              .trace(output);
      var b =
          new io.openledger.attribution.trace.Tracer(
                  parts, io.openledger.attribution.trace.TraceParameters.V1)
              .trace(output);
      assertThat(b.spans()).isEqualTo(a.spans());
      assertThat(b.weights()).isEqualTo(a.weights());
      assertThat(a.spans()).isNotEmpty();
    } finally {
      parts.forEach(Shard::close);
    }
  }

  @Test
  void anIndexListsAVersionsPartsTogetherAndSelectsThemAll() throws IOException {
    Path index = dir.resolve("parts");
    ShardWriter small = new ShardWriter(2, 1, 5_000);
    List<CorpusIndex.ShardInfo> v1 =
        CorpusIndex.append(index, "v1", corpus(18_000, 31).iterator(), small, BuildProgress.NONE);
    List<CorpusIndex.ShardInfo> v2 =
        CorpusIndex.append(index, "v2", corpus(3_000, 32).iterator(), small, BuildProgress.NONE);
    assertThat(v1).hasSize(4).allSatisfy(i -> assertThat(i.version()).isEqualTo("v1"));
    assertThat(v2).hasSize(1);
    assertThat(v2.getFirst().file()).isEqualTo("shard-000005.olsa");
    try (CorpusIndex ci = CorpusIndex.open(index)) {
      assertThat(ci.shardInfos())
          .extracting(CorpusIndex.ShardInfo::version)
          .containsExactly("v1", "v1", "v1", "v1", "v2");
      assertThat(ci.select(List.of("v1"))).hasSize(4);
      assertThat(ci.select(List.of("v2", "v1"))).hasSize(5);
    }
    assertThatThrownBy(
            () ->
                CorpusIndex.append(index, "v1", corpus(100, 33).iterator(), 1, BuildProgress.NONE))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("already has version v1");
    // a version's lines apart from each other are a damaged manifest
    Path m = index.resolve(CorpusIndex.MANIFEST);
    List<String> lines = new ArrayList<>(Files.readAllLines(m));
    Collections.swap(lines, 3, 6);
    Files.write(m, lines);
    assertThatThrownBy(() -> CorpusIndex.open(index))
        .isInstanceOf(CorruptIndex.class)
        .hasMessageContaining("is damaged");
  }
}
