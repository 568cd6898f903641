package io.openledger.chain.model;

import static io.openledger.chain.datanet.EconomyChain.approve;
import static io.openledger.chain.datanet.EconomyChain.blob;
import static io.openledger.chain.datanet.EconomyChain.dev;
import static io.openledger.chain.datanet.EconomyChain.publish;
import static io.openledger.chain.datanet.EconomyChain.u;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.block.Log;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.DirectCall;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Training licence fees through real transactions (docs/economy.md, "Training licence fees"): the
 * owner sets the fee, {@code registerTrainedModel} pays it exactly, every refusal changes nothing
 * but the gas, and an attacker who credits itself or a penalized contribution gains nothing.
 */
class TrainedModelTest {
  private static final Address MM = ModelModule.ADDRESS;
  private static final Address DN = DatanetModule.ADDRESS;
  private static final Hash BASE = blob("base model");
  private static final Hash ADAPTER = blob("adapter");
  private static final Hash REPORT = blob("training.json");
  private static final Amount FEE = Amount.parseOpen("10").add(Amount.of(3));

  private final EconomyChain c = new EconomyChain();
  private final KeyPair curator = dev(0);
  private final KeyPair alice = dev(2);
  private final KeyPair bob = dev(3);
  private final KeyPair builder = dev(4);
  private final KeyPair carol = dev(5);
  private long open;
  private long other;
  private long a;
  private long b;
  private long cc;
  private long late;
  private long otherContribution;

  /** Datanet {@code open}: a, b, c accepted (indexes 0..2) in version 1, then {@code late}. */
  @BeforeEach
  void datanets() {
    open = c.createDatanet(curator, "open", Licence.COMMERCIAL_USE);
    a = accepted(alice, open, "a");
    b = accepted(bob, open, "b");
    cc = accepted(carol, open, "c");
    c.ok(curator, DN, publish(open, c.offChainRoot(open), blob("index 1")));
    late = accepted(alice, open, "late");
    other = c.publishedDatanet(curator, "other", Licence.COMMERCIAL_USE);
    otherContribution = DatanetModule.acceptedContributions(c.state(), other, 1).getFirst();
  }

  private long accepted(KeyPair who, long datanet, String name) {
    long id = c.contributeOk(who, datanet, blob(name), 100);
    c.ok(curator, DN, approve(id, 80));
    return id;
  }

  record Credit(long id, long index, long ppm) {
    List<Object> abi() {
      return List.of(u(id), u(index), u(ppm));
    }
  }

  private static byte[] trained(
      List<Long> ids, List<Integer> versions, List<Credit> credits, Hash report, long priceIn) {
    return ModelModule.REGISTER_TRAINED_MODEL.encodeCall(
        "trained",
        BASE.toArray(),
        ADAPTER.toArray(),
        ids.stream().map(BigInteger::valueOf).toList(),
        versions.stream().map(BigInteger::valueOf).toList(),
        u(priceIn),
        u(priceIn),
        dev(6).address(),
        credits.stream().map(Credit::abi).toList(),
        report.toArray());
  }

  private byte[] onOpen(List<Credit> credits) {
    return trained(List.of(open), List.of(1), credits, REPORT, 5);
  }

  private List<Credit> thirds() {
    return List.of(
        new Credit(a, 0, 500_001), new Credit(b, 1, 333_333), new Credit(cc, 2, 166_666));
  }

  private void setFee(long datanet, Amount fee) {
    c.ok(curator, DN, DatanetModule.SET_TRAINING_FEE.encodeCall(u(datanet), fee.value()));
  }

