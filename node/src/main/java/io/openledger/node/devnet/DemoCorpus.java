package io.openledger.node.devnet;

import io.openledger.attribution.eval.DebianPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo datanet's data: real public text, Debian's {@code fortunes} collections (quotations,
 * jokes and sayings, freely redistributable), one file per demo contributor. Installed with apt-get
 * when missing and the node runs as root; otherwise the devnet says how to install it or to start
 * with {@code --no-demo}.
 */
public final class DemoCorpus {
  /** Where Debian's {@code fortunes} package puts its files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/games/fortunes");

  /** The package. */
  public static final String PACKAGE = "fortunes";

  /** The collections the demo uses, one contributor each (about 650 kB of text in all). */
  public static final List<String> FILES =
      List.of("computers", "science", "literature", "linux", "wisdom", "work");

  /** One contributor's file. */
  public record Text(String name, byte[] bytes) {}

  private DemoCorpus() {}

  /** The demo texts from {@link #DEBIAN_DIR}, installing the package first if needed. */
  public static List<Text> load() {
    DebianPackage.ensureInstalled(
        PACKAGE, "The demo datanet's texts (Debian's fortunes)", DEBIAN_DIR, DemoCorpus::present);
    return load(DEBIAN_DIR);
  }

  static List<Text> load(Path dir) {
    List<Text> out = new ArrayList<>();
    for (String f : FILES) {
      try {
        out.add(new Text(f, Files.readAllBytes(dir.resolve(f))));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + dir.resolve(f) + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  private static boolean present() {
    return FILES.stream().allMatch(f -> Files.isRegularFile(DEBIAN_DIR.resolve(f)));
  }
}
