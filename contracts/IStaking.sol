// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger staking system module
/// @notice Lives at 0x0000000000000000000000000000000000001006 on every OpenLedger chain. It is
///         native code, not a deployed contract, but it speaks this ABI: build bindings from this
///         interface or from chain/src/main/resources/modules/Staking.abi.json.
/// @dev    Operators and delegators stake OPEN in an operator's pool, by lock term (0 flexible, 1..4 =
///         30/90/180/365 days); each term is a share class whose exchange rate moves with rewards and
///         slashes. Model owners declare tiers (0 experimental, 1 standard, 2 critical); operators
///         declare the models they serve; an operator whose bonded stake is under the minimum of the
///         highest tier it serves posts no paid batch. Amounts are OPEN base units, times block
///         timestamps. Failures revert with Error(string) data. Specification: docs/staking.md.
interface IStaking {
    event Staked(address indexed operator, address indexed staker, uint8 term, uint256 amount, uint256 shares, uint64 lockedUntil);
    event Unbonding(address indexed operator, address indexed staker, uint64 indexed entryId, uint8 term, uint256 amount, uint64 releaseAt);
    event Withdrawn(address indexed operator, address indexed staker, uint64 indexed entryId, uint256 amount);
    event TierSet(uint64 indexed modelId, uint8 tier);
    event ModelServed(uint64 indexed modelId, address indexed operator);
    event ModelUnserved(uint64 indexed modelId, address indexed operator);
    event Rewarded(address indexed operator, uint256 amount, uint256 toTreasury);
    event Slashed(address indexed operator, uint16 rateBps, uint256 amount);
    event EndpointSet(address indexed operator, string url);

    /// @notice Adds msg.value to the caller's position in `operator`'s pool, class `term`; a lock
    ///         (re)starts at now + term. Returns the shares minted (rounded down).
    function stake(address operator, uint8 term) external payable returns (uint256 shares);
    /// @notice Moves `shares` of the caller's position (unlocked) into unbonding; still slashable.
    function unbond(address operator, uint8 term, uint256 shares) external returns (uint64 entryId, uint256 amount);
    /// @notice Pays an unbonding entry once released, at the unbonding class's rate then.
    function withdraw(address operator, uint64 entryId) external returns (uint256 paid);
    /// @notice The model's owner declares its tier.
    function setTier(uint64 modelId, uint8 tier) external;
    /// @notice The model's operator declares it serves the model: the model's tier counts for its pool.
    function serve(uint64 modelId) external;
    function unserve(uint64 modelId) external;
    /// @notice The inference module only: the stakers' share of a final batch.
    function addRewards(address operator) external payable;
    /// @notice The challenge module only: cuts `rateBps` of every class of the pool, paid to the caller.
    function slash(address operator, uint16 rateBps) external returns (uint256 slashed);

    function pool(address operator) external view returns (uint256 bonded, uint256 unbonding, uint256 requiredStake, uint64 experimentalModels, uint64 standardModels, uint64 criticalModels);
    function shareClass(address operator, uint8 term) external view returns (uint256 stake, uint256 shares, uint16 weightBps);
    function position(address operator, address staker, uint8 term) external view returns (uint256 shares, uint256 value, uint64 lockedUntil);
    function unbondingEntry(address operator, address staker, uint64 entryId) external view returns (uint256 shares, uint256 value, uint64 releaseAt);
    function nextEntryId(address operator, address staker) external view returns (uint64 entryId);
    function modelStake(uint64 modelId) external view returns (uint8 tier, uint256 minimum, address operator, address servedBy, uint256 bonded, bool meetsTier);
    function totals() external view returns (uint256 bonded, uint256 unbonding);
    /// @notice Publishes where the caller (an operator) serves its records: GET {url}/v1/records?from=N&limit=M.
    ///         An absolute http(s) URL of at most 256 bytes, with no query, fragment, user info or trailing slash.
    function setEndpoint(string calldata url) external;
    function endpoint(address operator) external view returns (string memory url);
    function stakingParameters() external view returns (uint64 unbondingDelay, uint64 lockDaySeconds, uint256 experimentalMinimum, uint256 standardMinimum, uint256 criticalMinimum, uint16 lockWeight30Bps, uint16 lockWeight90Bps, uint16 lockWeight180Bps, uint16 lockWeight365Bps);
}
