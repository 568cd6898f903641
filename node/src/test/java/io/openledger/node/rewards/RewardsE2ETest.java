package io.openledger.node.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.challenge.ChallengeKind;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.distributor.ClaimTree;
import io.openledger.chain.distributor.Distribution;
import io.openledger.chain.distributor.DistributorModule;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.Charge;
import io.openledger.chain.inference.ContributionWeight;
import io.openledger.chain.inference.FeeParties;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.RecordsMerkle;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.points.PointsModule;
import io.openledger.chain.points.PointsRule;
import io.openledger.chain.sequencer.SequencerConfig;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.devnet.NodeRunner;
import io.openledger.node.economy.EconomyNode;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * Testnet points to mainnet OPEN, end to end on real nodes: a testnet devnet (points on, short
 * challenge window) where several accounts contribute data that is accepted, a payer's fees are
 * charged in batches that become final, and a validator votes; {@code openledger rewards snapshot}
 * at a block; a fresh mainnet genesis (chain id 1612) naming the snapshot's root in its
 * distributor; claims through web3j and the CLI, vesting enforced, double claims and forged proofs
 * refused, and the supply invariant after every block.
 */
class RewardsE2ETest {
  private static final Amount PRICE_IN = Amount.open(1);
  private static final Amount PRICE_OUT = Amount.open(2);
  private static final Hash KEY = Hash.keccak256("rewards e2e key".getBytes());
  private static final Address POOL = Address.fromHex("0x1000000000000000000000000000000000000001");
  private static final Address LIQUIDITY =
      Address.fromHex("0x1000000000000000000000000000000000000005");
  private static final long CLIFF = 40;

  private final KeyPair curator = dev(0);
  private final KeyPair alice = dev(1);
  private final KeyPair bob = dev(2);
  private final KeyPair owner = dev(3);
  private final KeyPair operator = dev(4);
  private final KeyPair payer = dev(5);
  private final KeyPair validator = dev(6);
  private final KeyPair challenger = dev(7);
  private final KeyPair mallory = dev(8);

  @TempDir Path dir;

