package io.openledger.node.economy.api;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.DatanetModule;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.FeeRuleV1;
import io.openledger.chain.inference.InferenceModule;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.inference.Payout;
import io.openledger.chain.model.ModelModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.economy.RecordSplit;
import io.openledger.node.economy.RecordSplit.Credit;
import io.openledger.node.economy.RecordSplit.Role;
import io.openledger.node.economy.StoredRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What this operator's records paid, to whom and for what: the in-memory aggregates behind the
 * economy read API (docs/economy-api.md). Built at start-up by scanning the {@link RecordLog} and
 * kept current by {@link #add}, which the inference gate calls after each append.
 *
 * <p>Every record is split with {@link RecordSplit} (from the record's own fee, so a later price
 * change does not rewrite history). The aggregates: per account (total, batched and unbatched, by
 * role, by model, by contribution), per contribution (earned, inferences, summed ppm, by model),
 * per model (inferences, tokens, fees, payouts by role, per account and per contribution), and the
 * leaderboards drawn from them. Amounts are exact base units.
 *
 * <p>"Batched" means in a batch this operator has posted: the record's number is below the chain's
 * {@code nextBatch(operator).firstRecord}, which {@link #batchedBelow} passes in. Only the payouts
 * of unbatched records are kept per record, so memory grows with accounts, contributions and
 * models, plus 8 bytes per record (the per-model record list of the graph).
 *
 * <p>Thread-safe: one lock; a query copies what it returns.
 */
public final class PayoutBook {
  /** Records read from the log at a time while loading. */
  private static final int SCAN_CHUNK = 1_000;

  private final Address operator;
  private final Function<StateReader, FeeRuleV1> rule;
  private final Address treasury;
  private final Supplier<StateReader> head;

  // immutable chain facts, cached: a model's owner and a contribution's datanet and contributor
  private final Map<Long, Address> owners = new ConcurrentHashMap<>();
  private final Map<Long, Contribution> contributionsOnChain = new ConcurrentHashMap<>();

  // which record numbers are counted: all below `contiguous`, and those in `countedAbove`
  private long contiguous;
  private final TreeSet<Long> countedAbove = new TreeSet<>();
  private long count;

  private long batchedBelow;
  private final TreeMap<Long, List<Payout>> unbatched = new TreeMap<>();

  private final Map<Address, AccountTotals> accounts = new HashMap<>();
  private final Map<Long, ContributionTotals> contributions = new HashMap<>();
  private final Map<Long, ModelTotals> models = new HashMap<>();

  /**
   * An empty book.
   *
   * @param operator this node's operator: only its records are added
   * @param rule the chain's fee rule in a state (the parameter registry's shares and platform fee)
   * @param treasury the chain's treasury
   * @param head the chain's latest state, to read model owners, contributors and the fee rule
   */
  public PayoutBook(
      Address operator,
      Function<StateReader, FeeRuleV1> rule,
      Address treasury,
      Supplier<StateReader> head) {
    this.operator = Objects.requireNonNull(operator, "operator");
    this.rule = Objects.requireNonNull(rule, "rule");
    this.treasury = Objects.requireNonNull(treasury, "treasury");
    this.head = Objects.requireNonNull(head, "head");
  }

  /**
   * A book of every record in {@code log}. Build it before the gate takes requests; a record the
   * gate appends during the scan may be added again ({@link #add} is idempotent).
   *
   * @throws IllegalStateException if a stored record cannot be decoded or split (the log is corrupt
   *     or not this chain's)
   */
  public static PayoutBook load(
      RecordLog log,
      Address operator,
      Function<StateReader, FeeRuleV1> rule,
      Address treasury,
      Supplier<StateReader> head) {
    PayoutBook book = new PayoutBook(operator, rule, treasury, head);
    book.batchedBelow(InferenceModule.nextBatch(head.get(), operator).firstRecord());
    long end = log.nextNumber();
    for (long from = 0; from < end; from += SCAN_CHUNK) {
      long to = Math.min(end, from + SCAN_CHUNK);
      long n = from;
      for (byte[] bytes : log.range(from, to)) {
        StoredRecord r;
        try {
          r = StoredRecord.decode(bytes);
          book.add(r.record());
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              "record " + n + " of the record log cannot be counted: " + e.getMessage(), e);
        }
        n++;
      }
    }
    return book;
  }

  // ---- updates ----

  /**
   * Counts a record of this operator; a record already counted changes nothing.
   *
   * @return true when the record was new
   * @throws IllegalArgumentException if the record is another operator's, or its fee is below the
   *     platform fee
   * @throws IllegalStateException if its model or a contribution is not on chain
   */
  public boolean add(InferenceRecord record) {
    if (!record.operator().equals(operator)) {
      throw new IllegalArgumentException(
          "record "
              + record.number()
              + " is operator "
              + record.operator()
              + "'s, not "
              + operator);
    }
    synchronized (this) {
      if (counted(record.number())) {
        return false;
      }
    }
    RecordSplit split = split(record); // chain reads outside the lock
    synchronized (this) {
      if (counted(record.number())) {
        return false;
      }
      markCounted(record.number());
      count(record, split);
      return true;
    }
  }

  /** {@link #add(InferenceRecord)} of a stored record. */
  public boolean add(StoredRecord stored) {
    return add(stored.record());
  }

  /**
   * The records below {@code firstUnbatched} are in posted batches (the chain's {@code
   * nextBatch(operator).firstRecord}); a lower value than before changes nothing.
   */
  public synchronized void batchedBelow(long firstUnbatched) {
    if (firstUnbatched <= batchedBelow) {
      return;
    }
    Map<Long, List<Payout>> now = unbatched.headMap(firstUnbatched);
    for (List<Payout> payouts : now.values()) {
      for (Payout p : payouts) {
        AccountTotals a = accounts.get(p.account());
        a.batched = a.batched.add(p.amount());
      }
    }
    now.clear();
    batchedBelow = firstUnbatched;
  }

  /**
   * The split of a record of this chain at the head: its model's owner, its contributors and
   * whether each earns (a contribution penalized since the record was served earns nothing here).
   *
   * @throws IllegalStateException if its model is not on chain
   * @throws IllegalArgumentException if a contribution is not on chain
   */
  public RecordSplit split(InferenceRecord record) {
    StateReader state = head.get();
    return RecordSplit.of(record, rule.apply(state), ownerOf(record.modelId()), treasury, state);
  }

  /**
   * A contribution as the chain has it (its datanet and contributor never change).
   *
   * @throws IllegalStateException if there is no such contribution
   */
  public Contribution contributionOnChain(long id) {
    return contributionsOnChain.computeIfAbsent(
        id,
        c ->
            DatanetModule.readContribution(head.get(), c)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "contribution " + c + " of a record is not on chain")));
  }

  private Address ownerOf(long modelId) {
    return owners.computeIfAbsent(
        modelId,
        m ->
            ModelModule.readModel(head.get(), m)
                .orElseThrow(
                    () -> new IllegalStateException("model " + m + " of a record is not on chain"))
                .owner());
  }

  private boolean counted(long n) {
    return n < contiguous || countedAbove.contains(n);
  }

  private void markCounted(long n) {
    if (n == contiguous) {
      contiguous++;
      while (countedAbove.remove(contiguous)) {
        contiguous++;
      }
    } else {
      countedAbove.add(n);
    }
    count++;
  }

  private void count(InferenceRecord r, RecordSplit split) {
    ModelTotals m = models.computeIfAbsent(r.modelId(), k -> new ModelTotals());
    m.inferences++;
    m.promptTokens = m.promptTokens.add(BigInteger.valueOf(r.promptTokens()));
    m.completionTokens = m.completionTokens.add(BigInteger.valueOf(r.completionTokens()));
    m.fees = m.fees.add(r.fee());
    m.records.insert(r.number());
    Map<Long, Amount> earnedBy = new HashMap<>(); // contribution → paid to its contributor
    Map<Long, Amount> forfeitedBy = new HashMap<>(); // contribution → to the treasury (self-paid)
    for (Credit c : split.credits()) {
      credit(c, r, m);
      if (c.contributionId() != 0) {
        (c.role() == Role.CONTRIBUTOR ? earnedBy : forfeitedBy)
            .merge(c.contributionId(), c.amount(), Amount::add);
      }
    }
    for (Attribution a : r.attribution()) {
      long id = a.contributionId();
      Amount earned = earnedBy.getOrDefault(id, Amount.ZERO);
      ContributionTotals c = contributions.computeIfAbsent(id, this::newContributionTotals);
      c.earned = c.earned.add(earned);
      c.toTreasury = c.toTreasury.add(forfeitedBy.getOrDefault(id, Amount.ZERO));
      c.inferences++;
      c.ppmTotal += a.ppm();
      c.byModel.computeIfAbsent(r.modelId(), k -> new Tally()).add(earned);
      m.contributions.computeIfAbsent(id, k -> new ContributionTally()).add(earned, a.ppm());
    }
    if (r.number() >= batchedBelow) {
      unbatched.put(r.number(), split.payouts());
    }
  }

  private void credit(Credit c, InferenceRecord r, ModelTotals m) {
    AccountTotals a = accounts.computeIfAbsent(c.account(), k -> new AccountTotals());
    if (a.lastRecord != r.number()) {
      a.lastRecord = r.number();
      a.records++;
    }
    a.total = a.total.add(c.amount());
    if (r.number() < batchedBelow) {
      a.batched = a.batched.add(c.amount());
    }
    a.byRole.merge(c.role(), c.amount(), Amount::add);
    a.byModel.merge(r.modelId(), c.amount(), Amount::add);
    if (c.role() == Role.CONTRIBUTOR) {
      a.byContribution.computeIfAbsent(c.contributionId(), k -> new Tally()).add(c.amount());
    }
    m.byRole.merge(c.role(), c.amount(), Amount::add);
    m.byAccount.merge(c.account(), c.amount(), Amount::add);
  }

  private ContributionTotals newContributionTotals(long id) {
    Contribution c = contributionOnChain(id);
    return new ContributionTotals(c.datanetId(), c.contributor());
  }

  // ---- queries ----

  /** How many records are counted. */
  public synchronized long records() {
    return count;
  }

  /** What this operator's records credited {@code account} (zeros when nothing). */
  public synchronized AccountEarnings account(Address account) {
    AccountTotals a = accounts.get(account);
    if (a == null) {
      return new AccountEarnings(
          account, 0, Amount.ZERO, Amount.ZERO, Amount.ZERO, roles(Map.of()), List.of(), List.of());
    }
    List<ModelAmount> byModel = new ArrayList<>();
    new TreeMap<>(a.byModel).forEach((id, amount) -> byModel.add(new ModelAmount(id, amount)));
    List<ContributionAmount> byContribution = new ArrayList<>();
    new TreeMap<>(a.byContribution)
        .forEach((id, t) -> byContribution.add(new ContributionAmount(id, t.amount, t.count)));
    return new AccountEarnings(
        account,
        a.records,
        a.total,
        a.batched,
        a.total.subtract(a.batched),
        roles(a.byRole),
        byModel,
        byContribution);
  }

  /** What a contribution earned; empty when no record attributed it. */
  public synchronized Optional<ContributionEarnings> contribution(long id) {
    ContributionTotals c = contributions.get(id);
    if (c == null) {
      return Optional.empty();
    }
    List<ModelTally> byModel = new ArrayList<>();
    new TreeMap<>(c.byModel).forEach((m, t) -> byModel.add(new ModelTally(m, t.amount, t.count)));
    return Optional.of(
        new ContributionEarnings(
            id,
            c.datanetId,
            c.contributor,
            c.earned,
            c.toTreasury,
            c.inferences,
            c.ppmTotal,
            byModel));
  }

  /** A model's usage; empty when no record is of it. */
  public synchronized Optional<ModelUsage> model(long id) {
    ModelTotals m = models.get(id);
    if (m == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ModelUsage(
            id,
            m.inferences,
            m.promptTokens,
            m.completionTokens,
            m.fees,
            roles(m.byRole),
            m.contributions.size(),
            m.byAccount.size()));
  }

  /** What a model's records credited one of its contributions; empty when none attributed it. */
  public synchronized Optional<ContributionRank> contributionInModel(long modelId, long id) {
    ModelTotals m = models.get(modelId);
    ContributionTally t = m == null ? null : m.contributions.get(id);
    if (t == null) {
      return Optional.empty();
    }
    ContributionTotals c = contributions.get(id);
    return Optional.of(
        new ContributionRank(id, c.datanetId, c.contributor, t.amount, t.count, t.ppmTotal));
  }

  /** The numbers of a model's latest {@code limit} records, newest first. */
  public synchronized List<Long> latestRecords(long modelId, int limit) {
    ModelTotals m = models.get(modelId);
    return m == null ? List.of() : m.records.last(limit);
  }

  /**
   * The leaderboards: the most-credited contributions and the top earners (of one model's records
   * when {@code model} is given, else of all), and the most used models (always all). Ties are
   * broken by id or address, so the order is stable.
   */
  public synchronized Leaderboards leaderboards(OptionalLong model, int limit) {
    List<ContributionRank> contribs = new ArrayList<>();
    List<AccountRank> earners = new ArrayList<>();
    if (model.isPresent()) {
      ModelTotals m = models.get(model.getAsLong());
      if (m != null) {
        m.contributions.forEach(
            (id, t) -> {
              ContributionTotals c = contributions.get(id);
              contribs.add(
                  new ContributionRank(
                      id, c.datanetId, c.contributor, t.amount, t.count, t.ppmTotal));
            });
        m.byAccount.forEach((acct, amount) -> earners.add(new AccountRank(acct, amount)));
      }
    } else {
      contributions.forEach(
          (id, c) ->
              contribs.add(
                  new ContributionRank(
                      id, c.datanetId, c.contributor, c.earned, c.inferences, c.ppmTotal)));
      accounts.forEach((acct, a) -> earners.add(new AccountRank(acct, a.total)));
    }
    List<ModelRank> used = new ArrayList<>();
    models.forEach((id, m) -> used.add(new ModelRank(id, m.inferences, m.fees)));
    return new Leaderboards(
        top(contribs, ContributionRank.ORDER, limit),
        top(used, ModelRank.ORDER, limit),
        top(earners, AccountRank.ORDER, limit));
  }

  private static <T> List<T> top(List<T> all, Comparator<T> order, int limit) {
    all.sort(order);
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  private static Map<Role, Amount> roles(Map<Role, Amount> from) {
    EnumMap<Role, Amount> out = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      out.put(r, from.getOrDefault(r, Amount.ZERO));
    }
    return Collections.unmodifiableMap(out);
  }

  // ---- what queries return ----

  /**
   * What this operator's records credited an account.
   *
   * @param records how many records credited it
   * @param batched from records in posted batches; {@code unbatched} the rest
   * @param byRole every role, zero when none
   * @param byModel by model id
   * @param byContribution its contributions' earnings (role contributor), by contribution id
   */
  public record AccountEarnings(
      Address account,
      long records,
      Amount total,
      Amount batched,
      Amount unbatched,
      Map<Role, Amount> byRole,
      List<ModelAmount> byModel,
      List<ContributionAmount> byContribution) {}

  public record ModelAmount(long modelId, Amount amount) {}

  /**
   * @param inferences records that paid this contribution's share to the account
   */
  public record ContributionAmount(long contributionId, Amount amount, long inferences) {}

  /**
   * What a contribution earned from this operator's records.
   *
   * @param earned paid to its contributor
   * @param toTreasury its share of records its own contributor paid for (to the treasury)
   * @param inferences records attributing it (a weight too small to earn a base unit counts)
   * @param ppmTotal its weights summed over those records
   */
  public record ContributionEarnings(
      long contributionId,
      long datanetId,
      Address contributor,
      Amount earned,
      Amount toTreasury,
      long inferences,
      long ppmTotal,
      List<ModelTally> byModel) {}

  public record ModelTally(long modelId, Amount amount, long inferences) {}

  /**
   * A model's records.
   *
   * @param fees the records' fees summed; {@code payouts} splits them by role
   * @param contributions how many contributions its records attributed
   * @param accounts how many accounts its records paid
   */
  public record ModelUsage(
      long modelId,
      long inferences,
      BigInteger promptTokens,
      BigInteger completionTokens,
      Amount fees,
      Map<Role, Amount> payouts,
      long contributions,
      long accounts) {}

  public record Leaderboards(
      List<ContributionRank> contributions, List<ModelRank> models, List<AccountRank> earners) {}

  /** A contribution's place: by amount, then summed ppm, then id. */
  public record ContributionRank(
      long contributionId,
      long datanetId,
      Address contributor,
      Amount amount,
      long inferences,
      long ppmTotal) {
    static final Comparator<ContributionRank> ORDER =
        Comparator.comparing(ContributionRank::amount)
            .reversed()
            .thenComparing(Comparator.comparingLong(ContributionRank::ppmTotal).reversed())
            .thenComparingLong(ContributionRank::contributionId);
  }

  /** A model's place: by inferences, then fees, then id. */
  public record ModelRank(long modelId, long inferences, Amount fees) {
    static final Comparator<ModelRank> ORDER =
        Comparator.comparingLong(ModelRank::inferences)
            .reversed()
            .thenComparing(Comparator.comparing(ModelRank::fees).reversed())
            .thenComparingLong(ModelRank::modelId);
  }

  /** An earner's place: by amount, then address. */
  public record AccountRank(Address account, Amount amount) {
    static final Comparator<AccountRank> ORDER =
        Comparator.comparing(AccountRank::amount).reversed().thenComparing(AccountRank::account);
  }

  // ---- the mutable totals, under the book's lock ----

  private static final class AccountTotals {
    long records;
    long lastRecord = -1;
    Amount total = Amount.ZERO;
    Amount batched = Amount.ZERO;
    final Map<Role, Amount> byRole = new EnumMap<>(Role.class);
    final Map<Long, Amount> byModel = new HashMap<>();
    final Map<Long, Tally> byContribution = new HashMap<>();
  }

  private static final class ContributionTotals {
    final long datanetId;
    final Address contributor;
    Amount earned = Amount.ZERO;
    Amount toTreasury = Amount.ZERO;
    long inferences;
    long ppmTotal;
    final Map<Long, Tally> byModel = new HashMap<>();

    ContributionTotals(long datanetId, Address contributor) {
      this.datanetId = datanetId;
      this.contributor = contributor;
    }
  }

  private static final class ModelTotals {
    long inferences;
    BigInteger promptTokens = BigInteger.ZERO;
    BigInteger completionTokens = BigInteger.ZERO;
    Amount fees = Amount.ZERO;
    final Map<Role, Amount> byRole = new EnumMap<>(Role.class);
    final Map<Address, Amount> byAccount = new HashMap<>();
    final Map<Long, ContributionTally> contributions = new HashMap<>();
    final RecordNumbers records = new RecordNumbers();
  }

  private static class Tally {
    Amount amount = Amount.ZERO;
    long count;

    void add(Amount a) {
      amount = amount.add(a);
      count++;
    }
  }

  private static final class ContributionTally extends Tally {
    long ppmTotal;

    void add(Amount a, int ppm) {
      add(a);
      ppmTotal += ppm;
    }
  }

  /** Record numbers in ascending order, 8 bytes each. */
  private static final class RecordNumbers {
    private long[] numbers = new long[16];
    private int size;

    void insert(long n) {
      if (size == numbers.length) {
        numbers = Arrays.copyOf(numbers, size * 2);
      }
      int at = size;
      while (at > 0 && numbers[at - 1] > n) { // records come in order but for rare races
        at--;
      }
      System.arraycopy(numbers, at, numbers, at + 1, size - at);
      numbers[at] = n;
      size++;
    }

    /** The last {@code limit}, largest first. */
    List<Long> last(int limit) {
      List<Long> out = new ArrayList<>(Math.min(limit, size));
      for (int i = size - 1; i >= 0 && out.size() < limit; i--) {
        out.add(numbers[i]);
      }
      return out;
    }
  }
}
