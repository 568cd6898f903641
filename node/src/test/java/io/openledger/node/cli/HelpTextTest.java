package io.openledger.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Picocli runs every help text through {@link String#format}; a lone {@code %} makes it print a
 * "[picocli WARN] Could not format" line to the user instead. Every text of every command must
 * format cleanly.
 */
class HelpTextTest {
  @Test
  void everyHelpTextIsAValidFormatString() {
    List<String> broken = new ArrayList<>();
    List<CommandSpec> all = new ArrayList<>();
    collect(OpenLedgerCommand.commandLine(), all);
    for (CommandSpec spec : all) {
      List<String> texts = new ArrayList<>();
      texts.addAll(List.of(spec.usageMessage().description()));
      texts.addAll(List.of(spec.usageMessage().header()));
      texts.addAll(List.of(spec.usageMessage().footer()));
      for (ArgSpec arg : spec.args()) {
        texts.addAll(List.of(arg.description()));
      }
      for (String text : texts) {
        try {
          String.format(Locale.ROOT, text);
        } catch (IllegalFormatException e) {
          broken.add(spec.qualifiedName() + ": " + text);
        }
      }
    }
    assertThat(all.size()).as("commands visited").isGreaterThan(40);
    assertThat(broken).isEmpty();
  }

  private static void collect(CommandLine cl, List<CommandSpec> out) {
    out.add(cl.getCommandSpec());
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!out.contains(sub.getCommandSpec())) {
        collect(sub, out);
      }
    }
  }
}
