package io.openledger.node.openlora;

import io.openledger.node.cli.CliException;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.server.OpenLoraServer;
import io.openledger.openlora.server.ServerConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code openledger serve}: one base model and its adapters over the OpenAI and LoRAX HTTP APIs,
 * until Ctrl-C (or, in tests, until the thread is interrupted).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a base model and any number of LoRA adapters over HTTP.",
      "OpenAI: POST /v1/completions, POST /v1/chat/completions, GET /v1/models"
          + " (model = base or base:adapter).",
      "LoRAX: POST /generate, POST /generate_stream (parameters.adapter_id).",
      "Also GET /metrics (Prometheus) and GET /health. See docs/openlora-api.md."
    })
public final class ServeCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8080",
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "H",
      defaultValue = "127.0.0.1",
      description = "Interface to bind; 0.0.0.0 for all (default: ${DEFAULT-VALUE}).")
  String host;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535");
    }
    LibraryLogs.quiet();
    PrintWriter out = spec.commandLine().getOut();
    out.println("loading " + engine.model + " ...");
    out.flush();
    InferenceEngine e = engine.open();
    OpenLoraServer server;
    try {
      server = OpenLoraServer.start(e, ServerConfig.defaults().withHost(host).withPort(port));
    } catch (RuntimeException ex) {
      e.close();
      throw new CliException(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + rootMessage(ex)
              + "); try another --port");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              e.close();
              stopped.countDown();
            },
            "openlora-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "serving "
            + e.model().id()
            + " with "
            + e.adapters().size()
            + " adapters on "
            + server.baseUri()
            + " (Ctrl-C to stop)");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException ie) {
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
      e.close();
    }
    return 0;
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
