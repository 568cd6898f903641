package io.openledger.node.openlora;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.openlora.engine.EngineConfig;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.InferenceEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The OpenLoRA subcommands as a user runs them: {@code model generate-tiny}, {@code generate},
 * {@code serve} (talked to with java.net.http) and {@code bench openlora}.
 */
class OpenLoraCliTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path model;
  static Path adapters;

  /** What a command printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeAll
  static void generateTinyModel() throws Exception {
    Run r = run("model", "generate-tiny", "--out", dir.toString(), "--adapters", "2", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    model = Path.of(o.path("model").asText());
    adapters = Path.of(o.path("adapters").asText());
    assertThat(o.path("adapter_ids").toString()).contains("adapter-0000", "adapter-0001");
  }

  @Test
  void generateTinyWritesAHuggingFaceLayout() {
    assertThat(model.resolve("config.json")).isRegularFile();
    assertThat(adapters.resolve("adapter-0001").resolve("adapter_config.json")).isRegularFile();
  }

  @Test
  void generatePrintsTheEnginesGreedyAnswer() throws Exception {
    String expected;
    try (InferenceEngine e =
        InferenceEngine.open(EngineConfig.of(model).withAdapterDir(adapters))) {
      expected =
          e.submit(GenerationRequest.of("Hello ledger", 10).withAdapter("adapter-0001"))
              .result()
              .join()
              .text();
    }
    Run r =
        run(
            "generate",
            "--model",
            model.toString(),
            "--adapters",
            adapters.toString(),
            "--adapter",
            "adapter-0001",
            "--max-tokens",
            "10",
            "Hello ledger");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(expected + System.lineSeparator());
    assertThat(r.err()).contains("generated tokens");

    Run json =
        run(
            "generate",
            "--model",
            model.toString(),
            "--adapters",
            adapters.toString(),
            "--adapter",
            "adapter-0001",
            "--max-tokens",
            "10",
            "--json",
            "Hello ledger");
    JsonNode o = JSON.readTree(json.out());
    assertThat(o.path("text").asText()).isEqualTo(expected);
    assertThat(o.path("usage").path("completion_tokens").asInt())
        .isEqualTo(o.path("tokens").size());
  }

  @Test
  void generateExplainsWhatIsWrong() {
    Run unknown =
        run(
            "generate",
            "--model",
            model.toString(),
            "--adapters",
            adapters.toString(),
            "--adapter",
            "nope",
            "Hi");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("error: ").contains("nope");

    Run noModel = run("generate", "--model", dir.resolve("missing").toString(), "Hi");
    assertThat(noModel.exit()).isEqualTo(1);
    assertThat(noModel.err()).contains("is not a directory");

    Run badTemp = run("generate", "--model", model.toString(), "--temperature", "-1", "Hi");
    assertThat(badTemp.exit()).isEqualTo(1);
    assertThat(badTemp.err()).contains("temperature");

    Run badBudget = run("serve", "--model", model.toString(), "--memory-budget", "lots");
    assertThat(badBudget.exit()).isEqualTo(2);
    assertThat(badBudget.err()).contains("--memory-budget");
  }

  @Test
  void strictAdapterBaseRefusesAnAdapterTrainedUnderAnotherName() throws Exception {
    Path renamed = dir.resolve("renamed-adapters").resolve("snapshot");
    Files.createDirectories(renamed);
    try (var files = Files.list(adapters.resolve("adapter-0000"))) {
      for (Path f : files.toList()) {
        Files.copy(f, renamed.resolve(f.getFileName()));
      }
    }
    Path cfg = renamed.resolve("adapter_config.json");
    com.fasterxml.jackson.databind.node.ObjectNode c =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(cfg.toFile());
    c.put("base_model_name_or_path", "/cache/hub/models--org--x/snapshots/3f2a");
    Files.writeString(cfg, c.toString());
    String[] args = {
      "generate",
      "--model",
      model.toString(),
      "--adapters",
      renamed.getParent().toString(),
      "--adapter",
      "snapshot",
      "--max-tokens",
      "2",
      "Hi"
    };

    Run lenient = run(args);
    assertThat(lenient.exit()).as(lenient.err()).isZero();

    String[] strict = java.util.Arrays.copyOf(args, args.length + 1);
    strict[args.length - 1] = "--strict-adapter-base";
    strict[args.length] = "Hi";
    Run refused = run(strict);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("snapshot").contains("strict base-name checking is on");
  }

  @Test
  void serveAnswersHttpUntilStopped() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    int[] exit = {-1};
    Thread server =
        Thread.ofPlatform()
            .start(
                () ->
                    exit[0] =
                        cl.execute(
                            "serve",
                            "--model",
                            model.toString(),
                            "--adapters",
                            adapters.toString(),
                            "--port",
                            "0",
                            "--memory-budget",
                            "16MiB"));
    Pattern listening = Pattern.compile("on (http://127\\.0\\.0\\.1:\\d+) ");
    Matcher m = listening.matcher("");
    for (int i = 0; i < 600 && !m.find(); i++) {
      Thread.sleep(50);
      m = listening.matcher(out.toString());
    }
    assertThat(m.find(0)).as(out.toString()).isTrue();
    URI base = URI.create(m.group(1));
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> models =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v1/models")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(models.body()).contains(model.getFileName() + ":adapter-0000");
      HttpResponse<String> done =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v1/completions"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\""
                              + model.getFileName()
                              + ":adapter-0001\",\"prompt\":\"Hi\",\"max_tokens\":4}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
      assertThat(JSON.readTree(done.body()).path("usage").path("total_tokens").asInt())
          .isPositive();
    } finally {
      server.interrupt();
      server.join();
    }
    assertThat(exit[0]).isZero();
  }

  @Test
  void serveRefusesAPortInUse() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r =
          run(
              "serve",
              "--model",
              model.toString(),
              "--port",
              Integer.toString(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("cannot listen").contains("--port");
    }
  }

  @Test
  void benchMeasuresRequestsPerSecondThroughHttp() throws Exception {
    Path work = dir.resolve("bench");
    Files.createDirectories(work);
    Run r =
        run(
            "bench",
            "openlora",
            "--quick",
            "--http-only",
            "--json",
            "--work-dir",
            work.toString(),
            "--http-requests",
            "16",
            "--http-concurrency",
            "4",
            "--http-adapters",
            "2",
            "--repeats",
            "1");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.path("http_requests").asInt()).isEqualTo(16);
    assertThat(o.path("http_errors").asInt()).isZero();
    assertThat(o.path("http_requests_per_s").asDouble()).isPositive();
    assertThat(o.path("http_distinct_adapters").asInt()).isEqualTo(2);
    assertThat(o.path("engine_direct_requests_per_s").asDouble()).isPositive();
  }

  @Test
  void benchSpeedMeasuresPrefillAndDecodePerFormatAndThreadsAndWritesTheCheck() throws Exception {
    Path work = dir.resolve("speed");
    Files.createDirectories(work);
    Path check = work.resolve("check.json");
    Run r =
        run(
            "bench",
            "openlora",
            "--speed",
            "--quick",
            "--json",
            "--work-dir",
            work.toString(),
            "--speed-threads",
            "1,2",
            "--prompt-tokens",
            "16",
            "--decode-tokens",
            "4",
            "--repeats",
            "1",
            "--check-out",
            check.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.path("engine").asText()).isEqualTo("openlora");
    assertThat(o.path("figures")).hasSize(4);
    for (JsonNode f : o.path("figures")) {
      assertThat(f.path("format").asText()).isIn("F32", "INT8");
      assertThat(f.path("threads").asInt()).isIn(1, 2);
      assertThat(f.path("prefill_tokens_per_s").asDouble()).isPositive();
      assertThat(f.path("decode_tokens_per_s").asDouble()).isPositive();
    }
    JsonNode c = JSON.readTree(check.toFile());
    assertThat(c.path("prompt_tokens").asInt()).isEqualTo(32);
    assertThat(c.path("greedy_after_prompt")).hasSize(16);
    assertThat(c.path("top1")).hasSize(32);
    double p = c.path("top1").get(0).get(1).asDouble();
    assertThat(p).isGreaterThan(0).isLessThanOrEqualTo(1);

    Run bad = run("bench", "openlora", "--speed", "--quick", "--speed-formats", "Q4");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("weight format must be F32 or INT8, got Q4");
  }

  @Test
  void byteSizes() {
    assertThat(ByteSize.parse("268435456")).isEqualTo(268435456L);
    assertThat(ByteSize.parse("256MiB")).isEqualTo(256L << 20);
    assertThat(ByteSize.parse("1g")).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("512MB")).isEqualTo(512_000_000L);
    for (String bad : new String[] {"", "MiB", "12 parsecs", "-5", "99999999999999999999"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ByteSize.parse(bad))
          .as(bad)
          .isInstanceOf(io.openledger.node.cli.CliException.class);
    }
  }
}
