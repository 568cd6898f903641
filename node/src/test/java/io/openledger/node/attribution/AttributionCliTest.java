package io.openledger.node.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.node.cli.OpenLedgerCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The attribution commands as a user runs them: index, trace, dedup, and their errors. */
class AttributionCliTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = OpenLedgerCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void indexTraceAndDedupAJsonlCorpus() throws Exception {
    Path corpus = dir.resolve("corpus.jsonl");
    Files.writeString(
        corpus,
        """
        {"id": "fox", "text": "The quick brown fox jumps over the lazy dog near the river bank."}
        {"id": "birds", "text": "Small birds sing loudly in the early morning light."}
        {"id": "birds-again", "text": "Small birds sing loudly in the early morning light!"}
        """);
    Path index = dir.resolve("idx");
    Run built =
        run("attribution", "index", corpus.toString(), "--out", index.toString(), "--no-progress");
    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.out()).contains("indexed 3 contributions").contains("as version v1");

    Path output = dir.resolve("out.txt");
    Files.writeString(output, "Look: the quick brown fox jumps over the lazy dog today.");
    Run traced =
        run("attribution", "trace", "--index", index.toString(), "--json", output.toString());
    assertThat(traced.exit()).as(traced.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(traced.out());
    assertThat(json.get("weights")).hasSize(1);
    assertThat(json.get("weights").get(0).get("contribution").asText()).isEqualTo("fox");
    int sum = json.get("model_ppm").asInt() + json.get("weights").get(0).get("ppm").asInt();
    assertThat(sum).isEqualTo(1_000_000);
    assertThat(json.get("spans").get(0).get("text").asText())
        .isEqualTo("quick brown fox jumps over the lazy dog");

    Run human = run("attribution", "trace", "--index", index.toString(), output.toString());
    assertThat(human.out())
        .contains("[quick brown fox jumps over the lazy dog]^1")
        .contains("(model)");

    Run dedup = run("attribution", "dedup", corpus.toString(), "--json");
    JsonNode pairs = new ObjectMapper().readTree(dedup.out()).get("pairs");
    assertThat(pairs).hasSize(1);
    assertThat(pairs.get(0).get("id").asText()).isEqualTo("birds-again");
    assertThat(pairs.get(0).get("duplicate_of").asText()).isEqualTo("birds");
  }

  @Test
  void userErrorsPrintOneLineAndExitOne() throws Exception {
    Path index = dir.resolve("idx");
    Path bad = dir.resolve("bad.jsonl");
    Files.write(bad, new byte[] {'{', '"', (byte) 0xC3, '"', '}', '\n'});
    Run r = run("attribution", "index", bad.toString(), "--out", index.toString(), "--no-progress");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("error: ").contains("line 1 is not valid UTF-8");
    assertThat(Files.exists(index.resolve("index.manifest"))).isFalse();

    Path docs = Files.createDirectory(dir.resolve("docs"));
    Files.writeString(docs.resolve("a.txt"), "one two three four five six seven");
    assertThat(
            run("attribution", "index", docs.toString(), "--out", index.toString(), "--no-progress")
                .exit())
        .isZero();
    Path shard = index.resolve("shard-000001.olsa");
    byte[] b = Files.readAllBytes(shard);
    // a bit of the TOKENS section (its offset is in the header's section table, entry 3)
    long tokens =
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(48 + 3 * 32);
    b[(int) tokens] ^= 1;
    Files.write(shard, b);
    Path output = Files.writeString(dir.resolve("o.txt"), "one two three four five");
    Run damaged = run("attribution", "trace", "--index", index.toString(), output.toString());
    assertThat(damaged.exit()).isEqualTo(1);
    assertThat(damaged.err()).contains("error: index shard").contains("rebuild the index");
    assertThat(damaged.out()).isEmpty();
  }

  /** A corpus the heap cannot hold is refused before any text is generated, naming the -Xmx. */
  @Test
  void benchRefusesACorpusTheHeapCannotHoldAndSaysWhatToPass() {
    long tokens = Runtime.getRuntime().maxMemory() / 8; // needs about 5x the heap this JVM has
    Run r =
        run(
            "bench",
            "attribution",
            "--sizes",
            Long.toString(tokens),
            "--work-dir",
            dir.resolve("bench").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .startsWith("error: the index of ")
        .contains("GiB of heap and this JVM has ")
        .containsPattern("-Xmx[0-9]+g");
    assertThat(r.out()).isEmpty();
  }
}
