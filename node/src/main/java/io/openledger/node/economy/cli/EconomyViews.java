package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionStatus;
import io.openledger.chain.datanet.DataType;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.datanet.Licence;
import io.openledger.chain.inference.ApiKey;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.Earnings;
import io.openledger.chain.inference.Escrow;
import io.openledger.chain.inference.FeeShares;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceParameters;
import io.openledger.chain.model.Model;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.model.TrainingReport;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The economy modules' views, read with {@code eth_call} at the latest block and decoded into the
 * chain's own records. A revert (an unknown datanet, model, contribution or version) becomes a
 * {@link CliException} carrying the module's reason verbatim.
 */
public final class EconomyViews {
  private final NodeClient node;

  public EconomyViews(NodeClient node) {
    this.node = node;
  }

  NodeClient node() {
    return node;
  }

  /** Submission limits, {@code limits()} of the datanet module. */
  record Limits(
      long maxSubmissionBytes,
      long maxContributorBytesPerDay,
      long maxDatanetBytesPerDay,
      long maxSubmissionsPerContributorPerDay) {}

  /** Calls a view; the decoded outputs. */
  List<Object> call(Address module, AbiFunction f, Object... args) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("to", module.toHex());
    call.put("input", Bytes.toHex(f.encodeCall(args)));
    return switch (node.request("eth_call", call, "latest")) {
      case NodeClient.Reply.Result r -> f.decodeResult(Bytes.fromHex(r.value().asText()));
      case NodeClient.Reply.Error e -> throw new CliException(e.message());
    };
  }

  /** The hash of block 0: tells apart two chains with the same id (a devnet made again). */
  Hash genesisHash() {
    JsonNode block = node.call("eth_getBlockByNumber", "0x0", false);
    if (block == null || !block.path("hash").isTextual()) {
      throw new CliException("the node at " + node.url() + " has no block 0");
    }
    return Hash.fromHex(block.get("hash").asText());
  }

  // ---- datanet module ----

  long datanetCount() {
    return u64(call(DatanetModule.ADDRESS, DatanetModule.DATANET_COUNT).getFirst());
  }

  long contributionCount() {
    return u64(call(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION_COUNT).getFirst());
  }

  public Datanet datanet(long id) {
    List<Object> r = call(DatanetModule.ADDRESS, DatanetModule.DATANET, big(id));
    @SuppressWarnings("unchecked")
    List<String> tags = (List<String>) r.get(3);
    return new Datanet(
        id,
        (Address) r.get(0),
        (String) r.get(1),
        (String) r.get(2),
        tags,
        DataType.of(u64(r.get(4)))
            .orElseThrow(() -> new CliException("the node sent an unknown data type " + r.get(4))),
        new Licence((int) u64(r.get(5))),
        (String) r.get(6),
        u64(r.get(7)),
        u64(r.get(8)),
        (int) u64(r.get(9)));
  }

  public Contribution contribution(long id) {
    List<Object> r = call(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION, big(id));
    return new Contribution(
        id,
        u64(r.get(0)),
        (Address) r.get(1),
        hash(r.get(2)),
        u64(r.get(3)),
        hash(r.get(4)),
        ContributionStatus.of((int) u64(r.get(5)))
            .orElseThrow(() -> new CliException("the node sent an unknown status " + r.get(5))),
        (int) u64(r.get(6)),
        u64(r.get(7)));
  }

  public DatanetVersion version(long datanetId, int version) {
    List<Object> r =
        call(DatanetModule.ADDRESS, DatanetModule.VERSION, big(datanetId), big(version));
    return new DatanetVersion(
        datanetId, version, hash(r.get(0)), hash(r.get(1)), u64(r.get(2)), u64(r.get(3)));
  }

  /** Every published version of a datanet, from 1. */
  List<DatanetVersion> versions(Datanet d) {
    List<DatanetVersion> out = new ArrayList<>();
    for (int v = 1; v <= d.versions(); v++) {
      out.add(version(d.id(), v));
    }
    return out;
  }

  public long acceptedAt(long datanetId, long index) {
    return u64(
        call(DatanetModule.ADDRESS, DatanetModule.ACCEPTED_AT, big(datanetId), big(index))
            .getFirst());
  }

  /** The contribution of this blob to the datanet; 0 when none. */
  long contributionByHash(long datanetId, Hash blobHash) {
    return u64(
        call(
                DatanetModule.ADDRESS,
                DatanetModule.CONTRIBUTION_BY_HASH,
                big(datanetId),
                blobHash.toArray())
            .getFirst());
  }

  Limits limits() {
    List<Object> r = call(DatanetModule.ADDRESS, DatanetModule.LIMITS);
    return new Limits(u64(r.get(0)), u64(r.get(1)), u64(r.get(2)), u64(r.get(3)));
  }

  /** The datanet's training licence fee, {@code trainingFee(id)}. */
  public Amount trainingFee(long datanetId) {
    return amount(
        call(DatanetModule.ADDRESS, DatanetModule.TRAINING_FEE, big(datanetId)).getFirst());
  }

  /**
   * Whether contribution {@code c} earns now, as {@code DatanetModule.earns} decides it: not
   * penalized ({@code contributionBond}) and its contributor not barred ({@code penaltyScore}).
   */
  public boolean earns(Contribution c) {
    boolean penalized =
        (Boolean) call(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION_BOND, big(c.id())).get(1);
    boolean barred =
        (Boolean) call(DatanetModule.ADDRESS, DatanetModule.PENALTY_SCORE, c.contributor()).get(1);
    return !penalized && !barred;
  }

  /** What every contribution must send: {@code contributionTerms()} of the datanet module. */
  Amount contributionBond() {
    return Amount.of(
        (BigInteger) call(DatanetModule.ADDRESS, DatanetModule.CONTRIBUTION_TERMS).getFirst());
  }

  // ---- model module ----

  long modelCount() {
    return u64(call(ModelModule.ADDRESS, ModelModule.MODEL_COUNT).getFirst());
  }

  Model model(long id) {
    List<Object> r = call(ModelModule.ADDRESS, ModelModule.MODEL, big(id));
    List<Object> d = call(ModelModule.ADDRESS, ModelModule.MODEL_DATANETS, big(id));
    List<?> ids = (List<?>) d.get(0);
    List<?> versions = (List<?>) d.get(1);
    List<Model.DatanetRef> refs = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      refs.add(new Model.DatanetRef(u64(ids.get(i)), (int) u64(versions.get(i))));
    }
    return new Model(
        id,
        (Address) r.get(0),
        (Address) r.get(1),
        (String) r.get(2),
        hash(r.get(3)),
        hash(r.get(4)),
        amount(r.get(5)),
        amount(r.get(6)),
        u64(r.get(7)),
        refs);
  }

  /** {@code trainingReport(id)}: zeros for a model registered without one. */
  TrainingReport trainingReport(long modelId) {
    List<Object> r = call(ModelModule.ADDRESS, ModelModule.TRAINING_REPORT, big(modelId));
    return new TrainingReport(hash(r.get(0)), amount(r.get(1)));
  }

  // ---- inference module ----

  Escrow escrow(Address payer) {
    List<Object> r = call(InferenceModule.ADDRESS, InferenceModule.ESCROW_OF, payer);
    return new Escrow(amount(r.get(0)), amount(r.get(1)), u64(r.get(2)));
  }

  /** The key with this hash; its payer is the zero address when it is not registered. */
  ApiKey apiKey(Hash keyHash) {
    List<Object> r = call(InferenceModule.ADDRESS, InferenceModule.API_KEY, keyHash.toArray());
    return new ApiKey((Address) r.get(0), amount(r.get(1)), amount(r.get(2)), u64(r.get(3)));
  }

  Earnings earnings(Address account) {
    List<Object> r = call(InferenceModule.ADDRESS, InferenceModule.EARNINGS, account);
    return new Earnings(amount(r.get(0)), amount(r.get(1)), amount(r.get(2)));
  }

  Amount charged(Address payer, Address operator) {
    return amount(
        call(InferenceModule.ADDRESS, InferenceModule.CHARGED, payer, operator).getFirst());
  }

  /** A posted batch without its payouts (the view does not return them); postedAt 0: none. */
  Batch batch(Address operator, long seq) {
    List<Object> r = call(InferenceModule.ADDRESS, InferenceModule.BATCH, operator, big(seq));
    return new Batch(
        hash(r.get(0)),
        u64(r.get(1)),
        u64(r.get(2)),
        amount(r.get(3)),
        u64(r.get(4)),
        u64(r.get(5)),
        (Boolean) r.get(6),
        List.of());
  }

  InferenceParameters parameters() {
    List<Object> r = call(InferenceModule.ADDRESS, InferenceModule.PARAMETERS);
    return new InferenceParameters(
        u64(r.get(0)),
        u64(r.get(1)),
        u64(r.get(2)),
        new FeeShares(
            (int) u64(r.get(3)), (int) u64(r.get(4)), (int) u64(r.get(5)), (int) u64(r.get(6))),
        amount(r.get(7)));
  }

  // ---- decoding ----

  static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  static long u64(Object v) {
    BigInteger b = (BigInteger) v;
    if (b.signum() < 0 || b.bitLength() > 63) {
      throw new CliException("the node sent a number past 2^63 - 1: " + b);
    }
    return b.longValue();
  }

  static Amount amount(Object v) {
    return Amount.of((BigInteger) v);
  }

  static Hash hash(Object v) {
    return Hash.wrap((byte[]) v);
  }
}
