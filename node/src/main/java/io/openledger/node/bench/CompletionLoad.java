package io.openledger.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A timed load of {@code POST /v1/completions}: {@code concurrency} client threads send requests
 * back to back for a fixed time, request i asking prompt {@code i mod prompts}, greedy. The clients
 * are platform threads named {@code bench-*} and the HTTP client's own threads are {@code
 * HttpClient-*}, so {@link CpuClock} tells their CPU time from the node's.
 */
final class CompletionLoad {
  /**
   * What is sent.
   *
   * @param model the OpenAI model field ({@code <base>:<adapter>})
   * @param headers extra headers (the API key)
   */
  record Target(URI api, String model, Map<String, String> headers) {}

  /**
   * One timed run.
   *
   * @param requests answered with 200
   * @param errors by HTTP status (0: no answer)
   * @param completionTokens over all 200 answers (their usage)
   * @param credited contributions credited over all paid answers ({@code openledger.attribution})
   * @param texts the answer to each prompt index (greedy: the same every time)
   * @param cpu the process's and the clients' CPU time during the run
   */
  record Run(
      int requests,
      Map<Integer, Integer> errors,
      double seconds,
      long completionTokens,
      long credited,
      long paidAnswers,
      double p50Millis,
      double p99Millis,
      Map<Integer, String> texts,
      CpuClock.Reading cpu) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    double tokensPerSecond() {
      return completionTokens / seconds;
    }

    int errorCount() {
      return errors.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The node's CPU over the wall time and every core (1: all cores busy with the node). */
    double nodeCpuShare() {
      return cpu.nodeNanos() / (seconds * 1e9 * Runtime.getRuntime().availableProcessors());
    }

    /** Node CPU (everything but the load generator) per answered request, microseconds. */
    double nodeCpuMicrosPerRequest() {
      return requests == 0 ? 0 : cpu.nodeNanos() / 1e3 / requests;
    }
  }

  private final List<String> prompts;
  private final int concurrency;
  private final int maxTokens;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final CpuClock clock = new CpuClock();

  CompletionLoad(List<String> prompts, int concurrency, int maxTokens) {
    this.prompts = List.copyOf(prompts);
    this.concurrency = concurrency;
    this.maxTokens = maxTokens;
  }

  /** The request body for prompt {@code i} (the same bytes for every target but the model). */
  String body(String model, int promptIndex) {
    return Json.MAPPER
        .createObjectNode()
        .put("model", model)
        .put("prompt", prompts.get(promptIndex))
        .put("max_tokens", maxTokens)
        .put("temperature", 0)
        .toString();
  }

  /** One request, answered: its status and parsed body. */
  record Answer(int status, JsonNode body) {
    String text() {
      return body.path("choices").path(0).path("text").asText();
    }
  }

  /** Sends one request (set-up and checks, not timed). */
  Answer once(Target t, int promptIndex) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(request(t, promptIndex), ofString());
      return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()));
    }
  }

  private HttpRequest request(Target t, int promptIndex) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(t.api().resolve("/v1/completions"))
            .timeout(Duration.ofMinutes(2)) // liveness guard
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(t.model(), promptIndex)));
    t.headers().forEach(b::header);
    return b.build();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  /** What one client thread saw. */
  private static final class Client {
    final List<Double> latencies = new ArrayList<>();
    final Map<Integer, Integer> errors = new TreeMap<>();
    int ok;
    long tokens;
    long credited;
    long paid;
    long cpuNanos; // read by the thread itself before it ends (CpuClock sees live threads only)
  }

  /** Sends requests for {@code duration} and waits for those in flight. */
  Run run(Target t, Duration duration) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    Map<Integer, String> texts = new ConcurrentHashMap<>();
    Client[] clients = new Client[concurrency];
    ExecutorService httpThreads =
        Executors.newFixedThreadPool(2, Thread.ofPlatform().name("bench-http-", 0).factory());
    CpuClock.Reading before = clock.read();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    CpuClock.Reading cpu;
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(httpThreads)
            .build()) {
      Thread[] threads = new Thread[concurrency];
      for (int w = 0; w < concurrency; w++) {
        Client c = clients[w] = new Client();
        threads[w] =
            Thread.ofPlatform()
                .name("bench-client-" + w)
                .start(
                    () -> {
                      long cpu0 = THREADS.getCurrentThreadCpuTime();
                      try {
                        while (System.nanoTime() < deadline) {
                          send(
                              http,
                              t,
                              Math.floorMod(next.getAndIncrement(), prompts.size()),
                              c,
                              texts);
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      } finally {
                        c.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
                      }
                    });
      }
      for (Thread w : threads) {
        w.join();
      }
      // the HTTP client's threads are still alive here, so their CPU is in this reading
      CpuClock.Reading after = clock.read();
      long workers = Arrays.stream(clients).mapToLong(c -> c.cpuNanos).sum();
      cpu =
          new CpuClock.Reading(
              after.processNanos() - before.processNanos(),
              after.clientNanos() - before.clientNanos() + workers,
              after.loadAverage());
    } finally {
      httpThreads.shutdown();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double[] all =
        Arrays.stream(clients)
            .flatMap(c -> c.latencies.stream())
            .mapToDouble(Double::doubleValue)
            .sorted()
            .toArray();
    Map<Integer, Integer> errors = new TreeMap<>();
    for (Client c : clients) {
      c.errors.forEach((k, v) -> errors.merge(k, v, Integer::sum));
    }
    return new Run(
        Arrays.stream(clients).mapToInt(c -> c.ok).sum(),
        errors,
        seconds,
        Arrays.stream(clients).mapToLong(c -> c.tokens).sum(),
        Arrays.stream(clients).mapToLong(c -> c.credited).sum(),
        Arrays.stream(clients).mapToLong(c -> c.paid).sum(),
        percentile(all, 0.50),
        percentile(all, 0.99),
        new TreeMap<>(texts),
        cpu);
  }

  private void send(HttpClient http, Target t, int prompt, Client c, Map<Integer, String> texts)
      throws InterruptedException {
    long t0 = System.nanoTime();
    int status;
    JsonNode body = null;
    try {
      HttpResponse<String> r = http.send(request(t, prompt), ofString());
      status = r.statusCode();
      if (status == 200) {
        body = Json.MAPPER.readTree(r.body());
      }
    } catch (IOException e) {
      status = 0;
    }
    c.latencies.add((System.nanoTime() - t0) / 1e6);
    if (body == null) {
      c.errors.merge(status, 1, Integer::sum);
      return;
    }
    c.ok++;
    c.tokens += body.path("usage").path("completion_tokens").asLong();
    JsonNode ol = body.path("openledger");
    if (ol.path("paid").asBoolean()) {
      c.paid++;
      c.credited += ol.path("attribution").size();
    }
    texts.putIfAbsent(prompt, body.path("choices").path(0).path("text").asText());
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