  @Test
  void pointsOnTestnetBecomeVestedOpenClaimedOnMainnet() throws Exception {
    Path file = dir.resolve("rewards.json");
    Amount total = Amount.open(1_000);
    RewardsFile rewards;
    long snapshotBlock;
    try (Chain testnet = Chain.start(dir.resolve("testnet"), testnetGenesis())) {
      activity(testnet);
      snapshotBlock = testnet.runner.ledger().chain().block(BlockRef.LATEST).orElseThrow().number();
      StateReader at = testnet.state();
      assertThat(PointsModule.totalPointsOf(at, alice.address())).isPositive();
      assertThat(PointsModule.totalPointsOf(at, validator.address()))
          .isEqualTo(PointsRule.DEFAULTS.validationPointsPerVote());
      assertThat(PointsModule.totalPointsOf(at, curator.address())).isZero();

      testnet.produce(); // the snapshot reads the past block, not the head
      String out =
          cli(
              "rewards",
              "snapshot",
              "--at",
              Long.toString(snapshotBlock),
              "--out",
              file.toString(),
              "--total",
              "1000",
              "--rpc",
              testnet.url());
      assertThat(out).contains("Merkle root");
      rewards = RewardsFile.read(file);
      // deterministic from the chain: the same snapshot again writes the same bytes
      Path again = dir.resolve("again.json");
      cli(
          "rewards",
          "snapshot",
          "--at",
          Long.toString(snapshotBlock),
          "--out",
          again.toString(),
          "--total",
          "1000",
          "--rpc",
          testnet.url());
      assertThat(Files.readString(again)).isEqualTo(Files.readString(file));
      assertThat(testnet.audits).isEmpty();
    }
    assertThat(rewards.block()).isEqualTo(snapshotBlock);
    assertThat(rewards.entries())
        .extracting(RewardsFile.Line::account)
        .contains(alice.address(), bob.address(), operator.address(), validator.address())
        .doesNotContain(curator.address(), owner.address(), payer.address(), challenger.address());
    BigInteger sum = BigInteger.ZERO;
    for (RewardsFile.Line l : rewards.entries()) {
      sum = sum.add(l.amount().value());
      assertThat(
              ClaimTree.verify(l.proof(), rewards.root(), ClaimTree.leaf(l.account(), l.amount())))
          .isTrue();
    }
    assertThat(sum).isEqualTo(total.value());

    // ---- mainnet ----
    long t0 = Instant.now().getEpochSecond() - 5;
    Distribution d = new Distribution(rewards.root(), total, t0 + 3_600, POOL, CLIFF, 100_000);
    Genesis mainnet = mainnetGenesis(t0).withDistributor(d);
    assertThat(mainnet.validate()).isEmpty();
    try (Chain chain = Chain.start(dir.resolve("mainnet"), mainnet);
        Closeable3 web3 = new Closeable3(Web3j.build(new HttpService(chain.url())))) {
      chain.runner.onBlock(
          b -> {
            StateReader s =
                chain.runner.ledger().state().state(BlockRef.number(b.number())).orElseThrow();
            DistributorModule.audit(s, d).ifPresent(p -> chain.audits.add(b.number() + ": " + p));
          });
      RewardsFile.Line a = rewards.lineOf(alice.address()).orElseThrow();
      Credentials aliceCreds = Credentials.create(DevAccounts.ALL.get(1).privateKeyHex());
      BigInteger before = balance(web3.web3, alice.address());
      Amount locked = chain.state().supply().locked();

      // alice claims through web3j
      TransactionReceipt r =
          send(web3.web3, aliceCreds, claimData(a.account(), a.amount(), a.proof()));
      assertThat(r.getStatus()).isEqualTo("0x1");
      assertThat(r.getLogs())
          .anySatisfy(
              l ->
                  assertThat(l.getTopics().getFirst())
                      .isEqualTo(DistributorModule.CLAIMED.topic().toHex()));
      BigInteger gas = r.getGasUsed().multiply(Numeric.decodeQuantity(r.getEffectiveGasPrice()));
      // vesting enforced: the claim is locked, not in her balance
      assertThat(balance(web3.web3, alice.address())).isEqualTo(before.subtract(gas));
      assertThat(chain.state().supply().locked()).isEqualTo(locked.add(a.amount()));
      assertThat(
              revert(
                  web3.web3, alice.address(), Bytes.toHex(DistributorModule.RELEASE.encodeCall())))
          .contains("distributor: nothing has vested yet (vesting starts at " + (t0 + CLIFF) + ")");

      // a double claim and a forged proof are refused, on eth_call and on chain
      String twice = claimData(a.account(), a.amount(), a.proof());
      assertThat(revert(web3.web3, alice.address(), twice))
          .contains("distributor: " + alice.address() + " has claimed already");
      assertThat(send(web3.web3, aliceCreds, twice).getStatus()).isEqualTo("0x0");
      String forged = claimData(mallory.address(), a.amount(), a.proof());
      assertThat(revert(web3.web3, mallory.address(), forged))
          .contains("distributor: invalid proof");
      Credentials malloryCreds = Credentials.create(DevAccounts.ALL.get(8).privateKeyHex());
      assertThat(send(web3.web3, malloryCreds, forged).getStatus()).isEqualTo("0x0");

      // bob claims with the CLI, which finds his line in the published file
      Path bobKey = dir.resolve("bob.key");
      Files.writeString(bobKey, DevAccounts.ALL.get(2).privateKeyHex());
      String claimed =
          cli(
              "rewards",
              "claim",
              "--file",
              file.toString(),
              "--private-key-file",
              bobKey.toString(),
              "--rpc",
              chain.url());
      assertThat(claimed).contains("Claimed").contains(bob.address().toString());
      assertThat(DistributorModule.schedule(chain.state(), bob.address()).orElseThrow().total())
          .isEqualTo(rewards.lineOf(bob.address()).orElseThrow().amount());
      assertThat(
              cliError(
                  "rewards",
                  "claim",
                  "--file",
                  file.toString(),
                  "--private-key-file",
                  bobKey.toString(),
                  "--rpc",
                  chain.url()))
          .contains("has claimed already");

      // once the cliff has passed, alice releases what has vested, and only that
      chain.awaitChainTime(t0 + CLIFF + 10);
      TransactionReceipt rel =
          send(web3.web3, aliceCreds, Bytes.toHex(DistributorModule.RELEASE.encodeCall()));
      assertThat(rel.getStatus()).isEqualTo("0x1");
      long at =
          chain
              .runner
              .ledger()
              .chain()
              .block(BlockRef.number(rel.getBlockNumber().longValueExact()))
              .orElseThrow()
              .timestamp();
      BigInteger vested =
          a.amount()
              .value()
              .multiply(BigInteger.valueOf(at - t0 - CLIFF))
              .divide(BigInteger.valueOf(100_000));
      assertThat(
              DistributorModule.schedule(chain.state(), alice.address())
                  .orElseThrow()
                  .claimed()
                  .value())
          .isEqualTo(vested);
      assertThat(vested).isPositive().isLessThan(a.amount().value());
      assertThat(cli("rewards", "show", alice.address().toHex(), "--rpc", chain.url()))
          .contains("Rewards of " + alice.address())
          .contains("released " + Amount.of(vested).toOpenString() + " OPEN");
      String shown =
          cli(
              "rewards",
              "show",
              alice.address().toHex(),
              "--file",
              file.toString(),
              "--rpc",
              chain.url(),
              "--json");
      JsonNode s = Json.MAPPER.readTree(shown);
      assertThat(s.get("claimed").asBoolean()).isTrue();
      assertThat(s.get("released").asText()).isEqualTo(vested.toString());
      assertThat(s.get("entitled").asText()).isEqualTo(a.amount().value().toString());

      assertThat(SupplyAudit.check(chain.state())).isEmpty();
      assertThat(DistributorModule.audit(chain.state(), d)).isEmpty();
      assertThat(chain.audits).isEmpty();
    }
  }

