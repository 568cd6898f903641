package io.openledger.chain.model;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.inference.Payout;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The model module at {@code 0x0000000000000000000000000000000000001003} (docs/economy.md, "Model
 * module"): registers a model on exact datanet versions, checking each datanet's licence (no model
 * on a {@code no derivatives} datanet; no paid model on one without {@code commercial use}), and
 * keeps its prices and operator, which only its owner may change.
 *
 * <p>A model trained on versions of datanets that charge a training licence fee is registered with
 * {@code registerTrainedModel}, which pays, in the same transaction, exactly the sum of those fees:
 * each datanet's fee split over the contributions the registrant credits with weights ({@link
 * TrainingFeeSplit}), and records the hash of the training report. The module forwards every base
 * unit it receives, so it never holds any ({@link #audit}).
 *
 * <p>Solidity interface: {@code contracts/IModel.sol}; ABI: {@code modules/Model.abi.json}.
 * Storage: {@code "models"} holds the count (8 bytes); {@code "model" ++ id (8 bytes)} holds {@link
 * Model#encode()}; {@code "report" ++ id} holds a trained model's report hash and the training fee
 * it paid (32 + 32 bytes; absent for a model registered with {@code registerModel}). Datanets are
 * read from the datanet module's storage, charged as storage reads. Nothing is written at genesis.
 */
public final class ModelModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(3);
  public static final String NAME = "model";

  /** Longest model name, bytes of UTF-8. */
  public static final int MAX_NAME_BYTES = 64;

  public static final AbiFunction REGISTER_MODEL =
      AbiFunction.of(
          "registerModel(string,bytes32,bytes32,uint64[],uint32[],uint256,uint256,address)",
          "uint64",
          false);
  public static final AbiFunction SET_PRICES =
      AbiFunction.of("setPrices(uint64,uint256,uint256)", "", false);
  public static final AbiFunction SET_OPERATOR =
      AbiFunction.of("setOperator(uint64,address)", "", false);
  public static final AbiFunction MODEL =
      AbiFunction.of(
          "model(uint64)", "address,address,string,bytes32,bytes32,uint256,uint256,uint64", true);
  public static final AbiFunction MODEL_DATANETS =
      AbiFunction.of("modelDatanets(uint64)", "uint64[],uint32[]", true);
  public static final AbiFunction MODEL_COUNT = AbiFunction.of("modelCount()", "uint64", true);
  public static final AbiFunction REGISTER_TRAINED_MODEL =
      AbiFunction.payable(
          "registerTrainedModel(string,bytes32,bytes32,uint64[],uint32[],uint256,uint256,address,"
              + "(uint64,uint64,uint32)[],bytes32)",
          "uint64");
  public static final AbiFunction TRAINING_REPORT =
      AbiFunction.of("trainingReport(uint64)", "bytes32,uint256", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          REGISTER_MODEL,
          SET_PRICES,
          SET_OPERATOR,
          MODEL,
          MODEL_DATANETS,
          MODEL_COUNT,
          REGISTER_TRAINED_MODEL,
          TRAINING_REPORT);

  /**
   * {@code ModelRegistered(uint64 indexed modelId, address indexed owner, address indexed operator,
   * string name, bytes32 adapterHash)}.
   */
  public static final AbiEvent MODEL_REGISTERED =
      new AbiEvent(
          "ModelRegistered",
          List.of(
              new AbiEvent.Parameter("modelId", AbiType.UINT64, true),
              new AbiEvent.Parameter("owner", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("operator", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("name", AbiType.STRING, false),
              new AbiEvent.Parameter("adapterHash", AbiType.BYTES32, false)));

  /** {@code ModelPricesSet(uint64 indexed modelId, uint256 pricePerKIn, uint256 pricePerKOut)}. */
  public static final AbiEvent MODEL_PRICES_SET =
      new AbiEvent(
          "ModelPricesSet",
          List.of(
              new AbiEvent.Parameter("modelId", AbiType.UINT64, true),
              new AbiEvent.Parameter("pricePerKIn", AbiType.UINT256, false),
              new AbiEvent.Parameter("pricePerKOut", AbiType.UINT256, false)));

  /** {@code ModelOperatorSet(uint64 indexed modelId, address indexed operator)}. */
  public static final AbiEvent MODEL_OPERATOR_SET =
      new AbiEvent(
          "ModelOperatorSet",
          List.of(
              new AbiEvent.Parameter("modelId", AbiType.UINT64, true),
              new AbiEvent.Parameter("operator", AbiType.ADDRESS, true)));

  /**
   * {@code TrainedModelRegistered(uint64 indexed modelId, bytes32 reportHash, uint256
   * trainingFee)}: after {@code ModelRegistered}, for a model registered with its training report.
   */
  public static final AbiEvent TRAINED_MODEL_REGISTERED =
      new AbiEvent(
          "TrainedModelRegistered",
          List.of(
              new AbiEvent.Parameter("modelId", AbiType.UINT64, true),
              new AbiEvent.Parameter("reportHash", AbiType.BYTES32, false),
              new AbiEvent.Parameter("trainingFee", AbiType.UINT256, false)));

  /**
   * {@code TrainingFeePaid(uint64 indexed modelId, uint64 datanetId, uint64 indexed contributionId,
   * address indexed paidTo, uint256 amount)}: one per credited contribution, and one with {@code
   * contributionId} 0 for the datanet owner's remainder when it is above zero. The recipient is
   * indexed so an account's training income is one log query.
   */
  public static final AbiEvent TRAINING_FEE_PAID =
      new AbiEvent(
          "TrainingFeePaid",
          List.of(
              new AbiEvent.Parameter("modelId", AbiType.UINT64, true),
              new AbiEvent.Parameter("datanetId", AbiType.UINT64, false),
              new AbiEvent.Parameter("contributionId", AbiType.UINT64, true),
              new AbiEvent.Parameter("paidTo", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS =
      List.of(
          MODEL_REGISTERED,
          MODEL_PRICES_SET,
          MODEL_OPERATOR_SET,
          TRAINED_MODEL_REGISTERED,
          TRAINING_FEE_PAID);

  private static final byte[] COUNT_SLOT = "models".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODEL_PREFIX = "model".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPORT_PREFIX = "report".getBytes(StandardCharsets.US_ASCII);

  private final Address treasury;

  /**
   * @param treasury receives the training-fee shares of contributions whose contributor registers
   *     the model
   */
  public ModelModule(Address treasury) {
    this.treasury = Objects.requireNonNull(treasury, "treasury");
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Model.abi.json");

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
      case "registerModel" -> f.encodeResult(BigInteger.valueOf(register(ctx, s, a)));
      case "registerTrainedModel" ->
          f.encodeResult(BigInteger.valueOf(registerTrained(ctx, s, a, value)));
      case "trainingReport" -> {
        Model m = requireModel(s, (BigInteger) a.get(0));
        TrainingReport r = readTrainingReport(s, m.id()).orElse(TrainingReport.NONE);
        yield f.encodeResult(r.reportHash().toArray(), r.trainingFee().value());
      }
      case "setPrices" -> {
        Model m = requireOwned(ctx, s, (BigInteger) a.get(0), "set prices");
        Amount in = Amount.of((BigInteger) a.get(1));
        Amount out = Amount.of((BigInteger) a.get(2));
        if (Model.isPaid(in, out)) {
          checkLicences(s, m.datanets(), true);
        }
        save(ctx, m.withPrices(in, out));
        ctx.emit(MODEL_PRICES_SET, BigInteger.valueOf(m.id()), in.value(), out.value());
        yield f.encodeResult();
      }
      case "setOperator" -> {
        Model m = requireOwned(ctx, s, (BigInteger) a.get(0), "set the operator");
        Address operator = requireOperator((Address) a.get(1));
        save(ctx, m.withOperator(operator));
        ctx.emit(MODEL_OPERATOR_SET, BigInteger.valueOf(m.id()), operator);
        yield f.encodeResult();
      }
      case "model" -> {
        Model m = requireModel(s, (BigInteger) a.get(0));
        yield f.encodeResult(
            m.owner(),
            m.operator(),
            m.name(),
            m.baseModelHash().toArray(),
            m.adapterHash().toArray(),
            m.pricePerKIn().value(),
            m.pricePerKOut().value(),
            BigInteger.valueOf(m.registeredAt()));
      }
      case "modelDatanets" -> {
        Model m = requireModel(s, (BigInteger) a.get(0));
        yield f.encodeResult(
            m.datanets().stream().map(d -> BigInteger.valueOf(d.datanetId())).toList(),
            m.datanets().stream().map(d -> BigInteger.valueOf(d.version())).toList());
      }
      case "modelCount" -> f.encodeResult(BigInteger.valueOf(modelCount(s)));
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  private static long register(ModuleContext ctx, StateReader s, List<Object> a) {
    Model m = newModel(ctx, s, a);
    for (Model.DatanetRef ref : m.datanets()) {
      Amount fee = DatanetModule.trainingFee(s, ref.datanetId());
      if (!fee.isZero()) {
        throw new ModuleRevert(
            "model: datanet "
                + ref.datanetId()
                + " charges a training fee of "
                + fee.toOpenString()
                + " OPEN: register with registerTrainedModel, which pays it");
      }
    }
    store(ctx, m);
    return m.id();
  }

  /**
   * {@code registerTrainedModel}: the checks of {@code registerModel}, then each credit's
   * contribution accepted at its index within the named version, the weights of each datanet
   * summing to 1,000,000 ppm, and {@code value} exactly the sum of the datanets' training fees,
   * which are paid out ({@link TrainingFeeSplit}).
   */
  private long registerTrained(ModuleContext ctx, StateReader s, List<Object> a, Amount value) {
    Hash report = Hash.wrap((byte[]) a.get(9));
    if (report.equals(Hash.ZERO)) {
      throw new ModuleRevert("model: the training report hash is zero");
    }
    Model m = newModel(ctx, s, a);
    Map<Long, List<TrainingFeeSplit.Credit>> credits = new LinkedHashMap<>();
    Map<Long, Model.DatanetRef> refs = new LinkedHashMap<>();
    Map<Long, DatanetVersion> versions = new HashMap<>();
    for (Model.DatanetRef ref : m.datanets()) {
      credits.put(ref.datanetId(), new ArrayList<>());
      refs.put(ref.datanetId(), ref);
      versions.put(
          ref.datanetId(),
          DatanetModule.readVersion(s, ref.datanetId(), ref.version()).orElseThrow());
    }
    for (Object t : (List<?>) a.get(8)) {
      List<?> tuple = (List<?>) t;
      BigInteger idArg = (BigInteger) tuple.get(0);
      BigInteger indexArg = (BigInteger) tuple.get(1);
      long ppm = ((BigInteger) tuple.get(2)).longValueExact(); // uint32
      Contribution c =
          (idArg.bitLength() > 63
                  ? Optional.<Contribution>empty()
                  : DatanetModule.readContribution(s, idArg.longValue()))
              .orElseThrow(() -> new ModuleRevert("model: unknown contribution " + idArg));
      Model.DatanetRef ref = refs.get(c.datanetId());
      if (ref == null) {
        throw new ModuleRevert(
            "model: contribution "
                + c.id()
                + " is in datanet "
                + c.datanetId()
                + ", which the model does not name");
      }
      DatanetVersion v = versions.get(ref.datanetId());
      if (indexArg.compareTo(BigInteger.valueOf(v.acceptedCount())) >= 0) {
        throw new ModuleRevert(
            "model: contribution "
                + c.id()
                + " is not in version "
                + ref.version()
                + " of datanet "
                + ref.datanetId()
                + " (acceptance index "
                + indexArg
                + ", the version holds the first "
                + v.acceptedCount()
                + ")");
      }
      long at =
          DatanetModule.readAcceptedAt(s, ref.datanetId(), indexArg.longValue()).orElseThrow();
      if (at != c.id()) {
        throw new ModuleRevert(
            "model: contribution "
                + c.id()
                + " is not the one accepted at index "
                + indexArg
                + " of datanet "
                + ref.datanetId()
                + " (contribution "
                + at
                + " is)");
      }
      if (ppm < 1 || ppm > TrainingFeeSplit.PPM) {
        throw new ModuleRevert(
            "model: contribution " + c.id() + " has weight " + ppm + " ppm (want 1..1000000)");
      }
      credits
          .get(ref.datanetId())
          .add(new TrainingFeeSplit.Credit(c.id(), (int) ppm, DatanetModule.standing(s, c)));
    }
    List<TrainingFeeSplit> splits = new ArrayList<>(credits.size());
    Amount total = Amount.ZERO;
    for (Map.Entry<Long, List<TrainingFeeSplit.Credit>> e : credits.entrySet()) {
      long datanetId = e.getKey();
      Address owner = DatanetModule.readHeader(s, datanetId).orElseThrow().owner();
      Amount fee = DatanetModule.trainingFee(s, datanetId);
      try {
        splits.add(
            TrainingFeeSplit.of(datanetId, fee, owner, ctx.caller(), treasury, e.getValue()));
      } catch (IllegalArgumentException bad) {
        throw new ModuleRevert("model: " + bad.getMessage());
      }
      try {
        total = total.add(fee);
      } catch (ArithmeticException overflow) {
        throw new ModuleRevert("model: the training fees of the datanets sum past uint256");
      }
    }
    if (!value.equals(total)) {
      StringBuilder each = new StringBuilder();
      for (TrainingFeeSplit sp : splits) {
        each.append(each.isEmpty() ? "" : ", ")
            .append("datanet ")
            .append(sp.datanetId())
            .append(": ")
            .append(sp.fee().toOpenString());
      }
      throw new ModuleRevert(
          "model: the training fees of the datanets are "
              + total.toOpenString()
              + " OPEN ("
              + each
              + "); send exactly that, sent "
              + value.toOpenString()
              + " OPEN");
    }
    store(ctx, m);
    ctx.store(reportSlot(m.id()), new TrainingReport(report, total).encode());
    BigInteger modelId = BigInteger.valueOf(m.id());
    ctx.emit(TRAINED_MODEL_REGISTERED, modelId, report.toArray(), total.value());
    for (TrainingFeeSplit sp : splits) {
      BigInteger datanetId = BigInteger.valueOf(sp.datanetId());
      for (TrainingFeeSplit.Line l : sp.lines()) {
        ctx.emit(
            TRAINING_FEE_PAID,
            modelId,
            datanetId,
            BigInteger.valueOf(l.contributionId()),
            l.paidTo(),
            l.amount().value());
      }
      if (!sp.remainder().isZero()) {
        ctx.emit(
            TRAINING_FEE_PAID,
            modelId,
            datanetId,
            BigInteger.ZERO,
            sp.owner(),
            sp.remainder().value());
      }
    }
    for (Payout p : TrainingFeeSplit.merged(splits)) {
      ctx.charge(ctx.gasSchedule().balanceTransfer());
      ctx.state().transfer(ADDRESS, p.account(), p.amount());
    }
    return m.id();
  }

  /**
   * The model the arguments of {@code registerModel} (and the first eight of {@code
   * registerTrainedModel}) describe, checked (name, operator, datanet lists, licences), with the
   * next id; nothing written.
   */
  private static Model newModel(ModuleContext ctx, StateReader s, List<Object> a) {
    String name = (String) a.get(0);
    int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (nameBytes > MAX_NAME_BYTES) {
      throw new ModuleRevert(
          "model: the name is " + nameBytes + " bytes, at most " + MAX_NAME_BYTES);
    }
    Address operator = requireOperator((Address) a.get(7));
    List<Model.DatanetRef> datanets = datanetRefs(a.get(3), a.get(4));
    Amount in = Amount.of((BigInteger) a.get(5));
    Amount out = Amount.of((BigInteger) a.get(6));
    checkLicences(s, datanets, Model.isPaid(in, out));
    long id = Math.addExact(modelCount(s), 1);
    return new Model(
        id,
        ctx.caller(),
        operator,
        name,
        Hash.wrap((byte[]) a.get(1)),
        Hash.wrap((byte[]) a.get(2)),
        in,
        out,
        ctx.blockTimestamp(),
        datanets);
  }

  /** Stores a new model and the count, and emits {@code ModelRegistered}. */
  private static void store(ModuleContext ctx, Model m) {
    ctx.store(COUNT_SLOT, ByteBuffer.allocate(8).putLong(m.id()).array());
    save(ctx, m);
    ctx.emit(
        MODEL_REGISTERED,
        BigInteger.valueOf(m.id()),
        m.owner(),
        m.operator(),
        m.name(),
        m.adapterHash().toArray());
  }

  /** The (datanet, version) pairs of the two argument lists; refuses bad lists. */
  private static List<Model.DatanetRef> datanetRefs(Object idsArg, Object versionsArg) {
    List<?> ids = (List<?>) idsArg;
    List<?> versions = (List<?>) versionsArg;
    if (ids.isEmpty() && versions.isEmpty()) {
      throw new ModuleRevert("model: no datanets (a model is trained on at least one version)");
    }
    if (ids.size() != versions.size()) {
      throw new ModuleRevert(
          "model: " + ids.size() + " datanet ids but " + versions.size() + " versions");
    }
    List<Model.DatanetRef> out = new ArrayList<>(ids.size());
    Set<BigInteger> seen = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      BigInteger id = (BigInteger) ids.get(i);
      BigInteger version = (BigInteger) versions.get(i);
      if (!seen.add(id)) {
        throw new ModuleRevert("model: datanet " + id + " is named twice");
      }
      if (id.signum() == 0 || id.bitLength() > 63) {
        throw new ModuleRevert("model: unknown datanet " + id);
      }
      if (version.signum() == 0 || version.bitLength() > 31) {
        throw new ModuleRevert("model: datanet " + id + " has no version " + version);
      }
      out.add(new Model.DatanetRef(id.longValue(), version.intValue()));
    }
    return out;
  }

  /**
   * Every named datanet exists, has the version, allows derivatives, and allows commercial use when
   * the model is paid. One storage read of the datanet module per datanet.
   */
  private static void checkLicences(StateReader s, List<Model.DatanetRef> datanets, boolean paid) {
    for (Model.DatanetRef ref : datanets) {
      Datanet.Header h =
          DatanetModule.readHeader(s, ref.datanetId())
              .orElseThrow(() -> new ModuleRevert("model: unknown datanet " + ref.datanetId()));
      if (ref.version() > h.versions()) {
        throw new ModuleRevert(
            "model: datanet "
                + ref.datanetId()
                + " has no version "
                + ref.version()
                + " (versions: "
                + h.versions()
                + ")");
      }
      if (h.licence().noDerivatives()) {
        throw new ModuleRevert(
            "model: datanet "
                + ref.datanetId()
                + " is licensed no derivatives: a model trained on it is a derivative");
      }
      if (paid && !h.licence().commercialUse()) {
        throw new ModuleRevert(
            "model: datanet "
                + ref.datanetId()
                + " does not allow commercial use: a paid model cannot be trained on it");
      }
    }
  }

  private static Address requireOperator(Address operator) {
    if (operator.equals(Address.ZERO)) {
      throw new ModuleRevert("model: the operator is the zero address");
    }
    return operator;
  }

  private static Model requireModel(StateReader s, BigInteger id) {
    Optional<Model> m = id.bitLength() > 63 ? Optional.empty() : readModel(s, id.longValue());
    return m.orElseThrow(() -> new ModuleRevert("model: unknown model " + id));
  }

  private static Model requireOwned(
      ModuleContext ctx, StateReader s, BigInteger id, String action) {
    Model m = requireModel(s, id);
    if (!m.owner().equals(ctx.caller())) {
      throw new ModuleRevert(
          "model: only the owner of model " + m.id() + " (" + m.owner() + ") may " + action);
    }
    return m;
  }

  private static void save(ModuleContext ctx, Model m) {
    ctx.store(slot(m.id()), m.encode());
  }

  // ---- gas-free readers ----

  /** Models registered so far; the ids are 1..count. */
  public static long modelCount(StateReader state) {
    return state.storage(ADDRESS, COUNT_SLOT).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  /** The model {@code id} with its datanet versions, empty if there is none. */
  public static Optional<Model> readModel(StateReader state, long id) {
    return state.storage(ADDRESS, slot(id)).map(b -> Model.decode(id, b));
  }

  /**
   * The training report of model {@code id}: empty when there is no such model or it was registered
   * without one ({@code registerModel}).
   */
  public static Optional<TrainingReport> readTrainingReport(StateReader state, long id) {
    return state.storage(ADDRESS, reportSlot(id)).map(TrainingReport::decode);
  }

  /**
   * Empty when the module's account holds nothing (it forwards every training fee it receives in
   * the same call); else what it holds.
   */
  public static Optional<String> audit(StateReader state) {
    Amount balance = state.balance(ADDRESS);
    return balance.isZero()
        ? Optional.empty()
        : Optional.of("model module holds " + balance + " but forwards every fee it receives");
  }

  static byte[] reportSlot(long id) {
    return ByteBuffer.allocate(REPORT_PREFIX.length + 8).put(REPORT_PREFIX).putLong(id).array();
  }

  static byte[] slot(long id) {
    return ByteBuffer.allocate(MODEL_PREFIX.length + 8).put(MODEL_PREFIX).putLong(id).array();
  }
}