  @Test
  void theOwnerSetsTheTrainingFee() {
    assertThat(c.view(DN, DatanetModule.TRAINING_FEE, u(open))).containsExactly(BigInteger.ZERO);
    TransactionResult r =
        c.ok(curator, DN, DatanetModule.SET_TRAINING_FEE.encodeCall(u(open), FEE.value()));
    Log log = r.logs().getFirst();
    assertThat(log.topics())
        .containsExactly(
            DatanetModule.TRAINING_FEE_SET.topic(),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(open)))));
    assertThat(Abi.decode(List.of(AbiType.UINT256), log.data())).containsExactly(FEE.value());
    assertThat(c.view(DN, DatanetModule.TRAINING_FEE, u(open))).containsExactly(FEE.value());
    assertThat(DatanetModule.trainingFee(c.state(), open)).isEqualTo(FEE);
    assertThat(c.refused(alice, DN, DatanetModule.SET_TRAINING_FEE.encodeCall(u(open), u(1))))
        .isEqualTo(
            "datanet: only the owner of datanet "
                + open
                + " ("
                + curator.address()
                + ") may set its training fee");
    assertThat(c.refused(curator, DN, DatanetModule.SET_TRAINING_FEE.encodeCall(u(99), u(1))))
        .isEqualTo("datanet: unknown datanet 99");
    assertThat(c.viewRefused(DN, DatanetModule.TRAINING_FEE.encodeCall(u(99))))
        .isEqualTo("datanet: unknown datanet 99");
    setFee(open, Amount.ZERO);
    assertThat(DatanetModule.trainingFee(c.state(), open)).isEqualTo(Amount.ZERO);
  }

  @Test
  void registeringPaysEachContributorItsShareExactly() {
    setFee(open, FEE);
    Map<Address, Amount> before = balances();
    ExecutedBlock blk = c.block(2, List.of(c.tx(builder, MM, FEE, onOpen(thirds()))));
    TransactionResult r = blk.results().getFirst();
    assertThat(r.success()).as("%s", r.revertReason()).isTrue();
    long id =
        ((BigInteger) ModelModule.REGISTER_TRAINED_MODEL.decodeResult(r.returnData()).getFirst())
            .longValue();
    // floor(FEE × w / 10^6): 10 OPEN + 3 base units split 500,001 / 333,333 / 166,666 ppm
    Amount toA = share(FEE, 500_001);
    Amount toB = share(FEE, 333_333);
    Amount toC = share(FEE, 166_666);
    Amount rest = FEE.subtract(toA).subtract(toB).subtract(toC);
    assertThat(toA.add(toB).add(toC).add(rest)).isEqualTo(FEE);
    assertThat(rest).isEqualTo(Amount.of(2));
    assertThat(delta(before, alice)).isEqualTo(toA);
    assertThat(delta(before, bob)).isEqualTo(toB);
    assertThat(delta(before, carol)).isEqualTo(toC);
    assertThat(delta(before, curator)).isEqualTo(rest);
    assertThat(before.get(builder.address()).subtract(c.state().balance(builder.address())))
        .isEqualTo(FEE.add(r.effectiveGasPrice().multiply(r.gasUsed())));
    assertThat(c.state().balance(MM)).isEqualTo(Amount.ZERO);
    assertThat(ModelModule.audit(c.state())).isEmpty();

    assertThat(ModelModule.readTrainingReport(c.state(), id))
        .contains(new TrainingReport(REPORT, FEE));
    assertThat(c.view(MM, ModelModule.TRAINING_REPORT, u(id)))
        .containsExactly(REPORT.toArray(), FEE.value());
    assertThat(c.view(MM, ModelModule.MODEL_DATANETS, u(id)))
        .containsExactly(List.of(u(open)), List.of(u(1)));

    List<Log> paid =
        r.logs().stream()
            .filter(l -> l.topics().getFirst().equals(ModelModule.TRAINING_FEE_PAID.topic()))
            .toList();
    assertThat(paid).hasSize(4);
    // (modelId, datanetId, contributionId, paidTo, amount); the remainder has contribution 0
    assertThat(ModelModule.TRAINING_FEE_PAID.decode(paid.getLast().topics(), paid.getLast().data()))
        .containsExactly(u(id), u(open), BigInteger.ZERO, curator.address(), rest.value());
    assertThat(paid.getFirst().topics().get(2))
        .isEqualTo(Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(a)))));
    assertThat(r.logs())
        .extracting(l -> l.topics().getFirst())
        .contains(
            ModelModule.MODEL_REGISTERED.topic(), ModelModule.TRAINED_MODEL_REGISTERED.topic());
  }

  @Test
  void twoDatanetsPayTheSumOfTheirFees() {
    setFee(open, FEE);
    setFee(other, Amount.of(999));
    Map<Address, Amount> before = balances();
    byte[] call =
        trained(
            List.of(open, other),
            List.of(1, 1),
            List.of(new Credit(a, 0, 1_000_000), new Credit(otherContribution, 0, 1_000_000)),
            REPORT,
            0);
    assertThat(c.refused(builder, MM, FEE, call, 2))
        .isEqualTo(
            "model: the training fees of the datanets are 10.000000000000001002 OPEN (datanet "
                + open
                + ": 10.000000000000000003, datanet "
                + other
                + ": 0.000000000000000999); send exactly that, sent 10.000000000000000003 OPEN");
    Amount sum = FEE.add(Amount.of(999));
    ExecutedBlock blk = c.block(2, List.of(c.tx(builder, MM, sum, call)));
    assertThat(blk.results().getFirst().success()).isTrue();
    assertThat(delta(before, alice)).isEqualTo(FEE);
    // the other datanet's one contribution is the curator's own
    assertThat(delta(before, curator)).isEqualTo(Amount.of(999));
    assertThat(ModelModule.readTrainingReport(c.state(), 1).orElseThrow().trainingFee())
        .isEqualTo(sum);
  }

  @Test
  void registerModelIsRefusedWhereATrainingFeeIsDueAndZeroFeesNeedNoValue() {
    byte[] plain =
        ModelModule.REGISTER_MODEL.encodeCall(
            "m",
            BASE.toArray(),
            ADAPTER.toArray(),
            List.of(u(open)),
            List.of(u(1)),
            u(0),
            u(0),
            dev(6).address());
    setFee(open, FEE);
    assertThat(c.refused(builder, MM, plain))
        .isEqualTo(
            "model: datanet "
                + open
                + " charges a training fee of 10.000000000000000003 OPEN: register with"
                + " registerTrainedModel, which pays it");
    setFee(open, Amount.ZERO);
    c.ok(builder, MM, plain);
    // a trained model on a free datanet sends nothing and still records its report
    c.ok(builder, MM, onOpen(thirds()));
    assertThat(ModelModule.readTrainingReport(c.state(), 2))
        .contains(new TrainingReport(REPORT, Amount.ZERO));
    assertThat(c.view(MM, ModelModule.TRAINING_REPORT, u(1)))
        .containsExactly(new byte[32], BigInteger.ZERO);
  }

  @Test
  void everyRefusalChangesNothing() {
    setFee(open, FEE);
    String wrong = "model: the training fees of the datanets are 10.000000000000000003 OPEN";
    assertThat(c.refused(builder, MM, FEE.subtract(Amount.of(1)), onOpen(thirds()), 2))
        .startsWith(wrong)
        .endsWith("sent 10.000000000000000002 OPEN");
    assertThat(c.refused(builder, MM, FEE.add(Amount.of(1)), onOpen(thirds()), 2))
        .startsWith(wrong);
    assertThat(c.refused(builder, MM, Amount.ZERO, onOpen(thirds()), 2)).startsWith(wrong);
    assertThat(
            refused(
                List.of(
                    new Credit(a, 0, 500_000),
                    new Credit(b, 1, 333_333),
                    new Credit(cc, 2, 166_666))))
        .isEqualTo("model: the weights of datanet " + open + " sum to 999999 ppm, not 1000000");
    assertThat(refused(List.of(new Credit(a, 0, 1_000_001))))
        .isEqualTo("model: contribution " + a + " has weight 1000001 ppm (want 1..1000000)");
    assertThat(refused(List.of(new Credit(a, 0, 0), new Credit(b, 1, 1_000_000))))
        .isEqualTo("model: contribution " + a + " has weight 0 ppm (want 1..1000000)");
    assertThat(refused(List.of(new Credit(a, 0, 500_000), new Credit(a, 0, 500_000))))
        .isEqualTo("model: contribution " + a + " is credited twice");
    assertThat(refused(List.of()))
        .isEqualTo("model: no contribution of datanet " + open + " is credited");
    assertThat(
            refused(List.of(new Credit(a, 0, 500_000), new Credit(otherContribution, 0, 500_000))))
        .isEqualTo(
            "model: contribution "
                + otherContribution
                + " is in datanet "
                + other
                + ", which the model does not name");
    assertThat(refused(List.of(new Credit(a, 0, 500_000), new Credit(late, 3, 500_000))))
        .isEqualTo(
            "model: contribution "
                + late
                + " is not in version 1 of datanet "
                + open
                + " (acceptance index 3, the version holds the first 3)");
    assertThat(refused(List.of(new Credit(a, 1, 1_000_000))))
        .isEqualTo(
            "model: contribution "
                + a
                + " is not the one accepted at index 1 of datanet "
                + open
                + " (contribution "
                + b
                + " is)");
    assertThat(refused(List.of(new Credit(999, 0, 1_000_000))))
        .isEqualTo("model: unknown contribution 999");
    long pending = c.contributeOk(bob, open, blob("pending"), 10);
    assertThat(refused(List.of(new Credit(pending, 0, 1_000_000))))
        .isEqualTo(
            "model: contribution "
                + pending
                + " is not the one accepted at index 0 of datanet "
                + open
                + " (contribution "
                + a
                + " is)");
    assertThat(
            c.refused(
                builder, MM, FEE, trained(List.of(open), List.of(1), thirds(), Hash.ZERO, 0), 2))
        .isEqualTo("model: the training report hash is zero");
    assertThat(
            c.refused(builder, MM, FEE, trained(List.of(open), List.of(2), thirds(), REPORT, 0), 2))
        .isEqualTo("model: datanet " + open + " has no version 2 (versions: 1)");
    // licences are checked as registerModel checks them
    long research = c.publishedDatanet(curator, "research", Licence.ATTRIBUTION);
    long frozen =
        c.publishedDatanet(curator, "frozen", Licence.COMMERCIAL_USE | Licence.NO_DERIVATIVES);
    long r1 = DatanetModule.acceptedContributions(c.state(), research, 1).getFirst();
    long f1 = DatanetModule.acceptedContributions(c.state(), frozen, 1).getFirst();
    assertThat(
            c.refused(
                builder,
                MM,
                Amount.ZERO,
                trained(
                    List.of(research),
                    List.of(1),
                    List.of(new Credit(r1, 0, 1_000_000)),
                    REPORT,
                    1),
                2))
        .isEqualTo(
            "model: datanet "
                + research
                + " does not allow commercial use: a paid model cannot be trained on it");
    assertThat(
            c.refused(
                builder,
                MM,
                Amount.ZERO,
                trained(
                    List.of(frozen), List.of(1), List.of(new Credit(f1, 0, 1_000_000)), REPORT, 0),
                2))
        .isEqualTo(
            "model: datanet "
                + frozen
                + " is licensed no derivatives: a model trained on it is a derivative");
    assertThat(ModelModule.modelCount(c.state())).isZero();
    assertThat(c.state().balance(MM)).isEqualTo(Amount.ZERO);
    // a free research model on it is fine
    c.ok(
        builder,
        MM,
        trained(List.of(research), List.of(1), List.of(new Credit(r1, 0, 1_000_000)), REPORT, 0));
  }

  private String refused(List<Credit> credits) {
    return c.refused(builder, MM, FEE, onOpen(credits), 2);
  }

  /** The builder credits its own contribution: its share goes to the treasury, not back to it. */
  @Test
  void aRegistrantCreditingItselfGetsNothingBack() {
    long mine = c.contributeOk(builder, open, blob("mine"), 100);
    c.ok(curator, DN, approve(mine, 80));
    c.ok(curator, DN, publish(open, c.offChainRoot(open), blob("index 2")));
    setFee(open, FEE);
    Address treasury = c.chain.genesis.treasury();
    Map<Address, Amount> before = balances();
    Amount treasuryBefore = c.state().balance(treasury);
    ExecutedBlock blk =
        c.block(
            2,
            List.of(
                c.tx(
                    builder,
                    MM,
                    FEE,
                    trained(
                        List.of(open),
                        List.of(2),
                        List.of(new Credit(a, 0, 1), new Credit(mine, 4, 999_999)),
                        REPORT,
                        0))));
    TransactionResult r = blk.results().getFirst();
    assertThat(r.success()).as("%s", r.revertReason()).isTrue();
    Amount baseFee = BlockEnvironment.of(blk.block().header()).baseFee();
    Amount gas = r.effectiveGasPrice().multiply(r.gasUsed());
    Amount toTreasury = share(FEE, 999_999);
    assertThat(c.state().balance(treasury))
        .isEqualTo(treasuryBefore.add(toTreasury).add(baseFee.multiply(r.gasUsed())));
    assertThat(before.get(builder.address()).subtract(c.state().balance(builder.address())))
        .isEqualTo(FEE.add(gas));
    assertThat(delta(before, alice)).isEqualTo(share(FEE, 1));
    assertThat(delta(before, curator)).isEqualTo(FEE.subtract(share(FEE, 1)).subtract(toTreasury));
  }

  /**
   * A penalized contribution's share goes to the datanet owner: crediting it moves money neither to
   * its contributor nor back to the registrant.
   */
  @Test
  void aPenalizedContributionsShareGoesToTheDatanetOwner() {
    setFee(open, FEE);
    WorldState s = c.chain.states.open(c.chain.head().stateRoot(), c.chain.head().number());
    DirectCall.run(
        new DatanetModule(EconomyParameters.DEVNET),
        s,
        ModuleRegistry.moduleAddress(7),
        c.chain.head().number() + 1,
        c.now() + 2,
        DatanetModule.PENALIZE.encodeCall(u(b)));
    assertThat(DatanetModule.earns(s, b)).isFalse();
    Map<Address, Amount> before = balances(s);
    ModelModule module = new ModelModule(c.chain.genesis.treasury());
    DirectCall.Result r =
        DirectCall.run(
            module,
            s,
            builder.address(),
            c.chain.head().number() + 1,
            c.now() + 2,
            onOpen(List.of(new Credit(a, 0, 1), new Credit(b, 1, 999_999))),
            FEE);
    assertThat(r.logs()).isNotEmpty();
    assertThat(s.balance(bob.address())).isEqualTo(before.get(bob.address()));
    assertThat(s.balance(alice.address()))
        .isEqualTo(before.get(alice.address()).add(share(FEE, 1)));
    assertThat(s.balance(curator.address()))
        .isEqualTo(before.get(curator.address()).add(FEE.subtract(share(FEE, 1))));
    assertThat(s.balance(builder.address())).isEqualTo(before.get(builder.address()).subtract(FEE));
    assertThat(ModelModule.audit(s)).isEmpty();
    // the refused value goes back: a direct call that reverts leaves the state as it was
    Amount builderNow = s.balance(builder.address());
    assertThatThrownBy(
            () ->
                DirectCall.run(
                    module,
                    s,
                    builder.address(),
                    c.chain.head().number() + 1,
                    c.now() + 2,
                    onOpen(List.of(new Credit(b, 1, 1_000_000))),
                    FEE.add(Amount.of(1))))
        .isInstanceOf(ModuleRevert.class);
    assertThat(s.balance(builder.address())).isEqualTo(builderNow);
  }

  private static Amount share(Amount fee, long ppm) {
    return fee.multiply(ppm).divide(1_000_000);
  }

  private Map<Address, Amount> balances() {
    return balances(c.state());
  }

  private Map<Address, Amount> balances(StateReader s) {
    Map<Address, Amount> out = new HashMap<>();
    for (KeyPair k : new ArrayList<>(List.of(curator, alice, bob, builder, carol))) {
      out.put(k.address(), s.balance(k.address()));
    }
    return out;
  }

  private Amount delta(Map<Address, Amount> before, KeyPair who) {
    return c.state().balance(who.address()).subtract(before.get(who.address()));
  }
}
