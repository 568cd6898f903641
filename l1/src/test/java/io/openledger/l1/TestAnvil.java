package io.openledger.l1;

import java.nio.file.Path;

/** Starts anvil from the node_modules the build installed (system property l1.nodeModules). */
final class TestAnvil {
  private TestAnvil() {}

  static Anvil start() {
    return Anvil.start(Path.of(System.getProperty("l1.nodeModules", "node_modules")));
  }
}
