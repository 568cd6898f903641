package io.openledger.node.economy;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.governance.GovernanceModule;
import io.openledger.chain.governance.ParameterRegistryModule;
import io.openledger.chain.governance.ParameterSpec;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's off-chain split follows governance: a paid request served before a proposal halving
 * the platform share is executed is batched with the genesis shares (10% to the treasury), one
 * served after with the new shares (5%), and the batch the chain takes holds exactly that split.
 */
class GovernedFeesE2ETest {
  @TempDir Path dir;

  @Test
  void thePaidRecordAfterAnExecutedShareChangeIsSplitWithTheNewShares() throws Exception {
    try (EconomyNode node = EconomyNode.start(dir, new Batcher.Config(10_000, 1_000, false))) {
      PaidModelFixture paid = PaidModelFixture.setUp(node, dir, List.of("Once upon a time"));
      String body = PaidModelFixture.completion(paid.model(), "Once upon a time");
      Address treasury = node.genesis.treasury();

      assertThat(paid.pay(node, body).status()).isEqualTo(200);
      Batch before = post(node, 0);
      assertThat(share(before, treasury)).isEqualTo(1_000);

      govern(
          node,
          List.of(
              ParameterRegistryModule.SET_PARAMETER.encodeCall(
                  ParameterSpec.key("platformBps"), BigInteger.valueOf(500)),
              ParameterRegistryModule.SET_PARAMETER.encodeCall(
                  ParameterSpec.key("ownerBps"), BigInteger.valueOf(2_500))));

      assertThat(paid.pay(node, body).status()).isEqualTo(200);
      Batch after = post(node, 1);
      assertThat(share(after, treasury)).isEqualTo(500);
    }
  }

  /**
   * The treasury's part of a batch's payouts, basis points of its total, rounded to the nearest.
   */
  private static long share(Batch b, Address treasury) {
    BigInteger t =
        b.payouts().stream()
            .filter(p -> p.account().equals(treasury))
            .map(Payout::amount)
            .reduce(Amount.ZERO, Amount::add)
            .value();
    return t.multiply(BigInteger.valueOf(10_000))
        .add(b.total().value().divide(BigInteger.TWO))
        .divide(b.total().value())
        .longValueExact();
  }

  private static Batch post(EconomyNode node, long seq) throws Exception {
    node.economy().batcher().flush().orElseThrow();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (InferenceModule.batch(node.state(), EconomyNode.OPERATOR.address(), seq).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("batch " + seq + " was not posted");
      }
      Thread.sleep(50);
    }
    return InferenceModule.batch(node.state(), EconomyNode.OPERATOR.address(), seq).orElseThrow();
  }

  /** Locks, proposes {@code calls} to the registry, votes, queues and executes (devnet delays). */
  private static void govern(EconomyNode node, List<byte[]> calls) throws Exception {
    KeyPair voter = EconomyNode.dev(2);
    Address gov = GovernanceModule.ADDRESS;
    node.ok(voter, gov, GovernanceModule.LOCK.encodeCall(), Amount.open(20_000));
    node.ok(voter, gov, GovernanceModule.DELEGATE.encodeCall(voter.address()));
    node.awaitChainTime(now(node) + 1);
    List<Address> targets = calls.stream().map(c -> ParameterRegistryModule.ADDRESS).toList();
    List<BigInteger> values = calls.stream().map(c -> BigInteger.ZERO).toList();
    String text = "halve the platform share";
    byte[] hash = GovernanceModule.descriptionHash(text);
    BigInteger id =
        GovernanceModule.hashProposal(new GovernanceModule.Actions(targets, values, calls), hash);
    node.ok(voter, gov, GovernanceModule.PROPOSE.encodeCall(targets, values, calls, text));
    long snapshot = GovernanceModule.proposal(node.state(), id).orElseThrow().snapshot();
    node.awaitChainTime(snapshot);
    node.ok(voter, gov, GovernanceModule.CAST_VOTE.encodeCall(id, BigInteger.ONE));
    node.awaitChainTime(GovernanceModule.proposal(node.state(), id).orElseThrow().deadline());
    node.ok(voter, gov, GovernanceModule.QUEUE.encodeCall(targets, values, calls, hash));
    node.awaitChainTime(GovernanceModule.proposal(node.state(), id).orElseThrow().eta());
    node.ok(voter, gov, GovernanceModule.EXECUTE.encodeCall(targets, values, calls, hash));
  }

  private static long now(EconomyNode node) {
    return node.ledger()
        .chain()
        .block(io.openledger.chain.ledger.BlockRef.LATEST)
        .orElseThrow()
        .timestamp();
  }
}
