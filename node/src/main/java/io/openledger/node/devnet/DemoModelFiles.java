package io.openledger.node.devnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The devnet's demo model, shipped with the node: a small model trained from scratch by the factory
 * on the demo datanet (Debian's fortunes) and a LoRA adapter trained on it on the same datanet,
 * each with the {@code training.json} that pays the datanet's contributors when the demo registers
 * it. {@code node/scripts/train-demo-model.sh} reproduces them on a fresh devnet.
 */
final class DemoModelFiles {
  /** The base model's directory name, and the name it is served under. */
  static final String BASE = "fortunes-base";

  /** The adapter's directory name. */
  static final String ADAPTER = "fortunes-adapter";

  private static final String RESOURCES = "/io/openledger/node/devnet/demo-model/";

  private static final List<String> BASE_FILES =
      List.of(
          "config.json",
          "generation_config.json",
          "model.safetensors",
          "tokenizer.json",
          "tokenizer_config.json",
          "training.json");

  private static final List<String> ADAPTER_FILES =
      List.of("adapter_config.json", "adapter_model.safetensors", "training.json");

  private DemoModelFiles() {}

  /** Writes the shipped files under {@code root} (once) and returns {base dir, adapter dir}. */
  static Path[] extract(Path root) {
    Path base = root.resolve(BASE);
    Path adapter = root.resolve(ADAPTER);
    copy(BASE, BASE_FILES, base);
    copy(ADAPTER, ADAPTER_FILES, adapter);
    return new Path[] {base, adapter};
  }

  private static void copy(String name, List<String> files, Path dir) {
    try {
      Files.createDirectories(dir);
      for (String f : files) {
        Path target = dir.resolve(f);
        if (Files.isRegularFile(target)) {
          continue;
        }
        try (InputStream in =
            DemoModelFiles.class.getResourceAsStream(RESOURCES + name + "/" + f)) {
          if (in == null) {
            throw new IllegalStateException(
                "the demo model file " + name + "/" + f + " is missing from this build");
          }
          Path tmp = dir.resolve(f + ".tmp");
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo model under " + dir, e);
    }
  }
}
