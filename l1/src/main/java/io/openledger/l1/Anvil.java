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
   * Starts anvil from {@code nodeModules} (the folder npm installed into) and waits until it
   * answers JSON-RPC.
   *
   * @throws IllegalStateException when the binary is missing or anvil does not come up in 30 s
   */
  public static Anvil start(Path nodeModules) {
    Path binary = binary(nodeModules);
    try {
      int port = freePort();
      Process p =
          new ProcessBuilder(
                  binary.toString(),
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--chain-id",
                  Long.toString(CHAIN_ID))
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
