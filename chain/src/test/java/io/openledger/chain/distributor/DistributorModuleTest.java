package io.openledger.chain.distributor;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.distributor.ClaimTree.Entry;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.state.SupplyAudit;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingModule;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The distributor through real signed transactions on a devnet whose genesis holds a distribution
 * of 2,000 OPEN to three dev accounts (1,000 + 500 + 250), deadline 1,000 s after genesis, vesting
 * 100 s cliff then 400 s linear, the rest back to the community pool.
 */
class DistributorModuleTest {
  private static final long T0 = TestChain.GENESIS_TIME;
  private static final Address POOL = Address.fromHex("0x1000000000000000000000000000000000000001");
  private static final KeyPair ALICE = EconomyChain.dev(1);
  private static final KeyPair BOB = EconomyChain.dev(2);
  private static final KeyPair CAROL = EconomyChain.dev(3);
  private static final KeyPair MALLORY = EconomyChain.dev(4);
  private static final List<Entry> LIST =
      List.of(
          new Entry(ALICE.address(), Amount.open(1_000)),
          new Entry(BOB.address(), Amount.open(500)),
          new Entry(CAROL.address(), Amount.open(250)));
  private static final ClaimTree TREE = ClaimTree.of(LIST);
  private static final Distribution D =
      new Distribution(TREE.root(), Amount.open(2_000), T0 + 1_000, POOL, 100, 400);

  private final EconomyChain c =
      new EconomyChain(
          new TestChain(
              new InMemoryKeyValueStore(), Genesis.devnet().withTimestamp(T0).withDistributor(D)));

  private static byte[] claim(int i) {
    return claim(LIST.get(i).account(), LIST.get(i).amount(), TREE.proof(i));
  }

  private static byte[] claim(Address account, Amount amount, List<Hash> proof) {
    return DistributorModule.CLAIM.encodeCall(
        account, amount.value(), proof.stream().map(Hash::toArray).toList());
  }

  private void audit() {
    assertThat(SupplyAudit.check(c.state())).isEmpty();
    assertThat(DistributorModule.audit(c.state(), D)).isEmpty();
  }

  @Test
  void genesisFundsTheDistributorFromTheCommunityShare() {
    assertThat(c.state().balance(DistributorModule.ADDRESS)).isEqualTo(Amount.open(2_000));
    assertThat(VestingModule.read(c.state(), POOL).orElseThrow().total())
        .isEqualTo(Amount.open(517_090_000 - 2_000));
    assertThat(c.view(DistributorModule.ADDRESS, DistributorModule.MERKLE_ROOT))
        .containsExactly((Object) TREE.root().toArray());
    assertThat(c.view(DistributorModule.ADDRESS, DistributorModule.VESTING_TERMS))
        .containsExactly(u(T0), u(100), u(400));
    audit();
  }

  @Test
  void aClaimVestsOnTheGenesisCalendarAndReleasesOnlyWhatHasVested() {
    Amount lockedBefore = c.state().supply().locked();
    c.ok(MALLORY, DistributorModule.ADDRESS, claim(0)); // anyone may send alice's claim
    audit();
    assertThat(c.view(DistributorModule.ADDRESS, DistributorModule.IS_CLAIMED, ALICE.address()))
        .containsExactly(true);
    assertThat(c.state().supply().locked()).isEqualTo(lockedBefore.add(Amount.open(1_000)));
    assertThat(c.state().balance(DistributorModule.ADDRESS)).isEqualTo(Amount.open(1_000));
    assertThat(DistributorModule.claimedTotal(c.state())).isEqualTo(Amount.open(1_000));
    // the cliff ends at genesis + 100; nothing can be released before
    assertThat(c.refused(ALICE, DistributorModule.ADDRESS, DistributorModule.RELEASE.encodeCall()))
        .isEqualTo("distributor: nothing has vested yet (vesting starts at " + (T0 + 100) + ")");
    c.block(T0 + 300 - c.now(), List.of()); // half of the 400 s has passed
    Amount before = c.state().balance(ALICE.address());
    TransactionResult r =
        c.ok(ALICE, DistributorModule.ADDRESS, DistributorModule.RELEASE.encodeCall());
    long at = c.now();
    Amount vested = Amount.of(Amount.open(1_000).value().multiply(u(at - T0 - 100)).divide(u(400)));
    Amount fee = r.effectiveGasPrice().multiply(r.gasUsed());
    assertThat(c.state().balance(ALICE.address())).isEqualTo(before.add(vested).subtract(fee));
    assertThat(DistributorModule.schedule(c.state(), ALICE.address()).orElseThrow().claimed())
        .isEqualTo(vested);
    audit();
    c.block(T0 + 600 - c.now(), List.of());
    c.ok(ALICE, DistributorModule.ADDRESS, DistributorModule.RELEASE.encodeCall());
    assertThat(c.refused(ALICE, DistributorModule.ADDRESS, DistributorModule.RELEASE.encodeCall()))
        .isEqualTo("distributor: nothing to release");
    assertThat(DistributorModule.schedule(c.state(), ALICE.address()).orElseThrow().locked())
        .isEqualTo(Amount.ZERO);
    audit();
  }

