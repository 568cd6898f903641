// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {OpenToken} from "./OpenToken.sol";
import {OutputOracle} from "./OutputOracle.sol";
import {SparseMerkleProof} from "./SparseMerkleProof.sol";

/// @title The bridge between OPEN on L1 and OPEN on the L2 (the OP Stack's OptimismPortal, for one
/// token).
/// @notice Deposits burn L1 OPEN and emit `DepositInitiated`, which the L2 derives into a credit.
/// Withdrawals are burned on the L2 and recorded in the L2 bridge module's storage; here they are
/// proven against a posted output root with a proof of the L2 state tree, then finalized (L1 OPEN
/// minted) once the challenge period is over. Exact formats: docs/settlement.md.
contract Portal {
    /// A withdrawal as the L2 bridge module records it; its hash is the storage slot.
    struct Withdrawal {
        uint256 nonce; // the L2 bridge module's withdrawal counter, from 0
        address sender; // who burned the OPEN on the L2
        address target; // who receives it on L1
        uint256 amount; // base units, 10^18 per OPEN
    }

    /// The preimage of an output root.
    struct OutputRootProof {
        bytes32 version; // 0
        bytes32 stateRoot; // the L2 block's state root (the sparse Merkle tree)
        bytes32 withdrawalsRoot; // the bridge module's withdrawal hash chain after the block
        bytes32 blockHash; // the L2 block's hash
    }

    struct ProvenWithdrawal {
        bytes32 outputRoot;
        uint128 timestamp; // L1 time of the proof, seconds; 0 = not proven
        uint128 outputIndex;
    }

    bytes32 public constant OUTPUT_VERSION = bytes32(0);
    /// keccak256 of the one-byte value 0x01 the L2 stores in a withdrawal's slot.
    bytes32 public constant WITHDRAWAL_VALUE_HASH = keccak256(hex"01");
    /// The state tree's tag for module storage: tree key = keccak256(0x02 ++ module ++ slot).
    bytes1 private constant STORAGE_TAG = 0x02;

    OpenToken public immutable token;
    OutputOracle public immutable oracle;
    /// The L2 bridge module's address (where withdrawals are recorded).
    address public immutable l2Bridge;

    /// The nonce the next deposit gets (deposits so far).
    uint256 public depositNonce;
    /// OPEN burned here by deposits, base units.
    uint256 public totalDeposited;
    /// OPEN minted here by finalized withdrawals, base units.
    uint256 public totalWithdrawn;

    mapping(bytes32 => ProvenWithdrawal) public provenWithdrawals;
    mapping(bytes32 => bool) public finalizedWithdrawals;

    event DepositInitiated(uint256 indexed nonce, address indexed from, address indexed to, uint256 amount);
    event WithdrawalProven(
        bytes32 indexed withdrawalHash, address indexed sender, address indexed target, uint256 outputIndex
    );
    event WithdrawalFinalized(bytes32 indexed withdrawalHash, address indexed target, uint256 amount);

    constructor(OutputOracle oracle_, address l2Bridge_) {
        require(address(oracle_) != address(0), "Portal: oracle is the zero address");
        require(l2Bridge_ != address(0), "Portal: L2 bridge is the zero address");
        oracle = oracle_;
        l2Bridge = l2Bridge_;
        token = new OpenToken(address(this));
    }

    /// Burns `amount` of the caller's L1 OPEN and emits the deposit the L2 credits to `to`.
    function deposit(address to, uint256 amount) external {
        require(to != address(0), "Portal: deposit to the zero address");
        require(amount > 0, "Portal: deposit of zero");
        token.burn(msg.sender, amount);
        totalDeposited += amount;
        emit DepositInitiated(depositNonce++, msg.sender, to, amount);
    }

    /// Proves that the L2 recorded `w` under the output at `outputIndex`: `outputRootProof` must
    /// hash to that output root, and `stateProof` (the encoded sparse Merkle proof, as eth_getProof
    /// returns it) must show the withdrawal's slot holding 0x01 under its state root. Starts the
    /// challenge period of this proof.
    function proveWithdrawal(
        Withdrawal calldata w,
        uint256 outputIndex,
        OutputRootProof calldata outputRootProof,
        bytes calldata stateProof
    ) external {
        bytes32 withdrawalHash = hashWithdrawal(w);
        require(!finalizedWithdrawals[withdrawalHash], "Portal: withdrawal already finalized");
        OutputOracle.Output memory output = oracle.getL2Output(outputIndex);
        ProvenWithdrawal memory earlier = provenWithdrawals[withdrawalHash];
        require(
            earlier.timestamp == 0 || !_outputStands(earlier),
            "Portal: withdrawal already proven against an output that stands"
        );
        require(outputRootProof.version == OUTPUT_VERSION, "Portal: unknown output root version");
        require(hashOutputRootProof(outputRootProof) == output.outputRoot, "Portal: output root proof mismatch");
        SparseMerkleProof.Proof memory proof = SparseMerkleProof.decode(stateProof);
        require(
            SparseMerkleProof.verifyInclusion(
                outputRootProof.stateRoot, withdrawalStateKey(withdrawalHash), WITHDRAWAL_VALUE_HASH, proof
            ),
            "Portal: withdrawal not in the L2 state"
        );
        provenWithdrawals[withdrawalHash] =
            ProvenWithdrawal(output.outputRoot, uint128(block.timestamp), uint128(outputIndex));
        emit WithdrawalProven(withdrawalHash, w.sender, w.target, outputIndex);
    }

    /// Mints `w.amount` to `w.target` once `w` was proven, the challenge period has passed since
    /// both the proof and the output, and the output was not deleted. Anyone may call it.
    function finalizeWithdrawal(Withdrawal calldata w) external {
        bytes32 withdrawalHash = hashWithdrawal(w);
        require(!finalizedWithdrawals[withdrawalHash], "Portal: withdrawal already finalized");
        ProvenWithdrawal memory proven = provenWithdrawals[withdrawalHash];
        require(proven.timestamp != 0, "Portal: withdrawal not proven");
        uint256 period = oracle.finalizationPeriodSeconds();
        require(block.timestamp >= proven.timestamp + period, "Portal: challenge period of the proof not over");
        require(_outputStands(proven), "Portal: the proven output was deleted; prove again");
        OutputOracle.Output memory output = oracle.getL2Output(proven.outputIndex);
        require(block.timestamp >= output.timestamp + period, "Portal: challenge period of the output not over");
        finalizedWithdrawals[withdrawalHash] = true;
        totalWithdrawn += w.amount;
        token.mint(w.target, w.amount);
        emit WithdrawalFinalized(withdrawalHash, w.target, w.amount);
    }

    /// keccak256(abi.encode(nonce, sender, target, amount)): the withdrawal's slot in the L2 bridge
    /// module.
    function hashWithdrawal(Withdrawal calldata w) public pure returns (bytes32) {
        return keccak256(abi.encode(w.nonce, w.sender, w.target, w.amount));
    }

    /// keccak256(abi.encode(version, stateRoot, withdrawalsRoot, blockHash)).
    function hashOutputRootProof(OutputRootProof calldata p) public pure returns (bytes32) {
        return keccak256(abi.encode(p.version, p.stateRoot, p.withdrawalsRoot, p.blockHash));
    }

    /// The L2 state tree key of a withdrawal's slot: keccak256(0x02 ++ l2Bridge ++ withdrawalHash).
    function withdrawalStateKey(bytes32 withdrawalHash) public view returns (bytes32) {
        return keccak256(abi.encodePacked(STORAGE_TAG, l2Bridge, withdrawalHash));
    }

    /// Whether the output a withdrawal was proven against is still posted (not deleted, not
    /// replaced by another root at that index).
    function _outputStands(ProvenWithdrawal memory p) private view returns (bool) {
        return p.outputIndex < oracle.nextOutputIndex() && oracle.getL2Output(p.outputIndex).outputRoot == p.outputRoot;
    }
}
