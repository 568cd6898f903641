package io.openledger.attribution.index;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.AttributionVersion;
import io.openledger.attribution.index.ShardFormat.Section;
import io.openledger.attribution.index.ShardFormat.SectionEntry;
import io.openledger.attribution.tokenize.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * Builds one shard file from contributions: tokenize and intern (in parallel, in batches, each
 * thread with its own vocabulary), merge the vocabularies and rewrite the ids as final ids, sort
 * suffixes (SA-IS) while a second thread writes the sections that depend on the text alone, then
 * write the suffix array and the header. The file depends only on the contributions and their
 * order, never on the thread count.
 */
public final class ShardWriter {
  /** Summary of a written shard. */
  public record ShardStats(
      long positions,
      long tokens,
      int contributions,
      int vocabulary,
      long fileBytes,
      int headerCrc) {}

  private static final int BATCH_CHARS = 8 << 20;
  private static final int BATCH_CONTRIBUTIONS = 4096;
  // How many tokens ahead interning touches the vocabulary's table.
  private static final int TOUCH_AHEAD = 8;

  private final int threads;
  private final int sortThreads;
  private final long partPositions;

  /**
   * A writer tokenizing on {@code threads} threads (at least 1) and sorting suffixes with the
   * sequential induction scans of SA-IS, its other loops on the same threads: on the two-core
   * reference machine the parallel induction was slower on 100M tokens (docs/BENCHMARKS.md,
   * "Attribution"), so it is opt-in ({@link #ShardWriter(int, int)}). With more than one thread,
   * the sections other than the suffix array are written while the suffixes are sorted.
   */
  public ShardWriter(int threads) {
    this(threads, 1);
  }

  /**
   * A writer tokenizing on {@code threads} threads and, when {@code sortThreads} is more than 1,
   * running the induction scans of the suffix sort block by block on {@code sortThreads} threads
   * ({@link InductionTeam}); 1 is {@link #ShardWriter(int)}. The file is the same for all counts.
   */
  public ShardWriter(int threads, int sortThreads) {
    this(threads, sortThreads, ShardFormat.PART_POSITIONS);
  }

