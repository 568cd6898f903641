package io.openledger.openlora.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Requests answered per route and status, and requests in flight, for {@code /metrics}. */
final class HttpCounters {
  private record Key(String route, int status) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = route.compareTo(o.route);
      return c != 0 ? c : Integer.compare(status, o.status);
    }
  }

  private final Map<Key, LongAdder> answered = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  void started() {
    inFlight.incrementAndGet();
  }

  void finished(String route, int status) {
    inFlight.decrementAndGet();
    answered.computeIfAbsent(new Key(route, status), k -> new LongAdder()).increment();
  }

  void writeTo(PrometheusText text) {
    text.family(
        "openlora_http_requests_total", "HTTP requests answered, by route and status", "counter");
    // Sorted so that the exposition is stable from scrape to scrape.
    new TreeMap<>(answered)
        .forEach(
            (k, v) ->
                text.sample(
                    "openlora_http_requests_total",
                    PrometheusText.label("route", k.route())
                        + ","
                        + PrometheusText.label("status", Integer.toString(k.status())),
                    v.sum()));
    text.gauge(
        "openlora_http_requests_in_flight", "HTTP requests being answered now", inFlight.get());
  }
}
