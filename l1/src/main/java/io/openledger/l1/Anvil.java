package io.openledger.l1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * A local Ethereum node (Foundry's anvil, from the npm package {@code @foundry-rs/anvil} that the
 * l1 module's build installs) on a free loopback port, for tests and the devnet. Mines a block per
 * transaction. {@link #close()} stops it.
 */
public final class Anvil implements AutoCloseable {
  /** anvil's default chain id. */
  public static final long CHAIN_ID = 31337;

  private final Process process;
  private final int port;
  private final HttpService service;
  private final Web3j web3j;

  private Anvil(Process process, int port) {
    this.process = process;
    this.port = port;
    this.service = new HttpService(rpcUrl());
    this.web3j = Web3j.build(service);
  }

  /**
   * How to run anvil.
   *
   * @param port the loopback port; 0 for any free one
   * @param blockTimeSeconds seconds between blocks (interval mining); 0 mines a block per
   *     transaction
   * @param state the file anvil loads its chain from at start (when it exists) and dumps it to,
   *     every {@code stateIntervalSeconds} and on a clean exit ({@code --state}); null for none
   * @param stateIntervalSeconds seconds between dumps of {@code state} (0: only on exit)
   */
  public record Settings(int port, int blockTimeSeconds, Path state, int stateIntervalSeconds) {
    /** A block per transaction, no state file, any port: the tests' default. */
    public static final Settings DEFAULT = new Settings(0, 0, null, 0);

    public Settings {
      if (port < 0 || blockTimeSeconds < 0 || stateIntervalSeconds < 0) {
        throw new IllegalArgumentException(
            "port, block time and state interval must not be negative");
      }
    }

    /** The same settings on {@code port}. */
    public Settings onPort(int p) {
      return new Settings(p, blockTimeSeconds, state, stateIntervalSeconds);
    }
  }

  /**
   * Starts anvil from {@code nodeModules} (the folder npm installed into) and waits until it
   * answers JSON-RPC.
   *
   * @throws IllegalStateException when the binary is missing or anvil does not come up in 30 s
   */
  public static Anvil start(Path nodeModules) {
    return start(nodeModules, Settings.DEFAULT);
  }

  /**
   * Starts anvil with {@code settings}; see {@link #start(Path)}.
   *
   * @throws IllegalStateException when the binary is missing or anvil does not come up in 30 s
   */
  public static Anvil start(Path nodeModules, Settings settings) {
    Path binary = binary(nodeModules);
    try {
      int port = settings.port() != 0 ? settings.port() : freePort();
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  binary.toString(),
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--chain-id",
                  Long.toString(CHAIN_ID)));
      if (settings.blockTimeSeconds() > 0) {
        command.addAll(List.of("--block-time", Integer.toString(settings.blockTimeSeconds())));
      }
      if (settings.state() != null) {
        command.addAll(List.of("--state", settings.state().toString()));
        if (settings.stateIntervalSeconds() > 0) {
          command.addAll(
              List.of("--state-interval", Integer.toString(settings.stateIntervalSeconds())));
        }
      }
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Anvil anvil = new Anvil(p, port);
      anvil.awaitReady(Duration.ofSeconds(30));
      return anvil;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
  }

  /** The loopback port anvil listens on. */
  public int port() {
    return port;
  }

  /**
   * Kills anvil with SIGKILL, as a crash: nothing is dumped, so a restart from its state file
   * ({@link Settings#state()}) has lost every block after the last periodic dump.
   */
  public void kill() {
    web3j.shutdown();
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The platform package's binary, e.g. node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil. */
  static Path binary(Path nodeModules) {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String platform =
        (os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux")
            + "-"
            + (arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64");
    Path binary =
        nodeModules.resolve(
            "@foundry-rs/anvil-" + platform + "/bin/anvil" + (os.contains("win") ? ".exe" : ""));
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "anvil not found at "
              + binary
              + ": run `npm ci` in the l1 module (the Maven build does) on a supported platform");
    }
    return binary;
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + port;
  }

  public Web3j web3j() {
    return web3j;
  }

  /** Moves the L1 clock forward by {@code seconds} and mines a block at the new time. */
  public void advanceTime(long seconds) {
    rpc("evm_increaseTime", List.of(seconds));
    rpc("evm_mine", List.of());
  }

  /** Sends a raw JSON-RPC request; fails naming the method when the node answers an error. */
  public Object rpc(String method, List<?> params) {
    try {
      Response<?> r = new Request<>(method, params, service, ObjectResponse.class).send();
      if (r.hasError()) {
        throw new IllegalStateException(method + " failed: " + r.getError().getMessage());
      }
      return r.getResult();
    } catch (IOException e) {
      throw new UncheckedIOException(method + ": anvil unreachable", e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("anvil exited with code " + process.exitValue());
      }
      try {
        BigInteger id = web3j.ethChainId().send().getChainId();
        if (id != null && id.longValue() == CHAIN_ID) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException("anvil did not answer on " + rpcUrl() + " in " + timeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting anvil", e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A JSON-RPC response whose result is kept as parsed JSON. */
  public static final class ObjectResponse extends Response<Object> {}
}
