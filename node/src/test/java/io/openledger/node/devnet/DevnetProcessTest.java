package io.openledger.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.rpc.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openledger devnet} as a user runs it: a separate process that prints its RPC URL and the
 * dev accounts, serves JSON-RPC, stops cleanly on SIGTERM, and continues its chain when started
 * again on the same data directory.
 */
class DevnetProcessTest {
  private static final Pattern URL = Pattern.compile("RPC \\(HTTP\\)\\s+(http://\\S+)");

  record Started(Process process, String url, List<String> lines, Thread drain) {}

  private static Started start(Path dataDir) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector"); // the devnet runs OpenLoRA
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.openledger.node.Main");
    cmd.addAll(
        List.of(
            "devnet",
            "--data-dir",
            dataDir.toString(),
            "--rpc-port",
            "0",
            "--api-port",
            "0",
            "--no-demo",
            "--block-time",
            "200"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String url = null;
    for (String line; url == null && (line = out.readLine()) != null; ) {
      lines.add(line);
      Matcher m = URL.matcher(line);
      if (m.find()) {
        url = m.group(1);
      }
    }
    assertThat(url).as(String.join("\n", lines)).isNotNull();
    for (String line; (line = out.readLine()) != null && !line.startsWith("Press Ctrl+C"); ) {
      lines.add(line);
    }
    // Keep draining output so the child never blocks on a full pipe.
    Thread drain =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (String line; (line = out.readLine()) != null; ) {
                      synchronized (lines) {
                        lines.add(line);
                      }
                    }
                  } catch (java.io.IOException ignored) {
                    // the process ended
                  }
                });
    return new Started(p, url, lines, drain);
  }

  private static long blockNumber(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode result = Json.MAPPER.readTree(r.body()).get("result");
    return Long.decode(result.asText());
  }

  private static String blockHash(String url, long number) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\","
                                + "\"params\":[\"0x"
                                + Long.toHexString(number)
                                + "\",false]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return Json.MAPPER.readTree(r.body()).get("result").get("hash").asText();
  }

  private static void waitForBlock(String url, long atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (blockNumber(url) < atLeast) {
      assertThat(System.nanoTime()).as("block " + atLeast + " within 60 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void servesStopsCleanlyOnSigtermAndContinuesItsChain(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("devnet");
    Started first = start(data);
    String banner = String.join("\n", first.lines());
    assertThat(banner)
        .contains("chain id     1337")
        .contains("(0) 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266  100000 OPEN")
        .contains("key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        .contains("WARNING: these private keys are public");
    waitForBlock(first.url(), 3);
    String block3 = blockHash(first.url(), 3);

    // SIGTERM through the handle: Process.destroy() would also close our end of its output.
    first.process().toHandle().destroy();
    assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    // The JVM reports death by SIGTERM as 128 + 15 after the shutdown hook ran, as shells expect.
    assertThat(first.process().exitValue()).isEqualTo(143);
    first.drain().join();
    long stoppedAt;
    synchronized (first.lines()) {
      String all = String.join("\n", first.lines());
      assertThat(all).contains("Stopped cleanly at block ");
      Matcher m = Pattern.compile("Stopped cleanly at block (\\d+)").matcher(all);
      assertThat(m.find()).isTrue();
      stoppedAt = Long.parseLong(m.group(1));
    }
    assertThat(stoppedAt).isGreaterThanOrEqualTo(3);

    Started second = start(data);
    try {
      waitForBlock(second.url(), stoppedAt + 1);
      assertThat(blockHash(second.url(), 3)).as("the same chain, continued").isEqualTo(block3);
    } finally {
      second.process().destroy();
      second.process().waitFor(60, TimeUnit.SECONDS);
    }
  }
}