  // ---- the testnet's activity ----

  private void activity(Chain c) throws Exception {
    // data: alice and bob contribute to the curator's datanet; the curator accepts both
    c.ok(
        curator,
        DatanetModule.ADDRESS,
        DatanetModule.CREATE_DATANET.encodeCall(
            "facts", "facts", List.of("t"), u(0), u(3), "rules"),
        Amount.ZERO);
    Amount bond = c.genesis.economy().contributionBond();
    c.ok(alice, DatanetModule.ADDRESS, contribute("alice"), bond);
    c.ok(bob, DatanetModule.ADDRESS, contribute("bob"), bond);
    c.ok(
        curator, DatanetModule.ADDRESS, DatanetModule.APPROVE.encodeCall(u(1), u(90)), Amount.ZERO);
    c.ok(
        curator, DatanetModule.ADDRESS, DatanetModule.APPROVE.encodeCall(u(2), u(60)), Amount.ZERO);
    Hash root =
        ContributionsMerkle.root(
            List.of(
                new ContributionsMerkle.Leaf(1, blob("alice")),
                new ContributionsMerkle.Leaf(2, blob("bob"))));
    c.ok(
        curator,
        DatanetModule.ADDRESS,
        DatanetModule.PUBLISH_VERSION.encodeCall(u(1), root.toArray(), blob("index").toArray()),
        Amount.ZERO);
    // a model on it, served by the operator, paid by the payer's key
    Hash base = Hash.keccak256("base".getBytes());
    c.ok(
        owner,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            "m",
            base.toArray(),
            base.toArray(),
            List.of(u(1)),
            List.of(u(1)),
            PRICE_IN.value(),
            PRICE_OUT.value(),
            operator.address()),
        Amount.ZERO);
    c.ok(operator, StakingModule.ADDRESS, StakingModule.SERVE.encodeCall(u(1)), Amount.ZERO);
    c.ok(
        operator,
        StakingModule.ADDRESS,
        StakingModule.STAKE.encodeCall(operator.address(), u(LockTerm.FLEXIBLE.code())),
        c.genesis.economy().staking().experimentalMinimum());
    c.ok(payer, InferenceModule.ADDRESS, InferenceModule.DEPOSIT.encodeCall(), Amount.open(100));
    c.ok(
        payer,
        InferenceModule.ADDRESS,
        InferenceModule.REGISTER_API_KEY.encodeCall(KEY.toArray(), Amount.open(100).value()),
        Amount.ZERO);
    c.ok(
        validator,
        ChallengeModule.ADDRESS,
        ChallengeModule.REGISTER_VALIDATOR.encodeCall(),
        c.genesis.economy().challenges().validatorMinimumStake());

