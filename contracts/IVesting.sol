// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger vesting system module
/// @notice Lives at 0x0000000000000000000000000000000000001001 on every OpenLedger chain. It is
///         native code, not a deployed contract (eth_getCode returns the marker 0xfe, an opcode no
///         EVM runs, so tools that look for code find some), but it speaks this ABI:
///         build bindings from this interface or from chain/src/main/resources/modules/Vesting.abi.json.
/// @dev    Schedules are created at genesis. Nothing vests before start + cliff; then the total vests
///         linearly over `duration` seconds. Vested OPEN stays locked (in no balance) until claimed.
///         Failures revert with Error(string) data, e.g. "vesting: nothing to claim".
interface IVesting {
    /// @notice Emitted when `beneficiary` claims `amount` base units (10^18 per OPEN).
    event Claimed(address indexed beneficiary, uint256 amount);

    /// @notice The schedule of `beneficiary` (all zero if it has none).
    /// @return total OPEN allocated, base units
    /// @return start seconds since the Unix epoch
    /// @return cliff seconds after start before anything vests
    /// @return duration seconds of linear vesting after the cliff
    /// @return claimed base units claimed so far
    function schedule(address beneficiary)
        external
        view
        returns (uint256 total, uint64 start, uint64 cliff, uint64 duration, uint256 claimed);

    /// @notice OPEN vested at the current block's timestamp (claimed or not).
    function vested(address beneficiary) external view returns (uint256);

    /// @notice OPEN vested at `timestamp` (claimed or not).
    function vestedAt(address beneficiary, uint64 timestamp) external view returns (uint256);

    /// @notice Vested and not yet claimed, at the current block's timestamp.
    function claimable(address beneficiary) external view returns (uint256);

    /// @notice Still locked: total minus claimed.
    function lockedOf(address beneficiary) external view returns (uint256);

    /// @notice OPEN locked in all schedules together.
    function totalLocked() external view returns (uint256);

    /// @notice Moves everything vested and unclaimed of the caller into the caller's balance.
    /// @return amount base units claimed
    function claim() external returns (uint256 amount);
}
