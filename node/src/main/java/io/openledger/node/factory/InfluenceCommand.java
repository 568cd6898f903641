package io.openledger.node.factory;

import io.openledger.factory.job.ModelInfluence;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger influence --model DIR --text FILE}: which training contributions made a text
 * likely under a model the factory trained, from the influence records written at training time
 * (DataInf over the recorded gradient sketches).
 */
@Command(
    name = "influence",
    mixinStandardHelpOptions = true,
    description =
        "Rank the contributions a factory-trained model learned from by their influence on a text.")
public final class InfluenceCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "The directory `openledger train` wrote (with training.json).")
  Path model;

  @Option(
      names = "--text",
      required = true,
      paramLabel = "FILE",
      description = "The text (UTF-8), for example a model's answer; - for standard input.")
  String text;

  @Option(names = "--base", paramLabel = "DIR", description = "The base model, for a LoRA adapter.")
  Path base;

  @Option(
      names = "--top",
      defaultValue = "10",
      description = "Contributions shown (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--threads", description = "Kernel threads (default: the machine's cores).")
  Integer threads;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new CliException("--top must be at least 1");
    }
    String body = read();
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    ModelInfluence.Result result;
    try (ModelInfluence m = ModelInfluence.open(model, Optional.ofNullable(base), t)) {
      result = m.score(body);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    List<ModelInfluence.Ranked> shown = result.ranked().stream().limit(top).toList();
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("tokens", result.tokens());
      o.put("loss", result.loss());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ModelInfluence.Ranked r : shown) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("contributionId", r.contributionId());
        row.put("datanetId", r.datanetId());
        row.put("examples", r.examples());
        row.put("score", r.score());
        row.put("share", r.share());
        rows.add(row);
      }
      o.put("contributions", rows);
      w.println(Json.MAPPER.writeValueAsString(o));
    } else {
      w.println(
          String.format(
              Locale.ROOT,
              "%d tokens, loss %.3f nats; most influential contributions:",
              result.tokens(),
              result.loss()));
      w.println("  contribution  datanet  examples       score   share");
      for (ModelInfluence.Ranked r : shown) {
        w.println(
            String.format(
                Locale.ROOT,
                "  %12d  %7d  %8d  %10.4g  %5.1f%%",
                r.contributionId(),
                r.datanetId(),
                r.examples(),
                r.score(),
                100 * r.share()));
      }
    }
    w.flush();
    return 0;
  }

  private String read() {
    try {
      byte[] bytes =
          text.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(text));
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new CliException("--text " + text + " is not UTF-8");
    } catch (IOException e) {
      throw new CliException("cannot read --text " + text + ": " + e.getMessage());
    }
  }
}
