package io.openledger.openlora.safetensors;

import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file: an 8-byte little-endian header length N, N bytes of JSON header
 * ({@code name -> {dtype, shape, data_offsets}} plus optional {@code __metadata__}), then the
 * tensor bytes. Tensors are views into the mapping; closing the file unmaps them.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Headers above this are refused as corrupt (HF's own reader uses 100 MB). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private final Path path;
  private final Arena arena;
  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;
  private final long fileBytes;

  private SafetensorsFile(
      Path path,
      Arena arena, // null for a file read into the heap
      Map<String, Tensor> tensors,
      Map<String, String> metadata,
      long fileBytes) {
    this.path = path;
    this.arena = arena;
    this.tensors = tensors;
    this.metadata = metadata;
    this.fileBytes = fileBytes;
  }

  /**
   * Maps and checks a file.
   *
   * @throws SafetensorsFormatException when the header is malformed or inconsistent with the file
   * @throws UncheckedIOException when it cannot be read
   */
  public static SafetensorsFile open(Path path) {
    return open(path, Arena.ofShared());
  }

  /**
   * Maps a file for use by this thread only (adapters: opened, copied and closed by one loader
   * thread). Closing a confined mapping is cheap; closing a shared one briefly stops every thread.
   */
  public static SafetensorsFile openConfined(Path path) {
    return open(path, Arena.ofConfined());
  }

  private static SafetensorsFile open(Path path, Arena arena) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      MemorySegment all =
          size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      return parse(path, arena, all, size, false);
    } catch (IOException e) {
      arena.close();
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private static SafetensorsFormatException bad(Path path, String what) {
    return new SafetensorsFormatException(path.getFileName() + ": " + what);
  }

  /**
   * @param all the file's bytes, or only its first 8 + N (header) bytes when {@code headerOnly}
   * @param size the file's size
   */
  private static SafetensorsFile parse(
      Path path, Arena arena, MemorySegment all, long size, boolean headerOnly) {
    if (size < 8) {
      throw bad(path, "file is " + size + " bytes, too short for a safetensors header");
    }
    long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
      throw bad(path, "header length " + n + " does not fit a file of " + size + " bytes");
    }
    byte[] headerBytes = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
    String headerText;
    try {
      headerText =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(headerBytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw bad(path, "header is not UTF-8");
    }
    Map<String, Object> header;
    try {
      header = JsonMaps.parseObject(headerText.stripTrailing());
    } catch (IllegalArgumentException e) {
      throw bad(path, "header is not a JSON object: " + e.getMessage());
    }
    long dataStart = 8 + n;
    long dataBytes = size - dataStart;
    MemorySegment data = headerOnly ? MemorySegment.NULL : all.asSlice(dataStart, dataBytes);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    for (Map.Entry<String, Object> e : header.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        if (!(e.getValue() instanceof Map<?, ?> m)) {
          throw bad(path, "__metadata__ is not an object");
        }
        for (Map.Entry<?, ?> me : m.entrySet()) {
          if (!(me.getValue() instanceof String v)) {
            throw bad(path, "__metadata__ value for " + me.getKey() + " is not a string");
          }
          metadata.put((String) me.getKey(), v);
        }
        continue;
      }
      tensors.put(name, tensor(path, name, e.getValue(), data, dataBytes, ranges));
    }
    ranges.sort(Comparator.comparingLong(r -> r[0]));
    for (int k = 1; k < ranges.size(); k++) {
      if (ranges.get(k)[0] < ranges.get(k - 1)[1]) {
        throw bad(path, "tensor data ranges overlap");
      }
    }
    return new SafetensorsFile(
        path,
        arena,
        Collections.unmodifiableMap(tensors),
        Collections.unmodifiableMap(metadata),
        size);
  }

  /** One header entry, checked; its [begin, end) joins {@code ranges}. */
  private static Tensor tensor(
      Path path,
      String name,
      Object spec,
      MemorySegment data,
      long dataBytes,
      List<long[]> ranges) {
    if (!(spec instanceof Map<?, ?> raw)) {
      throw bad(path, "entry " + name + " is not an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) raw;
    if (!(m.get("dtype") instanceof String dtypeName)) {
      throw bad(path, "tensor " + name + " has no dtype");
    }
    DType dtype;
    try {
      dtype = DType.fromHeader(dtypeName, name);
    } catch (SafetensorsFormatException x) {
      throw bad(path, x.getMessage());
    }
    if (!(m.get("shape") instanceof List<?> shapeList)) {
      throw bad(path, "tensor " + name + " has no shape");
    }
    long[] shape = new long[shapeList.size()];
    long count = 1;
    for (int k = 0; k < shape.length; k++) {
      if (!(shapeList.get(k) instanceof Long d) || d < 0) {
        throw bad(path, "tensor " + name + " has a bad shape " + shapeList);
      }
      shape[k] = d;
      count = Math.multiplyExact(count, d);
    }
    if (!(m.get("data_offsets") instanceof List<?> offs)
        || offs.size() != 2
        || !(offs.get(0) instanceof Long begin)
        || !(offs.get(1) instanceof Long end)) {
      throw bad(path, "tensor " + name + " has no data_offsets [begin, end]");
    }
    if (begin < 0 || end < begin || end > dataBytes) {
      throw bad(
          path,
          "tensor "
              + name
              + " data_offsets ["
              + begin
              + ", "
              + end
              + "] fall outside the "
              + dataBytes
              + " data bytes");
    }
    long expected = count * dtype.bytes();
    if (end - begin != expected) {
      throw bad(
          path,
          "tensor "
              + name
              + " of shape "
              + shapeList
              + " "
              + dtype
              + " needs "
              + expected
              + " bytes, data_offsets give "
              + (end - begin));
    }
    ranges.add(new long[] {begin, end});
    return new Tensor(
        name, dtype, shape, data == MemorySegment.NULL ? data : data.asSlice(begin, end - begin));
  }

  /**
   * Reads and checks only the header (tensor names, dtypes, shapes, offsets against the file's
   * size); the tensors' data is not available ({@link Tensor#data()} is {@code
   * MemorySegment.NULL}).
   */
  public static SafetensorsFile readHeader(Path path) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw bad(path, "file is " + size + " bytes, too short for a safetensors header");
      }
      java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (len.hasRemaining() && ch.read(len) >= 0) {}
      long n = len.getLong(0);
      if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
        throw bad(path, "header length " + n + " does not fit a file of " + size + " bytes");
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (8 + n));
      ch.position(0);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {}
      return parse(path, null, MemorySegment.ofArray(buf.array()), size, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return path;
  }

  /** Tensors in header order. */
  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** The tensor, or null. */
  public Tensor tensor(String name) {
    return tensors.get(name);
  }

  /** The header's __metadata__ (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Size of the file in bytes. */
  public long fileBytes() {
    return fileBytes;
  }

  /** Unmaps the file; its tensors must not be used afterwards. */
  @Override
  public void close() {
    if (arena != null) {
      arena.close();
    }
  }
}
