package io.openledger.attribution.index;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.AttributionVersion;
import io.openledger.attribution.index.ShardFormat.Section;
import io.openledger.attribution.index.ShardFormat.SectionEntry;
import io.openledger.attribution.tokenize.TokenizedText;
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
import java.util.zip.CRC32C;

/**
 * Builds one shard file from contributions: tokenize (in parallel, in batches), intern tokens, sort
 * suffixes (SA-IS, on the same number of threads), write the sections. The file depends only on the
 * contributions and their order, never on the thread count.
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

  /**
   * A writer tokenizing on {@code threads} threads (at least 1) and sorting suffixes with the
   * sequential SA-IS: on the two-core reference machine the parallel induction was slower on 100M
   * tokens (docs/BENCHMARKS.md, "Attribution"), so it is opt-in ({@link #ShardWriter(int, int)}).
   */
  public ShardWriter(int threads) {
    this(threads, 1);
  }

  /**
   * A writer tokenizing on {@code threads} threads and sorting suffixes on {@code sortThreads}
   * (both at least 1; 1 sorts with the sequential loops). The file is the same for all counts.
   */
  public ShardWriter(int threads, int sortThreads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    if (sortThreads < 1) {
      throw new IllegalArgumentException("sortThreads must be >= 1");
    }
    this.threads = threads;
    this.sortThreads = sortThreads;
  }

  /**
   * Writes the shard for {@code contributions} to {@code file} (created or replaced).
   *
   * @throws AttributionException.InvalidInput on an empty corpus, a duplicate id, an over-limit
   *     contribution, or a corpus too large for one shard
   */
  public ShardStats write(Iterator<Contribution> contributions, Path file, BuildProgress progress) {
    Corpus corpus = tokenizeAll(contributions, progress);
    progress.start(BuildProgress.Phase.SORT, 100);
    int[] sa =
        SuffixArrays.buildInPlace(corpus.text, corpus.n, corpus.vocabulary.length, sortThreads);
    progress.progress(100);
    try {
      return writeFile(corpus, sa, file, progress);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
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
    int[] batchLane = new int[64];
    int batches = 0;
    ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
    try {
      while (contributions.hasNext() || !pending.isEmpty()) {
        if (contributions.hasNext() && pending.size() < 2 * threads) {
          List<Contribution> batch = readBatch(contributions, seen);
          if (batches == batchStart.length) {
            batchStart = Arrays.copyOf(batchStart, batches * 2);
            batchLane = Arrays.copyOf(batchLane, batches * 2);
          }
          int lane = batches % threads;
          batchLane[batches] = lane;
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
    } finally {
      for (Lane lane : lanes) {
        lane.close();
      }
    }
    if (ids.isEmpty()) {
      throw new AttributionException.InvalidInput("the corpus is empty: no contributions to index");
    }
    if (n == ids.size()) {
      throw new AttributionException.InvalidInput(
          "the corpus has no tokens: all "
              + ids.size()
              + " contributions are empty or white space");
    }
    docStarts[ids.size()] = n;
    // Merge the lanes' vocabularies, sort, and rewrite lane-local ids as final ids.
    VocabularyBuilder all = new VocabularyBuilder();
    int[][] globalOf = new int[threads][];
    for (int l = 0; l < threads; l++) {
      VocabularyBuilder v = lanes[l].vocab;
      globalOf[l] = new int[v.size()];
      for (int id = 0; id < v.size(); id++) {
        String key = v.key(id);
        globalOf[l][id] = all.intern(key, 0, key.length());
      }
    }
    VocabularyBuilder.Sorted sorted = all.finish();
    int[][] finalOf = new int[threads][];
    for (int l = 0; l < threads; l++) {
      finalOf[l] = new int[globalOf[l].length + 1]; // index 0: the separator stays 0
      for (int id = 0; id < globalOf[l].length; id++) {
        finalOf[l][id + 1] = sorted.finalIdOf()[globalOf[l][id]];
      }
    }
    for (int b = 0; b < batches; b++) {
      int[] map = finalOf[batchLane[b]];
      int end = b + 1 < batches ? batchStart[b + 1] : n;
      for (int i = batchStart[b]; i < end; i++) {
        text[i] = map[text[i]];
      }
    }
    return new Corpus(
        text, n, sorted.tokens(), Arrays.copyOf(docStarts, ids.size() + 1), List.copyOf(ids));
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

  private static Batch await(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while tokenizing", e);
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
      Callable<Batch> work = () -> tokenize(batch, number, firstDoc);
      if (exec == null) {
        FutureTask<Batch> t = new FutureTask<>(work);
        t.run();
        return t;
      }
      return exec.submit(work);
    }

    private int[] hashes = new int[1024];
    long touched; // sink for the read-ahead loads

    private Batch tokenize(List<Contribution> batch, int number, int firstDoc) {
      int[] tokens = new int[1024];
      int len = 0;
      int[] docLengths = new int[batch.size()];
      for (int d = 0; d < batch.size(); d++) {
        TokenizedText tt = Tokenizer.tokenize(batch.get(d).text());
        String s = tt.text();
        if (len + tt.size() + 1 > tokens.length) {
          tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, len + tt.size() + 1));
        }
        int count = tt.size();
        if (hashes.length < count) {
          hashes = new int[Math.max(count, hashes.length * 2)];
        }
        for (int i = 0; i < count; i++) {
          hashes[i] = VocabularyBuilder.hash(s, tt.start(i), tt.end(i));
        }
        for (int i = 0; i < count; i++) {
          if (i + TOUCH_AHEAD < count) {
            touched += vocab.touch(hashes[i + TOUCH_AHEAD]);
          }
          tokens[len++] = vocab.intern(s, tt.start(i), tt.end(i), hashes[i]) + 1;
        }
        tokens[len++] = 0;
        docLengths[d] = tt.size();
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

  private static ShardStats writeFile(Corpus c, int[] sa, Path file, BuildProgress progress)
      throws IOException {
    int n = c.n;
    int vocabSize = c.vocabulary.length;
    int docs = c.ids.size();
    byte[][] vocabBytes = utf8All(c.vocabulary);
    byte[][] idBytes = utf8All(c.ids.toArray(new String[0]));
    long[] buckets = new long[vocabSize + 2];
    for (int i = 0; i < n; i++) {
      buckets[c.text[i] + 1]++;
    }
    for (int t = 1; t < buckets.length; t++) {
      buckets[t] += buckets[t - 1];
    }
    int posWidth = PackedInts.widthFor(n);
    int tokenWidth = PackedInts.widthFor(vocabSize);
    SectionEntry[] entries = new SectionEntry[ShardFormat.SECTION_COUNT];
    long estimate =
        ShardFormat.HEADER_BYTES
            + PackedInts.bytesFor(n, tokenWidth)
            + PackedInts.bytesFor(n, PackedInts.widthFor(n - 1L));
    progress.start(BuildProgress.Phase.WRITE, estimate);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      SectionOutput out = new SectionOutput(ch, ShardFormat.HEADER_BYTES, progress);
      ch.position(ShardFormat.HEADER_BYTES);
      entries[Section.VOCAB_OFFSETS.ordinal()] = writeOffsets(out, vocabBytes);
      entries[Section.VOCAB_BYTES.ordinal()] = writeBytes(out, vocabBytes);
      entries[Section.BUCKETS.ordinal()] = writePacked(out, buckets, buckets.length, posWidth);
      entries[Section.TOKENS.ordinal()] = writePacked(out, c.text, n, tokenWidth);
      entries[Section.SUFFIXES.ordinal()] = writePacked(out, sa, n, PackedInts.widthFor(n - 1L));
      entries[Section.DOC_STARTS.ordinal()] =
          writePacked(out, c.docStarts, c.docStarts.length, posWidth);
      entries[Section.DOC_ID_OFFSETS.ordinal()] = writeOffsets(out, idBytes);
      entries[Section.DOC_ID_BYTES.ordinal()] = writeBytes(out, idBytes);
      out.flush();
      ByteBuffer header = header(n, docs, vocabSize, entries);
      int headerCrc = header.getInt(ShardFormat.HEADER_CRC_AT);
      ch.position(0);
      while (header.hasRemaining()) {
        ch.write(header);
      }
      ch.force(true);
      return new ShardStats(n, n - (long) docs, docs, vocabSize, out.position(), headerCrc);
    }
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

  private static SectionEntry writePacked(SectionOutput out, int[] values, int count, int width)
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
