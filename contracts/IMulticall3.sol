// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Multicall3 on OpenLedger
/// @notice Lives at Multicall3's canonical address 0xcA11bde05977b3631167028862bE2a173976CA11
///         (0xca11bde05977b3631167028862be2a173976ca11), as on every EVM chain, so viem, wagmi and
///         ethers find it without configuration. It is a native system module, not deployed
///         bytecode (eth_getCode returns the marker 0xfe), and speaks Multicall3's ABI (this
///         interface, or chain/src/main/resources/modules/Multicall3.abi.json).
/// @dev    Calls run one after the other as this address (msg.sender of each), on the gas of the
///         whole call; a failed one has its changes undone. Targets are system modules, or accounts
///         (which only receive the value). Reverts: "Multicall3: call failed", "Multicall3: value
///         mismatch". blockAndAggregate's blockHash is that of the current block: zero, as in the
///         EVM. getCurrentBlockDifficulty is 0 (a sequencer chain has none).
interface IMulticall3 {
    struct Call {
        address target;
        bytes callData;
    }

    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Call3Value {
        address target;
        bool allowFailure;
        uint256 value;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Every call must succeed; the block number and each call's return data.
    function aggregate(Call[] calldata calls)
        external
        payable
        returns (uint256 blockNumber, bytes[] memory returnData);

    /// @notice Each call may fail when it allows failure; its success and return (or revert) data.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData);

    /// @notice aggregate3 sending each call its value; the values must add up to msg.value.
    function aggregate3Value(Call3Value[] calldata calls)
        external
        payable
        returns (Result[] memory returnData);

    /// @notice tryBlockAndAggregate(true, calls).
    function blockAndAggregate(Call[] calldata calls)
        external
        payable
        returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData);

    /// @notice The block's base fee (0 inside an eth_call that names no gas price, as in geth).
    function getBasefee() external view returns (uint256 basefee);

    /// @notice The hash of one of the 256 blocks before this one, else zero.
    function getBlockHash(uint256 blockNumber) external view returns (bytes32 blockHash);

    function getBlockNumber() external view returns (uint256 blockNumber);

    function getChainId() external view returns (uint256 chainid);

    /// @notice The sequencer (it receives the priority fees).
    function getCurrentBlockCoinbase() external view returns (address coinbase);

    function getCurrentBlockDifficulty() external view returns (uint256 difficulty);

    function getCurrentBlockGasLimit() external view returns (uint256 gaslimit);

    function getCurrentBlockTimestamp() external view returns (uint256 timestamp);

    /// @notice The OPEN balance of `addr`, base units (10^18 per OPEN).
    function getEthBalance(address addr) external view returns (uint256 balance);

    function getLastBlockHash() external view returns (bytes32 blockHash);

    /// @notice Calls may fail unless `requireSuccess`.
    function tryAggregate(bool requireSuccess, Call[] calldata calls)
        external
        payable
        returns (Result[] memory returnData);

    function tryBlockAndAggregate(bool requireSuccess, Call[] calldata calls)
        external
        payable
        returns (uint256 blockNumber, bytes32 blockHash, Result[] memory returnData);
}
