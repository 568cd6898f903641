package io.openledger.chain.points;

import io.openledger.chain.block.Log;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.exec.BlockEnvironment;
import io.openledger.chain.inference.Batch;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.BlockObserver;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The testnet points module at {@code 0x0000000000000000000000000000000000001020} (docs/points.md):
 * non-transferable points per account per UTC day, recorded after each block from the events the
 * datanet, inference and challenge modules emitted in it ({@link BlockObserver}), so those modules
 * do not call it. Nothing can be sent to it or done with points but read them: every function is a
 * view, for {@code eth_call} and {@code openledger rewards snapshot}.
 *
 * <p>Without a rule (a chain whose genesis has no {@code points} section, every mainnet) it records
 * nothing and its views read zero.
 *
 * <p>Storage: {@code "pts" ++ account ++ day (8) ++ category (1)} → points (8); {@code "acct" ++
 * account} → the account's total (8); {@code "all"} → the total of all accounts (32); {@code "n"} →
 * accounts with points (8); {@code "at" ++ index (8)} → account (20), in the order they first
 * earned; {@code "data" ++ account} → its contributions accepted by others (8); {@code "batch" ++
 * operator ++ seq (8)} → the payouts of an open batch, 52 bytes each (account ++ amount), from its
 * post (or correction) to its finalization or voiding; {@code "award" ++ contributionId (8)} → day
 * (8) ++ data points it earned (8), until an upheld adversarial-data flag takes them back.
 */
public final class PointsModule implements SystemModule, BlockObserver {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(0x20);
  public static final String NAME = "points";

  public static final AbiFunction POINTS_OF =
      AbiFunction.of("pointsOf(address,uint64)", "uint64,uint64,uint64,uint64,uint64", true);
  public static final AbiFunction TOTAL_POINTS_OF =
      AbiFunction.of("totalPointsOf(address)", "uint256", true);
  public static final AbiFunction TOTAL_POINTS = AbiFunction.of("totalPoints()", "uint256", true);
  public static final AbiFunction ACCOUNT_COUNT = AbiFunction.of("accountCount()", "uint64", true);
  public static final AbiFunction ACCOUNT_AT = AbiFunction.of("accountAt(uint64)", "address", true);
  public static final AbiFunction ACCEPTED_DATA_OF =
      AbiFunction.of("acceptedDataOf(address)", "uint64", true);
  public static final AbiFunction TODAY = AbiFunction.of("today()", "uint64", true);
  public static final AbiFunction RULE =
      AbiFunction.of("rule()", "bool,uint8,uint64,uint64,uint64,uint64,uint64,uint64,uint64", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          POINTS_OF,
          TOTAL_POINTS_OF,
          TOTAL_POINTS,
          ACCOUNT_COUNT,
          ACCOUNT_AT,
          ACCEPTED_DATA_OF,
          TODAY,
          RULE);

  /** No events: points are recorded after the block, outside any transaction. */
  public static final List<AbiEvent> EVENTS = List.of();

  private static final BigInteger OPEN = Amount.UNITS_PER_OPEN;
  private static final byte[] POINTS = ascii("pts");
  private static final byte[] ACCOUNT_TOTAL = ascii("acct");
  private static final byte[] ALL = ascii("all");
  private static final byte[] COUNT = ascii("n");
  private static final byte[] AT = ascii("at");
  private static final byte[] DATA = ascii("data");
  private static final byte[] BATCH = ascii("batch");
  private static final byte[] AWARD = ascii("award");
  private static final int PAYOUT_SIZE = Address.SIZE + 32;

  private final Optional<PointsRule> rule;

