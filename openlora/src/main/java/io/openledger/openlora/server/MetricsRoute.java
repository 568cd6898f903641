package io.openledger.openlora.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.EngineMetrics;
import io.openledger.openlora.engine.InferenceEngine;

/**
 * {@code GET /metrics} in Prometheus text format: tokens per second, time to first token, adapter
 * load latency (p50, p99), adapter cache hits, misses and evictions per tier, bytes resident
 * (adapters, base, KV cache), queue depth, and HTTP requests by route and status.
 */
final class MetricsRoute implements ApiRoute {
  private final InferenceEngine engine;
  private final HttpCounters http;

  MetricsRoute(InferenceEngine engine, HttpCounters http) {
    this.engine = engine;
    this.http = http;
  }

  @Override
  public HandlerType method() {
    return HandlerType.GET;
  }

  @Override
  public String path() {
    return "/metrics";
  }

  @Override
  public ErrorStyle errorStyle() {
    return ErrorStyle.OPENAI;
  }

  @Override
  public void handle(Context ctx) {
    ctx.status(200).contentType(PrometheusText.CONTENT_TYPE).result(render(engine.metrics()));
  }

  String render(EngineMetrics m) {
    PrometheusText t = new PrometheusText();
    t.counter("openlora_requests_completed_total", "Generations finished", m.requestsCompleted());
    t.counter("openlora_requests_failed_total", "Generations failed", m.requestsFailed());
    t.counter(
        "openlora_requests_rejected_total", "Submits refused for capacity", m.requestsRejected());
    t.gauge("openlora_sequences_running", "Sequences in the running batch", m.running());
    t.gauge("openlora_requests_queued", "Requests waiting for a slot or an adapter", m.queued());
    t.counter("openlora_prompt_tokens_total", "Prompt tokens processed", m.promptTokens());
    t.counter("openlora_completion_tokens_total", "Tokens generated", m.completionTokens());
    t.gauge(
        "openlora_tokens_per_second",
        "Tokens generated per second over the last few seconds of activity",
        m.decodeTokensPerSecond());
    t.summaryMillis(
        "openlora_time_to_first_token_seconds",
        "Submit to first token, queueing and adapter loading included",
        m.timeToFirstToken().count(),
        m.timeToFirstToken().p50Millis(),
        m.timeToFirstToken().p99Millis());
    t.summaryMillis(
        "openlora_adapter_load_seconds",
        "Reading and checking one adapter from disk into memory",
        m.adapterLoad().count(),
        m.adapterLoad().p50Millis(),
        m.adapterLoad().p99Millis());
    tier(t, "hits", "Adapter lookups answered by the tier", m);
    tier(t, "misses", "Adapter lookups the tier could not answer", m);
    tier(t, "evictions", "Adapters dropped from the tier", m);
    t.gauge(
        "openlora_adapters_resident", "Adapters in memory (active and warm)", m.adaptersResident());
    t.gauge(
        "openlora_adapter_bytes_resident",
        "Bytes of adapter weights in memory",
        m.adapterBytesResident());
    t.gauge(
        "openlora_adapter_budget_bytes",
        "Budget for adapter weights in memory",
        m.adapterBudgetBytes());
    t.gauge(
        "openlora_base_bytes_resident",
        "Bytes of base weights plus the KV caches held",
        m.baseBytesResident());
    t.gauge(
        "openlora_kv_cache_bytes", "Bytes of KV cache held by running sequences", m.kvCacheBytes());
    http.writeTo(t);
    return t.toString();
  }

  private static void tier(PrometheusText t, String what, String help, EngineMetrics m) {
    String name = "openlora_adapter_cache_" + what + "_total";
    t.family(name, help + ", by tier", "counter");
    t.sample(name, PrometheusText.label("tier", "warm"), pick(m.warm(), what));
    t.sample(name, PrometheusText.label("tier", "cold"), pick(m.cold(), what));
  }

  private static long pick(EngineMetrics.TierCounters c, String what) {
    return switch (what) {
      case "hits" -> c.hits();
      case "misses" -> c.misses();
      default -> c.evictions();
    };
  }
}
