package io.openledger.openlora.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader against bytes built by hand here, independent of {@link SafetensorsWriter}. */
class SafetensorsFileTest {
  @TempDir Path dir;

  /** header length (u64 LE) + header + data, exactly as the format specifies. */
  private Path file(String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Path p = dir.resolve("t" + System.nanoTime() + ".safetensors");
    Files.write(p, b.array());
    return p;
  }

  @Test
  void readsHandBuiltF32F16Bf16AndMetadata() throws IOException {
    ByteBuffer d = ByteBuffer.allocate(6 * 4 + 2 * 2 + 2 * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      d.putFloat(i * 1.5f - 2);
    }
    d.putShort((short) 0x3C00).putShort((short) 0xC000); // f16: 1.0, -2.0
    d.putShort((short) 0x3F80).putShort((short) 0x4049); // bf16: 1.0, 3.140625
    String header =
        "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
            + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[28,32]}}";
    try (SafetensorsFile f = SafetensorsFile.open(file(header, d.array()))) {
      assertThat(f.metadata()).containsEntry("format", "pt");
      Tensor w = f.tensor("w");
      assertThat(w.shape()).containsExactly(2, 3);
      assertThat(w.toFloatArray()).containsExactly(-2f, -0.5f, 1f, 2.5f, 4f, 5.5f);
      assertThat(f.tensor("h").toFloatArray()).containsExactly(1f, -2f);
      assertThat(f.tensor("b").toFloatArray()).containsExactly(1f, 3.140625f);
    }
  }

  @Test
  void writerOutputReadsBackForEveryDtype() {
    SplittableRandom r = new SplittableRandom(1);
    float[] v = new float[37 * 5];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    Path p = dir.resolve("w.safetensors");
    SafetensorsWriter.write(
        p,
        List.of(
            SafetensorsWriter.Entry.of("a", DType.F32, v, 37, 5),
            SafetensorsWriter.Entry.of("b", DType.BF16, v, 5, 37),
            SafetensorsWriter.Entry.of("c", DType.F16, v, 185)),
        Map.of("k", "v"));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertThat(f.tensor("a").toFloatArray()).containsExactly(v);
      float[] b = f.tensor("b").toFloatArray();
      float[] c = f.tensor("c").toFloatArray();
      for (int i = 0; i < v.length; i++) {
        assertThat(b[i])
            .as("bf16 %d", i)
            .isCloseTo(v[i], org.assertj.core.data.Offset.offset(Math.abs(v[i]) / 128 + 1e-30f));
        assertThat(c[i])
            .as("f16 %d", i)
            .isCloseTo(v[i], org.assertj.core.data.Offset.offset(Math.abs(v[i]) / 1024 + 1e-4f));
      }
      assertThat(f.metadata()).containsEntry("k", "v");
    }
  }

  @Test
  void corruptHeadersGiveClearErrors() throws IOException {
    byte[] data = new byte[8];
    assertThatThrownBy(() -> SafetensorsFile.open(file("{\"w\":{\"dtype\":\"F32\"", data)))
        .isInstanceOf(SafetensorsFormatException.class)
        .hasMessageContaining("header is not a JSON object");
    assertThatThrownBy(
            () ->
                SafetensorsFile.open(
                    file(
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", data)))
        .hasMessageContaining("fall outside the 8 data bytes");
    assertThatThrownBy(
            () ->
                SafetensorsFile.open(
                    file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data)))
        .hasMessageContaining("needs 12 bytes");
    assertThatThrownBy(
            () ->
                SafetensorsFile.open(
                    file("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", data)))
        .hasMessageContaining("dtype F64");
    assertThatThrownBy(
            () ->
                SafetensorsFile.open(
                    file(
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        data)))
        .hasMessageContaining("overlap");
    Path tooLong = dir.resolve("long.safetensors");
    Files.write(
        tooLong, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000).array());
    assertThatThrownBy(() -> SafetensorsFile.open(tooLong))
        .hasMessageContaining("header length 1000000 does not fit a file of 16 bytes");
    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[3]);
    assertThatThrownBy(() -> SafetensorsFile.open(tiny)).hasMessageContaining("too short");
  }

  @Test
  void shardedModelsResolveThroughTheIndex() throws IOException {
    float[] a = {1, 2, 3, 4};
    float[] b = {5, 6};
    SafetensorsWriter.write(
        dir.resolve("model-00001-of-00002.safetensors"),
        List.of(SafetensorsWriter.Entry.of("x.weight", DType.F32, a, 2, 2)),
        Map.of());
    SafetensorsWriter.write(
        dir.resolve("model-00002-of-00002.safetensors"),
        List.of(SafetensorsWriter.Entry.of("y.weight", DType.F32, b, 2)),
        Map.of());
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{\"total_size\":24},\"weight_map\":{"
            + "\"x.weight\":\"model-00001-of-00002.safetensors\","
            + "\"y.weight\":\"model-00002-of-00002.safetensors\"}}");
    try (ModelTensors t = ModelTensors.open(dir)) {
      assertThat(t.require("x.weight").toFloatArray()).containsExactly(a);
      assertThat(t.require("y.weight").toFloatArray()).containsExactly(b);
      assertThatThrownBy(() -> t.require("z")).hasMessageContaining("missing tensor z");
    }
  }
}
