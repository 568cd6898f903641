// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title OpenLedger model system module
/// @notice Lives at 0x0000000000000000000000000000000000001003 on every OpenLedger chain. It is
///         native code, not a deployed contract (eth_getCode returns the marker 0xfe, an opcode no
///         EVM runs, so tools that look for code find some), but it speaks this ABI:
///         build bindings from this interface or from chain/src/main/resources/modules/Model.abi.json.
/// @dev    Specification: docs/economy.md, "Model module". A model names exact datanet versions; none
///         may be licensed "no derivatives", and a paid model (a price above zero) needs "commercial
///         use" on every one. Prices are base units (10^18 per OPEN) per 1,000 tokens. Failures revert
///         with Error(string) data, e.g. "model: unknown datanet 9".
interface IModel {
    /// @notice A contribution credited with a part of its datanet's training fee.
    /// @param contributionId the contribution
    /// @param acceptedIndex its position (0-based) in its datanet's acceptance order (IDatanet.acceptedAt),
    ///        below the named version's acceptedCount
    /// @param ppm its weight; the weights of one datanet sum to exactly 1,000,000
    struct TrainingCredit {
        uint64 contributionId;
        uint64 acceptedIndex;
        uint32 ppm;
    }

    /// @notice A model was registered; ids start at 1.
    event ModelRegistered(
        uint64 indexed modelId, address indexed owner, address indexed operator, string name, bytes32 adapterHash
    );

    /// @notice The owner changed the prices.
    event ModelPricesSet(uint64 indexed modelId, uint256 pricePerKIn, uint256 pricePerKOut);

    /// @notice The owner changed the operator.
    event ModelOperatorSet(uint64 indexed modelId, address indexed operator);

    /// @notice A model was registered with its training report (after ModelRegistered).
    event TrainedModelRegistered(uint64 indexed modelId, bytes32 reportHash, uint256 trainingFee);

    /// @notice One payout of a training fee: a credited contribution's part, or (contributionId 0) the
    ///         datanet owner's remainder.
    event TrainingFeePaid(
        uint64 indexed modelId, uint64 datanetId, uint64 indexed contributionId, address indexed paidTo, uint256 amount
    );

    /// @notice Registers a model owned by the caller, trained on `versions[i]` of `datanetIds[i]`; refused when
    ///         a named datanet charges a training fee (use registerTrainedModel).
    /// @return modelId the new model's id
    function registerModel(
        string calldata name,
        bytes32 baseModelHash,
        bytes32 adapterHash,
        uint64[] calldata datanetIds,
        uint32[] calldata versions,
        uint256 pricePerKIn,
        uint256 pricePerKOut,
        address operator
    ) external returns (uint64 modelId);

    /// @notice Owner only: sets the prices (base units per 1,000 prompt / completion tokens).
    function setPrices(uint64 modelId, uint256 pricePerKIn, uint256 pricePerKOut) external;

    /// @notice Owner only: sets the operator that serves the model.
    function setOperator(uint64 modelId, address operator) external;

    /// @notice A model; reverts for an unknown id.
    function model(uint64 modelId)
        external
        view
        returns (
            address owner,
            address operator,
            string memory name,
            bytes32 baseModelHash,
            bytes32 adapterHash,
            uint256 pricePerKIn,
            uint256 pricePerKOut,
            uint64 registeredAt
        );

    /// @notice The datanet versions the model was trained on.
    function modelDatanets(uint64 modelId) external view returns (uint64[] memory datanetIds, uint32[] memory versions);

    /// @notice Models registered so far.
    function modelCount() external view returns (uint64);

    /// @notice Registers a model as registerModel does, paying the training licence fees of the named
    ///         datanets (msg.value must be exactly their sum; IDatanet.trainingFee). Each datanet's fee is
    ///         split over its credited contributions: floor(fee * ppm / 1e6) each, to the contributor (the
    ///         treasury when the contributor is the caller, the datanet owner when the contribution earns
    ///         nothing); the remainder goes to the datanet owner. Every credit names a contribution
    ///         accepted in the named version; each named datanet's weights sum to 1,000,000.
    /// @param reportHash keccak256 of the training report (the factory's training.json)
    /// @return modelId the new model's id
    function registerTrainedModel(
        string calldata name,
        bytes32 baseModelHash,
        bytes32 adapterHash,
        uint64[] calldata datanetIds,
        uint32[] calldata versions,
        uint256 pricePerKIn,
        uint256 pricePerKOut,
        address operator,
        TrainingCredit[] calldata credits,
        bytes32 reportHash
    ) external payable returns (uint64 modelId);

    /// @notice The training report hash and the training fees a model paid; zeros for a model registered
    ///         with registerModel; reverts for an unknown id.
    function trainingReport(uint64 modelId) external view returns (bytes32 reportHash, uint256 trainingFee);
}
