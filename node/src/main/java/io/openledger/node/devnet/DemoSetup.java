package io.openledger.node.devnet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LocalSender;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.Tier;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.blob.BlobStore;
import io.openledger.node.blob.PutResult;
import io.openledger.node.economy.EconomyIndexer;
import io.openledger.node.economy.EconomyService;
import io.openledger.node.factory.TrainedModelRegistration;
import io.openledger.node.factory.TrainingManifestFile;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.adapter.AdapterBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The devnet's demo economy, made on a fresh chain through ordinary transactions so a newcomer sees
 * every part at once: a datanet of real public text ({@link DemoCorpus}, one contributor account
 * per file), its published version and index, a paid model on it with an adapter in the blob store,
 * served by this node (whose operator bonds the stake the model's tier needs and declares it on the
 * staking module), and a funded application account with an escrow and an API key.
 *
 * <p>All keys here are derived from public strings, like the dev accounts: never use them for
 * anything of value.
 */
public final class DemoSetup {
  /** The API key of the demo application: public, like the dev keys. */
  public static final String API_KEY = "olk_devnet_demo_public_key";

  /** The demo model's prices: OPEN base units per 1,000 prompt / completion tokens. */
  public static final Amount PRICE_IN = Amount.of(new BigInteger("10000000000000000")); // 0.01

  public static final Amount PRICE_OUT = Amount.of(new BigInteger("50000000000000000")); // 0.05

  /**
   * The demo datanet's training licence fee, paid by the demo model's registration and split over
   * the contributions by the model's training.json (influence, or token share).
   */
  public static final Amount TRAINING_FEE = Amount.open(5);

  /** Owns the demo datanet: dev account 2. */
  public static final KeyPair DATANET_OWNER = dev(2);

  /** Owns the demo model: dev account 3. */
  public static final KeyPair MODEL_OWNER = dev(3);

  /** The demo application that pays for inference. */
  public static final KeyPair APP = derived("openledger devnet demo application");

  /** The node's operator on the devnet: dev account 9. */
  public static final KeyPair OPERATOR = dev(9);

  /** The devnet's auditor ({@code --audit}): dev account 8, bonds its challenges. */
  public static final KeyPair AUDITOR = dev(8);

  private final Ledger ledger;
  private final EconomyService economy;

  /** What the demo made, for the banner. */
  public record Demo(
      long datanetId,
      int version,
      List<Contributor> contributors,
      long modelId,
      Optional<Hash> adapterHash,
      Optional<String> servedModel,
      Optional<Training> training,
      Address app,
      String appKeyHex,
      String apiKey) {}

  /**
   * The demo model's registration with the training fee paid.
   *
   * @param manifest the training.json registered
   * @param reportHash keccak-256 of the training.json registered
   * @param fee the training fee paid, {@link #TRAINING_FEE}
   * @param basis {@code influence} or {@code tokens}: how the fee was split
   * @param payouts what each contribution got, then the datanet owner's remainder (contribution 0)
   * @param transaction the registration's transaction
   * @param block its block
   */
  public record Training(
      Path manifest,
      Hash reportHash,
      Amount fee,
      String basis,
      List<TrainedModelRegistration.Paid> payouts,
      Hash transaction,
      long block) {}

  /** A demo contributor and the file it contributed. */
  public record Contributor(String file, Address address, String keyHex, long contributionId) {}

  public DemoSetup(Ledger ledger, EconomyService economy) {
    this.ledger = ledger;
    this.economy = economy;
  }

  static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  static KeyPair derived(String seed) {
    return KeyPair.fromPrivateKey(Hash.keccak256(seed.getBytes(StandardCharsets.UTF_8)).toArray());
  }

  /** True when the chain has no datanet yet (a fresh devnet). */
  public static boolean needed(Ledger ledger) {
    return DatanetModule.datanetCount(ledger.state().state(BlockRef.LATEST).orElseThrow()) == 0;
  }

