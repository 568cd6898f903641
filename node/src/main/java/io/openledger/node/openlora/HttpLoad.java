package io.openledger.node.openlora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.openlora.engine.GenerationRequest;
import io.openledger.openlora.engine.InferenceEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests per second through the HTTP API, measured the way a client sees it: {@code concurrency}
 * clients (virtual threads sharing one {@link HttpClient}) each send {@code POST /v1/completions}
 * back to back, request i naming adapter {@code i mod adapters}, greedy, {@code maxTokens} tokens
 * each. Latency is from send to the whole body received.
 */
public final class HttpLoad {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What one load run measured.
   *
   * @param requests requests that got a 200
   * @param errors requests that got anything else
   * @param seconds wall time of the run
   * @param completionTokens tokens generated over all requests (from usage)
   */
  public record Figures(
      int requests,
      int errors,
      int concurrency,
      int maxTokens,
      int distinctAdapters,
      double seconds,
      long completionTokens,
      double p50Millis,
      double p99Millis) {
    public double requestsPerSecond() {
      return requests / seconds;
    }

    public double tokensPerSecond() {
      return completionTokens / seconds;
    }
  }

  private HttpLoad() {}

  /**
   * @param base the server, e.g. {@code http://127.0.0.1:8080}
   * @param baseModel the base model's id
   * @param adapterIds adapters to spread requests over (empty: the base alone)
   */
  public static Figures run(
      URI base,
      String baseModel,
      List<String> adapterIds,
      int requests,
      int concurrency,
      int maxTokens)
      throws InterruptedException {
    try (ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(io)
                .build()) {
      return run(client, base, baseModel, adapterIds, requests, concurrency, maxTokens);
    }
  }

  private static Figures run(
      HttpClient client,
      URI base,
      String baseModel,
      List<String> adapterIds,
      int requests,
      int concurrency,
      int maxTokens)
      throws InterruptedException {
    URI uri = base.resolve("/v1/completions");
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong tokens = new AtomicLong();
    double[] latencies = new double[requests];
    long start = System.nanoTime();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?>[] workers = new Future<?>[concurrency];
      for (int w = 0; w < concurrency; w++) {
        workers[w] =
            clients.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    String model =
                        adapterIds.isEmpty()
                            ? baseModel
                            : baseModel + ":" + adapterIds.get(i % adapterIds.size());
                    String body =
                        JSON.createObjectNode()
                            .put("model", model)
                            .put("prompt", "request " + i + ": the ledger pays its contributors")
                            .put("max_tokens", maxTokens)
                            .put("temperature", 0)
                            .toString();
                    long t0 = System.nanoTime();
                    try {
                      HttpResponse<String> r =
                          client.send(
                              HttpRequest.newBuilder(uri)
                                  .header("Content-Type", "application/json")
                                  .POST(HttpRequest.BodyPublishers.ofString(body))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      latencies[i] = (System.nanoTime() - t0) / 1e6;
                      if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        JsonNode usage = JSON.readTree(r.body()).path("usage");
                        tokens.addAndGet(usage.path("completion_tokens").asLong());
                      } else {
                        errors.incrementAndGet();
                      }
                    } catch (IOException e) {
                      latencies[i] = (System.nanoTime() - t0) / 1e6;
                      errors.incrementAndGet();
                    }
                  }
                  return null;
                });
      }
      for (Future<?> f : workers) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("load client failed", e.getCause());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    return new Figures(
        ok.get(),
        errors.get(),
        concurrency,
        maxTokens,
        adapterIds.size(),
        seconds,
        tokens.get(),
        percentile(latencies, 0.50),
        percentile(latencies, 0.99));
  }

  /**
   * The same load submitted straight to the engine (no HTTP, no JSON), for comparison: what the
   * HTTP layer costs is the difference.
   */
  public static Figures direct(
      InferenceEngine engine, List<String> adapterIds, int requests, int concurrency, int maxTokens)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong tokens = new AtomicLong();
    double[] latencies = new double[requests];
    long start = System.nanoTime();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < concurrency; w++) {
        clients.submit(
            () -> {
              for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                GenerationRequest r =
                    GenerationRequest.of(
                        "request " + i + ": the ledger pays its contributors", maxTokens);
                if (!adapterIds.isEmpty()) {
                  r = r.withAdapter(adapterIds.get(i % adapterIds.size()));
                }
                long t0 = System.nanoTime();
                try {
                  tokens.addAndGet(engine.submit(r).result().join().completionTokens());
                } catch (RuntimeException e) {
                  errors.incrementAndGet();
                }
                latencies[i] = (System.nanoTime() - t0) / 1e6;
              }
            });
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    return new Figures(
        requests - errors.get(),
        errors.get(),
        concurrency,
        maxTokens,
        adapterIds.size(),
        seconds,
        tokens.get(),
        percentile(latencies, 0.50),
        percentile(latencies, 0.99));
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
