package io.openledger.chain.datanet;

import static io.openledger.chain.datanet.EconomyChain.BOND;
import static io.openledger.chain.datanet.EconomyChain.approve;
import static io.openledger.chain.datanet.EconomyChain.blob;
import static io.openledger.chain.datanet.EconomyChain.contribute;
import static io.openledger.chain.datanet.EconomyChain.dev;
import static io.openledger.chain.datanet.EconomyChain.u;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.economy.EconomyParameters;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Contribution bonds and penalties (docs/economy.md, "Contribution bonds and penalties"): the exact
 * bond, its return on rejection, {@code penalize} by the challenge module only, the penalty score
 * and who {@link DatanetModule#earns}.
 */
class DatanetBondTest {
  private static final Address DN = DatanetModule.ADDRESS;
  private static final Address CHALLENGES = ModuleRegistry.moduleAddress(7);
  private static final DatanetModule MODULE = new DatanetModule(EconomyParameters.DEVNET);

  private final EconomyChain c = new EconomyChain();
  private final KeyPair owner = dev(0);
  private final KeyPair alice = dev(2);
  private final KeyPair bob = dev(3);

  @Test
  void aContributionSendsExactlyTheBond() {
    assertThat(BOND).isEqualTo(Amount.parseOpen("0.1"));
    long d = c.createDatanet(owner, "notes", Licence.COMMERCIAL_USE);
    byte[] call = contribute(d, blob("a"), 1_000);
    String want =
        "datanet: a contribution needs a bond of exactly 0.1 OPEN (contributionBond), sent ";
    assertThat(c.refused(alice, DN, Amount.ZERO, call, 2)).isEqualTo(want + "0 OPEN");
    assertThat(c.refused(alice, DN, BOND.subtract(Amount.of(1)), call, 2))
        .isEqualTo(want + "0.099999999999999999 OPEN");
    assertThat(c.refused(alice, DN, BOND.add(Amount.of(1)), call, 2))
        .isEqualTo(want + "0.100000000000000001 OPEN");
    assertThat(DatanetModule.contributionCount(c.state())).isZero();
    assertThat(c.state().balance(DN)).isEqualTo(Amount.ZERO);

    Amount before = c.state().balance(alice.address());
    TransactionResult r = c.block(2, List.of(c.tx(alice, DN, BOND, call))).results().getFirst();
    assertThat(r.success()).isTrue();
    assertThat(c.state().balance(alice.address()))
        .isEqualTo(before.subtract(BOND).subtract(r.effectiveGasPrice().multiply(r.gasUsed())));
    assertThat(c.state().balance(DN)).isEqualTo(BOND);
    assertThat(DatanetModule.readBond(c.state(), 1)).isEqualTo(new ContributionBond(BOND, false));
    assertThat(c.view(DN, DatanetModule.CONTRIBUTION_BOND, u(1)))
        .containsExactly(BOND.value(), false);
    assertThat(c.view(DN, DatanetModule.CONTRIBUTION_TERMS)).containsExactly(BOND.value(), u(3));
    assertThat(c.viewRefused(DN, DatanetModule.CONTRIBUTION_BOND.encodeCall(u(2))))
        .isEqualTo("datanet: unknown contribution 2");
    audit(c.state());
  }

  @Test
  void aRejectedContributionsBondGoesBackAndAnAcceptedOneStays() {
    long d = c.createDatanet(owner, "notes", Licence.COMMERCIAL_USE);
    long kept = c.contributeOk(alice, d, blob("kept"), 10);
    long refused = c.contributeOk(alice, d, blob("refused"), 10);
    assertThat(c.state().balance(DN)).isEqualTo(BOND.multiply(2));
    c.ok(owner, DN, approve(kept, 50));
    Amount before = c.state().balance(alice.address());
    c.ok(owner, DN, DatanetModule.REJECT.encodeCall(u(refused), "off topic"));
    assertThat(c.state().balance(alice.address())).isEqualTo(before.add(BOND));
    assertThat(c.state().balance(DN)).isEqualTo(BOND);
    assertThat(DatanetModule.readBond(c.state(), refused)).isEqualTo(ContributionBond.NONE);
    assertThat(DatanetModule.readBond(c.state(), kept))
        .isEqualTo(new ContributionBond(BOND, false));
    assertThat(DatanetModule.earns(c.state(), kept)).isTrue();
    audit(c.state());
  }

  @Test
  void onlyTheChallengeModulePenalizesAndTheBondGoesToIt() {
    long d = c.createDatanet(owner, "notes", Licence.COMMERCIAL_USE);
    long a1 = accepted(alice, d, "a1");
    long a2 = accepted(alice, d, "a2");
    long b1 = accepted(bob, d, "b1");
    long pending = c.contributeOk(alice, d, blob("pending"), 10);
    long rejected = c.contributeOk(alice, d, blob("rejected"), 10);
    c.ok(owner, DN, DatanetModule.REJECT.encodeCall(u(rejected), "no"));

    // a real transaction from anyone else, the datanet owner included
    String onlyModule =
        "datanet: only the challenge module (" + CHALLENGES + ") penalizes contributions";
    assertThat(c.refused(alice, DN, DatanetModule.PENALIZE.encodeCall(u(a1))))
        .isEqualTo(onlyModule);
    assertThat(c.refused(owner, DN, DatanetModule.PENALIZE.encodeCall(u(a1))))
        .isEqualTo(onlyModule);
    assertThat(c.refused(owner, DN, BOND, DatanetModule.PENALIZE.encodeCall(u(a1)), 2))
        .isEqualTo("datanet: penalize is not payable");

    WorldState s = head();
    assertThat(revert(s, ModuleRegistry.moduleAddress(6), a1)).isEqualTo(onlyModule);
    assertThat(revert(s, CHALLENGES, pending))
        .isEqualTo("datanet: contribution " + pending + " is pending, not accepted");
    assertThat(revert(s, CHALLENGES, rejected))
        .isEqualTo("datanet: contribution " + rejected + " is rejected, not accepted");
    assertThat(revert(s, CHALLENGES, 99)).isEqualTo("datanet: unknown contribution 99");
    assertThat(s.balance(DN)).isEqualTo(BOND.multiply(4));

    Amount moduleBefore = s.balance(CHALLENGES);
    DirectCall.Result r = penalize(s, a1);
    assertThat(DatanetModule.PENALIZE.decodeResult(r.returnData())).containsExactly(BOND.value());
    assertThat(s.balance(CHALLENGES)).isEqualTo(moduleBefore.add(BOND));
    assertThat(s.balance(DN)).isEqualTo(BOND.multiply(3));
    DirectCall.Emitted log = r.logs().getFirst();
    assertThat(log.topics())
        .containsExactly(
            DatanetModule.CONTRIBUTION_PENALIZED.topic(),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(a1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(alice.address()))));
    assertThat(Abi.decode(List.of(AbiType.UINT256, AbiType.parse("uint32")), log.data()))
        .containsExactly(BOND.value(), u(1));
    assertThat(DatanetModule.readBond(s, a1)).isEqualTo(new ContributionBond(Amount.ZERO, true));
    assertThat(DatanetModule.readPenaltyScore(s, alice.address()))
        .isEqualTo(new PenaltyScore(1, false));
    assertThat(view(s, DatanetModule.CONTRIBUTION_BOND, u(a1)))
        .containsExactly(BigInteger.ZERO, true);
    assertThat(view(s, DatanetModule.PENALTY_SCORE, alice.address())).containsExactly(u(1), false);
    assertThat(view(s, DatanetModule.PENALTY_SCORE, bob.address()))
        .containsExactly(BigInteger.ZERO, false);
    audit(s);

    // the penalized contribution earns nothing; the contributor's others still do, under the
    // threshold
    assertThat(DatanetModule.earns(s, a1)).isFalse();
    assertThat(DatanetModule.earns(s, a2)).isTrue();
    assertThat(DatanetModule.standing(s, b1))
        .contains(new ContributionStanding(bob.address(), true));
    assertThat(DatanetModule.standing(s, 99)).isEmpty();
    assertThatThrownBy(() -> DatanetModule.earns(s, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown contribution 99");

    assertThat(revert(s, CHALLENGES, a1))
        .isEqualTo("datanet: contribution " + a1 + " is already penalized");
    assertThat(DatanetModule.readPenaltyScore(s, alice.address()).score()).isEqualTo(1);
    audit(s);
  }

  @Test
  void aContributorAtThePenaltyThresholdEarnsNothingFromAnyContribution() {
    long d = c.createDatanet(owner, "notes", Licence.COMMERCIAL_USE);
    long[] mine = new long[4];
    for (int i = 0; i < mine.length; i++) {
      mine[i] = accepted(alice, d, "a" + i);
    }
    long bobs = accepted(bob, d, "b");
    WorldState s = head();
    int threshold = EconomyParameters.DEVNET.penaltyThreshold();
    assertThat(threshold).isEqualTo(3);
    for (int i = 0; i < threshold; i++) {
      assertThat(DatanetModule.earns(s, mine[3])).isTrue();
      penalize(s, mine[i]);
      assertThat(DatanetModule.readPenaltyScore(s, alice.address()))
          .isEqualTo(new PenaltyScore(i + 1, i + 1 >= threshold));
    }
    // mine[3] was never flagged, but its contributor is barred
    assertThat(DatanetModule.readBond(s, mine[3])).isEqualTo(new ContributionBond(BOND, false));
    assertThat(DatanetModule.earns(s, mine[3])).isFalse();
    assertThat(DatanetModule.earns(s, bobs)).isTrue();
    // the last one can still be penalized: its bond goes, the score grows past the threshold
    penalize(s, mine[3]);
    assertThat(DatanetModule.readPenaltyScore(s, alice.address()))
        .isEqualTo(new PenaltyScore(4, true));
    assertThat(s.balance(DN)).isEqualTo(BOND);
    audit(s);
  }

  @Test
  void anAuditNamesAMismatch() {
    WorldState s = head();
    assertThat(DatanetModule.audit(s)).isEmpty();
    s.credit(DN, Amount.of(1));
    assertThat(DatanetModule.audit(s)).contains("datanet module holds 1 but holds bonds of 0");
  }

  // ---- helpers ----

  private long accepted(KeyPair who, long datanet, String name) {
    long id = c.contributeOk(who, datanet, blob(name), 10);
    c.ok(owner, DN, approve(id, 60));
    return id;
  }

  /** The head's state, writable: direct calls change it, the chain does not see them. */
  private WorldState head() {
    return c.chain.states.open(c.chain.head().stateRoot(), c.chain.head().number());
  }

  private DirectCall.Result penalize(WorldState s, long id) {
    return DirectCall.run(
        MODULE,
        s,
        CHALLENGES,
        c.chain.head().number() + 1,
        c.now() + 2,
        DatanetModule.PENALIZE.encodeCall(u(id)));
  }

  /** The reason {@code penalize(id)} by {@code caller} reverts with; nothing changes. */
  private String revert(WorldState s, Address caller, long id) {
    Amount before = s.balance(DN);
    try {
      DirectCall.run(
          MODULE,
          s,
          caller,
          c.chain.head().number() + 1,
          c.now() + 2,
          DatanetModule.PENALIZE.encodeCall(u(id)));
    } catch (ModuleRevert e) {
      assertThat(s.balance(DN)).isEqualTo(before);
      return e.reason();
    }
    throw new AssertionError("penalize(" + id + ") by " + caller + " succeeded");
  }

  private List<Object> view(
      WorldState s, io.openledger.chain.module.AbiFunction f, Object... args) {
    return f.decodeResult(
        DirectCall.run(MODULE, s, Address.ZERO, 1, c.now(), f.encodeCall(args)).returnData());
  }

  private static void audit(StateReader s) {
    assertThat(DatanetModule.audit(s)).isEmpty();
    assertThat(DatanetModule.bondsHeld(s)).isEqualTo(s.balance(DN));
  }
}
