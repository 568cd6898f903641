package io.openledger.openlora.testmodel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Generated models and adapters shared by the tests of one JVM (written once, removed at exit). */
public final class Fixtures {
  private Fixtures() {}

  private static final Path ROOT;
  private static final ConcurrentHashMap<String, Path> MADE = new ConcurrentHashMap<>();

  static {
    try {
      ROOT = Files.createTempDirectory("openlora-fixtures");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(ROOT)));
  }

  /** The tiny model (ModelSpec.tiny()). */
  public static Path tinyModel() {
    return model(ModelSpec.tiny());
  }

  public static Path model(ModelSpec spec) {
    String key = "model-" + spec;
    return MADE.computeIfAbsent(
        key, k -> TestModels.writeModel(ROOT.resolve("m" + Math.abs(k.hashCode())), spec));
  }

  /** A directory of {@code count} adapters of {@code template}'s shape for {@code base}. */
  public static Path adapters(ModelSpec base, int count, AdapterSpec template) {
    String key = "adapters-" + base + count + template;
    return MADE.computeIfAbsent(
        key,
        k -> {
          Path dir = ROOT.resolve("a" + Math.abs(k.hashCode()));
          TestModels.writeAdapters(dir, base, count, template);
          return dir;
        });
  }

  /** A fresh empty directory. */
  public static Path newDir(String name) {
    try {
      return Files.createDirectories(ROOT.resolve(name + "-" + System.nanoTime()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