  /** As {@link #ShardWriter(int, int)}, cutting versions into parts of {@code partPositions}. */
  ShardWriter(int threads, int sortThreads, long partPositions) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    if (sortThreads < 1) {
      throw new IllegalArgumentException("sortThreads must be >= 1");
    }
    if (partPositions < 2) {
      throw new IllegalArgumentException("partPositions must be >= 2");
    }
    this.threads = threads;
    this.sortThreads = sortThreads;
    this.partPositions = partPositions;
  }

  /**
   * Writes the shard for {@code contributions} to {@code file} (created or replaced).
   *
   * @throws AttributionException.InvalidInput on an empty corpus, a duplicate id, an over-limit
   *     contribution, or a corpus too large for one shard
   */
  public ShardStats write(Iterator<Contribution> contributions, Path file, BuildProgress progress) {
    return writeShard(tokenizeAll(contributions, progress), file, progress, threads, sortThreads);
  }

  /**
   * Writes one version's contributions as its parts, one shard file each ({@code files} names part
   * k, from 0), and returns their summaries in order. A version of at most {@link
   * ShardFormat#PART_POSITIONS} positions is one part, the same file {@link #write} gives; a larger
   * one is cut at contribution boundaries into the fewest parts, a power of two, of about equal
   * size and at most that many positions each ({@link #partStarts}). The vocabulary is the whole
   * version's, so the parts are tokenized once; each part keeps the tokens it holds. Parts are
   * sorted and written whole by one thread each, as many at once as there are threads: on two cores
   * two suffix sorts run side by side where a single shard's sort runs on one. The files depend
   * only on the contributions and their order, never on the thread count.
   *
   * @throws AttributionException.InvalidInput as {@link #write} does
   */
  public List<ShardStats> writeParts(
      Iterator<Contribution> contributions, IntFunction<Path> files, BuildProgress progress) {
    Corpus corpus = tokenizeAll(contributions, progress);
    int[] starts = partStarts(corpus.docStarts, corpus.ids.size(), partPositions);
    int parts = starts.length - 1;
    if (parts == 1) {
      return List.of(writeShard(corpus, files.apply(0), progress, threads, sortThreads));
    }
    progress.start(BuildProgress.Phase.SORT, parts);
    AtomicInteger finished = new AtomicInteger();
    int workers = Math.min(threads, parts);
    ExecutorService pool = workers > 1 ? Executors.newFixedThreadPool(workers) : null;
    try {
      List<Future<ShardStats>> done = new ArrayList<>();
      for (int k = 0; k < parts; k++) {
        int part = k;
        Callable<ShardStats> work =
            () -> {
              // whole on this thread: one thread for the sort and the writing
              ShardStats stats =
                  writeShard(
                      part(corpus, starts[part], starts[part + 1]),
                      files.apply(part),
                      BuildProgress.NONE,
                      1,
                      1);
              synchronized (progress) {
                progress.progress(finished.incrementAndGet());
              }
              return stats;
            };
        done.add(runOn(pool, work));
      }
      List<ShardStats> out = new ArrayList<>();
      for (Future<ShardStats> f : done) {
        out.add(await(f));
      }
      return out;
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Where each part begins, as contribution indices, and the contribution count at the end: the
   * fewest parts, a power of two, with at most about {@code partPositions} positions each; part k
   * begins at the first contribution starting at or after k / parts of the positions.
   */
  static int[] partStarts(long[] docStarts, int docs, long partPositions) {
    long n = docStarts[docs];
    int parts = 1;
    while ((n + parts - 1) / parts > partPositions) {
      parts *= 2;
    }
    int[] starts = new int[parts + 1];
    int count = 1;
    int d = 0;
    for (int k = 1; k < parts; k++) {
      long at = n * k / parts;
      while (d < docs && docStarts[d] < at) {
        d++;
      }
      if (d > starts[count - 1] && d < docs) {
        starts[count++] = d;
      }
    }
    starts[count++] = docs;
    return Arrays.copyOf(starts, count);
  }

  /**
   * Contributions [d0, d1) of the corpus as a corpus of their own: their text, and the tokens they
   * use as the vocabulary (still in code point order, so renumbering keeps the order).
   */
  private static Corpus part(Corpus c, int d0, int d1) {
    int from = (int) c.docStarts[d0];
    int to = (int) c.docStarts[d1];
    int[] newId = new int[c.vocabulary.length + 1];
    for (int i = from; i < to; i++) {
      newId[c.text[i]] = 1;
    }
    newId[0] = 0; // the separator stays 0
    int used = 0;
    for (int id = 1; id < newId.length; id++) {
      if (newId[id] != 0) {
        newId[id] = ++used;
      }
    }
    String[] vocabulary = new String[used];
    for (int id = 1; id < newId.length; id++) {
      if (newId[id] != 0) {
        vocabulary[newId[id] - 1] = c.vocabulary[id - 1];
      }
    }
    int n = to - from;
    int[] text = new int[n];
    for (int i = 0; i < n; i++) {
      text[i] = newId[c.text[from + i]];
    }
    long[] docStarts = new long[d1 - d0 + 1];
    for (int d = d0; d <= d1; d++) {
      docStarts[d - d0] = c.docStarts[d] - from;
    }
    return new Corpus(text, n, vocabulary, docStarts, c.ids.subList(d0, d1));
  }

  /**
   * Sorts and writes one shard; with {@code threads} above 1 the text sections are written on a
   * second thread while this one sorts.
   */
  private static ShardStats writeShard(
      Corpus corpus, Path file, BuildProgress progress, int threads, int sortThreads) {
    try (FileChannel ch =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        ExecutorService side = threads > 1 ? Executors.newSingleThreadExecutor() : null) {
      // Every section but the suffix array depends on the text alone: with a second thread they
      // are written while this one sorts (the sort keeps the tokens readable: it only sets their
      // sign bits, which the writer masks off), so the second core is not idle meanwhile.
      Callable<Layout> textSections = () -> writeTextSections(corpus, ch);
      Future<Layout> written = side == null ? null : side.submit(textSections);
      progress.start(BuildProgress.Phase.SORT, 100);
      int[] sa =
          sortThreads > 1
              ? SuffixArrays.buildInPlace(
                  corpus.text,
                  corpus.n,
                  corpus.vocabulary.length,
                  sortThreads,
                  SuffixArrays.Threads.BLOCKED_SCANS)
              : SuffixArrays.buildInPlace(
                  corpus.text,
                  corpus.n,
                  corpus.vocabulary.length,
                  threads,
                  SuffixArrays.Threads.RANGE_LOOPS);
      progress.progress(100);
      Layout layout = written == null ? textSections.call() : awaitWrite(written, file);
      return writeSuffixesAndHeader(corpus, sa, layout, ch, progress);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The tokenized corpus: {@code text[0, n)} final token ids with a 0 after each contribution. */
  record Corpus(int[] text, int n, String[] vocabulary, long[] docStarts, List<String> ids) {}

  Corpus tokenizeAll(Iterator<Contribution> contributions, BuildProgress progress) {
    progress.start(BuildProgress.Phase.TOKENIZE, -1);
    Lane[] lanes = new Lane[threads];
    for (int i = 0; i < threads; i++) {
      lanes[i] = new Lane(threads > 1);
    }
    int[] text = new int[1 << 16];
    int n = 0;
    List<String> ids = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long[] docStarts = new long[1024];
    // Batches are tokenized by lane (batch number mod lanes), each lane with its own vocabulary,
    // and appended in input order; lane-local ids become final ids at the end. So the result
    // depends on the input order only, never on the number of lanes.
    int[] batchStart = new int[64];
    int batches = 0;
    ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
    try {
      while (contributions.hasNext() || !pending.isEmpty()) {
        if (contributions.hasNext() && pending.size() < 2 * threads) {
          List<Contribution> batch = readBatch(contributions, seen);
          if (batches == batchStart.length) {
            batchStart = Arrays.copyOf(batchStart, batches * 2);
          }
          int lane = batches % threads;
          pending.add(lanes[lane].submit(batch, batches, ids.size()));
          batches++;
          for (Contribution c : batch) {
            ids.add(c.id());
          }
          continue;
        }
        Batch done = await(pending.poll());
        long need = (long) n + done.length;
        if (need > ShardFormat.MAX_POSITIONS) {
          throw new AttributionException.InvalidInput(
              "corpus too large for one shard (over "
                  + ShardFormat.MAX_POSITIONS
                  + " token positions): index it as several shards");
        }
        if (need > text.length) {
          text = Arrays.copyOf(text, (int) Math.min(ShardFormat.MAX_POSITIONS, need * 3 / 2 + 16));
        }
        int doc = done.firstDoc;
        if (doc + done.docLengths.length + 1 > docStarts.length) {
          docStarts =
              Arrays.copyOf(
                  docStarts, Math.max(docStarts.length * 2, doc + done.docLengths.length + 1));
        }
        int at = n;
        for (int len : done.docLengths) {
          docStarts[doc++] = at;
          at += len + 1;
        }
        batchStart[done.number] = n;
        System.arraycopy(done.tokens, 0, text, n, done.length);
        n += done.length;
        progress.progress(doc);
      }
      if (ids.isEmpty()) {
        throw new AttributionException.InvalidInput(
            "the corpus is empty: no contributions to index");
      }
      if (n == ids.size()) {
        throw new AttributionException.InvalidInput(
            "the corpus has no tokens: all "
                + ids.size()
                + " contributions are empty or white space");
      }
      docStarts[ids.size()] = n;
      String[] vocabulary = finalIds(lanes, text, n, batchStart, batches);
      return new Corpus(
          text, n, vocabulary, Arrays.copyOf(docStarts, ids.size() + 1), List.copyOf(ids));
    } finally {
      for (Lane lane : lanes) {
        lane.close();
      }
    }
  }

  /**
   * Merges the lanes' vocabularies (into lane 0's), sorts it, and rewrites the lane-local ids in
   * {@code text} as final ids, each lane the batches it tokenized. Returns the tokens by final id.
   */
  private static String[] finalIds(Lane[] lanes, int[] text, int n, int[] batchStart, int batches) {
    VocabularyBuilder all = lanes[0].vocab;
    int laneZeroSize = all.size();
    int[][] globalOf = new int[lanes.length][];
    for (int l = 1; l < lanes.length; l++) {
      VocabularyBuilder v = lanes[l].vocab;
      globalOf[l] = new int[v.size()];
      for (int id = 0; id < v.size(); id++) {
        String key = v.key(id);
        globalOf[l][id] = all.intern(key, 0, key.length());
      }
    }
    VocabularyBuilder.Sorted sorted = all.finish();
    int[] finalIdOf = sorted.finalIdOf();
    List<Future<Void>> remapped = new ArrayList<>();
    for (int l = 0; l < lanes.length; l++) {
      int[] map = new int[(l == 0 ? laneZeroSize : globalOf[l].length) + 1]; // 0: the separator
      for (int id = 0; id + 1 < map.length; id++) {
        map[id + 1] = finalIdOf[l == 0 ? id : globalOf[l][id]];
      }
      int lane = l;
      remapped.add(
          lanes[l].run(
              () -> {
                for (int b = lane; b < batches; b += lanes.length) {
                  int end = b + 1 < batches ? batchStart[b + 1] : n;
                  for (int i = batchStart[b]; i < end; i++) {
                    text[i] = map[text[i]];
                  }
                }
                return null;
              }));
    }
    for (Future<Void> f : remapped) {
      await(f);
    }
    return sorted.tokens();
  }

  private static List<Contribution> readBatch(Iterator<Contribution> it, Set<String> seen) {
    List<Contribution> batch = new ArrayList<>();
    long chars = 0;
    while (it.hasNext() && batch.size() < BATCH_CONTRIBUTIONS && chars < BATCH_CHARS) {
      Contribution c = it.next();
      checkSize(c);
      if (!seen.add(c.id())) {
        throw new AttributionException.InvalidInput("duplicate contribution id: " + c.id());
      }
      batch.add(c);
      chars += c.text().length();
    }
    return batch;
  }

  /** Submits {@code work} to {@code exec}, or runs it now on this thread when there is none. */
  private static <T> Future<T> runOn(ExecutorService exec, Callable<T> work) {
    if (exec == null) {
      FutureTask<T> t = new FutureTask<>(work);
      t.run();
      return t;
    }
    return exec.submit(work);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the index", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** A batch tokenized by a lane: lane-local ids + 1, a 0 after each contribution. */
  private record Batch(int number, int firstDoc, int[] tokens, int length, int[] docLengths) {}

  /** A tokenizing thread with its own vocabulary (or the calling thread when there is one lane). */
  private static final class Lane implements AutoCloseable {
    final VocabularyBuilder vocab = new VocabularyBuilder();
    private final ExecutorService exec;

    Lane(boolean threaded) {
      this.exec = threaded ? Executors.newSingleThreadExecutor() : null;
    }

    Future<Batch> submit(List<Contribution> batch, int number, int firstDoc) {
      return run(() -> tokenize(batch, number, firstDoc));
    }

    /** Runs {@code work} on this lane's thread, after the work submitted before. */
    <T> Future<T> run(Callable<T> work) {
      return runOn(exec, work);
    }

    private final Tokenizer.Cuts cuts = new Tokenizer.Cuts(1024);
    private int[] hashes = new int[1024];
    long touched; // sink for the read-ahead loads

    private Batch tokenize(List<Contribution> batch, int number, int firstDoc) {
      long chars = 0;
      for (Contribution c : batch) {
        chars += c.text().length();
      }
      // Enough for prose (a word and a space take 4 chars or more on average); grown if not.
      int[] tokens = new int[(int) Math.min(ShardFormat.MAX_POSITIONS, chars / 4 + 1024)];
      int len = 0;
      int[] docLengths = new int[batch.size()];
      for (int d = 0; d < batch.size(); d++) {
        String s = batch.get(d).text();
        Tokenizer.cut(s, cuts);
        int count = cuts.size();
        if (len + count + 1 > tokens.length) {
          tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, len + count + 1));
        }
        if (hashes.length < count) {
          hashes = new int[Math.max(count, hashes.length * 2)];
        }
        for (int i = 0; i < count; i++) {
          hashes[i] = VocabularyBuilder.mix(cuts.hash(i));
        }
        for (int i = 0; i < count; i++) {
          if (i + TOUCH_AHEAD < count) {
            touched += vocab.touch(hashes[i + TOUCH_AHEAD]);
          }
          tokens[len++] = vocab.intern(s, cuts.start(i), cuts.end(i), hashes[i]) + 1;
        }
        tokens[len++] = 0;
        docLengths[d] = count;
      }
      return new Batch(number, firstDoc, tokens, len, docLengths);
    }

    @Override
    public void close() {
      if (exec != null) {
        exec.shutdownNow();
      }
    }
  }

  private static void checkSize(Contribution c) {
    String t = c.text();
    if (t.length() > Tokenizer.MAX_CONTRIBUTION_BYTES / 3) {
      long bytes = utf8Length(t);
      if (bytes > Tokenizer.MAX_CONTRIBUTION_BYTES) {
        throw new AttributionException.InvalidInput(
            "contribution "
                + c.id()
                + " is "
                + bytes
                + " bytes, over the limit of "
                + Tokenizer.MAX_CONTRIBUTION_BYTES
                + " bytes");
      }
    }
  }

  static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  // ---- writing ----

  /**
   * The sections written from the text: their table entries (the suffix array's slot empty), where
   * the suffix array goes and where the file ends.
   */
  private record Layout(SectionEntry[] entries, long suffixesAt, long end) {}

  private static Layout awaitWrite(Future<Layout> f, Path file) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing " + file, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  // Every section but SUFFIXES, at the offsets the whole file will have: those before it from the
  // header on, those after it from where it will end (its length is known from n).
  private static Layout writeTextSections(Corpus c, FileChannel ch) throws IOException {
    int n = c.n;
    int vocabSize = c.vocabulary.length;
    byte[][] vocabBytes = utf8All(c.vocabulary);
    byte[][] idBytes = utf8All(c.ids.toArray(new String[0]));
    long[] buckets = new long[vocabSize + 2];
    for (int i = 0; i < n; i++) {
      buckets[(c.text[i] & Integer.MAX_VALUE) + 1]++;
    }
    for (int t = 1; t < buckets.length; t++) {
      buckets[t] += buckets[t - 1];
    }
    int posWidth = PackedInts.widthFor(n);
    int tokenWidth = PackedInts.widthFor(vocabSize);
    SectionEntry[] entries = new SectionEntry[ShardFormat.SECTION_COUNT];
    SectionOutput out = new SectionOutput(ch, ShardFormat.HEADER_BYTES, BuildProgress.NONE);
    entries[Section.VOCAB_OFFSETS.ordinal()] = writeOffsets(out, vocabBytes);
    entries[Section.VOCAB_BYTES.ordinal()] = writeBytes(out, vocabBytes);
    entries[Section.BUCKETS.ordinal()] = writePacked(out, buckets, buckets.length, posWidth);
    entries[Section.TOKENS.ordinal()] = writePacked(out, c.text, n, tokenWidth);
    out.align(ShardFormat.ALIGN);
    out.flush();
    long suffixesAt = out.position();
    long suffixesEnd = suffixesAt + PackedInts.bytesFor(n, PackedInts.widthFor(n - 1L));
    SectionOutput rest = new SectionOutput(ch, suffixesEnd, BuildProgress.NONE);
    entries[Section.DOC_STARTS.ordinal()] =
        writePacked(rest, c.docStarts, c.docStarts.length, posWidth);
    entries[Section.DOC_ID_OFFSETS.ordinal()] = writeOffsets(rest, idBytes);
    entries[Section.DOC_ID_BYTES.ordinal()] = writeBytes(rest, idBytes);
    rest.flush();
    return new Layout(entries, suffixesAt, rest.position());
  }

  private static ShardStats writeSuffixesAndHeader(
      Corpus c, int[] sa, Layout layout, FileChannel ch, BuildProgress progress)
      throws IOException {
    int n = c.n;
    int docs = c.ids.size();
    progress.start(BuildProgress.Phase.WRITE, layout.end);
    SectionOutput out = new SectionOutput(ch, layout.suffixesAt, progress);
    SectionEntry[] entries = layout.entries.clone();
    entries[Section.SUFFIXES.ordinal()] = writePacked(out, sa, n, PackedInts.widthFor(n - 1L));
    out.flush();
    long suffixesEnd = layout.suffixesAt + PackedInts.bytesFor(n, PackedInts.widthFor(n - 1L));
    if (out.position() != suffixesEnd) {
      throw new IllegalStateException(
          "suffix array section ends at " + out.position() + ", expected " + suffixesEnd);
    }
    ByteBuffer header = header(n, docs, c.vocabulary.length, entries);
    int headerCrc = header.getInt(ShardFormat.HEADER_CRC_AT);
    long at = 0;
    while (header.hasRemaining()) {
      at += ch.write(header, at);
    }
    ch.force(true);
    progress.progress(layout.end);
    return new ShardStats(n, n - (long) docs, docs, c.vocabulary.length, layout.end, headerCrc);
  }

  static ByteBuffer header(long n, int docs, int vocab, SectionEntry[] entries) {
    ByteBuffer h = ByteBuffer.allocate(ShardFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    h.put(ShardFormat.MAGIC);
    h.putInt(ShardFormat.FORMAT_VERSION);
    h.putInt(AttributionVersion.V1);
    h.putLong(n);
    h.putLong(n - docs);
    h.putInt(docs);
    h.putInt(vocab);
    h.putInt(ShardFormat.SECTION_COUNT);
    h.putInt(0);
    for (SectionEntry e : entries) {
      h.putLong(e.offset());
      h.putLong(e.length());
      h.putLong(e.count());
      h.putInt(e.crc());
      h.put((byte) e.width());
      h.put(new byte[3]);
    }
    CRC32C crc = new CRC32C();
    crc.update(h.array(), 0, ShardFormat.HEADER_CRC_AT);
    h.putInt(ShardFormat.HEADER_CRC_AT, (int) crc.getValue());
    h.position(0);
    return h;
  }

  private static byte[][] utf8All(String[] strings) {
    byte[][] out = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      out[i] = strings[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  private static SectionEntry writeOffsets(SectionOutput out, byte[][] items) throws IOException {
    long total = 0;
    for (byte[] b : items) {
      total += b.length;
    }
    int width = PackedInts.widthFor(total);
    out.align(ShardFormat.ALIGN);
    out.beginSection();
    long start = out.position();
    PackedWriter w = new PackedWriter(out, width);
    long off = 0;
    for (byte[] b : items) {
      w.put(off);
      off += b.length;
    }
    w.put(off);
    w.finish();
    int crc = out.endSection();
    return new SectionEntry(start, out.position() - start, items.length + 1L, crc, width);
  }

  private static SectionEntry writeBytes(SectionOutput out, byte[][] items) throws IOException {
    out.align(ShardFormat.ALIGN);
    out.beginSection();
    long start = out.position();
    long count = 0;
    for (byte[] b : items) {
      out.put(b);
      count += b.length;
    }
    out.putLong(0); // padding, as for packed sections
    int crc = out.endSection();
    return new SectionEntry(start, out.position() - start, count, crc, 8);
  }

  // Values without their sign bit: the tokens may carry the suffix sort's type flags meanwhile.
  private static SectionEntry writePacked(SectionOutput out, int[] values, int count, int width)
      throws IOException {
    out.align(ShardFormat.ALIGN);
    out.beginSection();
    long start = out.position();
    PackedWriter w = new PackedWriter(out, width);
    for (int i = 0; i < count; i++) {
      w.put(values[i] & Integer.MAX_VALUE);
    }
    w.finish();
    int crc = out.endSection();
    return new SectionEntry(start, out.position() - start, count, crc, width);
  }

  private static SectionEntry writePacked(SectionOutput out, long[] values, int count, int width)
      throws IOException {
    out.align(ShardFormat.ALIGN);
    out.beginSection();
    long start = out.position();
    PackedWriter w = new PackedWriter(out, width);
    for (int i = 0; i < count; i++) {
      w.put(values[i]);
    }
    w.finish();
    int crc = out.endSection();
    return new SectionEntry(start, out.position() - start, count, crc, width);
  }
}
