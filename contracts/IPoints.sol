// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger testnet points system module
/// @notice Lives at 0x0000000000000000000000000000000000001020 on every OpenLedger chain; it records
///         points only on a chain whose genesis has a `points` section (testnets, never mainnet).
///         Points are non-transferable and recorded per account per UTC day (block timestamp / 86400)
///         from the events of the datanet, inference and challenge modules (docs/points.md). It is
///         native code, not a deployed contract; every function is a view.
interface IPoints {
    /// @notice The points of `account` on UTC day `day`, by category, and their sum.
    function pointsOf(address account, uint64 day)
        external
        view
        returns (uint64 data, uint64 usage, uint64 validation, uint64 uptime, uint64 total);

    /// @notice All points of `account`, every day.
    function totalPointsOf(address account) external view returns (uint256);

    /// @notice All points of all accounts.
    function totalPoints() external view returns (uint256);

    /// @notice How many accounts have points.
    function accountCount() external view returns (uint64);

    /// @notice The account with points number `index` (0-based, in the order they first earned).
    function accountAt(uint64 index) external view returns (address);

    /// @notice How many contributions of `account` were accepted by a datanet owner other than itself.
    function acceptedDataOf(address account) external view returns (uint64);

    /// @notice The UTC day of the current block.
    function today() external view returns (uint64);

    /// @notice The points rule of the genesis `points` section; `enabled` false (all zero) without one.
    function rule()
        external
        view
        returns (
            bool enabled,
            uint8 version,
            uint64 dataPointsPerScore,
            uint64 dataDailyCap,
            uint64 usagePointsPerOpen,
            uint64 usageDailyCap,
            uint64 validationPointsPerVote,
            uint64 validationDailyCap,
            uint64 uptimePointsPerDay
        );
}
