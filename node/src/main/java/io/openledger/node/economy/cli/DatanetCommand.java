package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStatus;
import io.openledger.chain.datanet.DataType;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.blob.BlobClientException;
import io.openledger.node.blob.BlobHasher;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.DatanetIndexes;
import io.openledger.node.rpc.Json;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.SignerOptions;
import io.openledger.node.wallet.Wallets;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger datanet}: create a datanet, contribute files to it, approve or reject them,
 * publish versions, and read them back (docs/economy.md, "Datanet module"; docs/cli.md, "Data
 * economy").
 */
@Command(
    name = "datanet",
    mixinStandardHelpOptions = true,
    description =
        "Datanets: create, contribute, approve, reject, publish, training fees, list, show.",
    subcommands = {
      DatanetCommand.Create.class,
      DatanetCommand.Contribute.class,
      DatanetCommand.Approve.class,
      DatanetCommand.Reject.class,
      DatanetCommand.Publish.class,
      DatanetCommand.TrainingFee.class,
      DatanetCommand.SetTrainingFee.class,
      DatanetCommand.ListDatanets.class,
      DatanetCommand.Show.class
    })
public final class DatanetCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Licence flag names as the command line takes them, in bit order. */
  static final Map<String, Integer> LICENCE_NAMES =
      new LinkedHashMap<>(
          Map.of(
              "commercial", Licence.COMMERCIAL_USE,
              "attribution", Licence.ATTRIBUTION,
              "share-alike", Licence.SHARE_ALIKE,
              "no-derivatives", Licence.NO_DERIVATIVES));

  /** {@code commercial,attribution} (or {@code none}) to the licence bit set. */
  static Licence parseLicence(String text) {
    if (text.strip().equals("none")) {
      return new Licence(0);
    }
    int flags = 0;
    for (String part : text.split(",", -1)) {
      Integer bit = LICENCE_NAMES.get(part.strip().toLowerCase(Locale.ROOT));
      if (bit == null) {
        throw new CliException(
            "--licence: unknown flag '"
                + part.strip()
                + "' (want a comma-separated list of commercial, attribution, share-alike,"
                + " no-derivatives, or none)");
      }
      flags |= bit;
    }
    return new Licence(flags);
  }

  static DataType parseType(String text) {
    try {
      return DataType.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("--type: want text, image or audio, got " + text);
    }
  }

  static String typeName(DataType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a datanet owned by the signer; prints its id.")
  static final class Create implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Option(names = "--name", required = true, description = "The datanet's name.")
    String name;

    @Option(names = "--description", defaultValue = "", description = "What it holds.")
    String description;

    @Option(names = "--tag", paramLabel = "TAG", description = "A label (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(
        names = "--type",
        defaultValue = "text",
        paramLabel = "text|image|audio",
        description = "What contributions hold (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(
        names = "--licence",
        defaultValue = "commercial,attribution",
        paramLabel = "FLAGS",
        description =
            "Comma-separated: commercial, attribution, share-alike, no-derivatives; or none"
                + " (default: ${DEFAULT-VALUE}). A paid model needs commercial; no-derivatives"
                + " forbids models.")
    String licence;

    @Option(names = "--rules", defaultValue = "", description = "Contribution rules, free text.")
    String rules;

    @Override
    public void run() {
      DataType dataType = parseType(type);
      Licence l = parseLicence(licence);
      KeyPair key = signer.unlock();
      PrintWriter err = spec.commandLine().getErr();
      byte[] data =
          DatanetModule.CREATE_DATANET.encodeCall(
              name,
              description,
              tags,
              BigInteger.valueOf(dataType.code()),
              BigInteger.valueOf(l.flags()),
              rules);
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(), key, DatanetModule.ADDRESS, Amount.ZERO, data, tx.timeout(), err);
      List<Object> event = sent.event(DatanetModule.ADDRESS, DatanetModule.DATANET_CREATED);
      long id = EconomyViews.u64(event.get(0));
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("datanet", id);
        o.put("owner", key.address().toHex());
        o.put("name", name);
        o.put("type", typeName(dataType));
        o.put("licence", l.flags());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      err.println(
          "Created datanet "
              + id
              + " \""
              + name
              + "\" ("
              + typeName(dataType)
              + ", licence: "
              + l
              + ")");
      out.println(id);
      out.flush();
    }
  }

  @Command(
      name = "contribute",
      mixinStandardHelpOptions = true,
      description = {
        "Upload FILE to the node's blob store and contribute it to datanet ID; prints the"
            + " contribution id.",
        "The file is checked against the datanet's size limit first; the node reports near"
            + " duplicates of accepted contributions before anything is sent to the chain."
      })
  static final class Contribute implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();
    @CommandLine.Mixin ApiOptions api = new ApiOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The datanet.")
    long datanetId;

    @Parameters(index = "1", paramLabel = "FILE", description = "The file to contribute.")
    Path file;

    @Option(
        names = "--media-type",
        paramLabel = "TYPE",
        description = "Media type recorded in the metadata (default: from the file's extension).")
    String mediaType;

    @Option(names = "--no-progress", description = "Do not draw progress bars on stderr.")
    boolean noProgress;

    @Override
    public void run() {
      if (!Files.isRegularFile(file)) {
        throw new CliException("no such file: " + file);
      }
      long size = size(file);
      EconomyViews views = new EconomyViews(rpc.client());
      Datanet d = views.datanet(datanetId);
      EconomyViews.Limits limits = views.limits();
      if (size == 0) {
        throw new CliException(file + " is empty: a contribution has at least one byte");
      }
      if (size > limits.maxSubmissionBytes()) {
        throw new CliException(
            file
                + " is "
                + size
                + " bytes, over the limit of "
                + limits.maxSubmissionBytes()
                + " bytes per submission; nothing was sent");
      }
      long existing = views.contributionByHash(datanetId, hashOf(file));
      if (existing != 0) {
        throw new CliException(
            file
                + " is already contribution "
                + existing
                + " of datanet "
                + datanetId
                + "; nothing was sent");
      }
      KeyPair key = signer.unlock();
      PrintWriter err = spec.commandLine().getErr();
      NodeApi node = api.client();
      BlobClient.Uploaded blob =
          upload(node, file, key, Map.of("datanet", Long.toString(datanetId)), noProgress);
      List<String> warnings = nearDuplicates(blob.response());
      warnings.forEach(w -> err.println("warning: " + w));
      String media = mediaType != null ? mediaType : MediaTypes.guess(file, d.dataType());
      byte[] metadata = metadataJson(file.getFileName().toString(), media);
      Hash metadataHash = Hash.keccak256(metadata);
      uploadBytes(node, metadata, key);
      byte[] data =
          DatanetModule.CONTRIBUTE.encodeCall(
              BigInteger.valueOf(datanetId),
              blob.hash().toArray(),
              BigInteger.valueOf(size),
              metadataHash.toArray());
      Amount bond = views.contributionBond(); // returned if the owner rejects it
      ModuleTransaction sent =
          ModuleTransaction.send(
              views.node(), key, DatanetModule.ADDRESS, bond, data, tx.timeout(), err);
      long id =
          EconomyViews.u64(
              sent.event(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION_SUBMITTED).get(1));
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("contribution", id);
        o.put("datanet", datanetId);
        o.put("blobHash", blob.hash().toHex());
        o.put("size", size);
        o.put("metadataHash", metadataHash.toHex());
        o.put("bond", bond.value().toString());
        JsonNode near = blob.response().get("near_duplicates");
        o.put("nearDuplicates", near == null ? List.of() : near);
        JsonNode check = blob.response().get("near_duplicate_check");
        if (check != null) {
          o.put("nearDuplicateCheck", check);
        }
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      err.println(
          "Contribution "
              + id
              + " to datanet "
              + datanetId
              + ": "
              + blob.hash().toHex()
              + " ("
              + size
              + " bytes), pending the owner's approval; bond "
              + bond.toOpenString()
              + " OPEN, returned if it is rejected");
      out.println(id);
      out.flush();
    }

    /** {@code {"name": ..., "mediaType": ...}}, compact, in this order. */
    static byte[] metadataJson(String name, String mediaType) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("mediaType", mediaType);
      try {
        return Json.MAPPER.writeValueAsBytes(m);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void uploadBytes(NodeApi node, byte[] bytes, KeyPair key) {
      Path tmp = null;
      try {
        tmp = Files.createTempFile("openledger-metadata", ".json");
        Files.write(tmp, bytes);
        upload(node, tmp, key, Map.of(), true);
      } catch (IOException e) {
        throw new CliException("cannot write a temp file: " + e.getMessage());
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // a temp file left behind is harmless
          }
        }
      }
    }
  }

  /** Uploads a file to the blob API with progress bars; refusals become one-line errors. */
  static BlobClient.Uploaded upload(
      NodeApi node, Path file, KeyPair key, Map<String, String> query, boolean noProgress) {
    try (UploadBars bars = new UploadBars(file.getFileName().toString(), noProgress)) {
      return node.blobs().upload(file, key, query, bars);
    } catch (BlobClientException e) {
      throw new CliException(
          "the node at "
              + node.base()
              + " refused the upload of "
              + file
              + " (HTTP "
              + e.status()
              + ", "
              + e.code()
              + "): "
              + e.getMessage());
    } catch (IOException e) {
      throw node.unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /**
   * The upload answer's {@code near_duplicates} ({@code {contribution, contributor, similarity}}),
   * one line each, and its {@code near_duplicate_check} when the node could not do the check.
   */
  static List<String> nearDuplicates(JsonNode response) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : response.path("near_duplicates")) {
      StringBuilder s =
          new StringBuilder("near duplicate of contribution " + n.path("contribution").asText());
      if (n.hasNonNull("contributor")) {
        s.append(" by ").append(n.get("contributor").asText());
      }
      JsonNode similarity = n.path("similarity");
      if (similarity.isNumber()) {
        s.append(String.format(Locale.ROOT, " (similarity %.2f)", similarity.asDouble()));
      } else if (similarity.isTextual()) {
        s.append(" (similarity ").append(similarity.asText()).append(")");
      }
      s.append(": if accepted, it is left out of the index and earns nothing");
      out.add(s.toString());
    }
    JsonNode check = response.path("near_duplicate_check");
    if (check.isTextual()) {
      out.add("the node could not check for near duplicates (" + check.asText() + ")");
    }
    return out;
  }

  private static Hash hashOf(Path file) {
    try {
      return BlobHasher.hash(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
  }

  @Command(
      name = "training-fee",
      mixinStandardHelpOptions = true,
      description = {
        "Show a datanet's training licence fee: what registering a model trained on one of its"
            + " versions pays, split over its contributions (docs/economy.md, \"Training licence"
            + " fees\")."
      })
  static final class TrainingFee implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The datanet.")
    long id;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      Amount now = new EconomyViews(rpc.client()).trainingFee(id);
      if (rpc.json()) {
        Wallets.printJson(out, Map.of("datanet", id, "trainingFee", now.value().toString()));
        return;
      }
      out.println(Wallets.open(now));
      out.flush();
    }
  }

  @Command(
      name = "set-training-fee",
      mixinStandardHelpOptions = true,
      description = {
        "Owner only: set the datanet's training licence fee (0: none), paid by every model"
            + " registered on one of its versions from now on."
      })
  static final class SetTrainingFee implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The datanet.")
    long id;

    @Parameters(index = "1", paramLabel = "OPEN", description = "The fee, up to 18 decimals.")
    String fee;

    @Override
    public void run() {
      Amount value = Wallets.parseOpen(fee, "OPEN");
      KeyPair key = signer.unlock();
      byte[] data =
          DatanetModule.SET_TRAINING_FEE.encodeCall(BigInteger.valueOf(id), value.value());
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              key,
              DatanetModule.ADDRESS,
              Amount.ZERO,
              data,
              tx.timeout(),
              spec.commandLine().getErr());
      sent.event(DatanetModule.ADDRESS, DatanetModule.TRAINING_FEE_SET);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("datanet", id);
        o.put("trainingFee", value.value().toString());
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println("datanet " + id + " training fee " + Wallets.open(value));
      out.flush();
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Accept pending contributions (datanet owner only), one transaction each.")
  static final class Approve implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(arity = "1..*", paramLabel = "CONTRIBUTION", description = "Contribution ids.")
    List<Long> ids;

    @Option(
        names = "--score",
        defaultValue = "100",
        description = "Validation score 0..100 (default: ${DEFAULT-VALUE}).")
    int score;

    @Override
    public void run() {
      if (score < 0 || score > DatanetModule.MAX_SCORE) {
        throw new CliException("--score must be 0..100, got " + score);
      }
      KeyPair key = signer.unlock();
      PrintWriter err = spec.commandLine().getErr();
      List<Map<String, Object>> done = new ArrayList<>();
      for (long id : ids) {
        byte[] data =
            DatanetModule.APPROVE.encodeCall(BigInteger.valueOf(id), BigInteger.valueOf(score));
        ModuleTransaction sent =
            ModuleTransaction.send(
                rpc.client(), key, DatanetModule.ADDRESS, Amount.ZERO, data, tx.timeout(), err);
        sent.event(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION_ACCEPTED);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("contribution", id);
        o.put("score", score);
        o.putAll(sent.json());
        done.add(o);
        if (!rpc.json()) {
          spec.commandLine()
              .getOut()
              .println("accepted contribution " + id + " (score " + score + ")");
          spec.commandLine().getOut().flush();
        }
      }
      if (rpc.json()) {
        Wallets.printJson(spec.commandLine().getOut(), done);
      }
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Reject a pending contribution (datanet owner only).")
  static final class Reject implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();

    @Parameters(index = "0", paramLabel = "CONTRIBUTION", description = "Contribution id.")
    long id;

    @Option(names = "--reason", required = true, description = "Why, for the contributor.")
    String reason;

    @Override
    public void run() {
      KeyPair key = signer.unlock();
      byte[] data = DatanetModule.REJECT.encodeCall(BigInteger.valueOf(id), reason);
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(),
              key,
              DatanetModule.ADDRESS,
              Amount.ZERO,
              data,
              tx.timeout(),
              spec.commandLine().getErr());
      sent.event(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION_REJECTED);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("contribution", id);
        o.put("reason", reason);
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      out.println("rejected contribution " + id + ": " + reason);
      out.flush();
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = {
        "Publish the next version of datanet ID (owner only); prints the version.",
        "Asks the node what the version will hold (GET /v1/datanets/ID/next-version: the"
            + " accepted set's root, the index hash, what is indexed and what is left out and why),"
            + " sends publishVersion, then waits while the node builds the index.",
        "--local computes the root and index hash here instead, from the blobs downloaded from"
            + " the blob API."
      })
  static final class Publish implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    @CommandLine.Mixin SignerOptions signer = new SignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();
    @CommandLine.Mixin ApiOptions api = new ApiOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The datanet.")
    long datanetId;

    @Option(
        names = "--local",
        description = "Compute the version here from the blobs instead of asking the node.")
    boolean local;

    @Option(
        names = "--no-wait-index",
        description = "Do not wait for the node to build the version's index.")
    boolean noWaitIndex;

    @Option(
        names = "--index-timeout",
        paramLabel = "SECONDS",
        defaultValue = "600",
        description = "How long to wait for the index (default: ${DEFAULT-VALUE}).")
    long indexTimeout;

    @Option(names = "--no-progress", description = "Do not draw a progress display on stderr.")
    boolean noProgress;

    /** Where the next version comes from: the node's route, or this machine with --local. */
    NextVersion.Source source(EconomyViews views, NodeApi node, PrintWriter err) {
      return local ? new LocalNextVersion(views, node, err) : new NodeNextVersion(node);
    }

    @Override
    public void run() {
      EconomyViews views = new EconomyViews(rpc.client());
      Datanet d = views.datanet(datanetId);
      KeyPair key = signer.unlock();
      if (!d.owner().equals(key.address())) {
        throw new CliException(
            "only the owner of datanet " + datanetId + " (" + d.owner() + ") can publish it");
      }
      PrintWriter err = spec.commandLine().getErr();
      NodeApi node = api.client();
      NextVersion next = source(views, node, err).next(datanetId);
      if (next.datanet() != datanetId || next.version() != d.versions() + 1) {
        throw new CliException(
            "the node proposes version "
                + next.version()
                + " of datanet "
                + next.datanet()
                + ", but the chain's next is version "
                + (d.versions() + 1)
                + " of datanet "
                + datanetId);
      }
      describe(err, next);
      byte[] data =
          DatanetModule.PUBLISH_VERSION.encodeCall(
              BigInteger.valueOf(datanetId),
              next.contributionsRoot().toArray(),
              next.indexHash().toArray());
      ModuleTransaction sent =
          ModuleTransaction.send(
              views.node(), key, DatanetModule.ADDRESS, Amount.ZERO, data, tx.timeout(), err);
      int version =
          (int)
              EconomyViews.u64(
                  sent.event(DatanetModule.ADDRESS, DatanetModule.VERSION_PUBLISHED).get(1));
      JsonNode index = noWaitIndex ? null : awaitIndex(node, version, err);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = new LinkedHashMap<>(next.toJson());
        o.put("version", version);
        if (index != null) {
          o.put("index", index);
        }
        o.putAll(sent.json());
        Wallets.printJson(out, o);
        return;
      }
      err.println("Published version " + version + " of datanet " + datanetId + ".");
      out.println(version);
      out.flush();
    }

    private static void describe(PrintWriter err, NextVersion next) {
      err.println(
          "Version "
              + next.version()
              + " of datanet "
              + next.datanet()
              + ": "
              + next.acceptedCount()
              + " accepted contribution(s)");
      err.println("  contributions root  " + next.contributionsRoot().toHex());
      err.println("  index hash          " + next.indexHash().toHex());
      err.println(
          "  indexed             " + (next.indexed().isEmpty() ? "none" : join(next.indexed())));
      for (DatanetIndexes.Exclusion e : next.excluded()) {
        err.println("  excluded #" + e.contributionId() + "  " + e.reason());
      }
      err.flush();
    }

    /** Polls the index route until the index is ready; an error when it failed or took too long. */
    private JsonNode awaitIndex(NodeApi node, int version, PrintWriter err) {
      String path = "/v1/datanets/" + datanetId + "/versions/" + version + "/index";
      long deadline = System.nanoTime() + indexTimeout * 1_000_000_000L;
      ProgressBar bar = noProgress ? null : UploadBars.bar("index v" + version, -1, null, 1);
      try {
        while (true) {
          NodeApi.Response r = node.get(path);
          if (!r.ok()) {
            throw new CliException(
                "published version "
                    + version
                    + ", but the node cannot say how its index is going (GET "
                    + path
                    + ", HTTP "
                    + r.status()
                    + "): "
                    + r.error());
          }
          String status = r.body().path("status").asText();
          if (bar != null) {
            bar.setExtraMessage(status);
          }
          switch (status) {
            case "ready" -> {
              return r.body();
            }
            case "failed" ->
                throw new CliException(
                    "published version "
                        + version
                        + ", but the node could not build its index: "
                        + r.body().path("error").asText("no reason given"));
            case "building" -> {}
            default ->
                throw new CliException("the node reports an unknown index status: " + r.body());
          }
          if (System.nanoTime() > deadline) {
            throw new CliException(
                "published version "
                    + version
                    + "; its index is still building after "
                    + indexTimeout
                    + " s (check: GET "
                    + node.base()
                    + path
                    + ")");
          }
          sleep(500);
        }
      } finally {
        if (bar != null) {
          bar.close();
        }
        err.flush();
      }
    }
  }

  static String join(List<Long> ids) {
    return String.join(", ", ids.stream().map(i -> "#" + i).toList());
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List every datanet.")
  static final class ListDatanets implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Override
    public void run() {
      EconomyViews views = new EconomyViews(rpc.client());
      long count = views.datanetCount();
      List<Datanet> all = new ArrayList<>();
      for (long id = 1; id <= count; id++) {
        all.add(views.datanet(id));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Wallets.printJson(out, all.stream().map(DatanetCommand::json).toList());
        return;
      }
      if (all.isEmpty()) {
        out.println("No datanets yet (create one: openledger datanet create --name ...).");
        out.flush();
        return;
      }
      out.printf(
          "%-4s %-24s %-6s %-8s %-9s %-8s %-42s %s%n",
          "id", "name", "type", "entries", "accepted", "versions", "owner", "licence");
      for (Datanet d : all) {
        out.printf(
            "%-4d %-24s %-6s %-8d %-9d %-8d %-42s %s%n",
            d.id(),
            d.name(),
            typeName(d.dataType()),
            d.contributions(),
            d.accepted(),
            d.versions(),
            d.owner(),
            d.licence());
      }
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a datanet: its terms, versions and contributions with their status.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The datanet.")
    long datanetId;

    @Override
    public void run() {
      EconomyViews views = new EconomyViews(rpc.client());
      Datanet d = views.datanet(datanetId);
      List<DatanetVersion> versions = views.versions(d);
      Map<Long, Long> acceptedIndex = new HashMap<>();
      for (long i = 0; i < d.accepted(); i++) {
        acceptedIndex.put(views.acceptedAt(datanetId, i), i);
      }
      List<Contribution> contributions = contributions(views, d);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> o = json(d);
        o.put("versions", versions.stream().map(DatanetCommand::json).toList());
        o.put(
            "contributionList",
            contributions.stream().map(c -> json(c, acceptedIndex.get(c.id()), versions)).toList());
        Wallets.printJson(out, o);
        return;
      }
      out.println("Datanet " + d.id() + "  " + d.name());
      out.println("  owner          " + d.owner());
      out.println("  type           " + typeName(d.dataType()));
      out.println("  licence        " + d.licence());
      out.println("  tags           " + (d.tags().isEmpty() ? "-" : String.join(", ", d.tags())));
      out.println("  description    " + orDash(d.description()));
      out.println("  rules          " + orDash(d.rules()));
      out.println("  contributions  " + d.contributions() + " (" + d.accepted() + " accepted)");
      out.println("Versions");
      if (versions.isEmpty()) {
        out.println("  none published");
      }
      for (DatanetVersion v : versions) {
        out.println(
            "  v"
                + v.version()
                + "  "
                + v.acceptedCount()
                + " accepted  published "
                + Instant.ofEpochSecond(v.publishedAt())
                + "  root "
                + v.contributionsRoot().toHex()
                + "  index "
                + v.indexHash().toHex());
      }
      out.println("Contributions");
      if (contributions.isEmpty()) {
        out.println("  none");
      }
      for (Contribution c : contributions) {
        Integer v = versionOf(acceptedIndex.get(c.id()), versions);
        out.printf(
            "  #%-5d %-22s %-5s %s  %8d bytes  %s%n",
            c.id(),
            c.status().label()
                + (c.status() == ContributionStatus.ACCEPTED ? " (score " + c.score() + ")" : ""),
            v == null ? "-" : "v" + v,
            c.contributor(),
            c.size(),
            c.blobHash().toHex());
      }
      out.flush();
    }

    /**
     * The datanet's contributions, oldest first: contribution ids are global, so this reads
     * backwards from the newest until it has found all of the datanet's.
     */
    private static List<Contribution> contributions(EconomyViews views, Datanet d) {
      List<Contribution> found = new ArrayList<>();
      for (long id = views.contributionCount(); id >= 1 && found.size() < d.contributions(); id--) {
        Contribution c = views.contribution(id);
        if (c.datanetId() == d.id()) {
          found.add(c);
        }
      }
      return found.reversed();
    }
  }

  /** The first version holding the contribution accepted at {@code index}; null if none yet. */
  static Integer versionOf(Long index, List<DatanetVersion> versions) {
    if (index == null) {
      return null;
    }
    for (DatanetVersion v : versions) {
      if (index < v.acceptedCount()) {
        return v.version();
      }
    }
    return null;
  }

  private static String orDash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  static Map<String, Object> json(Datanet d) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", d.id());
    o.put("owner", d.owner().toHex());
    o.put("name", d.name());
    o.put("description", d.description());
    o.put("tags", d.tags());
    o.put("type", typeName(d.dataType()));
    o.put("licence", d.licence().flags());
    o.put("licenceText", d.licence().toString());
    o.put("rules", d.rules());
    o.put("contributions", d.contributions());
    o.put("accepted", d.accepted());
    o.put("versionCount", d.versions());
    return o;
  }

  static Map<String, Object> json(DatanetVersion v) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("version", v.version());
    o.put("contributionsRoot", v.contributionsRoot().toHex());
    o.put("indexHash", v.indexHash().toHex());
    o.put("acceptedCount", v.acceptedCount());
    o.put("publishedAt", v.publishedAt());
    return o;
  }

  static Map<String, Object> json(Contribution c, Long acceptedIndex, List<DatanetVersion> vs) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", c.id());
    o.put("datanet", c.datanetId());
    o.put("contributor", c.contributor().toHex());
    o.put("blobHash", c.blobHash().toHex());
    o.put("size", c.size());
    o.put("metadataHash", c.metadataHash().toHex());
    o.put("status", c.status().label());
    o.put("score", c.score());
    o.put("submittedAt", c.submittedAt());
    o.put("acceptedIndex", acceptedIndex);
    o.put("firstVersion", versionOf(acceptedIndex, vs));
    return o;
  }
}
