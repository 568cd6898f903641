package io.openledger.node.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of V3 keystore files named as geth names them ({@code
 * UTC--2026-11-22T02-30-00.000000000Z--<address>}), so geth's and this node's keystores can be
 * shared.
 */
public final class KeystoreDirectory {
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

  private final Path dir;

  public KeystoreDirectory(Path dir) {
    this.dir = dir;
  }

  /** {@code ~/.openledger/keystore}. */
  public static Path defaultPath() {
    return Path.of(System.getProperty("user.home"), ".openledger", "keystore");
  }

  public Path path() {
    return dir;
  }

  /** One key file. */
  public record Entry(Address address, Path file) {}

  /** Encrypts and writes a key (owner-only permissions where the file system has them). */
  public Entry save(KeyPair key, String password, V3Keystore.Strength strength) throws IOException {
    Files.createDirectories(dir);
    ObjectNode json = V3Keystore.encrypt(key, password, strength);
    String name =
        "UTC--" + FILE_TIME.format(Instant.now()) + "--" + key.address().toHex().substring(2);
    Path file = dir.resolve(name);
    Files.writeString(file, Json.MAPPER.writeValueAsString(json), StandardOpenOption.CREATE_NEW);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the user profile's ACLs apply.
    }
    return new Entry(key.address(), file);
  }

  /** Every readable keystore file, sorted by file name (creation time for files made here). */
  public List<Entry> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted(Comparator.comparing(Path::getFileName)).toList()) {
        addressOf(f).ifPresent(a -> out.add(new Entry(a, f)));
      }
    }
    return out;
  }

  public Optional<Entry> find(Address address) throws IOException {
    return list().stream().filter(e -> e.address().equals(address)).findFirst();
  }

  /** Reads and decrypts a key file. */
  public static KeyPair unlock(Path file, String password)
      throws IOException, V3Keystore.KeystoreException {
    return V3Keystore.decrypt(Json.MAPPER.readTree(Files.readString(file)), password);
  }

  private static Optional<Address> addressOf(Path f) {
    if (!Files.isRegularFile(f) || f.getFileName().toString().startsWith(".")) {
      return Optional.empty();
    }
    try {
      JsonNode json = Json.MAPPER.readTree(Files.readString(f));
      String a = json.path("address").asText("");
      return a.isEmpty() ? Optional.empty() : Optional.of(Address.fromHex(a));
    } catch (IOException | RuntimeException notAKeyFile) {
      return Optional.empty();
    }
  }
}
