package io.openledger.node.economy.cli;

import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobHasher;
import io.openledger.node.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code baseModelHash} of a model directory (docs/cli.md, "model register"): the keccak-256 of
 * the concatenated keccak-256 digests (32 bytes each) of the directory's {@code *.safetensors}
 * files, taken in the order of their names (Java string order, which is byte order for ASCII
 * names); subdirectories and other files are ignored. It names the weights only, so the same
 * weights under another directory name or with another tokenizer file hash the same, and a sharded
 * model ({@code model-00001-of-00002.safetensors}, ...) hashes in shard order.
 */
public final class BaseModelHash {
  private BaseModelHash() {}

  public static Hash of(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CliException("--base: not a directory: " + dir);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().endsWith(".safetensors"))
              .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      throw new CliException("cannot list " + dir + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new CliException("--base: " + dir + " holds no .safetensors file");
    }
    Hash.Hasher all = Hash.hasher();
    for (Path f : files) {
      try {
        byte[] h = BlobHasher.hash(f).toArray();
        all.update(h, 0, h.length);
      } catch (IOException e) {
        throw new CliException("cannot read " + f + ": " + e.getMessage());
      }
    }
    return all.digest();
  }
}