  /**
   * @param rule the genesis {@code points} section; empty: record nothing
   */
  public PointsModule(Optional<PointsRule> rule) {
    this.rule = rule;
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Points.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    Slots s = ctx::load;
    return switch (f.name()) {
      case "pointsOf" -> {
        DayPoints d = dayPoints(s, (Address) a.get(0), ((BigInteger) a.get(1)).longValue());
        yield POINTS_OF.encodeResult(
            u(d.data()), u(d.usage()), u(d.validation()), u(d.uptime()), u(d.total()));
      }
      case "totalPointsOf" ->
          TOTAL_POINTS_OF.encodeResult(u(u64(s.load(accountTotalSlot((Address) a.get(0))))));
      case "totalPoints" -> TOTAL_POINTS.encodeResult(u256(s.load(ALL)));
      case "accountCount" -> ACCOUNT_COUNT.encodeResult(u(u64(s.load(COUNT))));
      case "accountAt" -> {
        long i = ((BigInteger) a.get(0)).longValue();
        yield ACCOUNT_AT.encodeResult(
            s.load(SystemModule.slot(AT, be64(i))).map(Address::wrap).orElse(Address.ZERO));
      }
      case "acceptedDataOf" ->
          ACCEPTED_DATA_OF.encodeResult(
              u(u64(s.load(SystemModule.slot(DATA, ((Address) a.get(0)).toArray())))));
      case "today" -> TODAY.encodeResult(u(PointsRule.day(ctx.blockTimestamp())));
      case "rule" -> {
        PointsRule r = rule.orElse(null);
        yield r == null
            ? RULE.encodeResult(false, u(0), u(0), u(0), u(0), u(0), u(0), u(0), u(0))
            : RULE.encodeResult(
                true,
                u(r.version()),
                u(r.dataPointsPerScore()),
                u(r.dataDailyCap()),
                u(r.usagePointsPerOpen()),
                u(r.usageDailyCap()),
                u(r.validationPointsPerVote()),
                u(r.validationDailyCap()),
                u(r.uptimePointsPerDay()));
      }
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  // ---- recording ----

  @Override
  public void afterTransactions(WorldState state, BlockEnvironment env, List<Receipt> receipts) {
    if (rule.isEmpty()) {
      return;
    }
    Recorder r = new Recorder(state, rule.get(), PointsRule.day(env.timestamp()));
    for (Receipt receipt : receipts) {
      if (!receipt.success()) {
        continue;
      }
      for (Log log : receipt.logs()) {
        r.record(log);
      }
    }
  }

  /** One block's recording: what each event earns, by the rule, on the block's day. */
  private record Recorder(WorldState state, PointsRule rule, long day) {
    void record(Log log) {
      if (log.topics().isEmpty()) {
        return;
      }
      Hash topic = log.topics().getFirst();
      Address from = log.address();
      if (from.equals(DatanetModule.ADDRESS)
          && topic.equals(DatanetModule.CONTRIBUTION_ACCEPTED.topic())) {
        accepted(topicLong(log, 2));
      } else if (from.equals(InferenceModule.ADDRESS)
          && (topic.equals(InferenceModule.BATCH_POSTED.topic())
              || topic.equals(InferenceModule.BATCH_CORRECTED.topic()))) {
        holdPayouts(topicAddress(log, 1), topicLong(log, 2));
      } else if (from.equals(InferenceModule.ADDRESS)
          && topic.equals(InferenceModule.BATCH_VOIDED.topic())) {
        state.deleteStorage(ADDRESS, batchSlot(topicAddress(log, 1), topicLong(log, 2)));
      } else if (from.equals(InferenceModule.ADDRESS)
          && topic.equals(InferenceModule.BATCH_FINALIZED.topic())) {
        finalized(topicAddress(log, 1), topicLong(log, 2));
      } else if (from.equals(DatanetModule.ADDRESS)
          && topic.equals(DatanetModule.CONTRIBUTION_PENALIZED.topic())) {
        penalized(topicLong(log, 1), topicAddress(log, 2));
      } else if (from.equals(ChallengeModule.ADDRESS)
          && topic.equals(ChallengeModule.VOTED.topic())) {
        award(topicAddress(log, 2), PointsCategory.VALIDATION, rule.validationPointsPerVote());
      }
    }

    /**
     * An accepted contribution earns its author {@code score × dataPointsPerScore}, unless the
     * author owns the datanet (accepting one's own data is no one else's acceptance).
     */
    private void accepted(long contributionId) {
      Contribution c = DatanetModule.readContribution(state, contributionId).orElseThrow();
      Address owner = DatanetModule.readDatanet(state, c.datanetId()).orElseThrow().owner();
      if (owner.equals(c.contributor())) {
        return;
      }
      byte[] slot = SystemModule.slot(DATA, c.contributor().toArray());
      state.putStorage(ADDRESS, slot, be64(Math.addExact(u64(state.storage(ADDRESS, slot)), 1)));
      long added =
          award(
              c.contributor(),
              PointsCategory.DATA,
              Math.multiplyExact((long) c.score(), rule.dataPointsPerScore()));
      state.putStorage(
          ADDRESS,
          SystemModule.slot(AWARD, be64(contributionId)),
          ByteBuffer.allocate(16).putLong(day).putLong(added).array());
    }

    /**
     * An upheld adversarial-data flag takes back what the contribution earned (on the day it earned
     * it) and no longer counts it as data accepted by others.
     */
    private void penalized(long contributionId, Address contributor) {
      byte[] awardSlot = SystemModule.slot(AWARD, be64(contributionId));
      Optional<byte[]> award = state.storage(ADDRESS, awardSlot);
      if (award.isEmpty()) {
        return; // its own datanet's, or accepted before points were recorded
      }
      state.deleteStorage(ADDRESS, awardSlot);
      ByteBuffer b = ByteBuffer.wrap(award.get());
      long awardDay = b.getLong();
      long points = b.getLong();
      byte[] dataSlot = SystemModule.slot(DATA, contributor.toArray());
      state.putStorage(ADDRESS, dataSlot, be64(u64(state.storage(ADDRESS, dataSlot)) - 1));
      byte[] slot = pointsSlot(contributor, awardDay, PointsCategory.DATA);
      state.putStorage(ADDRESS, slot, be64(u64(state.storage(ADDRESS, slot)) - points));
      byte[] totalSlot = accountTotalSlot(contributor);
      state.putStorage(ADDRESS, totalSlot, be64(u64(state.storage(ADDRESS, totalSlot)) - points));
      addToAll(u(-points));
    }

    /** Keeps an open batch's payouts (as posted or corrected) until it is final or voided. */
    private void holdPayouts(Address operator, long seq) {
      Batch b = InferenceModule.batch(state, operator, seq).orElseThrow();
      ByteBuffer out = ByteBuffer.allocate(b.payouts().size() * PAYOUT_SIZE);
      for (Payout p : b.payouts()) {
        out.put(p.account().toArray()).put(p.amount().toBytes32());
      }
      state.putStorage(ADDRESS, batchSlot(operator, seq), out.array());
    }

    /**
     * A final batch pays usage points to each payout account with data accepted by others (not the
     * operator, not a module), and an uptime day to its operator if it charged anything.
     */
    private void finalized(Address operator, long seq) {
      byte[] slot = batchSlot(operator, seq);
      Optional<byte[]> held = state.storage(ADDRESS, slot);
      state.deleteStorage(ADDRESS, slot);
      for (Payout p : held.map(PointsModule::decodePayouts).orElse(List.of())) {
        Address who = p.account();
        boolean contributor =
            u64(state.storage(ADDRESS, SystemModule.slot(DATA, who.toArray()))) > 0;
        if (contributor && !who.equals(operator) && !ModuleRegistry.isModuleAddress(who)) {
          BigInteger points =
              p.amount()
                  .value()
                  .multiply(BigInteger.valueOf(rule.usagePointsPerOpen()))
                  .divide(OPEN);
          award(
              who,
              PointsCategory.USAGE,
              points.min(BigInteger.valueOf(PointsRule.MAX)).longValue());
        }
      }
      Batch b = InferenceModule.batch(state, operator, seq).orElseThrow();
      if (!b.total().isZero()) {
        award(operator, PointsCategory.UPTIME, rule.uptimePointsPerDay());
      }
    }

    private void addToAll(BigInteger delta) {
      state.putStorage(
          ADDRESS, ALL, Amount.of(u256(state.storage(ADDRESS, ALL)).add(delta)).toBytes32());
    }

    /**
     * Adds {@code points} of {@code category} to {@code who} today, cut to the daily cap; returns
     * what was added.
     */
    private long award(Address who, PointsCategory category, long points) {
      byte[] slot = pointsSlot(who, day, category);
      long before = u64(state.storage(ADDRESS, slot));
      long after = Math.min(rule.dailyCap(category), Math.addExact(before, points));
      long added = after - before;
      if (added <= 0) {
        return 0;
      }
      state.putStorage(ADDRESS, slot, be64(after));
      byte[] totalSlot = accountTotalSlot(who);
      Optional<byte[]> total = state.storage(ADDRESS, totalSlot);
      if (total.isEmpty()) {
        long n = u64(state.storage(ADDRESS, COUNT));
        state.putStorage(ADDRESS, SystemModule.slot(AT, be64(n)), who.toArray());
        state.putStorage(ADDRESS, COUNT, be64(n + 1));
      }
      state.putStorage(ADDRESS, totalSlot, be64(Math.addExact(u64(total), added)));
      addToAll(u(added));
      return added;
    }
  }

  // ---- reading (gas-free, for the node and tests) ----

  /** An account's points on one day, by category. */
  public record DayPoints(long data, long usage, long validation, long uptime) {
    public long total() {
      return data + usage + validation + uptime;
    }
  }

  /** The points of {@code account} on {@code day} in {@code state}. */
  public static DayPoints pointsOf(StateReader state, Address account, long day) {
    return dayPoints(Slots.of(state, ADDRESS), account, day);
  }

  /** The total points of {@code account}, all days. */
  public static long totalPointsOf(StateReader state, Address account) {
    return u64(state.storage(ADDRESS, accountTotalSlot(account)));
  }

  /** The total points of all accounts (a uint256: it sums every account's). */
  public static BigInteger totalPoints(StateReader state) {
    return u256(state.storage(ADDRESS, ALL));
  }

  /** Every account with points, in the order they first earned. */
  public static List<Address> accounts(StateReader state) {
    long n = u64(state.storage(ADDRESS, COUNT));
    List<Address> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.add(Address.wrap(state.storage(ADDRESS, SystemModule.slot(AT, be64(i))).orElseThrow()));
    }
    return out;
  }

  private static DayPoints dayPoints(Slots s, Address account, long day) {
    return new DayPoints(
        u64(s.load(pointsSlot(account, day, PointsCategory.DATA))),
        u64(s.load(pointsSlot(account, day, PointsCategory.USAGE))),
        u64(s.load(pointsSlot(account, day, PointsCategory.VALIDATION))),
        u64(s.load(pointsSlot(account, day, PointsCategory.UPTIME))));
  }

  private static List<Payout> decodePayouts(byte[] b) {
    List<Payout> out = new ArrayList<>();
    for (int at = 0; at + PAYOUT_SIZE <= b.length; at += PAYOUT_SIZE) {
      byte[] account = Arrays.copyOfRange(b, at, at + Address.SIZE);
      byte[] amount = Arrays.copyOfRange(b, at + Address.SIZE, at + PAYOUT_SIZE);
      out.add(new Payout(Address.wrap(account), Amount.fromBytes(amount)));
    }
    return out;
  }

  private static byte[] pointsSlot(Address account, long day, PointsCategory category) {
    return SystemModule.slot(
        POINTS, account.toArray(), be64(day), new byte[] {(byte) category.code()});
  }

  private static byte[] accountTotalSlot(Address account) {
    return SystemModule.slot(ACCOUNT_TOTAL, account.toArray());
  }

  private static byte[] batchSlot(Address operator, long seq) {
    return SystemModule.slot(BATCH, operator.toArray(), be64(seq));
  }

  private static long topicLong(Log log, int i) {
    return new BigInteger(1, log.topics().get(i).toArray()).longValueExact();
  }

  private static Address topicAddress(Log log, int i) {
    byte[] t = log.topics().get(i).toArray();
    return Address.wrap(Arrays.copyOfRange(t, 12, 32));
  }

  private static byte[] be64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static long u64(Optional<byte[]> v) {
    return v.map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  private static BigInteger u256(Optional<byte[]> v) {
    return v.map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  private static BigInteger u(long v) {
    return BigInteger.valueOf(v);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
