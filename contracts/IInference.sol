// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger inference system module
/// @notice Lives at 0x0000000000000000000000000000000000001004 on every OpenLedger chain. It is
///         native code, not a deployed contract (eth_getCode returns empty), but it speaks this ABI:
///         build bindings from this interface or from chain/src/main/resources/modules/Inference.abi.json.
/// @dev    Payers keep an escrow here; operators post batches of charges (debited from escrows) and
///         payouts (held as pending); once a batch's challenge window has passed anyone finalizes it
///         and its payouts become claimable. Amounts are OPEN base units (10^18 per OPEN), times are
///         block timestamps. Failures revert with Error(string) data, e.g. "inference: nothing to claim".
///         Specification: docs/economy.md ("Inference module", "Batches", "What each payment mode trusts").
interface IInference {
    /// @notice One charge of a batch.
    /// @param payer whose escrow pays
    /// @param keyHash key mode: keccak256 of the API key; signed mode: zero
    /// @param amount what the batch charges the payer (above zero)
    /// @param authorized signed mode: the cumulative amount the payer signed for this operator; key mode: 0
    /// @param signature signed mode: requestHash (32) ++ the payer's EIP-712 Spend signature r ++ s ++ v
    ///        (65, v 27/28, low s), 97 bytes; key mode: empty
    struct Charge {
        address payer;
        bytes32 keyHash;
        uint256 amount;
        uint256 authorized;
        bytes signature;
    }

    /// @notice One payout of a batch: `amount` added to the pending earnings of `account`.
    struct Payout {
        address account;
        uint256 amount;
    }

    /// @notice What a batch still takes from one payer (kept until final so a challenge can refund it).
    struct BatchCharge {
        address payer;
        bytes32 keyHash;
        uint256 amount;
    }

    event Deposited(address indexed payer, uint256 amount);
    event WithdrawalRequested(address indexed payer, uint256 amount, uint64 withdrawableAt);
    event Withdrawn(address indexed payer, uint256 amount);
    event ApiKeyRegistered(bytes32 indexed keyHash, address indexed payer, uint256 cap);
    event ApiKeyRevoked(bytes32 indexed keyHash, address indexed payer);
    event BatchPosted(
        address indexed operator, uint64 indexed seq, bytes32 recordsRoot, uint64 firstRecord, uint64 recordCount, uint256 total
    );
    event BatchFinalized(address indexed operator, uint64 indexed seq);
    event Claimed(address indexed account, uint256 amount);
    event BatchCorrected(address indexed operator, uint64 indexed seq, address indexed payer, uint256 refund, uint256 total);
    event BatchVoided(address indexed operator, uint64 indexed seq, uint256 refunded);

    /// @notice Adds the value sent to the caller's escrow.
    /// @return balance the escrow after the deposit
    function deposit() external payable returns (uint256 balance);

    /// @notice Asks to withdraw `amount` (at most the escrow) after the withdrawal delay. A new request
    ///         replaces the old one and restarts the delay. Until withdrawn, the amount stays chargeable.
    function requestWithdrawal(uint256 amount) external;

    /// @notice After the delay: pays min(requested, escrow) to the caller.
    function withdraw() external returns (uint256 paid);

    /// @notice The escrow of `payer`.
    function escrowOf(address payer)
        external
        view
        returns (uint256 balance, uint256 pendingWithdrawal, uint64 withdrawableAt);

    /// @notice Binds `keyHash` = keccak256(key) to the caller's escrow with a spending cap (total).
    ///         Registering the caller's own unrevoked key again sets a new cap and keeps what it spent.
    function registerApiKey(bytes32 keyHash, uint256 cap) external;

    /// @notice Payer only. Charges on the key are still accepted for revocationGrace seconds.
    function revokeApiKey(bytes32 keyHash) external;

    /// @notice The key with this hash (all zero if none).
    function apiKey(bytes32 keyHash)
        external
        view
        returns (address payer, uint256 cap, uint256 spent, uint64 revokedAt);

    /// @notice The caller (an operator) posts its next batch. `seq` and `firstRecord` must equal
    ///         nextBatch(caller), recordCount >= 1, charges sum to payouts, no zero amount, no payer or
    ///         payout account twice, each charge covered by the escrow and allowed by its key or signature.
    function postBatch(
        uint64 seq,
        bytes32 recordsRoot,
        uint64 firstRecord,
        uint64 recordCount,
        Charge[] calldata charges,
        Payout[] calldata payouts
    ) external;

    /// @notice Anyone, once block.timestamp >= finalizableAt: the batch's payouts become claimable.
    function finalizeBatch(address operator, uint64 seq) external;

    /// @notice Pays the caller's claimable earnings.
    function claim() external returns (uint256 paid);

    /// @notice Batch `seq` of `operator` (all zero if it was never posted).
    function batch(address operator, uint64 seq)
        external
        view
        returns (
            bytes32 recordsRoot,
            uint64 firstRecord,
            uint64 recordCount,
            uint256 total,
            uint64 postedAt,
            uint64 finalizableAt,
            bool finalized
        );

    /// @notice What the next batch of `operator` must carry (both start at 0).
    function nextBatch(address operator) external view returns (uint64 seq, uint64 firstRecord);

    /// @notice All that `operator` has charged `payer` in signed mode.
    function charged(address payer, address operator) external view returns (uint256);

    /// @notice Earnings of `account`: in open batches, final and unclaimed, paid out.
    function earnings(address account) external view returns (uint256 pending, uint256 claimable, uint256 claimed);

    /// @notice The protocol parameters the module runs with.
    function parameters()
        external
        view
        returns (
            uint64 challengeWindow,
            uint64 withdrawalDelay,
            uint64 revocationGrace,
            uint16 platformBps,
            uint16 ownerBps,
            uint16 stakersBps,
            uint16 dataBps,
            uint256 platformFee
        );

    /// @notice The challenge module (0x…1007) only: takes `removed` (a record's claimed split) out of
    ///         the open batch's payouts, puts `added` (its corrected split) in and refunds the
    ///         difference to `payer`'s escrow from its charge of (payer, keyHash). When the payouts do
    ///         not hold `removed` or the charge is below the refund, voids the batch instead.
    /// @return corrected true when corrected, false when voided
    function correctBatch(
        address operator,
        uint64 seq,
        address payer,
        bytes32 keyHash,
        Payout[] calldata removed,
        Payout[] calldata added
    ) external returns (bool corrected);

    /// @notice The challenge module only: every charge of the open batch back to its payer's escrow,
    ///         its payouts dropped; it can no longer be finalized.
    function voidBatch(address operator, uint64 seq) external returns (uint256 refunded);

    /// @notice What an open batch still takes from each payer, and whether it was voided.
    function batchCharges(address operator, uint64 seq) external view returns (BatchCharge[] memory charges, bool voided);
}