    // paid inferences: batch 0 becomes final; batch 1 is challenged and voted on
    InferenceRecord first = record(c, 0, "what is rain");
    post(c, 0, first);
    long finalizable =
        InferenceModule.batch(c.state(), operator.address(), 0).orElseThrow().finalizableAt();
    c.awaitChainTime(finalizable);
    c.ok(
        challenger,
        InferenceModule.ADDRESS,
        InferenceModule.FINALIZE_BATCH.encodeCall(operator.address(), u(0)),
        Amount.ZERO);
    InferenceRecord second = record(c, 1, "how to harm");
    post(c, 1, second);
    c.ok(
        challenger,
        ChallengeModule.ADDRESS,
        ChallengeModule.CHALLENGE.encodeCall(
            operator.address(),
            u(1),
            u(ChallengeKind.HARMFUL_OUTPUT.code()),
            second.encode(),
            List.of(),
            u(0),
            new byte[0]),
        c.genesis.economy().challenges().minimumBond());
    c.ok(
        validator,
        ChallengeModule.ADDRESS,
        ChallengeModule.VOTE.encodeCall(u(1), false),
        Amount.ZERO);
  }

  private static Hash blob(String who) {
    return Hash.keccak256((who + "'s facts").getBytes());
  }

  private static byte[] contribute(String who) {
    Hash blob = blob(who);
    return DatanetModule.CONTRIBUTE.encodeCall(u(1), blob.toArray(), u(1_000), blob.toArray());
  }

  private InferenceRecord record(Chain c, long number, String request) {
    List<Attribution> attribution =
        List.of(new Attribution(1, 300_000), new Attribution(2, 100_000));
    return new InferenceRecord(
            operator.address(),
            number,
            1,
            Hash.keccak256("base".getBytes()),
            payer.address(),
            KEY,
            Hash.keccak256(request.getBytes()),
            Hash.keccak256(("answer to " + request).getBytes()),
            200,
            300,
            rule(c).fee(200, 300, PRICE_IN, PRICE_OUT),
            attribution,
            Amount.ZERO,
            new byte[0],
            new byte[0])
        .signedBy(operator);
  }

  private static FeeRuleV1 rule(Chain c) {
    return new FeeRuleV1(
        c.genesis.economy().inference().shares(), c.genesis.economy().inference().platformFee());
  }

  private void post(Chain c, long seq, InferenceRecord r) throws Exception {
    List<ContributionWeight> weights =
        List.of(
            r.attribution().get(0).withContributor(alice.address()),
            r.attribution().get(1).withContributor(bob.address()));
    var payouts =
        rule(c)
            .splitFee(
                r.fee(),
                weights,
                new FeeParties(
                    payer.address(), owner.address(), StakingModule.ADDRESS, c.genesis.treasury()))
            .payouts();
    c.ok(
        operator,
        InferenceModule.ADDRESS,
        InferenceModule.encodePostBatch(
            seq,
            RecordsMerkle.root(List.of(r.hash())),
            r.number(),
            1,
            List.of(Charge.withKey(payer.address(), KEY, r.fee())),
            payouts),
        Amount.ZERO);
  }

  // ---- genesis files ----

  private static Genesis testnetGenesis() {
    EconomyParameters p = EconomyNode.PARAMETERS; // a 2 s challenge window
    return Genesis.devnet()
        .withTimestamp(Instant.now().getEpochSecond() - 300)
        .withEconomy(p)
        .withPoints(PointsRule.DEFAULTS);
  }

  /**
   * The example testnet genesis made a mainnet one (chain id 1612, no points), with 1,000 OPEN of
   * the unlocked liquidity share moved to each dev account 1 to 8 so they can pay gas.
   */
  private static Genesis mainnetGenesis(long timestamp) throws IOException {
    ObjectNode g;
    try (InputStream in = Genesis.class.getResourceAsStream("/genesis/testnet.example.json")) {
      g = (ObjectNode) Json.MAPPER.readTree(in);
    }
    g.remove("points");
    g.put("chainId", Genesis.MAINNET_CHAIN_ID)
        .put("network", "mainnet")
        .put("timestamp", timestamp);
    ArrayNode allocations = (ArrayNode) g.get("allocations");
    for (JsonNode a : allocations) {
      if (a.get("address").asText().equalsIgnoreCase(LIQUIDITY.toHex())) {
        ((ObjectNode) a).put("amount", Amount.open(50_000_000 - 8 * 1_000).toOpenString());
      }
    }
    for (int i = 1; i <= 8; i++) {
      allocations
          .addObject()
          .put("category", "liquidity")
          .put("address", DevAccounts.ALL.get(i).address().toHex())
          .put("amount", "1000");
    }
    return Genesis.parse(g.toString());
  }

  // ---- clients ----

  private static String claimData(Address account, Amount amount, List<Hash> proof) {
    return Bytes.toHex(
        DistributorModule.CLAIM.encodeCall(
            account, amount.value(), proof.stream().map(Hash::toArray).toList()));
  }

  private static BigInteger balance(Web3j web3, Address a) throws IOException {
    return web3.ethGetBalance(a.toHex(), DefaultBlockParameterName.LATEST).send().getBalance();
  }

  /** The revert message eth_call gives for {@code data} to the distributor. */
  private static String revert(Web3j web3, Address from, String data) throws IOException {
    EthCall r =
        web3.ethCall(
                Transaction.createEthCallTransaction(
                    from.toHex(), DistributorModule.ADDRESS.toHex(), data),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(r.hasError() || r.isReverted()).as("eth_call should revert").isTrue();
    return r.hasError() ? r.getError().getMessage() : r.getRevertReason();
  }

  /** Signs with web3j (EIP-1559, chain id 1612) and waits for the receipt. */
  private static TransactionReceipt send(Web3j web3, Credentials from, String data)
      throws Exception {
    BigInteger nonce =
        web3.ethGetTransactionCount(from.getAddress(), DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    RawTransaction raw =
        RawTransaction.createTransaction(
            Genesis.MAINNET_CHAIN_ID,
            nonce,
            BigInteger.valueOf(1_000_000),
            DistributorModule.ADDRESS.toHex(),
            BigInteger.ZERO,
            data,
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(10_000_000_000L));
    String hash =
        web3.ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(raw, from)))
            .send()
            .getTransactionHash();
    assertThat(hash).as("sent").isNotNull();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // liveness guard
    while (System.nanoTime() < deadline) {
      var r = web3.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
      if (r.isPresent()) {
        return r.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no receipt for " + hash);
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    assertThat(exit).as("exit of %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  private static String cliError(String... args) {
    StringWriter err = new StringWriter();
    var cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args)).isNotZero();
    return err.toString();
  }

  private static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  private record Closeable3(Web3j web3) implements AutoCloseable {
    @Override
    public void close() {
      web3.shutdown();
    }
  }

  /** A real node on {@code genesis}: blocks when transactions are pending, RPC on a free port. */
  private static final class Chain implements AutoCloseable {
    final Genesis genesis;
    final NodeRunner runner;
    final List<String> audits = new CopyOnWriteArrayList<>();

    private Chain(Genesis genesis, NodeRunner runner) {
      this.genesis = genesis;
      this.runner = runner;
      runner.onBlock(
          b ->
              SupplyAudit.check(
                      runner.ledger().state().state(BlockRef.number(b.number())).orElseThrow())
                  .ifPresent(p -> audits.add("block " + b.number() + ": " + p)));
    }

    static Chain start(Path dir, Genesis genesis) {
      LedgerConfig config =
          LedgerConfig.DEFAULT
              .withSyncWrites(false)
              .withSequencer(
                  SequencerConfig.DEFAULT
                      .withProduction(SequencerConfig.Production.WHEN_PENDING)
                      .withBlockInterval(Duration.ofHours(1)));
      NodeRunner runner =
          NodeRunner.start(
              new NodeRunner.Options(dir, ChainSpec.from(genesis), config, "127.0.0.1", 0),
              InstantSource.system());
      return new Chain(genesis, runner);
    }

    String url() {
      return runner.rpc().httpUrl();
    }

    StateReader state() {
      return runner.ledger().state().state(BlockRef.LATEST).orElseThrow();
    }

    long now() {
      return runner.ledger().chain().block(BlockRef.LATEST).orElseThrow().timestamp();
    }

    void produce() {
      runner.ledger().produceBlock();
    }

    void awaitChainTime(long t) {
      while (now() <= t) {
        produce();
      }
    }

    /** Sends a signed call and requires success, naming eth_call's reason otherwise. */
    void ok(KeyPair from, Address to, byte[] data, Amount value) throws Exception {
      StateReader s = state();
      long nonce = s.account(from.address()).nonce();
      byte[] raw =
          TransactionBuilder.eip1559(genesis.chainId())
              .nonce(nonce)
              .maxPriorityFeePerGas(Amount.of(1_000_000_000L))
              .maxFeePerGas(Amount.of(10_000_000_000L))
              .gasLimit(3_000_000)
              .to(to)
              .value(value)
              .data(data)
              .sign(from)
              .encode();
      var web3 = Web3j.build(new HttpService(url()));
      try {
        String hash = web3.ethSendRawTransaction(Bytes.toHex(raw)).send().getTransactionHash();
        assertThat(hash).as("sent").isNotNull();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // liveness guard
        while (System.nanoTime() < deadline) {
          var r = web3.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
          if (r.isPresent()) {
            if (!r.get().getStatus().equals("0x1")) {
              EthCall why =
                  web3.ethCall(
                          Transaction.createFunctionCallTransaction(
                              from.address().toHex(),
                              null,
                              null,
                              null,
                              to.toHex(),
                              value.value(),
                              Bytes.toHex(data)),
                          DefaultBlockParameterName.LATEST)
                      .send();
              throw new AssertionError(
                  "reverted: "
                      + (why.hasError() ? why.getError().getMessage() : why.getRevertReason()));
            }
            return;
          }
          Thread.sleep(20);
        }
        throw new AssertionError("no receipt for " + hash);
      } finally {
        web3.shutdown();
      }
    }

    @Override
    public void close() {
      runner.close();
    }
  }
}
