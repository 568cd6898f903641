package io.openledger.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.EconomyChain;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sets up, through real transactions, what a paid batch now needs: a model on a published datanet,
 * served by its operator on the staking module, with the operator's stake bonded.
 */
public final class StakedModels {
  /** Sends one transaction in its own block; the test class keeps the nonces. */
  @FunctionalInterface
  public interface Sender {
    TransactionResult send(KeyPair from, Address to, Amount value, byte[] data);
  }

  private final Sender sender;

  public StakedModels(Sender sender) {
    this.sender = sender;
  }

  private List<Object> ok(KeyPair from, Address to, Amount value, byte[] data, String what) {
    TransactionResult r = sender.send(from, to, value, data);
    assertThat(r.success()).as("%s: %s", what, r.revertReason()).isTrue();
    return List.of(r.returnData());
  }

  private long id(KeyPair from, Address to, byte[] data, String what) {
    byte[] out = (byte[]) ok(from, to, EconomyChain.valueOf(to, data), data, what).getFirst();
    return new BigInteger(1, java.util.Arrays.copyOf(out, 32)).longValue();
  }

  /** A datanet of {@code curator} with one accepted contribution and version 1 published. */
  public long datanet(KeyPair curator, String name) {
    Address dm = DatanetModule.ADDRESS;
    long d =
        id(
            curator,
            dm,
            DatanetModule.CREATE_DATANET.encodeCall(
                name, "about " + name, List.of("t"), u(0), u(Licence.COMMERCIAL_USE), "rules"),
            "createDatanet");
    Hash blob = Hash.keccak256((name + " data").getBytes(StandardCharsets.UTF_8));
    long c =
        id(
            curator,
            dm,
            DatanetModule.CONTRIBUTE.encodeCall(u(d), blob.toArray(), u(1_000), blob.toArray()),
            "contribute");
    ok(curator, dm, Amount.ZERO, DatanetModule.APPROVE.encodeCall(u(c), u(90)), "approve");
    Hash root = ContributionsMerkle.root(List.of(new ContributionsMerkle.Leaf(c, blob)));
    ok(
        curator,
        dm,
        Amount.ZERO,
        DatanetModule.PUBLISH_VERSION.encodeCall(u(d), root.toArray(), blob.toArray()),
        "publishVersion");
    return d;
  }

  /** A paid model of {@code owner} on {@code datanet} v1 with {@code operator}; returns its id. */
  public long model(KeyPair owner, long datanet, Address operator) {
    Hash base = Hash.keccak256("base".getBytes(StandardCharsets.UTF_8));
    return id(
        owner,
        ModelModule.ADDRESS,
        ModelModule.REGISTER_MODEL.encodeCall(
            "m",
            base.toArray(),
            base.toArray(),
            List.of(u(datanet)),
            List.of(u(1)),
            u(10),
            u(20),
            operator),
        "registerModel");
  }

  /** {@code operator} serves {@code modelId} and bonds {@code stake} flexible. */
  public void serveAndStake(KeyPair operator, long modelId, Amount stake) {
    ok(
        operator,
        StakingModule.ADDRESS,
        Amount.ZERO,
        StakingModule.SERVE.encodeCall(u(modelId)),
        "serve");
    if (!stake.isZero()) {
      ok(
          operator,
          StakingModule.ADDRESS,
          stake,
          StakingModule.STAKE.encodeCall(operator.address(), u(0)),
          "stake");
    }
  }

  /** All of the above: a model of {@code owner} served by {@code operator} with {@code stake}. */
  public long stakedModel(KeyPair curator, KeyPair owner, KeyPair operator, Amount stake) {
    long d = datanet(curator, "data of " + operator.address());
    long m = model(owner, d, operator.address());
    serveAndStake(operator, m, stake);
    return m;
  }

  static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }
}
