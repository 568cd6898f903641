// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger challenge system module
/// @notice Lives at 0x0000000000000000000000000000000000001007 on every OpenLedger chain. It is
///         native code, not a deployed contract, but it speaks this ABI: build bindings from this
///         interface or from chain/src/main/resources/modules/Challenge.abi.json.
/// @dev    Anyone challenges a posted inference record (with its Merkle proof), an unanswered paid
///         request, or accepted datanet data, posting a bond. Kinds: 1 wrong attribution and 2 wrong
///         token count (decided in the transaction by recomputation), 3 harmful output and 6
///         adversarial data (stake-weighted vote of the validators registered here), 4 unavailability
///         (the operator's failure to answer), 5 fabricated usage (the record's spend signature).
///         Upheld: the operator's pool is slashed (challenger, harmed payer and treasury share the
///         cut) and its batch corrected or voided before it is final; rejected: the bond goes to the
///         treasury. Amounts are OPEN base units, times block timestamps. Failures revert with
///         Error(string) data starting "challenge: ". Specification: docs/staking.md ("Challenges").
interface IChallenge {
    event ChallengeFiled(uint64 indexed id, address indexed operator, address indexed challenger, uint8 kind, uint64 seq, uint64 recordNumber, uint256 bond);
    event ChallengeAnswered(uint64 indexed id, address indexed operator, uint64 seq, uint64 recordNumber);
    event ChallengeDecided(uint64 indexed id, bool upheld, uint256 slashed, string reason);
    event SlashPaid(uint64 indexed id, address indexed challenger, address indexed payer, uint256 toChallenger, uint256 toPayer, uint256 toTreasury);
    event BondSettled(uint64 indexed id, address indexed challenger, uint256 bond, bool returned);
    event Voted(uint64 indexed id, address indexed validator, bool upheld, uint256 weight);
    event ValidatorRegistered(address indexed validator, uint256 stake);
    event ValidatorUnbonding(address indexed validator, uint256 stake, uint64 releaseAt);
    event ValidatorWithdrawn(address indexed validator, uint256 amount);
    event ValidatorPenalized(address indexed validator, uint256 amount, string why);

    /// @notice Adds msg.value to the caller's validator stake (the first time: at least validatorMinimumStake).
    function registerValidator() external payable;
    /// @notice Starts unbonding the caller's whole stake: no more votes; still penalizable until released.
    function unregisterValidator() external returns (uint64 releaseAt);
    /// @notice Pays an unbonded validator's stake once released and removes it.
    function withdrawValidator() external returns (uint256 amount);

    /// @notice Challenges record `index` of batch `seq` of `operator` (kind 1, 2, 3 or 5); msg.value is the bond.
    /// @param record the record's full ABI encoding (InferenceRecord), operator signature included
    /// @param proof the record's Merkle proof in the batch's records tree, bottom first
    /// @param evidence kind 1: the output text; kind 2: abi.encode(bytes request, bytes output); else empty
    function challenge(address operator, uint64 seq, uint8 kind, bytes calldata record, bytes32[] calldata proof, uint64 index, bytes calldata evidence) external payable returns (uint64 id);
    /// @notice Kind 4: the caller (the payer) claims `operator` never answered its paid request.
    /// @param payerSignature the caller's EIP-712 PaidRequest(operator, modelId, requestHash, signedAt)
    function challengeUnanswered(address operator, uint64 modelId, bytes32 requestHash, uint64 signedAt, bytes calldata payerSignature) external payable returns (uint64 id);
    /// @notice Answers an unavailability challenge with a posted record of that request and payer.
    function answer(uint64 id, uint64 seq, bytes calldata record, bytes32[] calldata proof, uint64 index) external;
    /// @notice Kind 6: flags accepted datanet data as adversarial or redundant, for a validator vote.
    function flagContribution(uint64 contributionId, string calldata reason) external payable returns (uint64 id);
    /// @notice An active validator registered before the challenge votes once, weighted by its stake.
    function vote(uint64 id, bool upheld) external;
    /// @notice Anyone, after the vote's deadline or the answer window: decides the challenge.
    /// @return status 2 upheld, 3 rejected, 4 no quorum
    function resolve(uint64 id) external returns (uint8 status);

    /// @notice Challenge `id` (all zero when none). status: 1 open, 2 upheld, 3 rejected, 4 no quorum.
    function challengeInfo(uint64 id) external view returns (uint8 kind, uint8 status, address operator, address challenger, address payer, uint64 seq, uint64 recordNumber, uint64 subject, uint256 bond, uint64 filedAt, uint64 deadline, uint256 upheldWeight, uint256 rejectedWeight, uint256 slashed);
    function validator(address validator) external view returns (uint256 stake, bool unbonding, uint64 releaseAt, uint64 firstChallenge, uint32 misses);
    function validatorAt(uint64 index) external view returns (address validator);
    /// @notice 0 no vote, 1 upheld, 2 rejected.
    function voteOf(uint64 id, address validator) external view returns (uint8 vote);
    function challengeCount() external view returns (uint64 count);
    function openChallenges(address operator, uint64 seq) external view returns (uint64 open);
    function totals() external view returns (uint256 validatorStake, uint256 activeStake, uint256 openBonds, uint64 validators);
    function challengeParameters() external view returns (uint256 challengeBond, uint16 attributionSlashBps, uint16 tokenCountSlashBps, uint16 harmfulOutputSlashBps, uint16 fabricatedUsageSlashBps, uint16 unavailabilitySlashBps, uint16 challengerBps, uint16 harmedPayerBps, uint64 voteWindow, uint64 answerWindow, uint16 voteQuorumBps, uint16 voteMajorityBps, uint256 validatorMinimumStake, uint16 validatorPenaltyBps, uint32 maxValidators, uint32 validatorMissLimit);
}
