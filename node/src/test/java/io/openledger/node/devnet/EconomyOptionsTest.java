package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.EconomyService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The economy options as {@code node} and {@code devnet} take them: the auditor and endpoint (on by
 * default for the devnet only, refused when unusable) and strict adapter-base mode.
 */
class EconomyOptionsTest {
  @TempDir Path dir;

  private static final KeyPair OPERATOR = key(9);
  private static final KeyPair AUDITOR = key(8);
  private static final Amount BOND = Amount.open(10);

  private static KeyPair key(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  /** The options as picocli leaves them with no flag given. */
  private static EconomyOptions fresh() {
    EconomyOptions o = new EconomyOptions();
    o.apiHost = "127.0.0.1";
    o.apiPort = 8080;
    o.batchEvery = 5;
    o.batchMaxRecords = 1_000;
    o.blobGraceSeconds = 3_600;
    return o;
  }

  private EconomyService.Options options(EconomyOptions o, Optional<KeyPair> devnet) {
    return o.options(dir, OPERATOR, dir, devnet, BOND);
  }

  @Test
  void theDevnetAuditsWithDevAccount8AndANodeOnlyWhenAsked() throws Exception {
    EconomyService.Options devnet = options(fresh(), Optional.of(AUDITOR));
    assertThat(devnet.audit()).isPresent();
    assertThat(devnet.audit().get().key().address()).isEqualTo(AUDITOR.address());
    assertThat(devnet.audit().get().bond()).isEqualTo(BOND);
    assertThat(devnet.publicUrl()).isEmpty();

    EconomyOptions off = fresh();
    off.audit = false;
    assertThat(options(off, Optional.of(AUDITOR)).audit()).isEmpty();
    assertThat(options(fresh(), Optional.empty()).audit()).isEmpty();

    EconomyOptions on = fresh();
    on.audit = true;
    assertThatThrownBy(() -> options(on, Optional.empty()))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--audit needs --audit-key-file FILE");
    Path k = dir.resolve("auditor.key");
    Files.writeString(k, DevAccounts.ALL.get(7).privateKeyHex());
    on.auditKeyFile = k;
    assertThat(options(on, Optional.empty()).audit().orElseThrow().key().address())
        .isEqualTo(key(7).address());
  }

  @Test
  void unusableSettingsAreRefused() throws Exception {
    EconomyOptions same = fresh();
    Path k = dir.resolve("operator.key");
    Files.writeString(k, DevAccounts.ALL.get(9).privateKeyHex());
    same.auditKeyFile = k;
    assertThatThrownBy(() -> options(same, Optional.of(AUDITOR)))
        .hasMessageContaining("another account than the operator's");
    EconomyOptions keyWithoutAudit = fresh();
    keyWithoutAudit.audit = false;
    keyWithoutAudit.auditKeyFile = k;
    assertThatThrownBy(() -> options(keyWithoutAudit, Optional.of(AUDITOR)))
        .hasMessage("--audit-key-file goes with --audit");
    EconomyOptions url = fresh();
    url.publicUrl = "http://node.example:8080/";
    assertThatThrownBy(() -> options(url, Optional.of(AUDITOR)))
        .hasMessageStartingWith("--public-url: the endpoint URL must not end with '/'");
    url.publicUrl = "https://node.example";
    assertThat(options(url, Optional.of(AUDITOR)).publicUrl()).contains("https://node.example");
  }

  private EconomyService.Options parsed(Object command, EconomyOptions economy, String... args) {
    new CommandLine(command).parseArgs(args);
    return economy.options(dir, OPERATOR, dir);
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
