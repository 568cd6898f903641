// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger parameter registry system module
/// @notice Lives at 0x0000000000000000000000000000000000001009 on every OpenLedger chain. It is native code, not a deployed
///         contract (eth_getCode returns the marker 0xfe); build bindings from this interface or
///         from chain/src/main/resources/modules/Parameters.abi.json. Specification: docs/governance.md.
/// @dev    Every governable parameter with its value, bounds and the proposal that last set it (0: genesis).
///         Names are ASCII in a bytes32, zero-padded on the right, e.g. "platformBps".
interface IParameters {
    event ParameterSet(bytes32 indexed name, uint256 oldValue, uint256 newValue, uint256 proposalId);

    event GasTableScheduled(uint256 version, uint256 activationBlock, uint256 proposalId);

    /// @notice Sets a parameter within its bounds; only the governance module calls it.
    function setParameter(bytes32 name, uint256 value) external;

    function parameter(bytes32 name) external view returns (uint256 value, uint256 min, uint256 max, uint256 setBy);

    function parameterCount() external view returns (uint256);

    function parameterNames() external view returns (bytes32[] memory);

    function parameters() external view returns (bytes32[] memory names, uint256[] memory values, uint256[] memory mins, uint256[] memory maxs, uint256[] memory setBy);

    /// @notice Only the governance module: every block from `activationBlock` on (at least 10 blocks after this one) is priced by gas table `version` (docs/gas.md).
    function setGasTable(uint256 version, uint256 activationBlock) external;

    /// @notice Every gas table upgrade scheduled, by activation block, with the proposal that scheduled it.
    function gasTables() external view returns (uint256[] memory versions, uint256[] memory activationBlocks, uint256[] memory setBy);
}
