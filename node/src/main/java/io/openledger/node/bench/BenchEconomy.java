package io.openledger.node.bench;

import io.openledger.attribution.bench.SyntheticCorpus;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.Tier;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.blob.BlobStore;
import io.openledger.node.blob.PutResult;
import io.openledger.node.devnet.DemoSetup;
import io.openledger.node.economy.EconomyIndexer;
import io.openledger.node.economy.EconomyService;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.adapter.AdapterBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The economy a benchmark measures, made on a fresh chain through ordinary transactions: a datanet
 * of {@code contributions} synthetic texts ({@link SyntheticCorpus}) from {@code contributors}
 * addresses, some of which quote the model's own answers so that paid answers are credited to
 * several contributions, its published version and index, a paid model on it (the demo's prices)
 * served by this node, and a payer with an escrow and an API key.
 *
 * <p>The keys are the devnet demo's (dev accounts 2, 3 and 9) and keys derived from public strings:
 * never use them for anything of value.
 */
final class BenchEconomy {
  /** The payer's API key (public, like the dev keys). */
  static final String API_KEY = "olk_bench_economy_public_key";

  /** The payer: its escrow pays every paid request of the load. */
  static final KeyPair PAYER = derived("openledger bench economy payer");

  static final KeyPair FUNDER = KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(0).privateKeyHex());

  private final BenchChain chain;
  private final EconomyService economy;

  /** What was made. */
  record Made(
      long datanetId,
      int version,
      long modelId,
      List<Long> contributionIds,
      List<Address> contributors,
      long corpusBytes,
      int quoting) {}

  BenchEconomy(BenchChain chain, EconomyService economy) {
    this.chain = chain;
    this.economy = economy;
  }

  static KeyPair derived(String seed) {
    return KeyPair.fromPrivateKey(Hash.keccak256(seed.getBytes(StandardCharsets.UTF_8)).toArray());
  }

  /** Stores an adapter directory as a bundle blob; returns its hash (what a model registers). */
  Hash storeAdapter(Path adapterDir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AdapterBundle.write(adapterDir, out);
    return store(out.toByteArray(), DemoSetup.MODEL_OWNER.address());
  }

  /**
   * Makes the datanet, its version, the paid model and the payer.
   *
   * @param answers the model's answers; answer {@code j} is quoted by {@code quotesPerAnswer}
   *     consecutive contributions (so by as many contributors)
   * @param adapter the paid model's adapter hash (already stored)
   */
  Made make(
      int contributions,
      int contributorCount,
      List<String> answers,
      int quotesPerAnswer,
      Hash adapter,
      long seed) {
    List<KeyPair> contributors = new ArrayList<>();
    for (int i = 0; i < contributorCount; i++) {
      KeyPair c = derived("openledger bench economy contributor " + i);
      contributors.add(c);
      // gas, and the bond of each of its contributions
      long mine = (contributions + contributorCount - 1) / contributorCount;
      chain.transfer(
          FUNDER, c.address(), Amount.open(10).add(economy.contributionBond().multiply(mine)));
    }
    chain.transfer(FUNDER, PAYER.address(), Amount.open(2_000));
    chain.call(
        DemoSetup.DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            "bench",
            "Synthetic text for openledger bench economy",
            List.of("text", "bench"),
            BigInteger.ZERO,
            BigInteger.valueOf(1 | 2), // commercial use, attribution required
            "UTF-8 text"));
    chain.mine();
    long datanet = DatanetModule.datanetCount(head(chain.ledger().state()));
    long first = DatanetModule.contributionCount(head(chain.ledger().state())) + 1;

    List<StringBuilder> texts = texts(contributions, seed);
    int quoting = 0;
    for (int j = 0; j < answers.size(); j++) {
      for (int m = 0; m < quotesPerAnswer; m++) {
        StringBuilder t = texts.get((j * quotesPerAnswer + m) % contributions);
        t.insert(t.length() / 2, "\n" + answers.get(j) + "\n");
        quoting++;
      }
    }
    long bytes = 0;
    List<Long> ids = new ArrayList<>();
    List<Address> owners = new ArrayList<>();
    for (int i = 0; i < contributions; i++) {
      KeyPair c = contributors.get(i % contributorCount);
      byte[] b = texts.get(i).toString().getBytes(StandardCharsets.UTF_8);
      bytes += b.length;
      Hash blob = store(b, c.address());
      Hash meta =
          store(
              Json.MAPPER
                  .createObjectNode()
                  .put("name", "bench-" + i)
                  .toString()
                  .getBytes(StandardCharsets.UTF_8),
              c.address());
      chain.call(
          c,
          DatanetModule.ADDRESS,
          DatanetModule.CONTRIBUTE.encodeCall(
              BigInteger.valueOf(datanet),
              blob.toArray(),
              BigInteger.valueOf(b.length),
              meta.toArray()),
          economy.contributionBond());
      ids.add(first + i);
      owners.add(c.address());
    }
    chain.mine();
    for (long id : ids) {
      chain.call(
          DemoSetup.DATANET_OWNER,
          DatanetModule.ADDRESS,
          DatanetModule.APPROVE.encodeCall(BigInteger.valueOf(id), BigInteger.valueOf(100)));
    }
    chain.mine();
    EconomyIndexer.Preview p = economy.indexer().preview(datanet);
    chain.call(
        DemoSetup.DATANET_OWNER,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(
            BigInteger.valueOf(datanet),
            p.contributionsRoot().toArray(),
            p.version().indexHash().toArray()));
    chain.mine();
    int version = p.version().version();
    long model = registerModel(adapter, datanet, version, DemoSetup.OPERATOR.address(), "bench");
    stakeAndServe(DemoSetup.OPERATOR, model);
    chain.call(PAYER, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), open(1_000));
    chain.call(
        PAYER,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(
            Hash.keccak256(API_KEY.getBytes(StandardCharsets.UTF_8)).toArray(),
            Amount.open(1_000).value()));
    chain.mine();
    economy.indexer().awaitCatchUp();
    return new Made(datanet, version, model, ids, owners, bytes, quoting);
  }

  /**
   * Registers a model on one datanet version at the demo's prices (sends and mines); returns its
   * id.
   */
  long registerModel(Hash adapter, long datanet, int version, Address operator, String name) {
    chain.call(
        DemoSetup.MODEL_OWNER,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            name,
            Hash.keccak256(economy.engine().model().id().getBytes(StandardCharsets.UTF_8))
                .toArray(),
            adapter.toArray(),
            List.of(BigInteger.valueOf(datanet)),
            List.of(BigInteger.valueOf(version)),
            DemoSetup.PRICE_IN.value(),
            DemoSetup.PRICE_OUT.value(),
            operator));
    chain.mine();
    return ModelModule.modelCount(head(chain.ledger().state()));
  }

  /**
   * {@code operator} bonds its model's tier minimum and declares the model (sends and mines), as
   * the chain asks before it takes the operator's paid batches.
   */
  void stakeAndServe(KeyPair operator, long model) {
    Tier tier = StakingModule.modelStake(head(chain.ledger().state()), model).tier();
    chain.call(
        operator,
        StakingModule.ADDRESS,
        StakingModule.STAKE.encodeCall(
            operator.address(), BigInteger.valueOf(LockTerm.FLEXIBLE.code())),
        economy.stakingParameters().minimum(tier));
    chain.call(
        operator, StakingModule.ADDRESS, StakingModule.SERVE.encodeCall(BigInteger.valueOf(model)));
    chain.mine();
  }

  private static Amount open(long n) {
    return Amount.open(n);
  }

  private static StateReader head(StateQueries states) {
    return states.state(BlockRef.LATEST).orElseThrow();
  }

  /** {@code n} synthetic contributions (60-1,200 tokens each, a 50,000-word vocabulary). */
  private static List<StringBuilder> texts(int n, long seed) {
    Iterator<io.openledger.attribution.index.Contribution> it =
        new SyntheticCorpus(50_000, seed).contributions(Long.MAX_VALUE);
    List<StringBuilder> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new StringBuilder(it.next().text()));
    }
    return out;
  }

  private Hash store(byte[] bytes, Address uploader) {
    BlobStore blobs = economy.blobs();
    try {
      PutResult r =
          blobs.put(Hash.keccak256(bytes), new ByteArrayInputStream(bytes), bytes.length, uploader);
      if (!(r instanceof PutResult.Stored s)) {
        throw new IllegalStateException("the benchmark could not store a blob: " + r);
      }
      return s.info().hash();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
