package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.trie.InMemorySparseMerkleTree;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.trie.SparseMerkleTree;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * The Solidity SparseMerkleProof library against the chain's Java trie, on a real EVM (anvil): the
 * worked example of docs/state-commitment.md, then seeded random trees whose proofs (honest and
 * tampered) must get the same verdict from both, and every encoding the Java decoder rejects must
 * make the library revert.
 */
class SparseMerkleProofContractTest {
  private static Anvil anvil;
  private static L1Sender sender;
  private static String harness;

  @BeforeAll
  static void deploy() {
    anvil = TestAnvil.start();
    sender = new L1Sender(anvil.web3j(), DevKeys.DEPLOYER, Anvil.CHAIN_ID);
    harness =
        sender
            .deploy(ContractArtifact.load("SparseMerkleProofHarness").bytecode())
            .getContractAddress();
  }

  @AfterAll
  static void stop() {
    anvil.close();
  }

  /** The library's verdict: true/false, or empty when it reverts (a malformed encoding). */
  private static Optional<Boolean> solidity(
      Hash root, Hash key, Optional<byte[]> value, byte[] proof) {
    Function f =
        new Function(
            "verify",
            List.of(
                new Bytes32(root.toArray()),
                new Bytes32(key.toArray()),
                new Bool(value.isPresent()),
                new DynamicBytes(value.orElse(new byte[0])),
                new DynamicBytes(proof)),
            List.of(new TypeReference<Bool>() {}));
    try {
      String out = sender.call(harness, FunctionEncoder.encode(f));
      return Optional.of(
          (Boolean)
              FunctionReturnDecoder.decode(out, f.getOutputParameters()).getFirst().getValue());
    } catch (L1Sender.L1Reverted e) {
      assertThat(e.getMessage()).contains("SparseMerkleProof: ");
      return Optional.empty();
    }
  }

