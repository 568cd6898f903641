package io.openledger.openlora.adapter;

import io.openledger.openlora.engine.BundleResolver;
import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import io.openledger.openlora.safetensors.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An adapter as one content-addressed blob: a safetensors file holding the adapter's tensors, with
 * adapter_config.json's text in the header's {@code __metadata__} under {@code adapter_config}.
 * docs/openlora.md ("Adapter bundles") gives the exact bytes.
 *
 * <p>Two content addresses name a bundle: {@code sha256:<hex>}, which this module checks itself
 * (the file {@code <blobStore>/<hex>}), and {@code 0x<keccak-256 hex>}, the adapter hash a model
 * registers on chain, which a {@link BundleResolver} (the node's blob store) resolves and checks.
 */
public final class AdapterBundle {
  private AdapterBundle() {}

  /** Metadata key holding adapter_config.json. */
  public static final String CONFIG_KEY = "adapter_config";

  /**
   * Writes the bundle of a PEFT adapter directory (adapter_config.json + adapter_model.safetensors)
   * to {@code out}. The bytes depend only on the two files: tensors sorted by name, each in its
   * dtype, the config's text verbatim, so the same adapter always has the same content address.
   * {@code out} is flushed, not closed.
   *
   * @throws IllegalArgumentException when adapter_config.json is not a JSON object
   * @throws UncheckedIOException when a file cannot be read or {@code out} cannot be written
   */
  public static void write(Path adapterDir, OutputStream out) {
    try {
      String config = Files.readString(adapterDir.resolve("adapter_config.json"));
      try {
        JsonMaps.parseObject(config); // refuse to write what cannot be read back
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            adapterDir.resolve("adapter_config.json") + " is not valid JSON: " + e.getMessage(), e);
      }
      try (SafetensorsFile f =
          SafetensorsFile.open(adapterDir.resolve("adapter_model.safetensors"))) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Tensor t :
            f.tensors().values().stream().sorted(Comparator.comparing(Tensor::name)).toList()) {
          entries.add(new SafetensorsWriter.Entry(t.name(), t.dtype(), t.shape(), t::toFloatArray));
        }
        SafetensorsWriter.write(Channels.newChannel(out), entries, Map.of(CONFIG_KEY, config));
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Packs a PEFT adapter directory into the blob store and returns its id ({@code sha256:<hex>}).
   */
  public static String store(Path adapterDir, Path blobStore) {
    try {
      Files.createDirectories(blobStore);
      Path tmp = Files.createTempFile(blobStore, "bundle", ".tmp");
      MessageDigest sha = sha256Digest();
      try (OutputStream out =
          new DigestOutputStream(
              new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sha)) {
        write(adapterDir, out);
      } catch (RuntimeException | IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      String hex = HexFormat.of().formatHex(sha.digest());
      Files.move(tmp, blobStore.resolve(hex), StandardCopyOption.REPLACE_EXISTING);
      return "sha256:" + hex;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sha256 of a file, lowercase hex. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = sha256Digest();
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Opens a bundle, checking its content address and reading its embedded config. */
  static AdapterReader.Opened open(AdapterSource.Bundle b) {
    if (!Files.isRegularFile(b.file())) {
      throw AdapterReader.bad("blob " + b.sha256Hex() + " is missing");
    }
    String actual = sha256(b.file());
    if (!actual.equals(b.sha256Hex())) {
      throw AdapterReader.bad(
          "blob content hashes to " + actual + ", not to its id " + b.sha256Hex());
    }
    return openFile(b.file());
  }

  /**
   * Opens a bundle a {@link BundleResolver} found; the resolver has checked its keccak-256, so only
   * its presence and format are checked here.
   */
  static AdapterReader.Opened open(AdapterSource.ResolvedBundle b) {
    if (!Files.isRegularFile(b.file())) {
      throw AdapterReader.bad(
          "the blob store resolved it to " + b.file() + ", which is not a readable file");
    }
    return openFile(b.file());
  }

  private static AdapterReader.Opened openFile(Path file) {
    SafetensorsFile f = AdapterReader.openWeights(file, false);
    String cfg = f.metadata().get(CONFIG_KEY);
    if (cfg == null) {
      f.close();
      throw AdapterReader.bad("blob has no " + CONFIG_KEY + " in its safetensors metadata");
    }
    try {
      return AdapterReader.opened(JsonMaps.parseObject(cfg), f);
    } catch (IllegalArgumentException e) {
      f.close();
      throw AdapterReader.bad("embedded adapter_config is not valid JSON: " + e.getMessage());
    }
  }
}
