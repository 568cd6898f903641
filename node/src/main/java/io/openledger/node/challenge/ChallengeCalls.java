package io.openledger.node.challenge;

import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.types.Address;
import java.util.List;

/**
 * The challenge module's ABI as the node and the CLI encode it (docs/staking.md, "Challenges"; the
 * issue-8 contract's exact signatures). The module ({@code 0x…1007}) is built on another branch: at
 * the merge these constants give way to {@code ChallengeModule}'s own, which must encode the same
 * bytes (the signatures are the contract).
 */
public final class ChallengeCalls {
  private ChallengeCalls() {}

  public static final Address ADDRESS = ModuleRegistry.moduleAddress(7);

  public static final AbiFunction REGISTER_VALIDATOR =
      AbiFunction.payable("registerValidator()", "");
  public static final AbiFunction UNREGISTER_VALIDATOR =
      AbiFunction.of("unregisterValidator()", "", false);
  public static final AbiFunction WITHDRAW_VALIDATOR =
      AbiFunction.of("withdrawValidator()", "uint256", false);
  public static final AbiFunction CHALLENGE =
      AbiFunction.payable("challenge(address,uint64,uint8,bytes,bytes32[],uint64,bytes)", "uint64");
  public static final AbiFunction CHALLENGE_UNANSWERED =
      AbiFunction.payable("challengeUnanswered(address,uint64,bytes32,uint64,bytes)", "uint64");
  public static final AbiFunction ANSWER =
      AbiFunction.of("answer(uint64,uint64,bytes,bytes32[],uint64)", "", false);
  public static final AbiFunction FLAG_CONTRIBUTION =
      AbiFunction.payable("flagContribution(uint64,string)", "uint64");
  public static final AbiFunction VOTE = AbiFunction.of("vote(uint64,bool)", "", false);
  public static final AbiFunction RESOLVE = AbiFunction.of("resolve(uint64)", "", false);
  public static final AbiFunction CHALLENGE_COUNT =
      AbiFunction.of("challengeCount()", "uint64", true);

  public static final AbiEvent CHALLENGE_FILED =
      new AbiEvent(
          "ChallengeFiled",
          List.of(
              p("id", AbiType.UINT64, true),
              p("operator", AbiType.ADDRESS, true),
              p("challenger", AbiType.ADDRESS, true),
              p("kind", AbiType.parse("uint8"), false),
              p("seq", AbiType.UINT64, false),
              p("recordNumber", AbiType.UINT64, false),
              p("bond", AbiType.UINT256, false)));
  public static final AbiEvent CHALLENGE_DECIDED =
      new AbiEvent(
          "ChallengeDecided",
          List.of(
              p("id", AbiType.UINT64, true),
              p("upheld", AbiType.BOOL, false),
              p("slashed", AbiType.UINT256, false),
              p("reason", AbiType.STRING, false)));
  public static final AbiEvent VOTED =
      new AbiEvent(
          "Voted",
          List.of(
              p("id", AbiType.UINT64, true),
              p("validator", AbiType.ADDRESS, true),
              p("upheld", AbiType.BOOL, false),
              p("weight", AbiType.UINT256, false)));
  public static final AbiEvent VALIDATOR_REGISTERED =
      new AbiEvent(
          "ValidatorRegistered",
          List.of(p("validator", AbiType.ADDRESS, true), p("stake", AbiType.UINT256, false)));
  public static final AbiEvent VALIDATOR_PENALIZED =
      new AbiEvent(
          "ValidatorPenalized",
          List.of(
              p("validator", AbiType.ADDRESS, true),
              p("amount", AbiType.UINT256, false),
              p("why", AbiType.STRING, false)));

  /** The events this node reads, to show challenges and validators per account. */
  public static final List<AbiEvent> EVENTS =
      List.of(CHALLENGE_FILED, CHALLENGE_DECIDED, VOTED, VALIDATOR_REGISTERED, VALIDATOR_PENALIZED);

  private static AbiEvent.Parameter p(String name, AbiType type, boolean indexed) {
    return new AbiEvent.Parameter(name, type, indexed);
  }
}
