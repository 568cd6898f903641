package io.openledger.node.openlora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.node.cli.CliException;
import io.openledger.openlora.engine.ChatMessage;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.Generation;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.GenerationResult;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.engine.SamplingParams;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code openledger generate}: one completion in the terminal, streamed token by token. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate text with a base model and optional LoRA adapters, streaming to the terminal.",
      "Greedy by default; --temperature > 0 samples (with --seed for reproducible output)."
    })
public final class GenerateCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "Text to continue.")
  String prompt;

  @Option(
      names = "--adapter",
      paramLabel = "ID[=WEIGHT]",
      description =
          "Adapter id (a subdirectory of --adapters, or sha256:<hex> in --blob-store). Repeat to"
              + " ensemble several, each with an optional weight (default 1).")
  List<String> adapterIds = new ArrayList<>();

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "64",
      description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "0",
      description = "0 is greedy; higher samples more freely (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1",
      description = "Nucleus sampling: keep the most likely tokens up to this mass, in (0, 1].")
  double topP;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "0",
      description = "Keep only the K most likely tokens (0: all).")
  int topK;

  @Option(names = "--seed", paramLabel = "S", description = "Seed for sampling.")
  Long seed;

  @Option(
      names = "--stop",
      paramLabel = "TEXT",
      description = "Stop before this text (repeatable).")
  List<String> stop = new ArrayList<>();

  @Option(
      names = "--chat",
      description = "Treat PROMPT as a user message and apply the model's chat template.")
  boolean chat;

  @Option(
      names = "--json",
      description =
          "Print one JSON object (text, tokens, finish reason, usage) instead of streaming.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    LibraryLogs.quiet();
    SamplingParams sampling = sampling();
    AdapterChoice adapters = adapterChoice();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (InferenceEngine e = engine.open()) {
      String text = chat ? e.renderChat(List.of(new ChatMessage("user", prompt)), true) : prompt;
      Generation g;
      try {
        g =
            e.submit(
                new GenerationRequest(
                    new GenerationRequest.Prompt.Text(text), adapters, sampling, 0));
      } catch (EngineException ex) {
        throw new CliException(ex.getMessage());
      }
      GenerationResult r = json ? await(g) : stream(g, out);
      if (json) {
        out.println(toJson(e, r));
      } else {
        out.println();
        err.printf(
            Locale.ROOT,
            "[%d prompt + %d generated tokens, finish: %s, first token %.0f ms, %.1f tokens/s]%n",
            r.promptTokens(),
            r.completionTokens(),
            r.finishReason().tgi(),
            r.timeToFirstTokenMillis(),
            r.completionTokens() * 1000.0 / Math.max(1e-9, r.totalMillis()));
      }
      out.flush();
      err.flush();
      return 0;
    }
  }

  private static GenerationResult stream(Generation g, PrintWriter out)
      throws InterruptedException {
    while (true) {
      switch (g.nextEvent()) {
        case GenerationEvent.Token t -> {
          if (!t.special()) {
            out.print(t.text());
            out.flush();
          }
        }
        case GenerationEvent.Finished f -> {
          return f.result();
        }
        case GenerationEvent.Failed f -> throw new CliException(f.error().getMessage());
      }
    }
  }

  private static GenerationResult await(Generation g) throws InterruptedException {
    try {
      return g.result().get();
    } catch (java.util.concurrent.ExecutionException ex) {
      throw new CliException(ex.getCause().getMessage());
    }
  }

  private SamplingParams sampling() {
    try {
      return new SamplingParams(
          temperature,
          topK,
          topP,
          seed == null ? OptionalLong.empty() : OptionalLong.of(seed),
          stop,
          maxTokens);
    } catch (EngineException ex) {
      throw new CliException(ex.getMessage());
    }
  }

  private AdapterChoice adapterChoice() {
    if (adapterIds.isEmpty()) {
      return new AdapterChoice.Base();
    }
    try {
      if (adapterIds.size() == 1 && !adapterIds.getFirst().contains("=")) {
        return new AdapterChoice.Single(adapterIds.getFirst());
      }
      List<AdapterChoice.Weighted> members = new ArrayList<>();
      for (String a : adapterIds) {
        int eq = a.lastIndexOf('=');
        double w = 1;
        String id = a;
        if (eq > 0) {
          id = a.substring(0, eq);
          try {
            w = Double.parseDouble(a.substring(eq + 1));
          } catch (NumberFormatException nfe) {
            throw new CliException("--adapter " + a + ": the weight after '=' is not a number");
          }
        }
        members.add(new AdapterChoice.Weighted(id, w));
      }
      return new AdapterChoice.Ensemble(members);
    } catch (EngineException ex) {
      throw new CliException(ex.getMessage());
    }
  }

  private static String toJson(InferenceEngine e, GenerationResult r) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("model", e.model().id());
    o.put("text", r.text());
    o.put("finish_reason", r.finishReason().tgi());
    ArrayNode tokens = o.putArray("tokens");
    for (GenerationEvent.Token t : r.tokens()) {
      tokens
          .addObject()
          .put("id", t.tokenId())
          .put("text", t.text())
          .put("logprob", t.logprob())
          .put("special", t.special());
    }
    ObjectNode usage = o.putObject("usage");
    usage.put("prompt_tokens", r.promptTokens());
    usage.put("completion_tokens", r.completionTokens());
    usage.put("total_tokens", r.promptTokens() + r.completionTokens());
    o.put("time_to_first_token_ms", r.timeToFirstTokenMillis());
    o.put("total_ms", r.totalMillis());
    return o.toString();
  }
}
