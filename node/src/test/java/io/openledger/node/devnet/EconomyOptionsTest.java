package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.node.economy.EconomyService;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The economy's options as {@code node} and {@code devnet} parse them. */
class EconomyOptionsTest {
  @TempDir Path dir;

  static final KeyPair KEY = KeyPair.fromPrivateKeyHex("0x" + "11".repeat(32));

  private EconomyService.Options parsed(Object command, EconomyOptions economy, String... args) {
    new CommandLine(command).parseArgs(args);
    return economy.options(dir, KEY, dir);
  }

  @Test
  void strictAdapterBaseIsOffUnlessAsked() {
    NodeCommand node = new NodeCommand();
    assertThat(parsed(node, node.economy, "--genesis", "g.json").strictAdapterBase()).isFalse();
    NodeCommand strict = new NodeCommand();
    assertThat(
            parsed(strict, strict.economy, "--genesis", "g.json", "--strict-adapter-base")
                .strictAdapterBase())
        .isTrue();
  }

  @Test
  void devnetTakesTheSameFlag() {
    DevnetCommand devnet = new DevnetCommand();
    assertThat(parsed(devnet, devnet.economy, "--strict-adapter-base").strictAdapterBase())
        .isTrue();
  }
}