  /** The chain's verdict, same shape. */
  private static Optional<Boolean> java(Hash root, Hash key, Optional<byte[]> value, byte[] proof) {
    SparseMerkleProof decoded;
    try {
      decoded = SparseMerkleProof.decode(proof);
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
    return Optional.of(SparseMerkleProof.verify(root, key, value, decoded));
  }

  private static Hash h(String hex) {
    return Hash.fromHex(hex);
  }

  @Test
  void workedExampleOfTheSpecification() {
    Hash a = h("0x0000000000000000000000000000000000000000000000000000000000000001");
    Hash b = h("0x1000000000000000000000000000000000000000000000000000000000000000");
    Hash c = h("0x8000000000000000000000000000000000000000000000000000000000000000");
    Hash d = h("0x4000000000000000000000000000000000000000000000000000000000000000");
    Hash e = h("0x0000000000000000000000000000000000000000000000000000000000000002");
    SparseMerkleTree tree = new InMemorySparseMerkleTree();
    tree.put(a, new byte[] {1});
    tree.put(b, new byte[] {2});
    tree.put(c, new byte[] {3});
    Hash root = tree.rootHash();
    assertThat(root)
        .isEqualTo(h("0x50ac30f3add143f1a4eeb9c2d1f3a5cfb8de15c863363ab6f851e2f7efb95381"));

    byte[] proofB = tree.proof(b).encode();
    assertThat(HexFormat.of().formatHex(proofB))
        .isEqualTo(
            "0101"
                + "1000000000000000000000000000000000000000000000000000000000000000"
                + "f2ee15ea639b73fa3db9b34a245bdfa015c260c598b211bf05a1ecc4b3e3b4f2"
                + "000490"
                + "9789cec1948d4746abb2d431ba1471313b938cdaf7aa287d949621e332811205"
                + "93a011e687d9fbface6429069aac515e90fa9b867e63e702d5bfaaf72501e9be");
    assertThat(solidity(root, b, Optional.of(new byte[] {2}), proofB)).contains(true);
    assertThat(solidity(root, b, Optional.of(new byte[] {3}), proofB)).contains(false);
    assertThat(solidity(root, b, Optional.empty(), proofB)).contains(false);

    byte[] proofD = tree.proof(d).encode(); // exclusion by an empty subtree
    assertThat(solidity(root, d, Optional.empty(), proofD)).contains(true);
    assertThat(solidity(root, d, Optional.of(new byte[0]), proofD)).contains(false);

    byte[] proofE = tree.proof(e).encode(); // exclusion by leaf A
    assertThat(solidity(root, e, Optional.empty(), proofE)).contains(true);
    assertThat(solidity(root, a, Optional.empty(), proofE)).contains(false);
    assertThat(solidity(root, e, Optional.of(new byte[] {1}), proofE)).contains(false);

    assertThat(solidity(Hash.ZERO, d, Optional.empty(), new byte[] {1, 0, 0, 0})).contains(true);
  }

  @Test
  void randomTreesGetTheSameVerdictsAsTheChain() {
    SplittableRandom random = new SplittableRandom(20261202);
    int checked = 0;
    java.util.Map<Optional<Boolean>, Integer> verdicts = new java.util.HashMap<>();
    for (int t = 0; t < 40; t++) {
      SparseMerkleTree tree = new InMemorySparseMerkleTree();
      List<Hash> keys = new ArrayList<>();
      int n = random.nextInt(t < 5 ? 3 : 60);
      for (int i = 0; i < n; i++) {
        Hash k = keys.isEmpty() || random.nextInt(3) > 0 ? randomKey(random) : near(random, keys);
        keys.add(k);
        tree.put(k, randomValue(random));
      }
      Hash root = tree.rootHash();
      for (int q = 0; q < 12; q++) {
        boolean present = !keys.isEmpty() && random.nextBoolean();
        Hash key =
            present
                ? keys.get(random.nextInt(keys.size()))
                : keys.isEmpty() || random.nextBoolean() ? randomKey(random) : near(random, keys);
        Optional<byte[]> actual = tree.get(key);
        byte[] proof = tree.proof(key).encode();
        Optional<byte[]> claim = claim(random, actual);
        byte[] sent = random.nextInt(3) == 0 ? tamper(random, proof) : proof;
        Hash claimedRoot = random.nextInt(10) == 0 ? randomKey(random) : root;
        Optional<Boolean> expected = java(claimedRoot, key, claim, sent);
        verdicts.merge(expected, 1, Integer::sum);
        assertThat(solidity(claimedRoot, key, claim, sent))
            .as("tree %d query %d, proof %s", t, q, HexFormat.of().formatHex(sent))
            .isEqualTo(expected);
        if (sent == proof && claimedRoot == root && sameClaim(claim, actual)) {
          assertThat(expected).contains(true); // honest proofs of the truth verify
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(480);
    // every verdict is exercised many times: accepted, rejected, malformed (reverts)
    assertThat(verdicts.get(Optional.of(true))).isGreaterThan(100);
    assertThat(verdicts.get(Optional.of(false))).isGreaterThan(100);
    assertThat(verdicts.get(Optional.<Boolean>empty())).isGreaterThan(40);
  }

  /** The truth most of the time, otherwise a wrong value or the wrong presence. */
  private static Optional<byte[]> claim(SplittableRandom random, Optional<byte[]> actual) {
    return switch (random.nextInt(5)) {
      case 0 -> actual.isPresent() ? Optional.empty() : Optional.of(randomValue(random));
      case 1 -> Optional.of(randomValue(random));
      default -> actual;
    };
  }

  private static boolean sameClaim(Optional<byte[]> a, Optional<byte[]> b) {
    return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
  }

  /** Flips a bit, cuts, extends, or changes the depth, the flag or the format byte. */
  private static byte[] tamper(SplittableRandom random, byte[] proof) {
    byte[] p = proof.clone();
    switch (random.nextInt(6)) {
      case 0 -> p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
      case 1 -> p = Arrays.copyOf(p, random.nextInt(p.length));
      case 2 -> p = Arrays.copyOf(p, p.length + 1 + random.nextInt(40));
      case 3 -> p[0] = (byte) random.nextInt(3);
      case 4 -> p[1] = (byte) random.nextInt(3);
      default -> {
        int depthAt = p[1] == 1 ? 66 : 2;
        if (depthAt + 1 < p.length) {
          p[depthAt + 1] = (byte) (p[depthAt + 1] + (random.nextBoolean() ? 1 : -1));
        }
      }
    }
    return p;
  }

  private static Hash randomKey(SplittableRandom random) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return Hash.wrap(k);
  }

  /** A key sharing a long prefix with an existing one (deep paths, chains of internal nodes). */
  private static Hash near(SplittableRandom random, List<Hash> keys) {
    byte[] k = keys.get(random.nextInt(keys.size())).toArray().clone();
    int bit = 8 + random.nextInt(248);
    k[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
    return Hash.wrap(k);
  }

  private static byte[] randomValue(SplittableRandom random) {
    byte[] v = new byte[random.nextInt(40)];
    random.nextBytes(v);
    return v;
  }
}
