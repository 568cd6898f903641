package io.openledger.node.economy.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.model.TrainingReport;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.cli.CliException;
import io.openledger.node.factory.TrainedModelRegistration;
import io.openledger.node.factory.TrainingManifestFile;
import io.openledger.node.wallet.AccountSignerOptions;
import io.openledger.node.wallet.RpcOptions;
import io.openledger.node.wallet.Wallets;
import io.openledger.openlora.adapter.AdapterBundle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openledger model register|list|show}: models registered on the chain (docs/economy.md,
 * "Model module"). They are subcommands of {@code openledger model}, next to the commands for model
 * files on this machine.
 */
public final class RegisteredModelCommands {
  private RegisteredModelCommands() {}

  /** A datanet version as {@code ID:VERSION}. */
  static Model.DatanetRef parseDatanetRef(String text) {
    int colon = text.indexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      long id = Long.parseLong(text.substring(0, colon).strip());
      int version = Integer.parseInt(text.substring(colon + 1).strip());
      if (id < 1 || version < 1) {
        throw new NumberFormatException();
      }
      return new Model.DatanetRef(id, version);
    } catch (NumberFormatException e) {
      throw new CliException("--datanet: want ID:VERSION with both from 1 (e.g. 1:2), got " + text);
    }
  }

  /** OPEN per 1,000 tokens, exactly, to base units per 1,000 tokens. */
  static Amount parsePrice(String text, String what) {
    return Wallets.parseOpen(text, what);
  }

  static String price(Amount perK) {
    return Wallets.open(perK) + " / 1k tokens";
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register a model on exact datanet versions; prints its id.",
        "--adapter DIR bundles a PEFT adapter directory, uploads it to the node's blob store and"
            + " registers its keccak-256; --base DIR hashes the base model's .safetensors files"
            + " (docs/cli.md says how).",
        "--from DIR registers what `openledger train` wrote: the datanet versions, the adapter"
            + " and the report hash from DIR/training.json, paying the datanets' training fees"
            + " split by influence or token share (--dry-run prints the split and sends nothing)."
      })
  public static final class Register implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();
    // --from is the trained directory here: the keystore account is --account
    @CommandLine.Mixin AccountSignerOptions signer = new AccountSignerOptions();
    @CommandLine.Mixin TxOptions tx = new TxOptions();
    @CommandLine.Mixin ApiOptions api = new ApiOptions();

    @Option(names = "--name", required = true, description = "At most 64 bytes of UTF-8.")
    String name;

    static final class Base {
      @Option(names = "--base-hash", paramLabel = "HASH", description = "The base model's hash.")
      String hash;

      @Option(
          names = "--base",
          paramLabel = "DIR",
          description = "Hash the base model's .safetensors files in DIR.")
      Path dir;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Base base;

    static final class Adapter {
      @Option(
          names = "--adapter",
          paramLabel = "DIR",
          description = "A PEFT adapter directory: bundled, uploaded, its keccak registered.")
      Path dir;

      @Option(
          names = "--adapter-hash",
          paramLabel = "HASH",
          description = "The keccak-256 of an adapter bundle already uploaded.")
      String hash;

      @Option(
          names = "--from",
          paramLabel = "DIR",
          description =
              "A directory `openledger train` wrote: its adapter (LoRA) or model (from scratch),"
                  + " datanet versions and training.json; pays the training fees.")
      Path from;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Adapter adapter;

    @Option(
        names = "--datanet",
        paramLabel = "ID:VERSION",
        description =
            "A datanet version the model was trained on (repeatable; with --from, from"
                + " training.json).")
    List<String> datanets;

    @Option(
        names = "--weights",
        paramLabel = "BASIS",
        defaultValue = "auto",
        description =
            "With --from: how each datanet's training fee is split: influence (positive only),"
                + " tokens (token share) or auto (influence where training.json has it;"
                + " default).")
    String weights;

    @Option(
        names = "--dry-run",
        description = "With --from: check everything and print the split; send nothing.")
    boolean dryRun;

    @Option(
        names = "--price-in",
        defaultValue = "0",
        paramLabel = "OPEN",
        description = "OPEN per 1,000 prompt tokens, up to 18 decimals (default: 0).")
    String priceIn;

    @Option(
        names = "--price-out",
        defaultValue = "0",
        paramLabel = "OPEN",
        description = "OPEN per 1,000 completion tokens, up to 18 decimals (default: 0).")
    String priceOut;

    @Option(
        names = "--operator",
        paramLabel = "ADDRESS",
        description = "Who serves it and charges for it (default: the signer).")
    String operator;

    @Option(names = "--no-progress", description = "Do not draw progress bars on stderr.")
    boolean noProgress;

    @Override
    public void run() {
      if (adapter.from != null) {
        registerTrained();
        return;
      }
      if (dryRun) {
        throw new CliException("--dry-run goes with --from DIR");
      }
      if (datanets == null || datanets.isEmpty()) {
        throw new CliException("--datanet ID:VERSION is required (or --from DIR)");
      }
      if (base == null) {
        throw new CliException("--base DIR or --base-hash HASH is required");
      }
      List<Model.DatanetRef> refs =
          datanets.stream().map(RegisteredModelCommands::parseDatanetRef).toList();
      Amount in = parsePrice(priceIn, "--price-in");
      Amount out = parsePrice(priceOut, "--price-out");
      Hash baseHash =
          base.hash != null
              ? Wallets.parseHash(base.hash, "--base-hash")
              : BaseModelHash.of(base.dir);
      if (adapter.dir != null && !Files.isDirectory(adapter.dir)) {
        throw new CliException("--adapter: not a directory: " + adapter.dir);
      }
      KeyPair key = signer.unlock();
      Address op = operator == null ? key.address() : Wallets.parseAddress(operator, "--operator");
      PrintWriter err = spec.commandLine().getErr();
      Hash adapterHash =
          adapter.hash != null
              ? Wallets.parseHash(adapter.hash, "--adapter-hash")
              : uploadAdapter(api.client(), adapter.dir, key, noProgress, err);
      byte[] data =
          ModelModule.REGISTER_MODEL.encodeCall(
              name,
              baseHash.toArray(),
              adapterHash.toArray(),
              refs.stream().map(r -> BigInteger.valueOf(r.datanetId())).toList(),
              refs.stream().map(r -> BigInteger.valueOf(r.version())).toList(),
              in.value(),
              out.value(),
              op);
      ModuleTransaction sent =
          ModuleTransaction.send(
              rpc.client(), key, ModelModule.ADDRESS, Amount.ZERO, data, tx.timeout(), err);
      long id =
          EconomyViews.u64(sent.event(ModelModule.ADDRESS, ModelModule.MODEL_REGISTERED).get(0));
      PrintWriter o = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", id);
        j.put("name", name);
        j.put("baseModelHash", baseHash.toHex());
        j.put("adapterHash", adapterHash.toHex());
        j.put("operator", op.toHex());
        j.put("pricePerKIn", in.value().toString());
        j.put("pricePerKOut", out.value().toString());
        j.putAll(sent.json());
        Wallets.printJson(o, j);
        return;
      }
      err.println(
          "Registered model "
              + id
              + " \""
              + name
              + "\": adapter "
              + adapterHash.toHex()
              + ", operator "
              + op
              + ", "
              + price(in)
              + " in, "
              + price(out)
              + " out");
      o.println(id);
      o.flush();
    }

    /** {@code --from DIR}: registerTrainedModel with the credits and fee training.json makes. */
    private void registerTrained() {
      Path dir = adapter.from;
      if (!Files.isDirectory(dir)) {
        throw new CliException("--from: not a directory: " + dir);
      }
      if (datanets != null && !datanets.isEmpty()) {
        throw new CliException(
            "--datanet goes without --from: the versions come from " + dir + "/training.json");
      }
      TrainedModelRegistration.Basis basis = TrainedRegistration.basis(weights);
      TrainingManifestFile file = TrainingManifestFile.read(dir);
      boolean lora = file.manifest().mode() == TrainingManifest.Mode.LORA;
      if (lora && base == null) {
        throw new CliException(
            "--from "
                + dir
                + " holds a LoRA adapter: name its base with --base DIR or --base-hash");
      }
      if (!lora && base != null) {
        throw new CliException(
            "--from "
                + dir
                + " holds a model trained from scratch: it is its own base (no --base)");
      }
      Amount in = parsePrice(priceIn, "--price-in");
      Amount out = parsePrice(priceOut, "--price-out");
      Hash baseHash =
          !lora
              ? BaseModelHash.of(dir)
              : base.hash != null
                  ? Wallets.parseHash(base.hash, "--base-hash")
                  : BaseModelHash.of(base.dir);
      KeyPair key = signer.unlock();
      Address op = operator == null ? key.address() : Wallets.parseAddress(operator, "--operator");
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter o = spec.commandLine().getOut();
      var node = rpc.client();
      TrainedModelRegistration.Plan plan =
          TrainedModelRegistration.plan(
              TrainedModelRegistration.chain(new EconomyViews(node)), file, key.address(), basis);
      Hash adapterHash =
          !lora
              ? Hash.ZERO
              : dryRun ? bundleHash(dir) : uploadAdapter(api.client(), dir, key, noProgress, err);
      byte[] data = plan.callData(name, baseHash, adapterHash, in, out, op);
      if (dryRun) {
        TrainedRegistration.simulate(node, key.address(), plan.totalFee(), data);
        List<TrainedModelRegistration.Paid> paid = TrainedModelRegistration.planned(plan);
        if (rpc.json()) {
          Map<String, Object> j = new LinkedHashMap<>();
          j.put("dryRun", true);
          j.put("name", name);
          j.put("baseModelHash", baseHash.toHex());
          j.put("adapterHash", adapterHash.toHex());
          j.putAll(TrainedRegistration.json(plan, paid));
          Wallets.printJson(o, j);
          return;
        }
        o.println("Dry run: nothing sent. The chain would take this registration:");
        TrainedRegistration.print(o, plan, paid, key.address());
        o.flush();
        return;
      }
      ModuleTransaction sent =
          ModuleTransaction.send(
              node, key, ModelModule.ADDRESS, plan.totalFee(), data, tx.timeout(), err);
      long id =
          EconomyViews.u64(sent.event(ModelModule.ADDRESS, ModelModule.MODEL_REGISTERED).get(0));
      List<TrainedModelRegistration.Paid> paid = TrainedRegistration.paid(sent, plan);
      if (rpc.json()) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", id);
        j.put("name", name);
        j.put("baseModelHash", baseHash.toHex());
        j.put("adapterHash", adapterHash.toHex());
        j.put("operator", op.toHex());
        j.putAll(TrainedRegistration.json(plan, paid));
        j.putAll(sent.json());
        Wallets.printJson(o, j);
        return;
      }
      err.println(
          "Registered model "
              + id
              + " \""
              + name
              + "\" trained on "
              + plan.datanets().size()
              + " datanet versions, report "
              + file.hash().toHex());
      TrainedRegistration.print(o, plan, paid, key.address());
      o.println(id);
      o.flush();
    }
  }

  /** The keccak-256 of a PEFT directory's bundle, computed here (nothing uploaded). */
  static Hash bundleHash(Path dir) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try {
      AdapterBundle.write(dir, bytes);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new CliException("--from: cannot bundle " + dir + ": " + e.getMessage());
    }
    return Hash.keccak256(bytes.toByteArray());
  }

  /** Bundles a PEFT directory to a temp file and uploads it; the bundle's keccak-256. */
  static Hash uploadAdapter(
      NodeApi node, Path dir, KeyPair key, boolean noProgress, PrintWriter err) {
    Path bundle = null;
    try {
      bundle = Files.createTempFile("openledger-adapter", ".safetensors");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(bundle))) {
        AdapterBundle.write(dir, out);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new CliException("--adapter: cannot bundle " + dir + ": " + e.getMessage());
      }
      BlobClient.Uploaded up = DatanetCommand.upload(node, bundle, key, Map.of(), noProgress);
      err.println(
          "Adapter bundle "
              + up.hash().toHex()
              + " ("
              + up.size()
              + " bytes) "
              + (up.existing() ? "was already" : "is now")
              + " in the blob store at "
              + node.base());
      return up.hash();
    } catch (IOException e) {
      throw new CliException("cannot write a temp file for the adapter bundle: " + e.getMessage());
    } finally {
      if (bundle != null) {
        try {
          Files.deleteIfExists(bundle);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered models.")
  public static final class ListModels implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Override
    public void run() {
      EconomyViews views = new EconomyViews(rpc.client());
      long count = views.modelCount();
      List<Model> all = new ArrayList<>();
      for (long id = 1; id <= count; id++) {
        all.add(views.model(id));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Wallets.printJson(out, all.stream().map(RegisteredModelCommands::json).toList());
        return;
      }
      if (all.isEmpty()) {
        out.println("No models registered yet (register one: openledger model register ...).");
        out.flush();
        return;
      }
      out.printf(
          "%-4s %-24s %-42s %-26s %-26s %s%n",
          "id", "name", "operator", "price in (OPEN/1k)", "price out (OPEN/1k)", "datanets");
      for (Model m : all) {
        out.printf(
            "%-4d %-24s %-42s %-26s %-26s %s%n",
            m.id(),
            m.name(),
            m.operator(),
            m.pricePerKIn().toOpenString(),
            m.pricePerKOut().toOpenString(),
            refs(m));
      }
      out.flush();
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a registered model.")
  public static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RpcOptions rpc = new RpcOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "The model.")
    long id;

    @Override
    public void run() {
      EconomyViews views = new EconomyViews(rpc.client());
      Model m = views.model(id);
      TrainingReport report = views.trainingReport(id);
      PrintWriter out = spec.commandLine().getOut();
      if (rpc.json()) {
        Map<String, Object> j = json(m);
        j.put("reportHash", report.reportHash().toHex());
        j.put("trainingFee", report.trainingFee().value().toString());
        Wallets.printJson(out, j);
        return;
      }
      out.println("Model " + m.id() + "  " + m.name());
      out.println("  owner       " + m.owner());
      out.println("  operator    " + m.operator());
      out.println("  base        " + m.baseModelHash().toHex());
      out.println("  adapter     " + m.adapterHash().toHex());
      out.println(
          "  price in    "
              + price(m.pricePerKIn())
              + " ("
              + m.pricePerKIn().value()
              + " base units)");
      out.println(
          "  price out   "
              + price(m.pricePerKOut())
              + " ("
              + m.pricePerKOut().value()
              + " base units)");
      out.println("  datanets    " + refs(m));
      out.println("  registered  " + Instant.ofEpochSecond(m.registeredAt()));
      if (!report.equals(TrainingReport.NONE)) {
        out.println(
            "  training    report "
                + report.reportHash().toHex()
                + ", training fees paid "
                + Wallets.open(report.trainingFee()));
      }
      out.println(
          "  request as  model \"0x"
              + m.adapterHash().toHex().substring(2)
              + "\", header X-OpenLedger-Model: "
              + m.id());
      out.flush();
    }
  }

  static String refs(Model m) {
    return String.join(
        ", ", m.datanets().stream().map(r -> r.datanetId() + ":" + r.version()).toList());
  }

  static Map<String, Object> json(Model m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", m.id());
    o.put("name", m.name());
    o.put("owner", m.owner().toHex());
    o.put("operator", m.operator().toHex());
    o.put("baseModelHash", m.baseModelHash().toHex());
    o.put("adapterHash", m.adapterHash().toHex());
    o.put("pricePerKIn", m.pricePerKIn().value().toString());
    o.put("pricePerKOut", m.pricePerKOut().value().toString());
    o.put("registeredAt", m.registeredAt());
    o.put(
        "datanets",
        m.datanets().stream()
            .map(
                r -> {
                  Map<String, Object> x = new LinkedHashMap<>();
                  x.put("datanet", r.datanetId());
                  x.put("version", r.version());
                  return x;
                })
            .toList());
    return o;
  }
}
