package io.openledger.node.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.l1.OutputRoot;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real node as a separate JVM: {@code io.openledger.node.Main devnet --data-dir D --rpc-port
 * P}, started with the test's own class path, talked to over HTTP JSON-RPC, and killed with SIGKILL
 * ({@link Process#destroyForcibly()}).
 */
final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final URI uri;

  /** The economy API (inference, blobs, receipts); port 0 when the node was given none. */
  final URI api;

  private NodeProcess(Process process, Path log, int port, int apiPort) {
    this.process = process;
    this.log = log;
    this.uri = URI.create("http://127.0.0.1:" + port);
    this.api = URI.create("http://127.0.0.1:" + apiPort);
  }

  /** Starts the node and waits until it answers {@code eth_blockNumber}. */
  static NodeProcess start(Path dataDir, Path log, long blockTimeMs) throws Exception {
    return start(dataDir, log, blockTimeMs, 0, CHAIN_ONLY_JVM, List.of());
  }

  /**
   * JVM options for a node whose load is the chain: a small heap and the quick compiler (the
   * inference kernels need C2: the Vector API is only fast once C2 compiles it).
   */
  static final List<String> CHAIN_ONLY_JVM =
      List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /**
   * Starts the node with {@code jvmArgs}, its economy API on {@code apiPort} (0: any, not waited
   * for) and {@code extraArgs} for {@code devnet}, and waits until it answers {@code
   * eth_blockNumber} and, with a port, {@code GET /health} on the API.
   */
  static NodeProcess start(
      Path dataDir,
      Path log,
      long blockTimeMs,
      int apiPort,
      List<String> jvmArgs,
      List<String> extraArgs)
      throws Exception {
    int port = freePort();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmArgs);
    command.addAll(
        List.of(
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classPath,
            "io.openledger.node.Main",
            "devnet",
            "--data-dir",
            dataDir.toString(),
            "--rpc-port",
            Integer.toString(port),
            "--api-port",
            Integer.toString(apiPort),
            "--no-demo",
            "--block-time",
            Long.toString(blockTimeMs)));
    command.addAll(extraArgs);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    NodeProcess node = new NodeProcess(p, log, port, apiPort);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "node exited with " + p.exitValue() + ":\n" + node.logTail());
      }
      try {
        node.call("eth_blockNumber", "[]");
        if (apiPort != 0) {
          node.apiHealth();
        }
        return node;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("node did not answer within 120 s:\n" + node.logTail());
        }
        Thread.sleep(100);
      }
    }
  }

  private void apiHealth() throws IOException, InterruptedException {
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(api.resolve("/health")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IOException("API health: HTTP " + r.statusCode());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Calls one method; the {@code result}, or an {@link RpcError} with the node's message. */
  JsonNode call(String method, String params) throws IOException, InterruptedException {
    JsonNode reply =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                + method
                + "\",\"params\":"
                + params
                + "}");
    JsonNode error = reply.get("error");
    if (error != null) {
      throw new RpcError(error.path("message").asText());
    }
    return reply.path("result");
  }

  /** A batch of calls; answers in request order (each a result node or an error node). */
  List<JsonNode> batch(String method, List<String> params)
      throws IOException, InterruptedException {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < params.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"jsonrpc\":\"2.0\",\"id\":")
          .append(i)
          .append(",\"method\":\"")
          .append(method)
          .append("\",\"params\":")
          .append(params.get(i))
          .append('}');
    }
    JsonNode reply = post(b.append(']').toString());
    JsonNode[] out = new JsonNode[params.size()];
    for (JsonNode r : reply) {
      out[r.path("id").asInt()] = r;
    }
    return List.of(out);
  }

  private JsonNode post(String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode());
    }
    return Json.MAPPER.readTree(r.body());
  }

  /** {@code eth_blockNumber}. */
  long head() throws IOException, InterruptedException {
    return Long.decode(call("eth_blockNumber", "[]").asText());
  }

  /** {@code eth_getBlockByNumber(n, false)}. */
  JsonNode block(long n) throws IOException, InterruptedException {
    return call("eth_getBlockByNumber", "[\"0x" + Long.toHexString(n) + "\",false]");
  }

  /** The output root of L2 block {@code n}, from its header and the bridge's withdrawals root. */
  Hash outputRoot(long n) throws IOException, InterruptedException {
    JsonNode b = block(n);
    String call =
        "[{\"to\":\""
            + BridgeModule.ADDRESS.toHex()
            + "\",\"input\":\""
            + Bytes.toHex(BridgeModule.WITHDRAWALS_ROOT.encodeCall())
            + "\"},\"0x"
            + Long.toHexString(n)
            + "\"]";
    return new OutputRoot(
            Hash.fromHex(b.get("stateRoot").asText()),
            Hash.fromHex(call("eth_call", call).asText()),
            Hash.fromHex(b.get("hash").asText()))
        .hash();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the node stops cleanly (its shutdown hook closes the store). */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  /** The node answered with a JSON-RPC error. */
  static final class RpcError extends IOException {
    RpcError(String message) {
      super(message);
    }
  }
}
