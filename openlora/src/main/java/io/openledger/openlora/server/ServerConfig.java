package io.openledger.openlora.server;

/**
 * Where and how the HTTP API listens.
 *
 * @param host interface to bind, e.g. {@code 127.0.0.1} (loopback only) or {@code 0.0.0.0}
 * @param port TCP port; 0 picks a free one ({@link OpenLoraServer#port()} tells which)
 * @param maxRequestBytes largest request body accepted (413 above it)
 */
public record ServerConfig(String host, int port, long maxRequestBytes) {
  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("maxRequestBytes must be at least 1024");
    }
  }

  /** Loopback, port 8080, bodies up to 4 MiB. */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8080, 4L << 20);
  }

  /** Loopback on a free port (tests, benchmarks). */
  public static ServerConfig loopbackEphemeral() {
    return new ServerConfig("127.0.0.1", 0, 4L << 20);
  }

  public ServerConfig withHost(String h) {
    return new ServerConfig(h, port, maxRequestBytes);
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(host, p, maxRequestBytes);
  }

  /** Bodies up to {@code bytes} (an embedding node's blob uploads may need more than 4 MiB). */
  public ServerConfig withMaxRequestBytes(long bytes) {
    return new ServerConfig(host, port, bytes);
  }
}