  @Test
  void doubleClaimsForgedProofsAndWrongAmountsAreRefused() {
    c.ok(BOB, DistributorModule.ADDRESS, claim(1));
    assertThat(c.refused(BOB, DistributorModule.ADDRESS, claim(1)))
        .isEqualTo("distributor: " + BOB.address() + " has claimed already");
    // mallory is not in the list: bob's proof, alice's amount, one more base unit all fail
    assertThat(
            c.refused(
                MALLORY,
                DistributorModule.ADDRESS,
                claim(MALLORY.address(), Amount.open(1_000), TREE.proof(0))))
        .isEqualTo(
            "distributor: invalid proof: "
                + MALLORY.address()
                + " with "
                + Amount.open(1_000)
                + " base units is not in the published list of root "
                + TREE.root());
    assertThat(
            c.refused(
                CAROL,
                DistributorModule.ADDRESS,
                claim(CAROL.address(), Amount.open(250).add(Amount.of(1)), TREE.proof(2))))
        .startsWith("distributor: invalid proof: " + CAROL.address());
    assertThat(
            c.refused(
                CAROL, DistributorModule.ADDRESS, claim(CAROL.address(), Amount.ZERO, List.of())))
        .isEqualTo("distributor: claim of zero");
    assertThat(
            c.refused(MALLORY, DistributorModule.ADDRESS, DistributorModule.RELEASE.encodeCall()))
        .isEqualTo("distributor: " + MALLORY.address() + " has claimed nothing");
    assertThat(c.state().balance(DistributorModule.ADDRESS)).isEqualTo(Amount.open(1_500));
    audit();
  }

  @Test
  void afterTheDeadlineClaimsAreRefusedAndTheRestIsSweptBackOnce() {
    c.ok(ALICE, DistributorModule.ADDRESS, claim(0));
    assertThat(c.refused(MALLORY, DistributorModule.ADDRESS, DistributorModule.SWEEP.encodeCall()))
        .startsWith("distributor: claims are open until " + (T0 + 1_000) + " (now ");
    c.block(T0 + 1_001 - c.now(), List.of());
    assertThat(c.refused(BOB, DistributorModule.ADDRESS, claim(1)))
        .isEqualTo(
            "distributor: the claim period ended at "
                + (T0 + 1_000)
                + " (now "
                + (T0 + 1_003)
                + ")");
    Amount pool = c.state().balance(POOL);
    c.ok(MALLORY, DistributorModule.ADDRESS, DistributorModule.SWEEP.encodeCall());
    assertThat(c.state().balance(POOL)).isEqualTo(pool.add(Amount.open(1_000)));
    assertThat(c.state().balance(DistributorModule.ADDRESS)).isEqualTo(Amount.ZERO);
    assertThat(c.view(DistributorModule.ADDRESS, DistributorModule.SWEPT))
        .containsExactly(true, Amount.open(1_000).value());
    assertThat(c.refused(MALLORY, DistributorModule.ADDRESS, DistributorModule.SWEEP.encodeCall()))
        .isEqualTo("distributor: swept already");
    // alice's vested claim is hers still
    c.ok(ALICE, DistributorModule.ADDRESS, DistributorModule.RELEASE.encodeCall());
    audit();
  }

  @Test
  void aChainWithoutADistributionRefusesClaims() {
    EconomyChain plain = new EconomyChain();
    assertThat(plain.refused(ALICE, DistributorModule.ADDRESS, claim(0)))
        .isEqualTo("distributor: this chain has no distribution (its genesis names none)");
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }
}
