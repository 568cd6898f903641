package io.openledger.chain.datanet;

import static io.openledger.chain.datanet.EconomyChain.approve;
import static io.openledger.chain.datanet.EconomyChain.blob;
import static io.openledger.chain.datanet.EconomyChain.contribute;
import static io.openledger.chain.datanet.EconomyChain.create;
import static io.openledger.chain.datanet.EconomyChain.dev;
import static io.openledger.chain.datanet.EconomyChain.publish;
import static io.openledger.chain.datanet.EconomyChain.u;
import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.block.Log;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.ExecutedBlock;
import io.openledger.chain.exec.TransactionResult;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The datanet module through real transactions, blocks and eth_call (docs/economy.md). */
class DatanetModuleTest {
  private static final Address DN = DatanetModule.ADDRESS;
  private static final long MB5 = 5_000_000;

  private final EconomyChain c = new EconomyChain();
  private final KeyPair owner = dev(0);
  private final KeyPair alice = dev(2);
  private final KeyPair bob = dev(3);
  private final KeyPair carol = dev(4);

  @Test
  void createContributeApproveRejectAndPublishVersions() {
    TransactionResult created =
        c.ok(owner, DN, create("medical notes", 0, Licence.COMMERCIAL_USE | Licence.ATTRIBUTION));
    assertThat(DatanetModule.CREATE_DATANET.decodeResult(created.returnData()))
        .containsExactly(u(1));
    Log log = created.logs().getFirst();
    assertThat(log.address()).isEqualTo(DN);
    assertThat(log.topics())
        .containsExactly(
            Hash.keccak256(
                "DatanetCreated(uint64,address,string)".getBytes(StandardCharsets.US_ASCII)),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(owner.address()))));
    assertThat(Abi.decode(List.of(AbiType.STRING), log.data())).containsExactly("medical notes");
    Datanet d = DatanetModule.readDatanet(c.state(), 1).orElseThrow();
    assertThat(d)
        .isEqualTo(
            new Datanet(
                1,
                owner.address(),
                "medical notes",
                "about medical notes",
                List.of("tag-a", "tag-b"),
                DataType.TEXT,
                new Licence(3),
                "be nice",
                0,
                0,
                0));

    long t = c.now() + 2;
    TransactionResult sub = c.ok(alice, DN, contribute(1, blob("a"), 1_000));
    assertThat(DatanetModule.CONTRIBUTE.decodeResult(sub.returnData())).containsExactly(u(1));
    assertThat(sub.logs().getFirst().topics())
        .containsExactly(
            DatanetModule.CONTRIBUTION_SUBMITTED.topic(),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.ADDRESS), List.of(alice.address()))));
    assertThat(Abi.decode(List.of(AbiType.BYTES32, AbiType.UINT64), sub.logs().getFirst().data()))
        .satisfiesExactly(
            h -> assertThat((byte[]) h).isEqualTo(blob("a").toArray()),
            s -> assertThat(s).isEqualTo(u(1_000)));
    assertThat(c.contributeOk(bob, 1, blob("b"), 2_000)).isEqualTo(2);
    assertThat(c.contributeOk(carol, 1, blob("c"), 3_000)).isEqualTo(3);
    assertThat(DatanetModule.readContribution(c.state(), 1).orElseThrow())
        .isEqualTo(
            new Contribution(
                1,
                1,
                alice.address(),
                blob("a"),
                1_000,
                blob("meta " + blob("a")),
                ContributionStatus.PENDING,
                0,
                t));

    TransactionResult accepted = c.ok(owner, DN, approve(2, 77));
    assertThat(accepted.logs().getFirst().topics().getFirst())
        .isEqualTo(DatanetModule.CONTRIBUTION_ACCEPTED.topic());
    assertThat(new BigInteger(1, accepted.logs().getFirst().data())).isEqualTo(u(77));
    c.ok(owner, DN, approve(1, 100));
    TransactionResult rejected =
        c.ok(owner, DN, DatanetModule.REJECT.encodeCall(u(3), "off topic"));
    assertThat(Abi.decode(List.of(AbiType.STRING), rejected.logs().getFirst().data()))
        .containsExactly("off topic");

    StateReader s = c.state();
    assertThat(DatanetModule.acceptedContributions(s, 1, 2)).containsExactly(2L, 1L);
    assertThat(DatanetModule.readContribution(s, 2).orElseThrow().status())
        .isEqualTo(ContributionStatus.ACCEPTED);
    assertThat(DatanetModule.readContribution(s, 2).orElseThrow().score()).isEqualTo(77);
    assertThat(DatanetModule.readContribution(s, 3).orElseThrow().status())
        .isEqualTo(ContributionStatus.REJECTED);
    Hash root1 =
        ContributionsMerkle.root(
            List.of(
                new ContributionsMerkle.Leaf(2, blob("b")),
                new ContributionsMerkle.Leaf(1, blob("a"))));
    assertThat(DatanetModule.acceptedRoot(s, 1)).isEqualTo(root1);

    long publishedAt = c.now() + 2;
    TransactionResult v1 = c.ok(owner, DN, publish(1, root1, blob("index 1")));
    assertThat(DatanetModule.PUBLISH_VERSION.decodeResult(v1.returnData())).containsExactly(u(1));
    Log vlog = v1.logs().getFirst();
    assertThat(vlog.topics())
        .containsExactly(
            Hash.keccak256(
                "VersionPublished(uint64,uint32,bytes32,bytes32,uint64)"
                    .getBytes(StandardCharsets.US_ASCII)),
            Hash.wrap(Abi.encode(List.of(AbiType.UINT64), List.of(u(1)))),
            Hash.wrap(Abi.encode(List.of(AbiType.parse("uint32")), List.of(u(1)))));
    assertThat(DatanetModule.readVersion(c.state(), 1, 1))
        .contains(new DatanetVersion(1, 1, root1, blob("index 1"), 2, publishedAt));

    // nothing new: refused; a new acceptance: the old root is stale
    assertThat(c.refused(owner, DN, publish(1, root1, blob("index 1"))))
        .isEqualTo("datanet: nothing accepted since version 1");
    long four = c.contributeOk(alice, 1, blob("d"), 10);
    c.ok(owner, DN, approve(four, 50));
    assertThat(c.refused(owner, DN, publish(1, root1, blob("index 2"))))
        .startsWith("datanet: accepted set changed: the root of the 3 accepted contributions is ");
    Hash root2 = c.offChainRoot(1);
    assertThat(root2).isNotEqualTo(root1).isEqualTo(DatanetModule.acceptedRoot(c.state(), 1));
    assertThat(
            DatanetModule.PUBLISH_VERSION.decodeResult(
                c.ok(owner, DN, publish(1, root2, blob("index 2"))).returnData()))
        .containsExactly(u(2));

    // views through eth_call
    assertThat(c.view(DN, DatanetModule.DATANET, u(1)))
        .containsExactly(
            owner.address(),
            "medical notes",
            "about medical notes",
            List.of("tag-a", "tag-b"),
            u(0),
            u(3),
            "be nice",
            u(4),
            u(3),
            u(2));
    List<Object> contribution = c.view(DN, DatanetModule.CONTRIBUTION, u(2));
    assertThat(contribution.get(1)).isEqualTo(bob.address());
    assertThat(contribution.subList(5, 7)).containsExactly(u(2), u(77));
    assertThat(c.view(DN, DatanetModule.ACCEPTED_AT, u(1), u(2))).containsExactly(u(four));
    List<Object> version = c.view(DN, DatanetModule.VERSION, u(1), u(1));
    assertThat((byte[]) version.get(0)).isEqualTo(root1.toArray());
    assertThat(version.subList(2, 4)).containsExactly(u(2), u(publishedAt));
    assertThat(c.view(DN, DatanetModule.CONTRIBUTION_BY_HASH, u(1), blob("c").toArray()))
        .containsExactly(u(3));
    assertThat(c.view(DN, DatanetModule.CONTRIBUTION_BY_HASH, u(1), blob("zz").toArray()))
        .containsExactly(u(0));
    assertThat(c.view(DN, DatanetModule.DATANET_COUNT)).containsExactly(u(1));
    assertThat(c.view(DN, DatanetModule.CONTRIBUTION_COUNT)).containsExactly(u(4));
    assertThat(c.view(DN, DatanetModule.LIMITS))
        .containsExactly(u(5_000_000), u(10_000_000), u(10_000_000), u(20));
    // four contributed, #3 rejected: three bonds held
    assertThat(c.state().balance(DN)).isEqualTo(EconomyChain.BOND.multiply(3));
    assertThat(DatanetModule.audit(c.state())).isEmpty();
  }

  @Test
  void theRootOfEveryPrefixMatchesTheOffChainTreeAndProofsVerify() {
    long id = c.createDatanet(owner, "big", 1);
    List<Transaction> subs = new ArrayList<>();
    for (int i = 0; i < 19; i++) {
      subs.add(c.tx(alice, DN, EconomyChain.BOND, contribute(id, blob("p" + i), 100)));
    }
    c.block(2, subs);
    // accept in a scrambled order, one block each, checking the frontier's root every time
    List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
    for (int k = 0; k < 19; k++) {
      long cid = (k * 7L) % 19 + 1;
      c.ok(owner, DN, approve(cid, k));
      leaves.add(
          new ContributionsMerkle.Leaf(
              cid, DatanetModule.readContribution(c.state(), cid).orElseThrow().blobHash()));
      assertThat(DatanetModule.acceptedRoot(c.state(), id))
          .isEqualTo(ContributionsMerkle.root(leaves));
    }
    Hash root = ContributionsMerkle.root(leaves);
    c.ok(owner, DN, publish(id, root, blob("idx")));
    DatanetVersion v = DatanetModule.readVersion(c.state(), id, 1).orElseThrow();
    for (int i = 0; i < leaves.size(); i++) {
      assertThat(
              ContributionsMerkle.verify(
                  v.contributionsRoot(),
                  leaves.get(i).hash(),
                  i,
                  ContributionsMerkle.proof(leaves, i)))
          .isTrue();
    }
  }

  @Test
  void sizeLimitsPerSubmission() {
    long id = c.createDatanet(owner, "d", 1);
    assertThat(c.refused(alice, DN, contribute(id, blob("zero"), 0)))
        .isEqualTo("datanet: size must be greater than 0");
    assertThat(c.refused(alice, DN, contribute(id, blob("big"), MB5 + 1)))
        .isEqualTo("datanet: a submission of 5000001 bytes is over maxSubmissionBytes (5000000)");
    assertThat(
            c.refused(
                alice,
                DN,
                DatanetModule.CONTRIBUTE.encodeCall(
                    u(id),
                    blob("huge").toArray(),
                    BigInteger.TWO.pow(64).subtract(BigInteger.ONE),
                    blob("m").toArray())))
        .isEqualTo(
            "datanet: a submission of 18446744073709551615 bytes is over maxSubmissionBytes"
                + " (5000000)");
    assertThat(c.contributeOk(alice, id, blob("max"), MB5)).isEqualTo(1);
  }

  @Test
  void contributorBytesPerDayCountOverEveryDatanetAndResetTheNextDay() {
    long a = c.createDatanet(owner, "a", 1);
    long b = c.createDatanet(owner, "b", 1);
    long d = c.createDatanet(owner, "c", 1);
    c.contributeOk(alice, a, blob("1"), MB5);
    c.contributeOk(alice, b, blob("2"), MB5 - 10);
    assertThat(c.refused(alice, DN, contribute(d, blob("3"), 11)))
        .isEqualTo(
            "datanet: over maxContributorBytesPerDay (10000000): 10 bytes left today for "
                + alice.address()
                + ", the submission is 11 bytes");
    c.contributeOk(alice, d, blob("4"), 10);
    assertThat(c.refused(alice, DN, contribute(d, blob("5"), 1)))
        .startsWith("datanet: over maxContributorBytesPerDay (10000000): 0 bytes left today");
    // bob is not limited by alice's day
    c.contributeOk(bob, d, blob("6"), 1);
    c.block(nextDay(), List.of());
    c.contributeOk(alice, d, blob("5"), MB5);
  }

  @Test
  void datanetBytesPerDayCountEveryContributorAndResetTheNextDay() {
    long a = c.createDatanet(owner, "a", 1);
    c.contributeOk(alice, a, blob("1"), MB5);
    c.contributeOk(bob, a, blob("2"), MB5 - 100);
    assertThat(c.refused(carol, DN, contribute(a, blob("3"), 101)))
        .isEqualTo(
            "datanet: over maxDatanetBytesPerDay (10000000): 100 bytes left today for datanet "
                + a
                + ", the submission is 101 bytes");
    long other = c.createDatanet(owner, "other", 1);
    c.contributeOk(carol, other, blob("3"), 101);
    c.block(nextDay(), List.of());
    c.contributeOk(carol, a, blob("4"), 101);
  }

  @Test
  void twentySubmissionsADayThenTheNextDay() {
    long a = c.createDatanet(owner, "a", 1);
    long b = c.createDatanet(owner, "b", 1);
    List<Transaction> txs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      txs.add(c.tx(alice, DN, EconomyChain.BOND, contribute(i % 2 == 0 ? a : b, blob("s" + i), 1)));
    }
    ExecutedBlock block = c.block(2, txs);
    assertThat(block.results()).allMatch(TransactionResult::success);
    assertThat(c.refused(alice, DN, contribute(a, blob("s20"), 1)))
        .isEqualTo(
            "datanet: maxSubmissionsPerContributorPerDay (20) reached: 0 submissions left today"
                + " for "
                + alice.address());
    c.block(nextDay(), List.of());
    assertThat(c.contributeOk(alice, a, blob("s20"), 1)).isEqualTo(21);
  }

  @Test
  void anExactDuplicateIsRefusedPerDatanet() {
    long a = c.createDatanet(owner, "a", 1);
    long b = c.createDatanet(owner, "b", 1);
    long first = c.contributeOk(alice, a, blob("same"), 10);
    assertThat(c.refused(bob, DN, contribute(a, blob("same"), 10)))
        .isEqualTo("datanet: duplicate contribution " + blob("same").toHex() + " (contribution 1)");
    assertThat(c.contributeOk(bob, b, blob("same"), 10)).isEqualTo(2);
    c.ok(owner, DN, DatanetModule.REJECT.encodeCall(u(first), "no"));
    assertThat(c.refused(alice, DN, contribute(a, blob("same"), 10)))
        .contains("duplicate contribution");
    assertThat(c.view(DN, DatanetModule.CONTRIBUTION_BY_HASH, u(a), blob("same").toArray()))
        .containsExactly(u(first));
  }

  @Test
  void onlyTheOwnerDecidesAndOnlyOnPendingContributions() {
    long a = c.createDatanet(owner, "a", 1);
    long x = c.contributeOk(alice, a, blob("x"), 10);
    long y = c.contributeOk(alice, a, blob("y"), 10);
    assertThat(c.refused(alice, DN, approve(x, 10)))
        .isEqualTo(
            "datanet: only the owner of datanet 1 ("
                + owner.address()
                + ") may approve contribution 1");
    assertThat(c.refused(bob, DN, DatanetModule.REJECT.encodeCall(u(x), "mine")))
        .isEqualTo(
            "datanet: only the owner of datanet 1 ("
                + owner.address()
                + ") may reject contribution 1");
    assertThat(c.refused(owner, DN, approve(x, 101))).isEqualTo("datanet: score 101 is over 100");
    c.ok(owner, DN, approve(x, 0));
    c.ok(owner, DN, DatanetModule.REJECT.encodeCall(u(y), "dup"));
    assertThat(c.refused(owner, DN, approve(x, 5)))
        .isEqualTo("datanet: contribution 1 is accepted, not pending");
    assertThat(c.refused(owner, DN, DatanetModule.REJECT.encodeCall(u(x), "late")))
        .isEqualTo("datanet: contribution 1 is accepted, not pending");
    assertThat(c.refused(owner, DN, approve(y, 5)))
        .isEqualTo("datanet: contribution 2 is rejected, not pending");
    assertThat(c.refused(alice, DN, publish(a, c.offChainRoot(a), blob("i"))))
        .isEqualTo(
            "datanet: only the owner of datanet 1 (" + owner.address() + ") may publish a version");
  }

  @Test
  void publishingWithNothingAcceptedIsRefused() {
    long a = c.createDatanet(owner, "a", 1);
    c.contributeOk(alice, a, blob("x"), 10);
    assertThat(c.refused(owner, DN, publish(a, ContributionsMerkle.root(List.of()), blob("i"))))
        .isEqualTo("datanet: nothing accepted in datanet 1 yet");
  }

  @Test
  void unknownIdsAreRefusedInTransactionsAndViews() {
    long a = c.createDatanet(owner, "a", 1);
    BigInteger max = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
    assertThat(c.refused(alice, DN, contribute(2, blob("x"), 1)))
        .isEqualTo("datanet: unknown datanet 2");
    assertThat(c.refused(alice, DN, contribute(0, blob("x"), 1)))
        .isEqualTo("datanet: unknown datanet 0");
    assertThat(
            c.refused(
                alice,
                DN,
                DatanetModule.CONTRIBUTE.encodeCall(
                    max, blob("x").toArray(), u(1), blob("m").toArray())))
        .isEqualTo("datanet: unknown datanet 18446744073709551615");
    assertThat(c.refused(owner, DN, approve(1, 1))).isEqualTo("datanet: unknown contribution 1");
    assertThat(c.refused(owner, DN, DatanetModule.APPROVE.encodeCall(max, u(1))))
        .isEqualTo("datanet: unknown contribution 18446744073709551615");
    assertThat(c.refused(owner, DN, DatanetModule.REJECT.encodeCall(u(9), "r")))
        .isEqualTo("datanet: unknown contribution 9");
    assertThat(c.refused(owner, DN, publish(7, Hash.ZERO, Hash.ZERO)))
        .isEqualTo("datanet: unknown datanet 7");

    assertThat(c.viewRefused(DN, DatanetModule.DATANET.encodeCall(u(5))))
        .isEqualTo("datanet: unknown datanet 5");
    assertThat(c.viewRefused(DN, DatanetModule.CONTRIBUTION.encodeCall(u(5))))
        .isEqualTo("datanet: unknown contribution 5");
    assertThat(c.viewRefused(DN, DatanetModule.ACCEPTED_AT.encodeCall(u(a), u(0))))
        .isEqualTo("datanet: index 0 is past the 0 accepted contributions of datanet 1");
    assertThat(c.viewRefused(DN, DatanetModule.VERSION.encodeCall(u(a), u(1))))
        .isEqualTo("datanet: datanet 1 has no version 1 (versions: 0)");
    assertThat(c.viewRefused(DN, DatanetModule.VERSION.encodeCall(u(a), u(0))))
        .isEqualTo("datanet: datanet 1 has no version 0 (versions: 0)");
    assertThat(DatanetModule.readDatanet(c.state(), 5)).isEmpty();
    assertThat(DatanetModule.readContribution(c.state(), 5)).isEmpty();
    assertThat(DatanetModule.readVersion(c.state(), a, 1)).isEmpty();
  }

  @Test
  void badArgumentsCalldataAndValueAreRefused() {
    assertThat(c.refused(alice, DN, create("x", 3, 1)))
        .isEqualTo("datanet: unknown data type 3 (want 0 text, 1 image, 2 audio)");
    assertThat(c.refused(alice, DN, create("x", 0, 0x10 | Licence.COMMERCIAL_USE)))
        .isEqualTo(
            "datanet: unknown licence flags 0x10 (defined: 1 commercial use, 2 attribution, 4"
                + " share-alike, 8 no derivatives)");
    byte[] call = create("x", 0, 1);
    assertThat(c.refused(alice, DN, Arrays.copyOf(call, call.length - 1)))
        .isEqualTo("datanet: ABI data is not in canonical form");
    assertThat(c.refused(alice, DN, Arrays.copyOf(call, 100)))
        .startsWith("datanet: malformed ABI data: ");
    byte[] dirty = contribute(1, blob("x"), 1);
    dirty[4 + 31 - 8] = 1; // a bit above the uint64 datanet id
    assertThat(c.refused(alice, DN, dirty))
        .isEqualTo("datanet: malformed ABI data: value out of range for uint64");
    assertThat(c.refused(alice, DN, new byte[] {1, 2, 3, 4}))
        .isEqualTo("datanet: unknown function selector 0x01020304");
    assertThat(c.refused(alice, DN, Amount.open(1), create("x", 0, 1), 2))
        .isEqualTo("datanet: createDatanet is not payable");
    assertThat(c.state().balance(DN)).isEqualTo(Amount.ZERO);
    assertThat(DatanetModule.datanetCount(c.state())).isZero();
  }

  /** Seconds from the head to the start of the next UTC day. */
  private long nextDay() {
    long now = c.now();
    return (now / 86_400 + 1) * 86_400 - now;
  }
}
