package io.openledger.factory.eval;

import io.openledger.attribution.eval.DebianPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's {@code fortunes} collections (quotations, jokes and sayings; the devnet demo datanet's
 * texts): real English text every Debian or Ubuntu machine can install. A collection file holds
 * fortunes separated by lines holding only {@code %}.
 */
public final class Fortunes {
  /** Where Debian's {@code fortunes} package puts its files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/games/fortunes");

  private Fortunes() {}

  /** Whether every named collection is a file under {@code dir}. */
  public static boolean present(Path dir, List<String> collections) {
    return collections.stream().allMatch(c -> Files.isRegularFile(dir.resolve(c)));
  }

  /**
   * Makes sure the collections are under {@link #DEBIAN_DIR}, installing the package with apt-get
   * when missing and possible.
   *
   * @throws io.openledger.attribution.AttributionException.MissingResource with the command to run
   */
  public static void ensureInstalled(List<String> collections) {
    DebianPackage.ensureInstalled(
        "fortunes", "Debian's fortunes", DEBIAN_DIR, () -> present(DEBIAN_DIR, collections));
  }

  /**
   * The fortunes of one collection in file order, trimmed of surrounding blank lines, keeping those
   * of {@code minChars..maxChars} characters (a few fortunes are whole pages: one would outweigh a
   * dozen contributions).
   */
  public static List<String> read(Path dir, String collection, int minChars, int maxChars) {
    Path file = dir.resolve(collection);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.equals("%")) {
        add(out, cur, minChars, maxChars);
        cur.setLength(0);
      } else {
        cur.append(line).append('\n');
      }
    }
    add(out, cur, minChars, maxChars);
    return List.copyOf(out);
  }

  private static void add(List<String> out, StringBuilder cur, int minChars, int maxChars) {
    String f = cur.toString().strip();
    if (f.length() >= minChars && f.length() <= maxChars) {
      out.add(f);
    }
  }
}
