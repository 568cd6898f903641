package io.openledger.openlora.adapter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Where an adapter's files are. */
public sealed interface AdapterSource {

  /** A PEFT directory: adapter_config.json + adapter_model.safetensors. */
  record Directory(Path dir) implements AdapterSource {}

  /**
   * A single-file bundle in the content-addressed blob store (see {@link AdapterBundle}); its
   * sha256 must equal {@code sha256Hex}.
   */
  record Bundle(Path file, String sha256Hex) implements AdapterSource {}

  /**
   * A bundle that a {@link BundleResolver} found for an adapter hash ({@code 0x<keccak-256 hex>});
   * the resolver vouches that the file's keccak-256 is the hash.
   */
  record ResolvedBundle(Path file, String adapterHash) implements AdapterSource {}

  /** A fingerprint that changes when the files change (size and modification time). */
  default String fingerprint() {
    return switch (this) {
      case Directory d ->
          stamp(d.dir().resolve("adapter_config.json"))
              + "/"
              + stamp(d.dir().resolve("adapter_model.safetensors"));
      case Bundle b -> stamp(b.file());
      case ResolvedBundle r -> stamp(r.file());
    };
  }

  private static String stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.size() + "@" + a.lastModifiedTime().toMillis();
    } catch (java.io.IOException e) {
      return "missing";
    }
  }
}
