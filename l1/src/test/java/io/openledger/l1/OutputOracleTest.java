package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Outputs are posted only by the proposer, in block order, and deleted only while challengeable.
 */
class OutputOracleTest {
  private static Anvil anvil;
  private L1Contracts l1;

  @BeforeAll
  static void startAnvil() {
    anvil = TestAnvil.start();
  }

  @AfterAll
  static void stopAnvil() {
    anvil.close();
  }

  @BeforeEach
  void deploy() {
    l1 = new L1Contracts(anvil);
  }

  private String oracle() {
    return l1.deployment.oracle();
  }

  private static Hash root(int i) {
    return Hash.keccak256(new byte[] {(byte) i});
  }

  private BigInteger next() {
    return l1.uint(oracle(), "nextOutputIndex");
  }

  @Test
  void onlyTheProposerPostsAndEachPostIsLogged() {
    assertThatThrownBy(() -> l1.user.send(oracle(), L1Abi.proposeL2Output(root(1), 10)))
        .hasMessageContaining("OutputOracle: only the proposer posts outputs");
    assertThatThrownBy(() -> l1.batcher.send(oracle(), L1Abi.proposeL2Output(root(1), 10)))
        .hasMessageContaining("OutputOracle: only the proposer posts outputs");
    assertThat(next()).isZero();

    TransactionReceipt r = l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(1), 10));
    Log log = L1Contracts.onlyLog(r, oracle(), "OutputProposed(bytes32,uint256,uint256,uint256)");
    assertThat(log.getTopics().get(1)).isEqualTo(root(1).toHex());
    assertThat(L1Contracts.topicUint(log, 2)).isZero();
    assertThat(L1Contracts.topicUint(log, 3)).isEqualTo(10);
    assertThat(next()).isOne();
    assertThat(l1.uint(oracle(), "latestBlockNumber")).isEqualTo(10);
  }

  @Test
  void blockNumbersOnlyIncreaseAndRootsAreNotZero() {
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(1), 10));
    assertThatThrownBy(() -> l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(2), 10)))
        .hasMessageContaining("OutputOracle: L2 block number must exceed the latest output's");
    assertThatThrownBy(() -> l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(2), 9)))
        .hasMessageContaining("OutputOracle: L2 block number must exceed the latest output's");
    assertThatThrownBy(() -> l1.proposer.send(oracle(), L1Abi.proposeL2Output(Hash.ZERO, 11)))
        .hasMessageContaining("OutputOracle: output root is zero");
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(2), 20));
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(3), 30));
    assertThat(next()).isEqualTo(3);
    // the output covering a block: the first at or after it
    assertThat(l1.uint(oracle(), "getL2OutputIndexAfter", new Uint256(0))).isZero();
    assertThat(l1.uint(oracle(), "getL2OutputIndexAfter", new Uint256(10))).isZero();
    assertThat(l1.uint(oracle(), "getL2OutputIndexAfter", new Uint256(11))).isOne();
    assertThat(l1.uint(oracle(), "getL2OutputIndexAfter", new Uint256(30))).isEqualTo(2);
    assertThatThrownBy(() -> l1.uint(oracle(), "getL2OutputIndexAfter", new Uint256(31)))
        .hasMessageContaining("OutputOracle: no output covers that L2 block yet");
  }

  @Test
  void onlyTheChallengerDeletesAndOnlyDuringTheChallengePeriod() {
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(1), 10));
    anvil.advanceTime(L1Contracts.CHALLENGE_PERIOD);
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(2), 20));
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(3), 30));

    assertThatThrownBy(() -> l1.proposer.send(oracle(), L1Abi.deleteL2Outputs(1)))
        .hasMessageContaining("OutputOracle: only the challenger deletes outputs");
    assertThatThrownBy(() -> l1.challenger.send(oracle(), L1Abi.deleteL2Outputs(0)))
        .hasMessageContaining("OutputOracle: cannot delete a finalized output");
    assertThatThrownBy(() -> l1.challenger.send(oracle(), L1Abi.deleteL2Outputs(3)))
        .hasMessageContaining("OutputOracle: no output at that index");

    TransactionReceipt r = l1.challenger.send(oracle(), L1Abi.deleteL2Outputs(1));
    Log log = L1Contracts.onlyLog(r, oracle(), "OutputsDeleted(uint256,uint256)");
    assertThat(L1Contracts.dataWord(log, 0)).isEqualTo(3);
    assertThat(L1Contracts.dataWord(log, 1)).isEqualTo(1);
    assertThat(next()).isOne();
    assertThat(l1.uint(oracle(), "latestBlockNumber")).isEqualTo(10);
    // the proposer continues from the last output that stands
    l1.proposer.send(oracle(), L1Abi.proposeL2Output(root(4), 20));
    assertThat(next()).isEqualTo(2);
  }
}
