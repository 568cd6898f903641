// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger bridge system module (the L2 side of settlement on Ethereum)
/// @notice Lives at 0x0000000000000000000000000000000000001010 on every OpenLedger chain. It is
///         native code, not a deployed contract, but it speaks this ABI: build bindings from this
///         interface or from chain/src/main/resources/modules/Bridge.abi.json.
/// @dev    withdraw takes the OPEN sent off the L2 and records (nonce, sender, target, amount) under the
///         slot keccak256(abi.encode(nonce, sender, target, amount)) = 0x01, which the L1 Portal proves
///         against a posted output root (docs/settlement.md). Deposits from L1 are credited by the
///         system sender 0x00000000000000000000000000000000000010ff only, in the Portal's nonce order.
///         Failures revert with Error(string) data, e.g. "bridge: withdrawal of zero".
interface IBridge {
    /// @notice A withdrawal of `amount` base units from `sender` on the L2 to `target` on L1.
    /// @param withdrawalHash keccak256(abi.encode(nonce, sender, target, amount)), the storage slot
    /// @param withdrawalsRoot the hash chain over every withdrawal after this one
    event WithdrawalInitiated(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 amount,
        bytes32 withdrawalHash,
        bytes32 withdrawalsRoot
    );

    /// @notice The L1 deposit `nonce` of `amount` base units from `from` was credited to `to`.
    event DepositFinalized(uint256 indexed nonce, address indexed from, address indexed to, uint256 amount);

    /// @notice Takes msg.value off the L2 for `target` on L1 (prove and finalize it on the Portal).
    /// @return nonce the withdrawal's nonce
    function withdraw(address target) external payable returns (uint256 nonce);

    /// @notice Credits L1 deposit `nonce`; only the system sender, only the next nonce.
    function finalizeDeposit(uint256 nonce, address from, address to, uint256 amount) external;

    /// @notice The nonce the next withdrawal gets.
    function withdrawalNonce() external view returns (uint256);

    /// @notice The hash chain over every withdrawal so far (zero before the first).
    function withdrawalsRoot() external view returns (bytes32);

    /// @notice The nonce of the next L1 deposit to credit.
    function depositNonce() external view returns (uint256);

    /// @notice OPEN withdrawn so far, base units.
    function totalWithdrawn() external view returns (uint256);

    /// @notice OPEN deposited and credited so far, base units.
    function totalDeposited() external view returns (uint256);

    /// @notice keccak256(abi.encode(nonce, sender, target, amount)).
    function withdrawalHash(uint256 nonce, address sender, address target, uint256 amount)
        external
        view
        returns (bytes32);

    /// @notice Whether a withdrawal with this hash is recorded.
    function isWithdrawal(bytes32 withdrawalHash) external view returns (bool);
}
