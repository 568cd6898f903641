package io.openledger.openlora.adapter;

import io.openledger.openlora.engine.BundleResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resolves adapter ids to checked manifests: registered directories first; an adapter hash ({@code
 * 0x<64 lowercase hex>}, the keccak-256 of a bundle, as a model registers it on chain) through the
 * {@link BundleResolver}; a {@code sha256:<hex>} id to a bundle in the blob store; any other name
 * to a subdirectory of the adapter directory. Content-addressed ids never resolve to directories.
 * Results are remembered per file fingerprint, so an adapter is checked once and again only when
 * its files change. Thread-safe.
 */
public final class AdapterCatalog {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern SHA = Pattern.compile("(?:sha256:)?([0-9a-f]{64})");
  private static final Pattern KECCAK = Pattern.compile("0x[0-9a-f]{64}");
  private static final Pattern KECCAK_ANY_CASE = Pattern.compile("0[xX][0-9a-fA-F]{64}");

  private final AdapterReader reader;
  private final Optional<Path> dir;
  private final Optional<Path> blobStore;
  private final Optional<BundleResolver> resolver;
  private final ConcurrentHashMap<String, Path> registered = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Checked> checked = new ConcurrentHashMap<>();

  private record Checked(String fingerprint, AdapterLookup result) {}

  public AdapterCatalog(AdapterReader reader, Optional<Path> dir, Optional<Path> blobStore) {
    this(reader, dir, blobStore, Optional.empty());
  }

  /**
   * @param resolver finds bundles by adapter hash ({@code 0x<hex>} ids); without one such ids are
   *     not found
   */
  public AdapterCatalog(
      AdapterReader reader,
      Optional<Path> dir,
      Optional<Path> blobStore,
      Optional<BundleResolver> resolver) {
    this.reader = reader;
    this.dir = dir;
    this.blobStore = blobStore;
    this.resolver = resolver;
  }

  /** Whether {@code id} is an adapter hash: {@code 0x} and 64 lowercase hex digits. */
  public static boolean isAdapterHash(String id) {
    return id != null && KECCAK.matcher(id).matches();
  }

  /**
   * Whether {@code id} is well-formed: a name of letters, digits, '.', '_', '-', or a sha256 id.
   */
  public static boolean isValidId(String id) {
    return id != null
        && (NAME.matcher(id).matches() || SHA.matcher(id).matches())
        && !id.equals("..");
  }

  /**
   * Where the adapter's files are, if anywhere.
   *
   * @throws RuntimeException what the {@link BundleResolver} threw
   */
  public Optional<AdapterSource> source(String id) {
    if (!isValidId(id)) {
      return Optional.empty();
    }
    Path reg = registered.get(id);
    if (reg != null) {
      return Optional.of(new AdapterSource.Directory(reg));
    }
    if (isAdapterHash(id)) {
      if (resolver.isEmpty()) {
        return Optional.empty();
      }
      return resolver.get().resolve(id).map(p -> new AdapterSource.ResolvedBundle(p, id));
    }
    var sha = SHA.matcher(id);
    if (sha.matches()) {
      if (blobStore.isEmpty()) {
        return Optional.empty();
      }
      String hex = sha.group(1);
      for (Path p :
          List.of(
              blobStore.get().resolve(hex),
              blobStore.get().resolve(hex.substring(0, 2)).resolve(hex))) {
        if (Files.isRegularFile(p)) {
          return Optional.of(new AdapterSource.Bundle(p, hex));
        }
      }
      return Optional.empty();
    }
    if (dir.isPresent()) {
      Path d = dir.get().resolve(id);
      if (Files.isDirectory(d)) {
        return Optional.of(new AdapterSource.Directory(d));
      }
    }
    return Optional.empty();
  }

  /** Resolves and checks (or recalls the check of) an adapter. */
  public AdapterLookup lookup(String id) {
    if (id != null && KECCAK_ANY_CASE.matcher(id).matches() && !isAdapterHash(id)) {
      return new AdapterLookup.Invalid(
          id, "an adapter hash is 0x followed by 64 lowercase hex digits");
    }
    Optional<AdapterSource> src;
    try {
      src = source(id);
    } catch (RuntimeException e) {
      return new AdapterLookup.Unavailable(id, "the blob store failed to resolve it: " + e);
    }
    if (src.isEmpty()) {
      return new AdapterLookup.NotFound(id);
    }
    String fp = src.get().fingerprint();
    Checked c = checked.get(id);
    if (c != null && c.fingerprint.equals(fp) && sameSource(c.result, src.get())) {
      return c.result;
    }
    AdapterLookup result;
    try {
      result = new AdapterLookup.Found(reader.inspect(id, src.get()));
    } catch (AdapterFormatException e) {
      result = new AdapterLookup.Invalid(id, e.getMessage());
    } catch (UncheckedIOException e) {
      result = new AdapterLookup.Invalid(id, "cannot read its files: " + e.getMessage());
    }
    checked.put(id, new Checked(fp, result));
    return result;
  }

  private static boolean sameSource(AdapterLookup r, AdapterSource s) {
    return !(r instanceof AdapterLookup.Found f) || f.manifest().source().equals(s);
  }

  /** Remembers that loading found the adapter unusable (until its files change). */
  public void markInvalid(AdapterManifest m, String reason) {
    checked.put(m.id(), new Checked(m.fingerprint(), new AdapterLookup.Invalid(m.id(), reason)));
  }

  /** Registers a directory under an id and checks it. */
  public AdapterLookup register(String id, Path directory) {
    if (!isValidId(id) || SHA.matcher(id).matches() || KECCAK_ANY_CASE.matcher(id).matches()) {
      return new AdapterLookup.Invalid(
          id,
          "an adapter id is 1-128 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit, and not a content address (sha256:<hex> or 0x<hex>)");
    }
    AdapterSource.Directory src = new AdapterSource.Directory(directory);
    AdapterLookup result;
    try {
      result = new AdapterLookup.Found(reader.inspect(id, src));
    } catch (AdapterFormatException e) {
      return new AdapterLookup.Invalid(id, e.getMessage());
    }
    registered.put(id, directory);
    checked.put(id, new Checked(src.fingerprint(), result));
    return result;
  }

  /** Ids known without a request: registered, the adapter directory's children, blobs seen. */
  public List<String> ids() {
    TreeSet<String> ids = new TreeSet<>(registered.keySet());
    dir.ifPresent(
        d -> {
          if (!Files.isDirectory(d)) {
            return;
          }
          try (Stream<Path> s = Files.list(d)) {
            s.filter(Files::isDirectory)
                .map(p -> p.getFileName().toString())
                .filter(AdapterCatalog::isValidId)
                .forEach(ids::add);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    for (String id : checked.keySet()) {
      if (SHA.matcher(id).matches() || isAdapterHash(id)) {
        ids.add(id);
      }
    }
    return new ArrayList<>(ids);
  }
}
