// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title The L2 outputs posted to L1 (the OP Stack's L2OutputOracle, smaller).
/// @notice The proposer posts (L2 block number, output root) for increasing L2 block numbers. An
/// output root is keccak256(abi.encode(version, stateRoot, withdrawalsRoot, blockHash)) of the L2
/// block (docs/settlement.md). During the challenge period (finalizationPeriodSeconds after it was
/// posted) the challenger can delete an output and every later one; after it, the output is final
/// and withdrawals proven against it can be finalized by the Portal.
contract OutputOracle {
    struct Output {
        bytes32 outputRoot;
        uint128 timestamp; // L1 block timestamp when posted, seconds
        uint128 l2BlockNumber;
    }

    address public immutable proposer;
    address public immutable challenger;
    /// Challenge period, seconds.
    uint256 public immutable finalizationPeriodSeconds;

    Output[] private outputs;

    event OutputProposed(
        bytes32 indexed outputRoot, uint256 indexed outputIndex, uint256 indexed l2BlockNumber, uint256 l1Timestamp
    );
    event OutputsDeleted(uint256 prevNextOutputIndex, uint256 newNextOutputIndex);

    constructor(address proposer_, address challenger_, uint256 finalizationPeriodSeconds_) {
        require(proposer_ != address(0), "OutputOracle: proposer is the zero address");
        require(challenger_ != address(0), "OutputOracle: challenger is the zero address");
        require(finalizationPeriodSeconds_ > 0, "OutputOracle: challenge period must be positive");
        proposer = proposer_;
        challenger = challenger_;
        finalizationPeriodSeconds = finalizationPeriodSeconds_;
    }

    /// Posts the output root of L2 block `l2BlockNumber`; only the proposer, block numbers strictly
    /// increasing.
    function proposeL2Output(bytes32 outputRoot, uint256 l2BlockNumber) external {
        require(msg.sender == proposer, "OutputOracle: only the proposer posts outputs");
        require(outputRoot != bytes32(0), "OutputOracle: output root is zero");
        require(l2BlockNumber <= type(uint128).max, "OutputOracle: L2 block number too large");
        if (outputs.length > 0) {
            require(
                l2BlockNumber > outputs[outputs.length - 1].l2BlockNumber,
                "OutputOracle: L2 block number must exceed the latest output's"
            );
        }
        emit OutputProposed(outputRoot, outputs.length, l2BlockNumber, block.timestamp);
        outputs.push(Output(outputRoot, uint128(block.timestamp), uint128(l2BlockNumber)));
    }

    /// Deletes the output at `fromIndex` and every later one (a wrong output was posted); only the
    /// challenger, only outputs still in their challenge period.
    function deleteL2Outputs(uint256 fromIndex) external {
        require(msg.sender == challenger, "OutputOracle: only the challenger deletes outputs");
        require(fromIndex < outputs.length, "OutputOracle: no output at that index");
        require(
            block.timestamp < outputs[fromIndex].timestamp + finalizationPeriodSeconds,
            "OutputOracle: cannot delete a finalized output"
        );
        uint256 prev = outputs.length;
        while (outputs.length > fromIndex) {
            outputs.pop();
        }
        emit OutputsDeleted(prev, fromIndex);
    }

    function getL2Output(uint256 outputIndex) external view returns (Output memory) {
        require(outputIndex < outputs.length, "OutputOracle: no output at that index");
        return outputs[outputIndex];
    }

    /// The index the next posted output will get (the number of outputs).
    function nextOutputIndex() external view returns (uint256) {
        return outputs.length;
    }

    /// The L2 block number of the latest output; 0 when none was posted.
    function latestBlockNumber() external view returns (uint256) {
        return outputs.length == 0 ? 0 : outputs[outputs.length - 1].l2BlockNumber;
    }

    /// The index of the first output at or after L2 block `l2BlockNumber` (the one to prove a
    /// withdrawal made in that block against); reverts if no output covers it yet.
    function getL2OutputIndexAfter(uint256 l2BlockNumber) external view returns (uint256) {
        require(
            outputs.length > 0 && outputs[outputs.length - 1].l2BlockNumber >= l2BlockNumber,
            "OutputOracle: no output covers that L2 block yet"
        );
        uint256 lo = 0;
        uint256 hi = outputs.length - 1;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (outputs[mid].l2BlockNumber < l2BlockNumber) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /// Whether the output at `outputIndex` exists and its challenge period is over.
    function isFinalized(uint256 outputIndex) external view returns (bool) {
        return outputIndex < outputs.length
            && block.timestamp >= outputs[outputIndex].timestamp + finalizationPeriodSeconds;
    }
}
