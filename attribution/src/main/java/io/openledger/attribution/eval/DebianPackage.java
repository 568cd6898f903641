package io.openledger.attribution.eval;

import io.openledger.attribution.AttributionException.MissingResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Data the project takes from a Debian package (Fashion-MNIST for the influence evaluation, the
 * {@code fortunes} texts for the devnet's demo datanet): installed with apt-get when it is missing
 * and this process can (root on a Debian or Ubuntu system), otherwise a clear message with the
 * command to run.
 */
public final class DebianPackage {
  private DebianPackage() {}

  /**
   * Makes sure {@code present} holds, installing {@code name} if needed and possible.
   *
   * @param what what the package provides, for the message (e.g. "Fashion-MNIST")
   * @param where where its files are expected, for the message
   * @throws MissingResource with the command to run when they are absent and cannot be installed
   *     from here
   */
  public static void ensureInstalled(
      String name, String what, Path where, BooleanSupplier present) {
    if (present.getAsBoolean()) {
      return;
    }
    String howTo =
        what
            + " is not installed: its files are missing from "
            + where
            + ". Install the Debian package with `sudo apt-get update && sudo apt-get install -y "
            + name
            + "`.";
    boolean root = "root".equals(System.getProperty("user.name"));
    boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
    if (!root || !apt) {
      throw new MissingResource(howTo + (apt ? "" : " (needs a Debian or Ubuntu system)"));
    }
    for (List<String> cmd :
        List.of(
            List.of("apt-get", "update"),
            List.of("apt-get", "install", "-y", "--no-install-recommends", name))) {
      if (!run(cmd)) {
        throw new MissingResource(
            howTo + " (tried `" + String.join(" ", cmd) + "` here: it failed)");
      }
    }
    if (!present.getAsBoolean()) {
      throw new MissingResource(
          howTo + " (the package installed, but the files are not in " + where + ")");
    }
  }

  private static boolean run(List<String> cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
