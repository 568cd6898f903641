package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wallet commands run in-process through picocli against the running node, as a user types
 * them: keystore, balance, send with --wait, tx, receipt, block, vesting and claim, and the errors.
 */
class CliE2ETest {
  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir.resolve("chain"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(out);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Run rpc(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--rpc");
    all.add(node.url());
    return run(all.toArray(String[]::new));
  }

  @Test
  void keystoreSendAndInspect() throws Exception {
    Path keystore = dir.resolve("keystore");
    Path password = Files.writeString(dir.resolve("password.txt"), "correct horse battery\n");
    var dev = DevAccounts.ALL.get(5);
    Path keyFile = Files.writeString(dir.resolve("dev5.key"), dev.privateKeyHex());

    Run imported =
        run(
            "account",
            "import",
            "--keystore",
            keystore.toString(),
            "--password-file",
            password.toString(),
            "--private-key-file",
            keyFile.toString(),
            "--light-kdf",
            "--json");
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.json().get("address").asText()).isEqualTo(dev.address().toHex());
    Run again =
        run(
            "account",
            "import",
            "--keystore",
            keystore.toString(),
            "--password-file",
            password.toString(),
            "--private-key-file",
            keyFile.toString(),
            "--light-kdf");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already holds " + dev.address());

    Run list = run("account", "list", "--keystore", keystore.toString(), "--json");
    assertThat(list.json().get(0).get("address").asText()).isEqualTo(dev.address().toHex());

    Run balance = rpc("balance", dev.address().toHex(), "--json");
    assertThat(balance.json().get("balanceOpen").asText()).isEqualTo("100000");

    String recipient = "0x000000000000000000000000000000000000beef";
    Run sent =
        rpc(
            "send",
            "--from",
            dev.address().toHex(),
            "--keystore",
            keystore.toString(),
            "--password-file",
            password.toString(),
            "--to",
            recipient,
            "--value",
            "2.5",
            "--wait",
            "--json");
    assertThat(sent.exit()).as(sent.err()).isZero();
    JsonNode s = sent.json();
    String hash = s.get("hash").asText();
    assertThat(s.get("receipt").get("status").asText()).isEqualTo("0x1");
    assertThat(rpc("balance", recipient, "--json").json().get("balanceOpen").asText())
        .isEqualTo("2.5");

    Run tx = rpc("tx", hash, "--json");
    assertThat(tx.json().get("from").asText()).isEqualTo(dev.address().toHex());
    assertThat(tx.json().get("type").asText()).isEqualTo("0x2");
    Run receipt = rpc("receipt", hash);
    assertThat(receipt.out()).contains("status     success").contains("gas used   21000");
    String blockNumber = s.get("receipt").get("blockNumber").asText();
    Run block = rpc("block", blockNumber, "--full");
    assertThat(block.exit()).isZero();
    assertThat(block.out()).contains("Block " + Long.decode(blockNumber)).contains(hash);

    Run legacy =
        rpc(
            "send",
            "--private-key-file",
            keyFile.toString(),
            "--to",
            recipient,
            "--value",
            "0.5",
            "--legacy",
            "--wait",
            "--json");
    assertThat(legacy.exit()).as(legacy.err()).isZero();
    assertThat(rpc("tx", legacy.json().get("hash").asText(), "--json").json().get("type").asText())
        .isEqualTo("0x0");
    assertThat(rpc("balance", recipient, "--json").json().get("balanceOpen").asText())
        .isEqualTo("3");
  }

  @Test
  void vestingScheduleAndClaim() throws Exception {
    var dev = DevAccounts.VESTING_DEMO;
    Run schedule = rpc("vesting", dev.address().toHex(), "--json");
    assertThat(schedule.exit()).as(schedule.err()).isZero();
    JsonNode v = schedule.json();
    assertThat(v.get("total").asText()).isEqualTo("10000000000000000000000");
    assertThat(v.get("cliffSeconds").asLong()).isEqualTo(60);
    assertThat(new java.math.BigInteger(v.get("claimable").asText())).isPositive();

    Path keyFile = Files.writeString(dir.resolve("dev1.key"), dev.privateKeyHex());
    Run claim =
        rpc("vesting", "claim", "--private-key-file", keyFile.toString(), "--wait", "--json");
    assertThat(claim.exit()).as(claim.err()).isZero();
    assertThat(claim.json().get("receipt").get("logs")).hasSize(1);
    JsonNode after = rpc("vesting", dev.address().toHex(), "--json").json();
    assertThat(new java.math.BigInteger(after.get("claimed").asText())).isPositive();

    Run text = rpc("vesting", dev.address().toHex());
    assertThat(text.out()).contains("total      10000 OPEN").contains("claimable");
  }

  @Test
  void errorsAreOneLineAndExitOne() throws Exception {
    Run badAddress = rpc("balance", "0x1234");
    assertThat(badAddress.exit()).isEqualTo(1);
    assertThat(badAddress.err().strip())
        .isEqualTo("error: ADDRESS: not an address (0x + 40 hex digits): 0x1234");

    Run noNode =
        run("balance", "0x000000000000000000000000000000000000beef", "--rpc", "http://127.0.0.1:9");
    assertThat(noNode.exit()).isEqualTo(1);
    assertThat(noNode.err()).startsWith("error: cannot reach a node at http://127.0.0.1:9");

    Path keystore = dir.resolve("keystore2");
    Path password = Files.writeString(dir.resolve("pw2.txt"), "right");
    Path wrong = Files.writeString(dir.resolve("pw3.txt"), "wrong");
    Run created =
        run(
            "account",
            "new",
            "--keystore",
            keystore.toString(),
            "--password-file",
            password.toString(),
            "--light-kdf",
            "--json");
    String address = created.json().get("address").asText();
    Run locked =
        rpc(
            "send",
            "--from",
            address,
            "--keystore",
            keystore.toString(),
            "--password-file",
            wrong.toString(),
            "--to",
            address,
            "--value",
            "1");
    assertThat(locked.exit()).isEqualTo(1);
    assertThat(locked.err()).contains("wrong password");

    Run broke =
        rpc(
            "send",
            "--from",
            address,
            "--keystore",
            keystore.toString(),
            "--password-file",
            password.toString(),
            "--to",
            address,
            "--value",
            "1",
            "--gas-limit",
            "21000");
    assertThat(broke.exit()).isEqualTo(1);
    assertThat(broke.err()).startsWith("error: insufficient funds for gas * price + value");

    Run missingTx = rpc("receipt", "0x" + "11".repeat(32));
    assertThat(missingTx.exit()).isEqualTo(1);
    assertThat(missingTx.err()).contains("no receipt for");
  }
}
