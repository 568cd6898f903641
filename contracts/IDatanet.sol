// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger datanet system module
/// @notice Lives at 0x0000000000000000000000000000000000001002 on every OpenLedger chain. It is
///         native code, not a deployed contract (eth_getCode returns the marker 0xfe, an opcode no
///         EVM runs, so tools that look for code find some), but it speaks this ABI:
///         build bindings from this interface or from chain/src/main/resources/modules/Datanet.abi.json.
/// @dev    Specification: docs/economy.md, "Datanet module". Licence flags (uint32): 1 commercial use,
///         2 attribution, 4 share-alike, 8 no derivatives. Data types (uint8): 0 text, 1 image, 2 audio.
///         Contribution status (uint8): 1 pending, 2 accepted, 3 rejected. Each contribution sends
///         exactly contributionBond (contributionTerms()): returned on rejection, held while accepted,
///         taken by the challenge module (0x…1007) when it upholds an adversarial-data flag
///         (penalize). A penalized contribution, and every contribution of a contributor whose
///         penalty score reached penaltyThreshold, earns nothing from later fees. Limits are per UTC day
///         (block timestamp / 86400). Failures revert with Error(string) data, e.g.
///         "datanet: duplicate contribution 0x… (contribution 7)".
interface IDatanet {
    /// @notice A datanet was created; ids start at 1.
    event DatanetCreated(uint64 indexed datanetId, address indexed owner, string name);

    /// @notice A contribution was submitted (pending); ids are global and start at 1.
    event ContributionSubmitted(
        uint64 indexed datanetId, uint64 indexed contributionId, address indexed contributor, bytes32 blobHash, uint64 size
    );

    /// @notice The owner accepted a contribution with a validation score (0..100).
    event ContributionAccepted(uint64 indexed datanetId, uint64 indexed contributionId, uint32 score);

    /// @notice The owner rejected a pending contribution.
    event ContributionRejected(uint64 indexed datanetId, uint64 indexed contributionId, string reason);

    /// @notice The owner published a version: the first `acceptedCount` accepted contributions.
    event VersionPublished(
        uint64 indexed datanetId, uint32 indexed version, bytes32 contributionsRoot, bytes32 indexHash, uint64 acceptedCount
    );

    /// @notice The challenge module took a contribution's bond; `score` is its contributor's penalty
    ///         score after it.
    event ContributionPenalized(uint64 indexed id, address indexed contributor, uint256 bond, uint32 score);

    /// @notice The owner set the training licence fee: what registering a model trained on a version of
    ///         the datanet pays (IModel.registerTrainedModel), split over its contributions.
    event TrainingFeeSet(uint64 indexed datanetId, uint256 fee);

    /// @notice Creates a datanet owned by the caller.
    /// @return id the new datanet's id
    function createDatanet(
        string calldata name,
        string calldata description,
        string[] calldata tags,
        uint8 dataType,
        uint32 licence,
        string calldata rules
    ) external returns (uint64 id);

    /// @notice Submits a pending contribution: the blob's keccak-256 and size (the bytes live in the
    ///         blob store). Refused for a blob already contributed to the datanet, a size of 0 or over
    ///         maxSubmissionBytes, or over the caller's or the datanet's limits of the day.
    ///         The value sent must be exactly contributionBond.
    function contribute(uint64 datanetId, bytes32 blobHash, uint64 size, bytes32 metadataHash)
        external
        payable
        returns (uint64 contributionId);

    /// @notice Owner only: accepts a pending contribution (appends it to the accepted set).
    function approve(uint64 contributionId, uint32 score) external;

    /// @notice Owner only: rejects a pending contribution.
    function reject(uint64 contributionId, string calldata reason) external;

    /// @notice Owner only: publishes the accepted set as a version. `contributionsRoot` must be the
    ///         root of the accepted set now (else "datanet: accepted set changed").
    function publishVersion(uint64 datanetId, bytes32 contributionsRoot, bytes32 indexHash)
        external
        returns (uint32 version);

    /// @notice A datanet; reverts for an unknown id.
    function datanet(uint64 id)
        external
        view
        returns (
            address owner,
            string memory name,
            string memory description,
            string[] memory tags,
            uint8 dataType,
            uint32 licence,
            string memory rules,
            uint64 contributions,
            uint64 accepted,
            uint32 versions
        );

    /// @notice A contribution; reverts for an unknown id.
    function contribution(uint64 id)
        external
        view
        returns (
            uint64 datanetId,
            address contributor,
            bytes32 blobHash,
            uint64 size,
            bytes32 metadataHash,
            uint8 status,
            uint32 score,
            uint64 submittedAt
        );

    /// @notice The contribution accepted at position `index` (0-based, acceptance order).
    function acceptedAt(uint64 datanetId, uint64 index) external view returns (uint64 contributionId);

    /// @notice A published version; reverts if it does not exist.
    function version(uint64 datanetId, uint32 version)
        external
        view
        returns (bytes32 contributionsRoot, bytes32 indexHash, uint64 acceptedCount, uint64 publishedAt);

    /// @notice The contribution of `blobHash` to the datanet, 0 when none.
    function contributionByHash(uint64 datanetId, bytes32 blobHash) external view returns (uint64 contributionId);

    /// @notice Datanets created so far.
    function datanetCount() external view returns (uint64);

    /// @notice Contributions submitted so far, all datanets.
    function contributionCount() external view returns (uint64);

    /// @notice The contribution limits (protocol parameters from genesis).
    function limits()
        external
        view
        returns (
            uint64 maxSubmissionBytes,
            uint64 maxContributorBytesPerDay,
            uint64 maxDatanetBytesPerDay,
            uint32 maxSubmissionsPerContributorPerDay
        );

    /// @notice Challenge module (0x…1007) only: an adversarial-data flag on an accepted contribution
    ///         was upheld. Pays the caller the bond, marks the contribution penalized and adds one to
    ///         its contributor's penalty score. Refused for a contribution not accepted or already
    ///         penalized.
    /// @return bond the bond paid to the caller
    function penalize(uint64 contributionId) external returns (uint256 bond);

    /// @notice The bond held for a contribution now (0 once rejected or penalized), and whether it
    ///         was penalized; reverts for an unknown id.
    function contributionBond(uint64 id) external view returns (uint256 bond, bool penalized);

    /// @notice A contributor's penalty score; `barred` once it reached penaltyThreshold (its
    ///         contributions earn nothing from then on).
    function penaltyScore(address contributor) external view returns (uint32 score, bool barred);

    /// @notice The bond every contribution sends and the penalty threshold (genesis parameters).
    function contributionTerms() external view returns (uint256 contributionBond, uint32 penaltyThreshold);

    /// @notice Owner only: the training licence fee (base units) every model registered on a version
    ///         of the datanet pays from now on; 0 (the default) charges nothing.
    function setTrainingFee(uint64 datanetId, uint256 fee) external;

    /// @notice The training licence fee of a datanet; reverts for an unknown datanet.
    function trainingFee(uint64 datanetId) external view returns (uint256 fee);
}
