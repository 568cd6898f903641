package io.openledger.openlora.adapter;

import io.openledger.openlora.json.Json;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import io.openledger.openlora.safetensors.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An adapter as one content-addressed blob: a safetensors file holding the adapter's tensors, with
 * adapter_config.json's text in the header's {@code __metadata__} under {@code adapter_config}. Its
 * id is {@code sha256:<hex of the file>}; the blob store keeps it at {@code <store>/<hex>}.
 */
public final class AdapterBundle {
  private AdapterBundle() {}

  /** Metadata key holding adapter_config.json. */
  public static final String CONFIG_KEY = "adapter_config";

  /**
   * Packs a PEFT adapter directory into the blob store and returns its id ({@code sha256:<hex>}).
   */
  public static String store(Path adapterDir, Path blobStore) {
    try {
      String config = Files.readString(adapterDir.resolve("adapter_config.json"));
      Json.parseObject(config); // refuse to store what cannot be read back
      Files.createDirectories(blobStore);
      Path tmp = Files.createTempFile(blobStore, "bundle", ".tmp");
      try (SafetensorsFile f =
          SafetensorsFile.open(adapterDir.resolve("adapter_model.safetensors"))) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Tensor t : f.tensors().values())
          entries.add(new SafetensorsWriter.Entry(t.name(), t.dtype(), t.shape(), t::toFloatArray));
        SafetensorsWriter.write(tmp, entries, Map.of(CONFIG_KEY, config));
      }
      String hex = sha256(tmp);
      Files.move(tmp, blobStore.resolve(hex), StandardCopyOption.REPLACE_EXISTING);
      return "sha256:" + hex;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sha256 of a file, lowercase hex. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a bundle, checking its content address and reading its embedded config. */
  static AdapterReader.Opened open(AdapterSource.Bundle b) {
    if (!Files.isRegularFile(b.file()))
      throw AdapterReader.bad("blob " + b.sha256Hex() + " is missing");
    String actual = sha256(b.file());
    if (!actual.equals(b.sha256Hex()))
      throw AdapterReader.bad(
          "blob content hashes to " + actual + ", not to its id " + b.sha256Hex());
    SafetensorsFile f = AdapterReader.openWeights(b.file(), false);
    String cfg = f.metadata().get(CONFIG_KEY);
    if (cfg == null) {
      f.close();
      throw AdapterReader.bad("blob has no " + CONFIG_KEY + " in its safetensors metadata");
    }
    try {
      return AdapterReader.opened(Json.parseObject(cfg), f);
    } catch (IllegalArgumentException e) {
      f.close();
      throw AdapterReader.bad("embedded adapter_config is not valid JSON: " + e.getMessage());
    }
  }
}
