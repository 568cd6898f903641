package io.openledger.chain.datanet;

import io.openledger.chain.economy.EconomyParameters;
import io.openledger.chain.economy.ParametersInForce;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.MeteredStateReader;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The datanet module at {@code 0x0000000000000000000000000000000000001002} (docs/economy.md,
 * "Datanet module"): anyone creates a datanet and owns it; anyone contributes data (its hash and
 * size; the bytes live in the blob store) within the daily limits of {@link EconomyParameters}; the
 * owner accepts or rejects each contribution and publishes versions of the accepted set, whose root
 * the module checks against the {@link ContributionsMerkle} frontier it keeps.
 *
 * <p>Each contribution sends exactly {@link EconomyParameters#contributionBond()} with it. The bond
 * goes back to the contributor when the owner rejects the contribution and stays here while it is
 * accepted; when the challenge module ({@code 0x…1007}) upholds an adversarial-data flag it calls
 * {@code penalize}, which pays it the bond and adds one to the contributor's penalty score. A
 * penalized contribution, and every contribution of a contributor whose score reached {@code
 * penaltyThreshold}, earns nothing from later fees ({@link #earns}): its data share goes to the
 * model owner like unattributed weight. The module's account holds exactly the bonds it holds
 * ({@link #audit}).
 *
 * <p>Solidity interface: {@code contracts/IDatanet.sol}; ABI: {@code modules/Datanet.abi.json}.
 *
 * <p>Storage (ids big-endian, 8 bytes; versions 4 bytes):
 *
 * <ul>
 *   <li>{@code "datanets"}, {@code "contributions"}: the counts (8 bytes each)
 *   <li>{@code "datanet" ++ id}: {@link Datanet.Header}; {@code "datanet.text" ++ id}: {@link
 *       Datanet#encodeText()}
 *   <li>{@code "contribution" ++ id}: {@link Contribution#encode()}
 *   <li>{@code "byhash" ++ datanetId ++ blobHash}: the contribution id (duplicate check)
 *   <li>{@code "accepted" ++ datanetId ++ index}: the id accepted at {@code index}
 *   <li>{@code "frontier" ++ datanetId ++ level (1 byte)}: the Merkle frontier (32 bytes)
 *   <li>{@code "version" ++ datanetId ++ version}: {@link DatanetVersion#encode()}
 *   <li>{@code "bond" ++ id}: {@link ContributionBond} (absent: nothing held, not penalized)
 *   <li>{@code "penalty" ++ contributor}: {@link PenaltyScore} (absent: 0, not barred)
 *   <li>{@code "bonds"}: the sum of the bonds held (32 bytes)
 *   <li>{@code "trainingfee" ++ datanetId}: the training licence fee (32 bytes; absent: 0)
 *   <li>{@code "daily" ++ contributor}: day, bytes, submissions (8 + 8 + 4) of the latest UTC day
 *       the address contributed; {@code "daily.datanet" ++ datanetId}: day, bytes (8 + 8)
 * </ul>
 *
 * Nothing is written at genesis.
 */
public final class DatanetModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(2);
  public static final String NAME = "datanet";

  /** The challenge module: the only caller of {@code penalize}. */
  public static final Address PENALIZER = ModuleRegistry.moduleAddress(7);

  /** Highest validation score. */
  public static final int MAX_SCORE = 100;

  public static final AbiFunction CREATE_DATANET =
      AbiFunction.of("createDatanet(string,string,string[],uint8,uint32,string)", "uint64", false);
  public static final AbiFunction CONTRIBUTE =
      AbiFunction.payable("contribute(uint64,bytes32,uint64,bytes32)", "uint64");
  public static final AbiFunction APPROVE = AbiFunction.of("approve(uint64,uint32)", "", false);
  public static final AbiFunction REJECT = AbiFunction.of("reject(uint64,string)", "", false);
  public static final AbiFunction PUBLISH_VERSION =
      AbiFunction.of("publishVersion(uint64,bytes32,bytes32)", "uint32", false);
  public static final AbiFunction DATANET =
      AbiFunction.of(
          "datanet(uint64)",
          "address,string,string,string[],uint8,uint32,string,uint64,uint64,uint32",
          true);
  public static final AbiFunction CONTRIBUTION =
      AbiFunction.of(
          "contribution(uint64)",
          "uint64,address,bytes32,uint64,bytes32,uint8,uint32,uint64",
          true);
  public static final AbiFunction ACCEPTED_AT =
      AbiFunction.of("acceptedAt(uint64,uint64)", "uint64", true);
  public static final AbiFunction VERSION =
      AbiFunction.of("version(uint64,uint32)", "bytes32,bytes32,uint64,uint64", true);
  public static final AbiFunction CONTRIBUTION_BY_HASH =
      AbiFunction.of("contributionByHash(uint64,bytes32)", "uint64", true);
  public static final AbiFunction DATANET_COUNT = AbiFunction.of("datanetCount()", "uint64", true);
  public static final AbiFunction CONTRIBUTION_COUNT =
      AbiFunction.of("contributionCount()", "uint64", true);
  public static final AbiFunction LIMITS =
      AbiFunction.of("limits()", "uint64,uint64,uint64,uint32", true);
  public static final AbiFunction PENALIZE = AbiFunction.of("penalize(uint64)", "uint256", false);
  public static final AbiFunction CONTRIBUTION_BOND =
      AbiFunction.of("contributionBond(uint64)", "uint256,bool", true);
  public static final AbiFunction PENALTY_SCORE =
      AbiFunction.of("penaltyScore(address)", "uint32,bool", true);
  public static final AbiFunction CONTRIBUTION_TERMS =
      AbiFunction.of("contributionTerms()", "uint256,uint32", true);
  public static final AbiFunction SET_TRAINING_FEE =
      AbiFunction.of("setTrainingFee(uint64,uint256)", "", false);
  public static final AbiFunction TRAINING_FEE =
      AbiFunction.of("trainingFee(uint64)", "uint256", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          CREATE_DATANET,
          CONTRIBUTE,
          APPROVE,
          REJECT,
          PUBLISH_VERSION,
          DATANET,
          CONTRIBUTION,
          ACCEPTED_AT,
          VERSION,
          CONTRIBUTION_BY_HASH,
          DATANET_COUNT,
          CONTRIBUTION_COUNT,
          LIMITS,
          PENALIZE,
          CONTRIBUTION_BOND,
          PENALTY_SCORE,
          CONTRIBUTION_TERMS,
          SET_TRAINING_FEE,
          TRAINING_FEE);

  private static final AbiType UINT32 = AbiType.parse("uint32");

  /** {@code DatanetCreated(uint64 indexed datanetId, address indexed owner, string name)}. */
  public static final AbiEvent DATANET_CREATED =
      new AbiEvent(
          "DatanetCreated",
          List.of(
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, true),
              new AbiEvent.Parameter("owner", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("name", AbiType.STRING, false)));

  /**
   * {@code ContributionSubmitted(uint64 indexed datanetId, uint64 indexed contributionId, address
   * indexed contributor, bytes32 blobHash, uint64 size)}.
   */
  public static final AbiEvent CONTRIBUTION_SUBMITTED =
      new AbiEvent(
          "ContributionSubmitted",
          List.of(
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, true),
              new AbiEvent.Parameter("contributionId", AbiType.UINT64, true),
              new AbiEvent.Parameter("contributor", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("blobHash", AbiType.BYTES32, false),
              new AbiEvent.Parameter("size", AbiType.UINT64, false)));

  /**
   * {@code ContributionAccepted(uint64 indexed datanetId, uint64 indexed contributionId, uint32
   * score)}.
   */
  public static final AbiEvent CONTRIBUTION_ACCEPTED =
      new AbiEvent(
          "ContributionAccepted",
          List.of(
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, true),
              new AbiEvent.Parameter("contributionId", AbiType.UINT64, true),
              new AbiEvent.Parameter("score", UINT32, false)));

  /**
   * {@code ContributionRejected(uint64 indexed datanetId, uint64 indexed contributionId, string
   * reason)}.
   */
  public static final AbiEvent CONTRIBUTION_REJECTED =
      new AbiEvent(
          "ContributionRejected",
          List.of(
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, true),
              new AbiEvent.Parameter("contributionId", AbiType.UINT64, true),
              new AbiEvent.Parameter("reason", AbiType.STRING, false)));

  /**
   * {@code VersionPublished(uint64 indexed datanetId, uint32 indexed version, bytes32
   * contributionsRoot, bytes32 indexHash, uint64 acceptedCount)}.
   */
  public static final AbiEvent VERSION_PUBLISHED =
      new AbiEvent(
          "VersionPublished",
          List.of(
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, true),
              new AbiEvent.Parameter("version", UINT32, true),
              new AbiEvent.Parameter("contributionsRoot", AbiType.BYTES32, false),
              new AbiEvent.Parameter("indexHash", AbiType.BYTES32, false),
              new AbiEvent.Parameter("acceptedCount", AbiType.UINT64, false)));

  /**
   * {@code ContributionPenalized(uint64 indexed id, address indexed contributor, uint256 bond,
   * uint32 score)}: the bond taken and the contributor's penalty score after it.
   */
  public static final AbiEvent CONTRIBUTION_PENALIZED =
      new AbiEvent(
          "ContributionPenalized",
          List.of(
              new AbiEvent.Parameter("id", AbiType.UINT64, true),
              new AbiEvent.Parameter("contributor", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("bond", AbiType.UINT256, false),
              new AbiEvent.Parameter("score", UINT32, false)));

  /**
   * {@code TrainingFeeSet(uint64 indexed datanetId, uint256 fee)}: the training licence fee from
   * now on (base units per registered model).
   */
  public static final AbiEvent TRAINING_FEE_SET =
      new AbiEvent(
          "TrainingFeeSet",
          List.of(
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, true),
              new AbiEvent.Parameter("fee", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS =
      List.of(
          DATANET_CREATED,
          CONTRIBUTION_SUBMITTED,
          CONTRIBUTION_ACCEPTED,
          CONTRIBUTION_REJECTED,
          VERSION_PUBLISHED,
          CONTRIBUTION_PENALIZED,
          TRAINING_FEE_SET);

  private static final byte[] DATANET_COUNT_SLOT = ascii("datanets");
  private static final byte[] CONTRIBUTION_COUNT_SLOT = ascii("contributions");
  private static final byte[] BONDS_SLOT = ascii("bonds");
  private static final byte[] BOND_PREFIX = ascii("bond");
  private static final byte[] PENALTY_PREFIX = ascii("penalty");
  private static final byte[] TRAINING_FEE_PREFIX = ascii("trainingfee");

  private final ParametersInForce inForce;

  /** Limits and bond as the state has them (the parameter registry's values). */
  public DatanetModule(ParametersInForce inForce) {
    this.inForce = java.util.Objects.requireNonNull(inForce, "inForce");
  }

  /** Limits and bond that never change. */
  public DatanetModule(EconomyParameters params) {
    this(ParametersInForce.fixed(params));
  }

  /** What every {@code contribute} in {@code state} must send (the {@code contributionBond}). */
  public Amount contributionBond(StateReader state) {
    return inForce.in(state).contributionBond();
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Datanet.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    StateReader s = new MeteredStateReader(ctx);
    return switch (f.name()) {
      case "createDatanet" -> f.encodeResult(u(create(ctx, s, a)));
      case "contribute" ->
          f.encodeResult(
              u(
                  contribute(
                      ctx,
                      s,
                      value,
                      big(a, 0),
                      Hash.wrap((byte[]) a.get(1)),
                      big(a, 2),
                      Hash.wrap((byte[]) a.get(3)))));
      case "approve" -> {
        approve(ctx, s, big(a, 0), big(a, 1));
        yield f.encodeResult();
      }
      case "reject" -> {
        reject(ctx, s, big(a, 0), (String) a.get(1));
        yield f.encodeResult();
      }
      case "penalize" -> f.encodeResult(penalize(ctx, s, big(a, 0)).value());
      case "setTrainingFee" -> {
        setTrainingFee(ctx, s, big(a, 0), Amount.of(big(a, 1)));
        yield f.encodeResult();
      }
      case "publishVersion" ->
          f.encodeResult(
              u(
                  publish(
                      ctx,
                      s,
                      big(a, 0),
                      Hash.wrap((byte[]) a.get(1)),
                      Hash.wrap((byte[]) a.get(2)))));
      default -> view(s, f, a);
    };
  }

  // ---- transactions ----

  private long create(ModuleContext ctx, StateReader s, List<Object> a) {
    @SuppressWarnings("unchecked")
    List<String> tags = (List<String>) a.get(2);
    BigInteger type = big(a, 3);
    BigInteger flags = big(a, 4);
    DataType dataType =
        DataType.of(type.longValue())
            .orElseThrow(
                () ->
                    new ModuleRevert(
                        "datanet: unknown data type " + type + " (want 0 text, 1 image, 2 audio)"));
    if (!Licence.isValid(flags.longValue())) {
      throw new ModuleRevert(
          "datanet: unknown licence flags 0x"
              + flags.andNot(BigInteger.valueOf(Licence.ALL)).toString(16)
              + " (defined: 1 commercial use, 2 attribution, 4 share-alike, 8 no derivatives)");
    }
    long id = Math.addExact(datanetCount(s), 1);
    Datanet d =
        Datanet.create(
            id,
            ctx.caller(),
            (String) a.get(0),
            (String) a.get(1),
            tags,
            dataType,
            new Licence(flags.intValue()),
            (String) a.get(5));
    ctx.store(DATANET_COUNT_SLOT, u64(id));
    ctx.store(headerSlot(id), d.header().encode());
    ctx.store(textSlot(id), d.encodeText());
    ctx.emit(DATANET_CREATED, u(id), d.owner(), d.name());
    return id;
  }

  private long contribute(
      ModuleContext ctx,
      StateReader s,
      Amount bond,
      BigInteger datanetArg,
      Hash blobHash,
      BigInteger sizeArg,
      Hash metadataHash) {
    EconomyParameters params = inForce.in(s);
    if (!bond.equals(params.contributionBond())) {
      throw new ModuleRevert(
          "datanet: a contribution needs a bond of exactly "
              + params.contributionBond().toOpenString()
              + " OPEN (contributionBond), sent "
              + bond.toOpenString()
              + " OPEN");
    }
    long datanetId = knownDatanet(datanetArg);
    Datanet.Header h = requireHeader(s, datanetArg);
    if (sizeArg.signum() == 0) {
      throw new ModuleRevert("datanet: size must be greater than 0");
    }
    if (sizeArg.compareTo(BigInteger.valueOf(params.maxSubmissionBytes())) > 0) {
      throw new ModuleRevert(
          "datanet: a submission of "
              + sizeArg
              + " bytes is over maxSubmissionBytes ("
              + params.maxSubmissionBytes()
              + ")");
    }
    long size = sizeArg.longValueExact();
    long existing = contributionByHash(s, datanetId, blobHash);
    if (existing != 0) {
      throw new ModuleRevert(
          "datanet: duplicate contribution "
              + blobHash.toHex()
              + " (contribution "
              + existing
              + ")");
    }
    long day = EconomyParameters.day(ctx.blockTimestamp());
    Address who = ctx.caller();
    ContributorDay mine = contributorDay(s, who, day);
    if (mine.submissions() >= params.maxSubmissionsPerContributorPerDay()) {
      throw new ModuleRevert(
          "datanet: maxSubmissionsPerContributorPerDay ("
              + params.maxSubmissionsPerContributorPerDay()
              + ") reached: 0 submissions left today for "
              + who);
    }
    long contributorLeft = params.maxContributorBytesPerDay() - mine.bytes();
    if (size > contributorLeft) {
      throw new ModuleRevert(
          "datanet: over maxContributorBytesPerDay ("
              + params.maxContributorBytesPerDay()
              + "): "
              + contributorLeft
              + " bytes left today for "
              + who
              + ", the submission is "
              + size
              + " bytes");
    }
    DatanetDay theirs = datanetDay(s, datanetId, day);
    long datanetLeft = params.maxDatanetBytesPerDay() - theirs.bytes();
    if (size > datanetLeft) {
      throw new ModuleRevert(
          "datanet: over maxDatanetBytesPerDay ("
              + params.maxDatanetBytesPerDay()
              + "): "
              + datanetLeft
              + " bytes left today for datanet "
              + datanetId
              + ", the submission is "
              + size
              + " bytes");
    }
    long id = Math.addExact(contributionCount(s), 1);
    Contribution c =
        new Contribution(
            id,
            datanetId,
            who,
            blobHash,
            size,
            metadataHash,
            ContributionStatus.PENDING,
            0,
            ctx.blockTimestamp());
    ctx.store(CONTRIBUTION_COUNT_SLOT, u64(id));
    ctx.store(contributionSlot(id), c.encode());
    ctx.store(byHashSlot(datanetId, blobHash), u64(id));
    ctx.store(
        headerSlot(datanetId),
        h.withCounts(h.contributions() + 1, h.accepted(), h.versions()).encode());
    ctx.store(
        dailySlot(who),
        new ContributorDay(day, mine.bytes() + size, mine.submissions() + 1).encode());
    ctx.store(dailySlot(datanetId), new DatanetDay(day, theirs.bytes() + size).encode());
    if (!bond.isZero()) {
      ctx.store(bondSlot(id), new ContributionBond(bond, false).encode());
      ctx.store(BONDS_SLOT, bondsHeld(s).add(bond).toBytes32());
    }
    ctx.emit(CONTRIBUTION_SUBMITTED, u(datanetId), u(id), who, blobHash.toArray(), u(size));
    return id;
  }

  private void approve(ModuleContext ctx, StateReader s, BigInteger idArg, BigInteger score) {
    Contribution c = requirePending(ctx, s, idArg, "approve");
    if (score.compareTo(BigInteger.valueOf(MAX_SCORE)) > 0) {
      throw new ModuleRevert("datanet: score " + score + " is over " + MAX_SCORE);
    }
    Datanet.Header h = readHeader(s, c.datanetId()).orElseThrow();
    long index = h.accepted();
    if (index >= ContributionsMerkle.MAX_LEAVES) {
      throw new ModuleRevert("datanet: datanet " + c.datanetId() + " cannot accept any more");
    }
    ContributionsMerkle.Branch b =
        ContributionsMerkle.append(
            index,
            ContributionsMerkle.leaf(c.id(), c.blobHash()),
            level -> frontier(s, c.datanetId(), level));
    ctx.store(frontierSlot(c.datanetId(), b.level()), b.node().toArray());
    ctx.store(acceptedSlot(c.datanetId(), index), u64(c.id()));
    ctx.store(
        contributionSlot(c.id()),
        c.decided(ContributionStatus.ACCEPTED, score.intValue()).encode());
    ctx.store(
        headerSlot(c.datanetId()),
        h.withCounts(h.contributions(), index + 1, h.versions()).encode());
    ctx.emit(CONTRIBUTION_ACCEPTED, u(c.datanetId()), u(c.id()), score);
  }

  private void reject(ModuleContext ctx, StateReader s, BigInteger idArg, String reason) {
    Contribution c = requirePending(ctx, s, idArg, "reject");
    ctx.store(contributionSlot(c.id()), c.decided(ContributionStatus.REJECTED, 0).encode());
    Amount held = readBond(s, c.id()).held();
    if (!held.isZero()) {
      ctx.store(bondSlot(c.id()), new byte[0]);
      putBondsHeld(ctx, bondsHeld(s).subtract(held));
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, c.contributor(), held);
    }
    ctx.emit(CONTRIBUTION_REJECTED, u(c.datanetId()), u(c.id()), reason);
  }

  /**
   * The challenge module upheld an adversarial-data flag on contribution {@code idArg}: it gets the
   * bond, the contribution is penalized and its contributor's score grows by one.
   */
  private Amount penalize(ModuleContext ctx, StateReader s, BigInteger idArg) {
    if (!ctx.caller().equals(PENALIZER)) {
      throw new ModuleRevert(
          "datanet: only the challenge module (" + PENALIZER + ") penalizes contributions");
    }
    Contribution c = requireContribution(s, idArg);
    if (c.status() != ContributionStatus.ACCEPTED) {
      throw new ModuleRevert(
          "datanet: contribution " + c.id() + " is " + c.status().label() + ", not accepted");
    }
    ContributionBond bond = readBond(s, c.id());
    if (bond.penalized()) {
      throw new ModuleRevert("datanet: contribution " + c.id() + " is already penalized");
    }
    PenaltyScore score =
        readPenaltyScore(s, c.contributor()).plusOne(inForce.in(s).penaltyThreshold());
    ctx.store(bondSlot(c.id()), new ContributionBond(Amount.ZERO, true).encode());
    ctx.store(penaltySlot(c.contributor()), score.encode());
    if (!bond.held().isZero()) {
      putBondsHeld(ctx, bondsHeld(s).subtract(bond.held()));
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, ctx.caller(), bond.held());
    }
    ctx.emit(
        CONTRIBUTION_PENALIZED, u(c.id()), c.contributor(), bond.held().value(), u(score.score()));
    return bond.held();
  }

  /** Owner only: the fee every model registered on a version of the datanet pays from now on. */
  private static void setTrainingFee(
      ModuleContext ctx, StateReader s, BigInteger datanetArg, Amount fee) {
    long datanetId = knownDatanet(datanetArg);
    Datanet.Header h = requireHeader(s, datanetArg);
    if (!h.owner().equals(ctx.caller())) {
      throw new ModuleRevert(
          "datanet: only the owner of datanet "
              + datanetId
              + " ("
              + h.owner()
              + ") may set its training fee");
    }
    ctx.store(trainingFeeSlot(datanetId), fee.isZero() ? new byte[0] : fee.toBytes32());
    ctx.emit(TRAINING_FEE_SET, u(datanetId), fee.value());
  }

  private static void putBondsHeld(ModuleContext ctx, Amount held) {
    ctx.store(BONDS_SLOT, held.isZero() ? new byte[0] : held.toBytes32());
  }

  /** The contribution {@code idArg}, pending, in a datanet the caller owns; else a revert. */
  private static Contribution requirePending(
      ModuleContext ctx, StateReader s, BigInteger idArg, String action) {
    Contribution c = requireContribution(s, idArg);
    Datanet.Header h = readHeader(s, c.datanetId()).orElseThrow();
    if (!h.owner().equals(ctx.caller())) {
      throw new ModuleRevert(
          "datanet: only the owner of datanet "
              + c.datanetId()
              + " ("
              + h.owner()
              + ") may "
              + action
              + " contribution "
              + c.id());
    }
    if (c.status() != ContributionStatus.PENDING) {
      throw new ModuleRevert(
          "datanet: contribution " + c.id() + " is " + c.status().label() + ", not pending");
    }
    return c;
  }

  private static int publish(
      ModuleContext ctx, StateReader s, BigInteger datanetArg, Hash root, Hash indexHash) {
    long datanetId = knownDatanet(datanetArg);
    Datanet.Header h = requireHeader(s, datanetArg);
    if (!h.owner().equals(ctx.caller())) {
      throw new ModuleRevert(
          "datanet: only the owner of datanet "
              + datanetId
              + " ("
              + h.owner()
              + ") may publish a version");
    }
    long previous =
        h.versions() == 0
            ? 0
            : readVersion(s, datanetId, h.versions()).orElseThrow().acceptedCount();
    if (h.accepted() == previous) {
      throw new ModuleRevert(
          h.versions() == 0
              ? "datanet: nothing accepted in datanet " + datanetId + " yet"
              : "datanet: nothing accepted since version " + h.versions());
    }
    Hash now = ContributionsMerkle.root(h.accepted(), level -> frontier(s, datanetId, level));
    if (!now.equals(root)) {
      throw new ModuleRevert(
          "datanet: accepted set changed: the root of the "
              + h.accepted()
              + " accepted contributions is "
              + now.toHex()
              + ", not "
              + root.toHex());
    }
    int version = Math.addExact(h.versions(), 1);
    DatanetVersion v =
        new DatanetVersion(datanetId, version, root, indexHash, h.accepted(), ctx.blockTimestamp());
    ctx.store(versionSlot(datanetId, version), v.encode());
    ctx.store(
        headerSlot(datanetId), h.withCounts(h.contributions(), h.accepted(), version).encode());
    ctx.emit(
        VERSION_PUBLISHED,
        u(datanetId),
        u(version),
        root.toArray(),
        indexHash.toArray(),
        u(h.accepted()));
    return version;
  }

  // ---- views ----

  private byte[] view(StateReader s, AbiFunction f, List<Object> a) {
    return switch (f.name()) {
      case "datanet" -> {
        Datanet d =
            readDatanet(s, knownDatanet(big(a, 0)))
                .orElseThrow(() -> new ModuleRevert("datanet: unknown datanet " + big(a, 0)));
        yield f.encodeResult(
            d.owner(),
            d.name(),
            d.description(),
            d.tags(),
            u(d.dataType().code()),
            u(d.licence().flags()),
            d.rules(),
            u(d.contributions()),
            u(d.accepted()),
            u(d.versions()));
      }
      case "contribution" -> {
        Contribution c = requireContribution(s, big(a, 0));
        yield f.encodeResult(
            u(c.datanetId()),
            c.contributor(),
            c.blobHash().toArray(),
            u(c.size()),
            c.metadataHash().toArray(),
            u(c.status().code()),
            u(c.score()),
            u(c.submittedAt()));
      }
      case "acceptedAt" -> {
        long datanetId = knownDatanet(big(a, 0));
        Datanet.Header h = requireHeader(s, big(a, 0));
        BigInteger index = big(a, 1);
        if (index.compareTo(BigInteger.valueOf(h.accepted())) >= 0) {
          throw new ModuleRevert(
              "datanet: index "
                  + index
                  + " is past the "
                  + h.accepted()
                  + " accepted contributions of datanet "
                  + datanetId);
        }
        yield f.encodeResult(u(acceptedAt(s, datanetId, index.longValue())));
      }
      case "version" -> {
        long datanetId = knownDatanet(big(a, 0));
        Datanet.Header h = requireHeader(s, big(a, 0));
        BigInteger v = big(a, 1);
        if (v.signum() == 0 || v.compareTo(BigInteger.valueOf(h.versions())) > 0) {
          throw new ModuleRevert(
              "datanet: datanet "
                  + datanetId
                  + " has no version "
                  + v
                  + " (versions: "
                  + h.versions()
                  + ")");
        }
        DatanetVersion dv = readVersion(s, datanetId, v.intValue()).orElseThrow();
        yield f.encodeResult(
            dv.contributionsRoot().toArray(),
            dv.indexHash().toArray(),
            u(dv.acceptedCount()),
            u(dv.publishedAt()));
      }
      case "contributionByHash" -> {
        BigInteger id = big(a, 0);
        yield f.encodeResult(
            u(
                id.bitLength() > 63
                    ? 0
                    : contributionByHash(s, id.longValue(), Hash.wrap((byte[]) a.get(1)))));
      }
      case "datanetCount" -> f.encodeResult(u(datanetCount(s)));
      case "contributionCount" -> f.encodeResult(u(contributionCount(s)));
      case "limits" -> {
        EconomyParameters params = inForce.in(s);
        yield f.encodeResult(
            u(params.maxSubmissionBytes()),
            u(params.maxContributorBytesPerDay()),
            u(params.maxDatanetBytesPerDay()),
            u(params.maxSubmissionsPerContributorPerDay()));
      }
      case "contributionBond" -> {
        Contribution c = requireContribution(s, big(a, 0));
        ContributionBond b = readBond(s, c.id());
        yield f.encodeResult(b.held().value(), b.penalized());
      }
      case "penaltyScore" -> {
        PenaltyScore p = readPenaltyScore(s, (Address) a.get(0));
        yield f.encodeResult(u(p.score()), p.barred());
      }
      case "contributionTerms" -> {
        EconomyParameters params = inForce.in(s);
        yield f.encodeResult(params.contributionBond().value(), u(params.penaltyThreshold()));
      }
      case "trainingFee" -> {
        requireHeader(s, big(a, 0));
        yield f.encodeResult(trainingFee(s, knownDatanet(big(a, 0))).value());
      }
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  // ---- gas-free readers (RPC, the node, other modules through a MeteredStateReader) ----

  /** Datanets created so far; the ids are 1..count. */
  public static long datanetCount(StateReader state) {
    return state.storage(ADDRESS, DATANET_COUNT_SLOT).map(DatanetModule::long64).orElse(0L);
  }

  /** Contributions submitted so far, all datanets; the ids are 1..count. */
  public static long contributionCount(StateReader state) {
    return state.storage(ADDRESS, CONTRIBUTION_COUNT_SLOT).map(DatanetModule::long64).orElse(0L);
  }

  /** The datanet {@code id}, empty if there is none. */
  public static Optional<Datanet> readDatanet(StateReader state, long id) {
    return state
        .storage(ADDRESS, headerSlot(id))
        .map(
            header ->
                Datanet.decode(id, header, state.storage(ADDRESS, textSlot(id)).orElseThrow()));
  }

  /** The fixed-size part of datanet {@code id} (one slot read), empty if there is none. */
  public static Optional<Datanet.Header> readHeader(StateReader state, long id) {
    return state.storage(ADDRESS, headerSlot(id)).map(Datanet.Header::decode);
  }

  /** The contribution {@code id}, empty if there is none. */
  public static Optional<Contribution> readContribution(StateReader state, long id) {
    return state.storage(ADDRESS, contributionSlot(id)).map(b -> Contribution.decode(id, b));
  }

  /** Version {@code version} of datanet {@code datanetId}, empty if it was not published. */
  public static Optional<DatanetVersion> readVersion(
      StateReader state, long datanetId, int version) {
    return state
        .storage(ADDRESS, versionSlot(datanetId, version))
        .map(b -> DatanetVersion.decode(datanetId, version, b));
  }

  /** The id of the contribution of {@code blobHash} to {@code datanetId}; 0 when none. */
  public static long contributionByHash(StateReader state, long datanetId, Hash blobHash) {
    return state
        .storage(ADDRESS, byHashSlot(datanetId, blobHash))
        .map(DatanetModule::long64)
        .orElse(0L);
  }

  /**
   * The ids of the first {@code count} accepted contributions of {@code datanetId}, in acceptance
   * order (version {@code v} is {@code acceptedContributions(state, id, v.acceptedCount())}).
   *
   * @throws IllegalArgumentException if the datanet does not exist or has fewer accepted
   */
  public static List<Long> acceptedContributions(StateReader state, long datanetId, long count) {
    Datanet.Header h =
        readHeader(state, datanetId)
            .orElseThrow(() -> new IllegalArgumentException("unknown datanet " + datanetId));
    if (count < 0 || count > h.accepted()) {
      throw new IllegalArgumentException(
          "datanet "
              + datanetId
              + " has "
              + h.accepted()
              + " accepted contributions, not "
              + count);
    }
    List<Long> ids = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      ids.add(acceptedAt(state, datanetId, i));
    }
    return ids;
  }

  /** The root of the accepted set of {@code datanetId} now (what a publish must name). */
  public static Hash acceptedRoot(StateReader state, long datanetId) {
    Datanet.Header h =
        readHeader(state, datanetId)
            .orElseThrow(() -> new IllegalArgumentException("unknown datanet " + datanetId));
    return ContributionsMerkle.root(h.accepted(), level -> frontier(state, datanetId, level));
  }

  /** What the module holds for contribution {@code id}: its bond, and whether it was penalized. */
  public static ContributionBond readBond(StateReader state, long id) {
    return state
        .storage(ADDRESS, bondSlot(id))
        .map(ContributionBond::decode)
        .orElse(ContributionBond.NONE);
  }

  /** The penalty score of {@code contributor}. */
  public static PenaltyScore readPenaltyScore(StateReader state, Address contributor) {
    return state
        .storage(ADDRESS, penaltySlot(contributor))
        .map(PenaltyScore::decode)
        .orElse(PenaltyScore.NONE);
  }

  /**
   * The training licence fee of datanet {@code datanetId} (base units; 0 when its owner set none):
   * what registering a model trained on one of its versions pays its contributors and owner
   * (docs/economy.md, "Training licence fees").
   */
  public static Amount trainingFee(StateReader state, long datanetId) {
    return state
        .storage(ADDRESS, trainingFeeSlot(datanetId))
        .map(Amount::fromBytes)
        .orElse(Amount.ZERO);
  }

  /**
   * The id accepted at {@code index} (0-based, acceptance order) in {@code datanetId}; empty when
   * fewer were accepted. One slot read.
   */
  public static Optional<Long> readAcceptedAt(StateReader state, long datanetId, long index) {
    return state.storage(ADDRESS, acceptedSlot(datanetId, index)).map(DatanetModule::long64);
  }

  /** The sum of the bonds the module holds. */
  public static Amount bondsHeld(StateReader state) {
    return state.storage(ADDRESS, BONDS_SLOT).map(Amount::fromBytes).orElse(Amount.ZERO);
  }

  /**
   * Whether contribution {@code id} earns from fees in a split made on {@code state}: not when it
   * was penalized, nor when its contributor is barred (its penalty score reached the threshold).
   * The one rule of eligibility: the node's splits and the challenge module's corrections both ask
   * it, through {@link #standing}.
   *
   * @throws IllegalArgumentException if there is no such contribution
   */
  public static boolean earns(StateReader state, long id) {
    return standing(state, id)
        .orElseThrow(() -> new IllegalArgumentException("unknown contribution " + id))
        .earns();
  }

  /**
   * The contributor of contribution {@code id} and whether it {@link #earns}; empty when there is
   * no such contribution. Reads three slots.
   */
  public static Optional<ContributionStanding> standing(StateReader state, long id) {
    return readContribution(state, id).map(c -> standing(state, c));
  }

  /** The standing of contribution {@code c}, already read (two more slots). */
  public static ContributionStanding standing(StateReader state, Contribution c) {
    return new ContributionStanding(
        c.contributor(),
        !readBond(state, c.id()).penalized() && !readPenaltyScore(state, c.contributor()).barred());
  }

  /**
   * Empty when the module's account holds exactly the bonds it holds ({@link #bondsHeld}); else
   * what differs.
   */
  public static Optional<String> audit(StateReader state) {
    Amount balance = state.balance(ADDRESS);
    Amount held = bondsHeld(state);
    return balance.equals(held)
        ? Optional.empty()
        : Optional.of("datanet module holds " + balance + " but holds bonds of " + held);
  }

  private static long acceptedAt(StateReader state, long datanetId, long index) {
    return long64(state.storage(ADDRESS, acceptedSlot(datanetId, index)).orElseThrow());
  }

  private static Hash frontier(StateReader state, long datanetId, int level) {
    return Hash.wrap(state.storage(ADDRESS, frontierSlot(datanetId, level)).orElseThrow());
  }

  // ---- daily limits ----

  /** What an address contributed on {@code day} (UTC day number). */
  private record ContributorDay(long day, long bytes, int submissions) {
    byte[] encode() {
      return ByteBuffer.allocate(20).putLong(day).putLong(bytes).putInt(submissions).array();
    }
  }

  /** What a datanet received on {@code day}. */
  private record DatanetDay(long day, long bytes) {
    byte[] encode() {
      return ByteBuffer.allocate(16).putLong(day).putLong(bytes).array();
    }
  }

  /** The address's usage today: the stored day's, or nothing when the stored day is over. */
  private static ContributorDay contributorDay(StateReader s, Address who, long day) {
    return s.storage(ADDRESS, dailySlot(who))
        .map(ByteBuffer::wrap)
        .map(b -> new ContributorDay(b.getLong(), b.getLong(), b.getInt()))
        .filter(d -> d.day() == day)
        .orElse(new ContributorDay(day, 0, 0));
  }

  private static DatanetDay datanetDay(StateReader s, long datanetId, long day) {
    return s.storage(ADDRESS, dailySlot(datanetId))
        .map(ByteBuffer::wrap)
        .map(b -> new DatanetDay(b.getLong(), b.getLong()))
        .filter(d -> d.day() == day)
        .orElse(new DatanetDay(day, 0));
  }

  // ---- helpers ----

  /** A datanet id argument as a long; ids past 2^63 do not exist (no read is needed to say so). */
  private static long knownDatanet(BigInteger id) {
    if (id.signum() == 0 || id.bitLength() > 63) {
      throw new ModuleRevert("datanet: unknown datanet " + id);
    }
    return id.longValue();
  }

  private static Contribution requireContribution(StateReader s, BigInteger id) {
    Optional<Contribution> c =
        id.bitLength() > 63 ? Optional.empty() : readContribution(s, id.longValue());
    return c.orElseThrow(() -> new ModuleRevert("datanet: unknown contribution " + id));
  }

  private static Datanet.Header requireHeader(StateReader s, BigInteger id) {
    return readHeader(s, knownDatanet(id))
        .orElseThrow(() -> new ModuleRevert("datanet: unknown datanet " + id));
  }

  private static BigInteger big(List<Object> args, int i) {
    return (BigInteger) args.get(i);
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  private static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static long long64(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] slot(String prefix, int size, java.util.function.Consumer<ByteBuffer> key) {
    byte[] p = ascii(prefix);
    ByteBuffer b = ByteBuffer.allocate(p.length + size).put(p);
    key.accept(b);
    return b.array();
  }

  static byte[] headerSlot(long datanetId) {
    return slot("datanet", 8, b -> b.putLong(datanetId));
  }

  static byte[] textSlot(long datanetId) {
    return slot("datanet.text", 8, b -> b.putLong(datanetId));
  }

  static byte[] contributionSlot(long id) {
    return slot("contribution", 8, b -> b.putLong(id));
  }

  static byte[] byHashSlot(long datanetId, Hash blobHash) {
    return slot("byhash", 40, b -> b.putLong(datanetId).put(blobHash.toArray()));
  }

  static byte[] acceptedSlot(long datanetId, long index) {
    return slot("accepted", 16, b -> b.putLong(datanetId).putLong(index));
  }

  static byte[] frontierSlot(long datanetId, int level) {
    return slot("frontier", 9, b -> b.putLong(datanetId).put((byte) level));
  }

  static byte[] versionSlot(long datanetId, int version) {
    return slot("version", 12, b -> b.putLong(datanetId).putInt(version));
  }

  static byte[] bondSlot(long id) {
    return SystemModule.slot(BOND_PREFIX, u64(id));
  }

  static byte[] trainingFeeSlot(long datanetId) {
    return SystemModule.slot(TRAINING_FEE_PREFIX, u64(datanetId));
  }

  static byte[] penaltySlot(Address contributor) {
    return SystemModule.slot(PENALTY_PREFIX, contributor.toArray());
  }

  static byte[] dailySlot(Address contributor) {
    return slot("daily", Address.SIZE, b -> b.put(contributor.toArray()));
  }

  static byte[] dailySlot(long datanetId) {
    return slot("daily.datanet", 8, b -> b.putLong(datanetId));
  }
}
