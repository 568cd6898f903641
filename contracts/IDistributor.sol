// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger reward distributor system module
/// @notice Lives at 0x0000000000000000000000000000000000001021 on every OpenLedger chain. A genesis
///         `distributor` section gives it OPEN from the community share and the Merkle root of the
///         published (account, amount) list: OpenZeppelin's standard tree, leaf
///         keccak256(bytes.concat(keccak256(abi.encode(account, amount)))), sorted pairs, as
///         MerkleProof.verify checks it (docs/points.md). Claims vest on one calendar from genesis.
///         Failures revert with Error(string) data, e.g. "distributor: 0x… has claimed already".
interface IDistributor {
    /// @notice `account` claimed `amount` base units (10^18 per OPEN) into its vesting schedule.
    event Claimed(address indexed account, uint256 amount);

    /// @notice `account` received `amount` base units of its claim that had vested.
    event Released(address indexed account, uint256 amount);

    /// @notice After the deadline, the unclaimed `amount` went back to the community pool `to`.
    event Swept(address indexed to, uint256 amount);

    /// @notice Pays `account` (anyone may send it) its `amount` from the published list, once, into
    ///         a vesting schedule; refused after the deadline, twice, or with a bad proof.
    function claim(address account, uint256 amount, bytes32[] calldata proof) external;

    /// @notice Pays the caller what has vested of its claim and was not released yet.
    function release() external returns (uint256 amount);

    /// @notice After the deadline, anyone moves the unclaimed rest to the community pool, once.
    function sweep() external returns (uint256 amount);

    /// @notice True once `account` has claimed.
    function isClaimed(address account) external view returns (bool);

    /// @notice The Merkle root of the published list (zero without a distribution).
    function merkleRoot() external view returns (bytes32);

    /// @notice The last block timestamp at which a claim is accepted.
    function deadline() external view returns (uint64);

    /// @notice What genesis gave the distributor, base units.
    function totalAmount() external view returns (uint256);

    /// @notice The sum of all claims so far, base units.
    function claimedTotal() external view returns (uint256);

    /// @notice What the distributor still holds (unclaimed, not swept).
    function unclaimed() external view returns (uint256);

    /// @notice Whether the rest was swept, and how much.
    function swept() external view returns (bool done, uint256 amount);

    /// @notice The community pool address the unclaimed rest goes back to.
    function returnTo() external view returns (address);

    /// @notice Every claim's vesting: start (genesis), cliff and linear duration, seconds.
    function vestingTerms() external view returns (uint64 start, uint64 cliff, uint64 duration);

    /// @notice The schedule of `account`'s claim (all zero if it did not claim).
    function schedule(address account)
        external
        view
        returns (uint256 total, uint64 start, uint64 cliff, uint64 duration, uint256 released);

    /// @notice Vested and not yet released, at the current block's timestamp.
    function releasable(address account) external view returns (uint256);
}
