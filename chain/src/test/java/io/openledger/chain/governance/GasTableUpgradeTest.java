package io.openledger.chain.governance;

import static io.openledger.chain.governance.GovernanceChain.GOV;
import static io.openledger.chain.governance.GovernanceChain.PARAMS;
import static io.openledger.chain.governance.GovernanceChain.draft;
import static io.openledger.chain.governance.GovernanceChain.vote;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.GasScheduleV1;
import io.openledger.chain.exec.GasScheduleV2;
import io.openledger.chain.exec.ProtocolSchedule;
import io.openledger.chain.exec.ReplayResult;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.governance.GovernanceChain.Draft;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A proposal schedules gas table 2 at a block: every block before it is priced by table 1, every
 * block from it by table 2, and a follower replaying the chain from genesis agrees on every block
 * (a follower whose software ignores the schedule disagrees exactly at the activation block).
 */
class GasTableUpgradeTest {
  private final GovernanceChain g = new GovernanceChain();
  private final KeyPair alice = EconomyChain.dev(0);

  @Test
  void blocksBeforeTheActivationUseTheOldTableAndFromItTheNewAndAFollowerAgrees() {
    g.lockAndDelegate(alice, 20_000);
    assertThat(g.refused(alice, GOV, Amount.ZERO, upgrade(7, 1_000).propose()))
        .isEqualTo("governance: action 0: unknown gas table version 7 (known: 1, 2)");

    // too soon by the time it executes: the execution reverts, nothing is scheduled
    Draft soon = upgrade(2, head() + 12);
    pass(soon);
    assertThat(g.refused(6, alice, GOV, Amount.ZERO, soon.execute()))
        .startsWith("governance: action 0 failed: parameters: gas table 2 at block ")
        .contains("is too soon: the earliest is block ");
    assertThat(ParameterRegistryModule.gasTables(g.state())).isEmpty();

    long activation = head() + 30;
    Draft d = upgrade(2, activation);
    pass(d);
    g.ok(6, alice, GOV, Amount.ZERO, d.execute());
    assertThat(ParameterRegistryModule.gasTables(g.state()))
        .containsExactly(new ParameterRegistryModule.GasTableUpgrade(2, activation, d.id()));
    List<Object> view = g.c.view(PARAMS, ParameterRegistryModule.GAS_TABLES);
    assertThat(view.get(1)).isEqualTo(List.of(BigInteger.valueOf(activation)));

    while (head() < activation - 2) {
      g.block(1, List.of());
    }
    long before = readOneParameter().gasUsed(); // block activation - 1: table 1
    assertThat(head()).isEqualTo(activation - 1);
    long after = readOneParameter().gasUsed(); // block activation: table 2
    assertThat(head()).isEqualTo(activation);
    // the call reads one storage slot: it costs exactly the difference of the two tables' price
    assertThat(before - after)
        .isEqualTo(GasScheduleV1.INSTANCE.storageRead() - GasScheduleV2.INSTANCE.storageRead());
    long later = readOneParameter().gasUsed();
    assertThat(later).isEqualTo(after);

    TestChain leader = g.c.chain;
    TestChain follower = new TestChain(new InMemoryKeyValueStore(), leader.genesis);
    for (ExecutedBlock b : leader.produced()) {
      assertThat(follower.follow(b.block()))
          .as("block %d", b.block().header().number())
          .isInstanceOf(ReplayResult.Match.class);
    }
    assertThat(follower.head().stateRoot()).isEqualTo(leader.head().stateRoot());

    // software that ignores the schedule computes other gas from the activation block on
    TestChain stale =
        new TestChain(
            new InMemoryKeyValueStore(),
            leader.genesis,
            ProtocolSchedule.of(leader.genesis.rules()));
    ReplayResult last = null;
    for (ExecutedBlock b : leader.produced()) {
      last = stale.follow(b.block());
      if (last instanceof ReplayResult.Mismatch) {
        assertThat(b.block().header().number()).isEqualTo(activation);
        break;
      }
    }
    assertThat(last).isInstanceOf(ReplayResult.Mismatch.class);
  }

  @Test
  void onlyAnExecutedProposalSchedulesAGasTable() {
    assertThat(
            g.refused(
                alice,
                PARAMS,
                Amount.ZERO,
                ParameterRegistryModule.SET_GAS_TABLE.encodeCall(
                    BigInteger.TWO, BigInteger.valueOf(head() + 100))))
        .isEqualTo(
            "parameters: only the governance module "
                + GovernanceModule.ADDRESS
                + " schedules a gas table, through an executed proposal");
  }

  private TransactionResult readOneParameter() {
    return g.ok(
        1,
        alice,
        PARAMS,
        Amount.ZERO,
        ParameterRegistryModule.PARAMETER.encodeCall((Object) ParameterSpec.key("ownerBps")));
  }

  private long head() {
    return g.c.chain.head().number();
  }

  private static Draft upgrade(long version, long block) {
    return draft(
        "gas table " + version + " at " + block,
        PARAMS,
        ParameterRegistryModule.SET_GAS_TABLE.encodeCall(
            BigInteger.valueOf(version), BigInteger.valueOf(block)));
  }

  private void pass(Draft d) {
    g.ok(alice, GOV, Amount.ZERO, d.propose());
    g.ok(3, alice, GOV, Amount.ZERO, vote(d.id(), 1));
    g.block(25, List.of());
    g.ok(alice, GOV, Amount.ZERO, d.queue());
  }
}
