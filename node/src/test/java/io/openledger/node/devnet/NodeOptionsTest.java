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
}
