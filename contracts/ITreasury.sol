// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger treasury system module
/// @notice Lives at 0x0000000000000000000000000000000000001000 on every OpenLedger chain. It is native code, not a deployed
///         contract (eth_getCode returns the marker 0xfe); build bindings from this interface or
///         from chain/src/main/resources/modules/Treasury.abi.json. Specification: docs/governance.md.
/// @dev    Receives the base fees and the platform's share of inference fees where genesis names it as
///         treasury; only the governance module (0x…1008), executing a proposal, spends from it.
interface ITreasury {
    event Spent(address indexed to, uint256 amount, uint256 proposalId);

    event Deposited(address indexed from, uint256 amount);

    /// @notice Pays `amount` base units to `to`; only the governance module calls it.
    function spend(address to, uint256 amount) external;

    function deposit() external payable;

    function balance() external view returns (uint256);
}
