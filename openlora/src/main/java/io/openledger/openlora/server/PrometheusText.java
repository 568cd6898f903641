package io.openledger.openlora.server;

/**
 * Prometheus text exposition format (version 0.0.4), written by hand: the engine already keeps its
 * latency percentiles over a window, which map directly onto a summary's quantile samples, so a
 * metrics library would only copy numbers from one snapshot to another.
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(4096);

  PrometheusText counter(String name, String help, double value) {
    return family(name, help, "counter").sample(name, "", value);
  }

  PrometheusText gauge(String name, String help, double value) {
    return family(name, help, "gauge").sample(name, "", value);
  }

  /** A summary from precomputed quantiles (milliseconds in, seconds out). */
  PrometheusText summaryMillis(
      String name, String help, long count, double p50Millis, double p99Millis) {
    family(name, help, "summary");
    sample(name, "quantile=\"0.5\"", p50Millis / 1000);
    sample(name, "quantile=\"0.99\"", p99Millis / 1000);
    return sample(name + "_count", "", count);
  }

  /** Starts a family whose samples carry labels (add them with {@link #sample}). */
  PrometheusText family(String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /**
   * One sample line.
   *
   * @param labels already formatted, e.g. {@code tier="warm"}, or empty
   */
  PrometheusText sample(String name, String labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  static String label(String key, String value) {
    return key
        + "=\""
        + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
        + "\"";
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
