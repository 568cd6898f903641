package io.openledger.openlora.safetensors;

import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes safetensors files, one tensor at a time so a large model never sits in memory whole.
 * Values are given as floats and stored in the tensor's dtype (F16 and BF16 rounded to nearest
 * even; I8 rounded and clamped). The file appears atomically (written to a temporary name, then
 * moved).
 */
public final class SafetensorsWriter {
  private SafetensorsWriter() {}

  /**
   * A tensor to write.
   *
   * @param values produces exactly {@code product(shape)} floats, called once while writing
   */
  public record Entry(String name, DType dtype, long[] shape, Supplier<float[]> values) {
    public Entry {
      shape = shape.clone();
    }

    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    /** An entry over an array already in memory. */
    public static Entry of(String name, DType dtype, float[] values, long... shape) {
      return new Entry(name, dtype, shape, () -> values);
    }
  }

  /** Writes {@code entries} in the given order with optional string metadata. */
  public static void write(Path file, List<Entry> entries, Map<String, String> metadata) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      write(ch, entries, metadata);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the file's bytes to {@code out} (a socket, a digest, a file the caller manages): the
   * same bytes {@link #write(Path, List, Map)} puts in a file.
   */
  public static void write(
      WritableByteChannel out, List<Entry> entries, Map<String, String> metadata)
      throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    long offset = 0;
    for (Entry e : entries) {
      long bytes = e.elementCount() * e.dtype().bytes();
      List<Object> shape = new ArrayList<>();
      for (long d : e.shape()) {
        shape.add(d);
      }
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("dtype", e.dtype().name());
      spec.put("shape", shape);
      spec.put("data_offsets", List.of(offset, offset + bytes));
      if (header.put(e.name(), spec) != null) {
        throw new IllegalArgumentException("duplicate tensor " + e.name());
      }
      offset += bytes;
    }
    byte[] json = JsonMaps.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8; // keep tensor data 8-byte aligned, as HF does
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.position() < head.capacity()) {
      head.put((byte) ' ');
    }
    head.flip();
    writeFully(out, head);
    for (Entry e : entries) {
      writeTensor(out, e);
    }
  }

  private static void writeTensor(WritableByteChannel ch, Entry e) throws IOException {
    float[] v = e.values().get();
    if (v.length != e.elementCount()) {
      throw new IllegalArgumentException(
          e.name() + ": got " + v.length + " values for " + e.elementCount() + " elements");
    }
    int chunk = 1 << 16;
    ByteBuffer buf = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < v.length; start += chunk) {
      buf.clear();
      int end = Math.min(v.length, start + chunk);
      for (int k = start; k < end; k++) {
        switch (e.dtype()) {
          case F32 -> buf.putFloat(v[k]);
          case F16 -> buf.putShort(Float.floatToFloat16(v[k]));
          case BF16 -> buf.putShort(DType.floatToBf16(v[k]));
          case I8 -> buf.put((byte) Math.max(-128, Math.min(127, Math.round(v[k]))));
        }
      }
      buf.flip();
      writeFully(ch, buf);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the write's own failure is the one to report
    }
  }

  private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
