package io.openledger.node.openlora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.node.cli.CliException;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openledger model generate-tiny}: writes a small Llama-shaped model with seeded random
 * weights and a byte-level BPE tokenizer, plus PEFT LoRA adapters for it, in the Hugging Face
 * layout. Nothing is downloaded; the same options give the same bytes. The text it generates is not
 * meaningful: it exists to try the server, the CLI and the API.
 */
@Command(
    name = "generate-tiny",
    mixinStandardHelpOptions = true,
    description = {
      "Write a tiny demo model (OUT/tiny-llama) and N LoRA adapters (OUT/adapters/adapter-0000...),"
          + " deterministic, no downloads.",
      "Then: openledger serve --model OUT/tiny-llama --adapters OUT/adapters"
    })
public final class GenerateTinyCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write.")
  Path out;

  @Option(
      names = "--adapters",
      paramLabel = "N",
      defaultValue = "3",
      description = "Adapters to write (default: ${DEFAULT-VALUE}).")
  int adapters;

  @Option(
      names = "--rank",
      paramLabel = "R",
      defaultValue = "8",
      description = "LoRA rank of the adapters (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(names = "--json", description = "Print the paths written as one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (adapters < 0 || adapters > 10_000) {
      throw new CliException("--adapters must be between 0 and 10000");
    }
    if (rank < 1 || rank > 256) {
      throw new CliException("--rank must be between 1 and 256");
    }
    ModelSpec model = ModelSpec.tiny();
    Path modelDir = out.resolve(model.name());
    Path adapterDir = out.resolve("adapters");
    try {
      Files.createDirectories(adapterDir);
    } catch (IOException e) {
      throw new CliException("cannot create " + adapterDir + ": " + e.getMessage());
    }
    TestModels.writeModel(modelDir, model);
    List<String> ids =
        adapters == 0
            ? List.of()
            : TestModels.writeAdapters(adapterDir, model, adapters, AdapterSpec.of(rank, 1));
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("model", modelDir.toString());
      o.put("adapters", adapterDir.toString());
      ids.forEach(o.putArray("adapter_ids")::add);
      w.println(o);
    } else {
      w.println("model:    " + modelDir + " (" + model.parameters() + " parameters)");
      w.println("adapters: " + adapterDir + " " + ids);
      w.println("try:      openledger serve --model " + modelDir + " --adapters " + adapterDir);
    }
    w.flush();
    return 0;
  }
}
