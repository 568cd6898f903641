package io.openledger.node.devnet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.Batcher;
import io.openledger.node.economy.EconomyService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options of the data economy a node runs beside its chain (the API port, the model it serves, when
 * it batches), shared by {@code openledger devnet} and {@code openledger node}.
 */
final class EconomyOptions {
  @Option(
      names = "--api-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "Interface for the inference and economy API (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes"
              + " it).")
  String apiHost;

  @Option(
      names = "--api-port",
      paramLabel = "N",
      defaultValue = "8080",
      description =
          "Port of the API: OpenAI and LoRAX inference, blobs, receipts, earnings (default:"
              + " ${DEFAULT-VALUE}; 0: any).")
  int apiPort;

  @Option(
      names = "--batch-every",
      paramLabel = "BLOCKS",
      defaultValue = "5",
      description =
          "Post this operator's inference records on chain at least every BLOCKS blocks"
              + " (default: ${DEFAULT-VALUE}).")
  int batchEvery;

  @Option(
      names = "--batch-max-records",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Post as soon as N records wait; also the most records in one batch (default:"
              + " ${DEFAULT-VALUE}).")
  int batchMaxRecords;

  @Option(
      names = "--blob-grace",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description =
          "Delete an uploaded blob that no on-chain record names after SECONDS (default:"
              + " ${DEFAULT-VALUE}).")
  long blobGraceSeconds;

  @Option(
      names = "--strict-adapter-base",
      description =
          "Refuse a registered adapter whose base_model_name_or_path does not name the served"
              + " model (its directory name or _name_or_path), even when its shapes fit. Default:"
              + " serve it with a warning in the log and in /v1/models.")
  boolean strictAdapterBase;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "The URL others reach this node's API at, published on the staking module"
              + " (setEndpoint) so auditors fetch its records (default: http://<api host>:<api"
              + " port>).")
  String publicUrl;

  @Option(
      names = "--audit",
      negatable = true,
      description =
          "Audit other operators' batches and file wrong-attribution challenges (default: on for"
              + " the devnet, off for a node).")
  Boolean audit;

  @Option(
      names = "--audit-key-file",
      paramLabel = "FILE",
      description =
          "The hex private key the auditor bonds its challenges from (another account than the"
              + " operator's; the devnet's default: dev account 8).")
  Path auditKeyFile;

  /** How often the auditor looks for new batches. */
  static final Duration AUDIT_POLL = Duration.ofSeconds(2);

  /**
   * What {@link EconomyService} runs with.
   *
   * @param devnetAuditor the devnet's auditor key (audit on by default); empty for a node (audit
   *     off by default, and {@code --audit-key-file} needed)
   * @param bond each challenge's bond (the genesis {@code challengeBond})
   */
  EconomyService.Options options(
      Path dataDir,
      KeyPair operator,
      Path model,
      java.util.Optional<KeyPair> devnetAuditor,
      io.openledger.chain.types.Amount bond) {
    EconomyService.Options o = options(dataDir, operator, model);
    if (publicUrl != null) {
      java.util.Optional<String> bad =
          io.openledger.chain.staking.StakingModule.endpointProblem(publicUrl);
      if (bad.isPresent()) {
        throw new CliException("--public-url: " + bad.get());
      }
      o = o.withPublicUrl(publicUrl);
    }
    boolean on = audit != null ? audit : devnetAuditor.isPresent();
    if (!on) {
      if (auditKeyFile != null) {
        throw new CliException("--audit-key-file goes with --audit");
      }
      return o;
    }
    KeyPair key;
    if (auditKeyFile != null) {
      key = io.openledger.node.wallet.SignerOptions.readKeyFile(auditKeyFile);
    } else if (devnetAuditor.isPresent()) {
      key = devnetAuditor.get();
    } else {
      throw new CliException(
          "--audit needs --audit-key-file FILE: the key the auditor bonds its challenges from");
    }
    if (key.address().equals(operator.address())) {
      throw new CliException(
          "--audit-key-file must hold another account than the operator's (their transactions"
              + " would race for nonces)");
    }
    return o.withAudit(new EconomyService.Audit(key, bond, AUDIT_POLL));
  }

  /** What {@link EconomyService} runs with, without public URL or auditor. */
  EconomyService.Options options(Path dataDir, KeyPair operator, Path model) {
    if (apiPort < 0 || apiPort > 65_535) {
      throw new CliException("--api-port must be between 0 and 65535, got " + apiPort);
    }
    if (blobGraceSeconds < 60) {
      throw new CliException("--blob-grace must be at least 60 seconds, got " + blobGraceSeconds);
    }
    if (!Files.isDirectory(model)) {
      throw new CliException("--model " + model + " is not a directory");
    }
    Batcher.Config batching;
    try {
      batching = new Batcher.Config(batchEvery, batchMaxRecords, true);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "--batch-every must be at least 1 and --batch-max-records between 1 and 100000");
    }
    return new EconomyService.Options(
        dataDir,
        operator,
        model,
        apiHost,
        apiPort,
        batching,
        Duration.ofSeconds(blobGraceSeconds),
        strictAdapterBase);
  }
}
