package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.distributor.ClaimTree;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The chain's claim tree (the distributor's and {@code openledger rewards snapshot}'s) against
 * OpenZeppelin's {@code MerkleProof.verify} compiled with solc and run on anvil: every proof of
 * seeded random lists verifies there, and a proof for another amount or account does not.
 */
class ClaimProofContractTest {
  private static Anvil anvil;
  private static L1Sender sender;
  private static String harness;

  @BeforeAll
  static void deploy() {
    anvil = TestAnvil.start();
    sender = new L1Sender(anvil.web3j(), DevKeys.DEPLOYER, Anvil.CHAIN_ID);
    harness =
        sender.deploy(ContractArtifact.load("ClaimProofHarness").bytecode()).getContractAddress();
  }

  @AfterAll
  static void stop() {
    anvil.close();
  }

  private static boolean solidity(List<Hash> proof, Hash root, Address account, Amount amount) {
    Function f =
        new Function(
            "verify",
            List.of(
                new DynamicArray<>(
                    Bytes32.class, proof.stream().map(h -> new Bytes32(h.toArray())).toList()),
                new Bytes32(root.toArray()),
                new org.web3j.abi.datatypes.Address(account.toHex()),
                new Uint256(amount.value())),
            List.of(new TypeReference<Bool>() {}));
    String out = sender.call(harness, FunctionEncoder.encode(f));
    return (Boolean)
        FunctionReturnDecoder.decode(out, f.getOutputParameters()).getFirst().getValue();
  }

  @Test
  void everyProofOfTheClaimTreeVerifiesWithOpenZeppelinMerkleProof() {
    SplittableRandom random = new SplittableRandom(1612);
    for (int n : new int[] {1, 2, 3, 6, 17}) {
      List<ClaimTree.Entry> entries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] a = new byte[20];
        random.nextBytes(a);
        entries.add(
            new ClaimTree.Entry(
                Address.wrap(a),
                Amount.of(BigInteger.valueOf(random.nextLong(1, Long.MAX_VALUE)))));
      }
      ClaimTree tree = ClaimTree.of(entries);
      for (int i = 0; i < n; i++) {
        ClaimTree.Entry e = entries.get(i);
        assertThat(solidity(tree.proof(i), tree.root(), e.account(), e.amount()))
            .as("entry %d of %d", i, n)
            .isTrue();
        assertThat(solidity(tree.proof(i), tree.root(), e.account(), e.amount().add(Amount.of(1))))
            .isFalse();
        assertThat(solidity(tree.proof(i), tree.root(), Address.ofLowBytes(0xbad), e.amount()))
            .isFalse();
      }
    }
  }
}
