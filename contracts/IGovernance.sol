// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger governance system module
/// @notice Lives at 0x0000000000000000000000000000000000001008 on every OpenLedger chain. It is native code, not a deployed
///         contract (eth_getCode returns the marker 0xfe); build bindings from this interface or
///         from chain/src/main/resources/modules/Governance.abi.json. Specification: docs/governance.md.
/// @dev    OpenZeppelin Governor-compatible (GovernorCountingSimple, timelock states, ERC-6372 clock in
///         timestamp mode). Voting power is OPEN locked here, delegated as ERC20Votes (undelegated power does
///         not vote), read at proposalSnapshot. Failures revert with Error(string) data.
interface IGovernance {
    event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description);

    event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);

    event ProposalQueued(uint256 proposalId, uint256 etaSeconds);

    event ProposalExecuted(uint256 proposalId);

    event ProposalCanceled(uint256 proposalId);

    event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);

    event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes);

    event Locked(address indexed account, uint256 amount);

    event Unlocked(address indexed account, uint256 amount);

    /// @notice Locks the OPEN sent with the call for voting (it counts once delegated).
    function lock() external payable;

    /// @notice Returns `amount` base units of the caller's locked OPEN.
    function unlock(uint256 amount) external;

    /// @notice Gives the caller's locked OPEN as votes to `delegatee` (itself to vote with it; zero: nobody).
    function delegate(address delegatee) external;

    function delegates(address account) external view returns (address);

    function lockedOf(address account) external view returns (uint256);

    function totalLocked() external view returns (uint256);

    function votesOf(address account) external view returns (uint256);

    /// @notice Votes of `account` at the end of the last block at or before `timepoint` (a past timestamp).
    function getVotes(address account, uint256 timepoint) external view returns (uint256);

    /// @notice Votes of `account` at the end of block `blockNumber` (a past block).
    function getVotesAtBlock(address account, uint256 blockNumber) external view returns (uint256);

    function getPastTotalSupply(uint256 timepoint) external view returns (uint256);

    function clock() external view returns (uint48);

    function CLOCK_MODE() external view returns (string memory);

    function COUNTING_MODE() external view returns (string memory);

    /// @notice OpenZeppelin's propose; the id is hashProposal(targets, values, calldatas, keccak256(description)).
    function propose(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas, string calldata description) external returns (uint256 proposalId);

    function queue(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas, bytes32 descriptionHash) external returns (uint256 proposalId);

    /// @notice Runs every action of a queued proposal after its timelock, all or none; send the sum of `values`.
    function execute(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas, bytes32 descriptionHash) external payable returns (uint256 proposalId);

    function cancel(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas, bytes32 descriptionHash) external returns (uint256 proposalId);

    function hashProposal(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas, bytes32 descriptionHash) external view returns (uint256);

    /// @notice support: 0 against, 1 for, 2 abstain; returns the weight counted.
    function castVote(uint256 proposalId, uint8 support) external returns (uint256 weight);

    function castVoteWithReason(uint256 proposalId, uint8 support, string calldata reason) external returns (uint256 weight);

    /// @notice 0 Pending, 1 Active, 2 Canceled, 3 Defeated, 4 Succeeded, 5 Queued, 6 Expired, 7 Executed.
    function state(uint256 proposalId) external view returns (uint8);

    function proposalSnapshot(uint256 proposalId) external view returns (uint256);

    function proposalDeadline(uint256 proposalId) external view returns (uint256);

    function proposalEta(uint256 proposalId) external view returns (uint256);

    function proposalProposer(uint256 proposalId) external view returns (address);

    function proposalVotes(uint256 proposalId) external view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes);

    function hasVoted(uint256 proposalId, address account) external view returns (bool);

    function quorum(uint256 timepoint) external view returns (uint256);

    function votingDelay() external view returns (uint256);

    function votingPeriod() external view returns (uint256);

    function proposalThreshold() external view returns (uint256);

    function timelockDelay() external view returns (uint256);

    function gracePeriod() external view returns (uint256);

    function proposalCount() external view returns (uint256);

    function proposalAt(uint256 index) external view returns (uint256 proposalId);

    function name() external view returns (string memory);

    function version() external view returns (string memory);

    function proposalNeedsQueuing(uint256 proposalId) external view returns (bool);

    /// @notice Only the staking module: `amount` staked by `staker` in `operator`'s pool votes from this block on.
    function stakeAdded(address staker, address operator, uint8 term, uint256 amount) external;

    /// @notice Only the staking module: `shares` of the position's `sharesBefore` unbond; that part of its stake stops voting.
    function stakeRemoved(address staker, address operator, uint8 term, uint256 shares, uint256 sharesBefore) external;

    /// @notice The OPEN `account` has staked and not unbonded, at the amounts staked: it votes as locked OPEN does.
    function stakedOf(address account) external view returns (uint256);

    function totalStaked() external view returns (uint256);
}
