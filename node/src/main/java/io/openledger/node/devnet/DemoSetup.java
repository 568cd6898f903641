package io.openledger.node.devnet;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.Tier;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobStore;
import io.openledger.node.blob.PutResult;
import io.openledger.node.economy.EconomyIndexer;
import io.openledger.node.economy.EconomyService;
import io.openledger.openlora.adapter.AdapterBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
      Address app,
      String appKeyHex,
      String apiKey) {}

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
    return DatanetModule.datanetCount(ledger.state(BlockRef.LATEST).orElseThrow()) == 0;
  }

  /**
   * Makes the demo: a few blocks, each produced at once.
   *
   * @param texts one contributor per text
   * @param adapterDir the PEFT adapter the demo model registers; without one no model is registered
   */
  public Demo run(List<DemoCorpus.Text> texts, Optional<Path> adapterDir) {
    KeyPair funder = dev(0);
    List<KeyPair> contributors = new ArrayList<>();
    for (DemoCorpus.Text t : texts) {
      KeyPair c = derived("openledger devnet demo contributor " + t.name());
      contributors.add(c);
      // gas and the contribution's bond
      submit(funder, c.address(), new byte[0], Amount.open(10).add(economy.contributionBond()));
    }
    submit(funder, APP.address(), new byte[0], Amount.open(1_000));
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
    long datanet = DatanetModule.datanetCount(ledger.state(BlockRef.LATEST).orElseThrow());

    List<Long> ids = new ArrayList<>();
    long first = DatanetModule.contributionCount(ledger.state(BlockRef.LATEST).orElseThrow()) + 1;
    for (int i = 0; i < texts.size(); i++) {
      DemoCorpus.Text t = texts.get(i);
      Hash blob = store(t.bytes(), contributors.get(i).address());
      Hash meta =
          store(
              ("{\"name\":\"" + t.name() + "\",\"mediaType\":\"text/plain\"}")
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
    block();

    Optional<Hash> adapter = adapterDir.map(d -> store(bundle(d), MODEL_OWNER.address()));
    adapter.ifPresent(a -> registerModel(a, datanet, p.version().version()));
    block();
    long model =
        adapter.isEmpty() ? 0 : ModelModule.modelCount(ledger.state(BlockRef.LATEST).orElseThrow());
    if (model != 0) {
      stakeAndServe(model);
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
        model,
        adapter,
        adapter.map(a -> economy.engine().model().id() + ":" + a.toHex()),
        APP.address(),
        APP.privateKeyHex(),
        API_KEY);
  }

  private void registerModel(Hash adapter, long datanet, int version) {
    submit(
        MODEL_OWNER,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            "fortune-teller",
            Hash.keccak256(economy.engine().model().id().getBytes(StandardCharsets.UTF_8))
                .toArray(),
            adapter.toArray(),
            List.of(BigInteger.valueOf(datanet)),
            List.of(BigInteger.valueOf(version)),
            PRICE_IN.value(),
            PRICE_OUT.value(),
            OPERATOR.address()));
  }

  /**
   * The operator bonds the minimum of the model's tier (flexible, so it can unbond at once) and
   * declares the model on the staking module: without both the chain refuses its paid batches and
   * the gate answers 503.
   */
  private void stakeAndServe(long model) {
    StateReader state = ledger.state(BlockRef.LATEST).orElseThrow();
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

  private void submit(KeyPair from, Address to, byte[] data, Amount value) {
    long nonce = ledger.nonce(from.address(), BlockRef.PENDING).orElseThrow();
    byte[] raw =
        TransactionBuilder.eip1559(ledger.chainId())
            .nonce(nonce)
            .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
            .maxFeePerGas(ledger.nextBaseFee().multiply(2).add(Amount.of(1_000_000_000L)))
            .gasLimit(data.length == 0 ? 21_000 : 2_000_000)
            .to(to)
            .value(value)
            .data(data)
            .sign(from)
            .encode();
    SubmitResult r = ledger.submit(raw);
    if (!(r instanceof SubmitResult.Accepted a)) {
      throw new IllegalStateException("the demo's transaction was refused: " + r);
    }
    sent.add(a.txHash());
  }

  /** Produces a block now and checks every transaction sent since succeeded. */
  private void block() {
    ledger.produceBlock();
    for (Hash h : sent) {
      ReceiptView r =
          ledger
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