  /**
   * The version the demo publishes on a fresh chain: datanet 1, version 1, contributions 1..n in
   * the order of {@code texts}, whose root is that of their blobs (keccak-256 of each text).
   */
  public static TrainingManifest.DatanetUsed freshChainVersion(List<DemoCorpus.Text> texts) {
    List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      leaves.add(new ContributionsMerkle.Leaf(i + 1, Hash.keccak256(texts.get(i).bytes())));
    }
    return new TrainingManifest.DatanetUsed(1, 1, ContributionsMerkle.root(leaves).toHex());
  }

  /**
   * Makes the demo: a few blocks, each produced at once.
   *
   * @param texts one contributor per text
   * @param model the served model and the PEFT adapter the demo registers as its paid model, paying
   *     the training fee by the adapter's training.json (which must name the demo's datanet version
   *     and contributions as this chain has them); without an adapter no model is registered
   */
  public Demo run(List<DemoCorpus.Text> texts, DevnetCommand.DemoModel model) {
    Optional<Path> adapterDir = model.adapter();
    KeyPair funder = dev(0);
    List<KeyPair> contributors = new ArrayList<>();
    for (DemoCorpus.Text t : texts) {
      KeyPair c = derived("openledger devnet demo contributor " + t.name());
      contributors.add(c);
      // gas and the contribution's bond
      submit(funder, c.address(), new byte[0], Amount.open(10).add(economy.contributionBond()));
    }
    submit(funder, APP.address(), new byte[0], Amount.open(1_000));
    // the demo model's training fee (its gas comes from the dev account's own balance)
    submit(funder, MODEL_OWNER.address(), new byte[0], TRAINING_FEE);
    submit(
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            "fortunes",
            "Quotations, jokes and sayings from Debian's fortunes collections",
            List.of("text", "demo", "public-domain-ish"),
            BigInteger.ZERO,
            BigInteger.valueOf(1 | 2), // commercial use, attribution required
            "UTF-8 text, one collection per contribution"));
    block();
    long datanet = DatanetModule.datanetCount(ledger.state().state(BlockRef.LATEST).orElseThrow());

    List<Long> ids = new ArrayList<>();
    long first =
        DatanetModule.contributionCount(ledger.state().state(BlockRef.LATEST).orElseThrow()) + 1;
    for (int i = 0; i < texts.size(); i++) {
      DemoCorpus.Text t = texts.get(i);
      Hash blob = store(t.bytes(), contributors.get(i).address());
      Hash meta =
          store(
              Json.MAPPER
                  .createObjectNode()
                  .put("name", t.name())
                  .put("mediaType", "text/plain")
                  .toString()
                  .getBytes(StandardCharsets.UTF_8),
              contributors.get(i).address());
      submit(
          contributors.get(i),
          DatanetModule.ADDRESS,
          DatanetModule.CONTRIBUTE.encodeCall(
              BigInteger.valueOf(datanet),
              blob.toArray(),
              BigInteger.valueOf(t.bytes().length),
              meta.toArray()),
          economy.contributionBond());
      ids.add(first + i);
    }
    block();
    for (long id : ids) {
      submit(
          DATANET_OWNER,
          DatanetModule.ADDRESS,
          DatanetModule.APPROVE.encodeCall(BigInteger.valueOf(id), BigInteger.valueOf(100)));
    }
    block();
    EconomyIndexer.Preview p = economy.indexer().preview(datanet);
    submit(
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(
            BigInteger.valueOf(datanet),
            p.contributionsRoot().toArray(),
            p.version().indexHash().toArray()));
    submit(
        DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.SET_TRAINING_FEE.encodeCall(
            BigInteger.valueOf(datanet), TRAINING_FEE.value()));
    block();

    Optional<Hash> adapter = Optional.empty();
    Optional<Training> training = Optional.empty();
    if (adapterDir.isPresent()) {
      TrainingManifestFile file = demoManifest(adapterDir.get(), datanet, p.version().version());
      adapter = Optional.of(store(bundle(adapterDir.get()), MODEL_OWNER.address()));
      training = Optional.of(registerTrained(file, adapter.get()));
    }
    long registered =
        adapter.isEmpty()
            ? 0
            : ModelModule.modelCount(ledger.state().state(BlockRef.LATEST).orElseThrow());
    if (registered != 0) {
      stakeAndServe(registered);
    }
    submit(APP, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), Amount.open(100));
    submit(
        APP,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(
            Hash.keccak256(API_KEY.getBytes(StandardCharsets.UTF_8)).toArray(),
            Amount.open(50).value()));
    block();
    economy.indexer().awaitCatchUp();
    List<Contributor> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      out.add(
          new Contributor(
              texts.get(i).name(),
              contributors.get(i).address(),
              contributors.get(i).privateKeyHex(),
              ids.get(i)));
    }
    return new Demo(
        datanet,
        p.version().version(),
        out,
        registered,
        adapter,
        adapter.map(a -> economy.engine().model().id() + ":" + a.toHex()),
        training,
        APP.address(),
        APP.privateKeyHex(),
        API_KEY);
  }

  /**
   * The demo model's training.json, checked against the demo's datanet on this chain: it must name
   * exactly this datanet version with the root the chain recorded, and exactly its accepted
   * contributions. Anything else is refused with both sides: the demo never registers a model
   * trained on other data.
   */
  private TrainingManifestFile demoManifest(Path trainedDir, long datanet, int version) {
    if (!Files.isRegularFile(trainedDir.resolve(TrainingManifestFile.NAME))) {
      throw new IllegalStateException(
          "the demo model "
              + trainedDir
              + " has no "
              + TrainingManifestFile.NAME
              + ": the demo registers a model trained on its datanet, paying the training fee by"
              + " it (train one with `openledger train`, or start with --no-demo)");
    }
    TrainingManifestFile file = TrainingManifestFile.read(trainedDir);
    StateReader state = ledger.state().state(BlockRef.LATEST).orElseThrow();
    DatanetVersion v = DatanetModule.readVersion(state, datanet, version).orElseThrow();
    List<Long> accepted =
        DatanetModule.acceptedContributions(state, datanet, v.acceptedCount()).stream()
            .sorted()
            .toList();
    TrainingManifest.DatanetUsed want =
        new TrainingManifest.DatanetUsed(datanet, version, v.contributionsRoot().toHex());
    List<Long> named =
        file.manifest().contributions().stream()
            .map(TrainingManifest.ContributionUsed::id)
            .sorted()
            .toList();
    if (!file.manifest().datanets().equals(List.of(want)) || !named.equals(accepted)) {
      throw new IllegalStateException(
          file.file()
              + " names "
              + file.manifest().datanets().stream().map(DemoSetup::describe).toList()
              + " and contributions "
              + named
              + ", but the demo's datanet on this chain is "
              + describe(want)
              + " with contributions "
              + accepted
              + ": refusing to register the demo model on data it was not trained on");
    }
    return file;
  }

  private static String describe(TrainingManifest.DatanetUsed d) {
    return "datanet " + d.id() + " version " + d.version() + " root " + d.contributionsRoot();
  }

  /** registerTrainedModel, paying the training fee split by the manifest; in its own block. */
  private Training registerTrained(TrainingManifestFile file, Hash adapter) {
    StateReader state = ledger.state().state(BlockRef.LATEST).orElseThrow();
    TrainedModelRegistration.Plan plan =
        TrainedModelRegistration.plan(
            TrainedModelRegistration.chain(state),
            file,
            MODEL_OWNER.address(),
            TrainedModelRegistration.Basis.AUTO);
    Hash tx =
        submit(
            MODEL_OWNER,
            ModelModule.ADDRESS,
            plan.callData(
                "fortune-teller",
                Hash.keccak256(economy.engine().model().id().getBytes(StandardCharsets.UTF_8)),
                adapter,
                PRICE_IN,
                PRICE_OUT,
                OPERATOR.address()),
            plan.totalFee());
    block();
    return new Training(
        file.file(),
        file.hash(),
        plan.totalFee(),
        plan.datanets().getFirst().basis(),
        TrainedModelRegistration.planned(plan),
        tx,
        ledger.chain().receipt(tx).orElseThrow().blockNumber());
  }

  /**
   * The operator bonds the minimum of the model's tier (flexible, so it can unbond at once) and
   * declares the model on the staking module: without both the chain refuses its paid batches and
   * the gate answers 503.
   */
  private void stakeAndServe(long model) {
    StateReader state = ledger.state().state(BlockRef.LATEST).orElseThrow();
    Tier tier = StakingModule.modelStake(state, model).tier();
    Amount minimum = economy.stakingParameters().minimum(tier);
    Amount bonded = StakingModule.pool(state, OPERATOR.address()).bondedStake();
    if (bonded.lessThan(minimum)) {
      submit(
          OPERATOR,
          StakingModule.ADDRESS,
          StakingModule.STAKE.encodeCall(
              OPERATOR.address(), BigInteger.valueOf(LockTerm.FLEXIBLE.code())),
          minimum.subtract(bonded));
    }
    submit(
        OPERATOR, StakingModule.ADDRESS, StakingModule.SERVE.encodeCall(BigInteger.valueOf(model)));
  }

  private Hash store(byte[] bytes, Address uploader) {
    BlobStore blobs = economy.blobs();
    try {
      PutResult r =
          blobs.put(Hash.keccak256(bytes), new ByteArrayInputStream(bytes), bytes.length, uploader);
      if (!(r instanceof PutResult.Stored s)) {
        throw new IllegalStateException("the demo could not store a blob: " + r);
      }
      return s.info().hash();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bundle(Path adapterDir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AdapterBundle.write(adapterDir, out);
    return out.toByteArray();
  }

  private final List<Hash> sent = new ArrayList<>();

  private void submit(KeyPair from, Address to, byte[] data) {
    submit(from, to, data, Amount.ZERO);
  }

  private Hash submit(KeyPair from, Address to, byte[] data, Amount value) {
    SubmitResult r =
        LocalSender.of(ledger)
            .withFees(Amount.of(1_000_000_000L), 2)
            .send(from, to, value, data, data.length == 0 ? 21_000 : 2_000_000)
            .result();
    if (!(r instanceof SubmitResult.Accepted a)) {
      throw new IllegalStateException("the demo's transaction was refused: " + r);
    }
    sent.add(a.txHash());
    return a.txHash();
  }

  /** Produces a block now and checks every transaction sent since succeeded. */
  private void block() {
    ledger.produceBlock();
    for (Hash h : sent) {
      ReceiptView r =
          ledger
              .chain()
              .receipt(h)
              .orElseThrow(() -> new IllegalStateException("demo transaction " + h + " not mined"));
      if (!r.success()) {
        throw new IllegalStateException(
            "demo transaction " + h + " to " + r.to() + " reverted (replay it with eth_call)");
      }
    }
    sent.clear();
  }
}
