package io.openledger.openlora.safetensors;

import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tensors of a model directory: {@code model.safetensors}, or the shards named by {@code
 * model.safetensors.index.json}'s weight_map. All files stay mapped until {@link #close()}.
 */
public final class ModelTensors implements AutoCloseable {
  private final List<SafetensorsFile> files;
  private final Map<String, Tensor> tensors;

  private ModelTensors(List<SafetensorsFile> files, Map<String, Tensor> tensors) {
    this.files = files;
    this.tensors = tensors;
  }

  /** Opens the weights of a Hugging Face model directory. */
  public static ModelTensors open(Path dir) {
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      if (Files.isRegularFile(single)) {
        files.add(SafetensorsFile.open(single));
      } else if (Files.isRegularFile(index)) {
        for (String shard : shardNames(index)) {
          Path p = dir.resolve(shard).normalize();
          if (!p.startsWith(dir.normalize())) {
            throw new SafetensorsFormatException("shard " + shard + " lies outside " + dir);
          }
          files.add(SafetensorsFile.open(p));
        }
      } else {
        throw new SafetensorsFormatException(
            dir + " has neither model.safetensors nor model.safetensors.index.json");
      }
      Map<String, Tensor> all = new LinkedHashMap<>();
      for (SafetensorsFile f : files) {
        for (Tensor t : f.tensors().values()) {
          if (all.put(t.name(), t) != null) {
            throw new SafetensorsFormatException("tensor " + t.name() + " appears in two shards");
          }
        }
      }
      return new ModelTensors(List.copyOf(files), Collections.unmodifiableMap(all));
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  private static TreeSet<String> shardNames(Path index) {
    try {
      Map<String, Object> m = JsonMaps.parseObject(Files.readString(index));
      if (!(m.get("weight_map") instanceof Map<?, ?> wm)) {
        throw new SafetensorsFormatException(index.getFileName() + " has no weight_map");
      }
      TreeSet<String> names = new TreeSet<>();
      for (Object v : wm.values()) {
        names.add(String.valueOf(v));
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new SafetensorsFormatException(index.getFileName() + ": " + e.getMessage(), e);
    }
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /**
   * The tensor with this name.
   *
   * @throws SafetensorsFormatException when missing
   */
  public Tensor require(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new SafetensorsFormatException("missing tensor " + name);
    }
    return t;
  }

  public Tensor get(String name) {
    return tensors.get(name);
  }

  /** Bytes of all mapped files. */
  public long fileBytes() {
    return files.stream().mapToLong(SafetensorsFile::fileBytes).sum();
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
