package io.openledger.node.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.ModuleRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The challenge module's ABI as this node encodes it is the issue-8 contract's, signature for
 * signature: at the merge, {@code ChallengeModule}'s constants must give the same selectors and
 * topics (compare them with these lists).
 */
class ChallengeCallsTest {

  @Test
  void functionsAndEventsAreTheContractsSignatures() {
    assertThat(ChallengeCalls.ADDRESS).isEqualTo(ModuleRegistry.moduleAddress(7));
    assertThat(ChallengeCalls.ADDRESS.toHex())
        .isEqualTo("0x0000000000000000000000000000000000001007");
    assertThat(
            List.of(
                    ChallengeCalls.REGISTER_VALIDATOR,
                    ChallengeCalls.UNREGISTER_VALIDATOR,
                    ChallengeCalls.WITHDRAW_VALIDATOR,
                    ChallengeCalls.CHALLENGE,
                    ChallengeCalls.CHALLENGE_UNANSWERED,
                    ChallengeCalls.ANSWER,
                    ChallengeCalls.FLAG_CONTRIBUTION,
                    ChallengeCalls.VOTE,
                    ChallengeCalls.RESOLVE,
                    ChallengeCalls.CHALLENGE_COUNT)
                .stream()
                .map(AbiFunction::signature))
        .containsExactly(
            "registerValidator()",
            "unregisterValidator()",
            "withdrawValidator()",
            "challenge(address,uint64,uint8,bytes,bytes32[],uint64,bytes)",
            "challengeUnanswered(address,uint64,bytes32,uint64,bytes)",
            "answer(uint64,uint64,bytes,bytes32[],uint64)",
            "flagContribution(uint64,string)",
            "vote(uint64,bool)",
            "resolve(uint64)",
            "challengeCount()");
    assertThat(ChallengeCalls.EVENTS.stream().map(AbiEvent::signature))
        .containsExactly(
            "ChallengeFiled(uint64,address,address,uint8,uint64,uint64,uint256)",
            "ChallengeDecided(uint64,bool,uint256,string)",
            "Voted(uint64,address,bool,uint256)",
            "ValidatorRegistered(address,uint256)",
            "ValidatorPenalized(address,uint256,string)");
  }
}
