// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Where the sequencer's batcher posts L2 transaction batches.
/// @notice A batch is the calldata (or the blobs) of a transaction to this contract. Only the
/// batcher's transactions succeed; derivation reads the successful ones, in L1 order, and ignores
/// everything else sent here (which reverts). The contract keeps no state: a batch costs calldata
/// gas plus a few thousand gas for this check and the log that lets followers find batches with
/// eth_getLogs instead of scanning every L1 block.
contract BatchInbox {
    /// The sequencer's batcher key, fixed at deployment.
    address public immutable batcher;

    /// One per accepted batch; `size` is the calldata length in bytes (0 for a blob-only batch).
    event BatchReceived(uint256 size);

    constructor(address batcher_) {
        require(batcher_ != address(0), "BatchInbox: batcher is the zero address");
        batcher = batcher_;
    }

    fallback() external {
        require(msg.sender == batcher, "BatchInbox: only the batcher posts batches");
        emit BatchReceived(msg.data.length);
    }
}
