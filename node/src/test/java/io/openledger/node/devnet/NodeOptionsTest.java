package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.state.StateRetention;
import io.openledger.node.cli.CliException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The state-history flags as the command line parses them. */
class NodeOptionsTest {
  @CommandLine.Command(name = "test")
  static final class Holder {
    @CommandLine.Mixin NodeOptions node = new NodeOptions();
  }

  private static StateRetention parse(StateRetention byDefault, String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h.node.ledgerConfig(2000, byDefault).stateRetention();
  }

  @Test
  void eachCommandKeepsItsDefaultUnlessToldOtherwise() {
    StateRetention node = StateRetention.keepLast(StateRetention.DEFAULT_KEEP);
    assertThat(parse(node)).isEqualTo(StateRetention.keepLast(128));
    assertThat(parse(StateRetention.ARCHIVE)).isEqualTo(StateRetention.ARCHIVE);
    assertThat(parse(node, "--archive")).isEqualTo(StateRetention.ARCHIVE);
    assertThat(parse(StateRetention.ARCHIVE, "--prune-keep", "1000"))
        .isEqualTo(StateRetention.keepLast(1000));
  }

  @Test
  void contradictionsAndNonsenseAreRefusedByName() {
    assertThatThrownBy(() -> parse(StateRetention.ARCHIVE, "--archive", "--prune-keep", "5"))
        .isInstanceOf(CliException.class)
        .hasMessage("--archive keeps every state and --prune-keep 5 prunes: give one");
    assertThatThrownBy(() -> parse(StateRetention.ARCHIVE, "--prune-keep", "1"))
        .isInstanceOf(CliException.class)
        .hasMessage(
            "--prune-keep must be at least 2 blocks (the head's state and its parent's), got 1");
  }

  @Test
  void theL1RolesNeedTheL1NodeAndTheirKeys() {
    String rpc = "http://127.0.0.1:1";
    refused(
        "--l1-portal, --l1-oracle and --l1-inbox need --l1-rpc (the L1 node's JSON-RPC)",
        "--l1-oracle",
        ADDRESS);
    refused(
        "--l1-rpc needs --l1-portal (deposits), --l1-oracle (proposer) or --l1-inbox (batcher)",
        "--l1-rpc",
        rpc);
    refused(
        "--l1-oracle and --proposer-key-file go together: give both or neither",
        "--l1-rpc",
        rpc,
        "--l1-oracle",
        ADDRESS);
    refused(
        "an L1 contract address is 0x and 40 hex digits, got 0x12",
        "--l1-rpc",
        rpc,
        "--l1-inbox",
        "0x12",
        "--batcher-key-file",
        "k");
    refused(
        "--output-interval must be at least 1 block, got 0",
        "--l1-rpc",
        rpc,
        "--l1-oracle",
        ADDRESS,
        "--proposer-key-file",
        "k",
        "--output-interval",
        "0");
    refused(
        "--batch-max-bytes must be at least 1000, got 999",
        "--l1-rpc",
        rpc,
        "--l1-inbox",
        ADDRESS,
        "--batcher-key-file",
        "k",
        "--batch-max-bytes",
        "999");
  }

  private static void refused(String message, String... args) {
    assertThatThrownBy(() -> parse(StateRetention.ARCHIVE, args))
        .isInstanceOf(CliException.class)
        .hasMessage(message);
  }

  private static final String ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
}
