package io.openledger.node.economy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openledger.chain.challenge.ChallengeModule;
import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.LogView;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.staking.LockTerm;
import io.openledger.chain.staking.Pool;
import io.openledger.chain.staking.Position;
import io.openledger.chain.staking.ShareClass;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.staking.Tier;
import io.openledger.chain.staking.UnbondingEntry;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /v1/economy/stake/{address}?limit=N}: an account's stake, from the chain: its own pool
 * (as an operator: bonded, unbonding, required stake, models per tier, each share class, its
 * published endpoint), its positions and unbonding entries in every pool it has staked in (found
 * from its {@code Staked} logs), and its latest {@code limit} staking and challenge events (default
 * 100, 1..1000, newest first), from the log index.
 */
record StakeRoute(
    Supplier<StateReader> head,
    Function<StateReader, StakingParameters> parametersIn,
    Function<LogFilter, QueryResult<List<LogView>>> logs)
    implements EconomyRoute {

  /** Every event this route shows, staking's and the challenge module's. */
  private static final List<AbiEvent> EVENTS = events();

  @Override
  public String path() {
    return "/v1/economy/stake/{address}";
  }

  @Override
  public JsonNode answer(Context ctx) {
    Address account = Params.address(ctx, "address");
    int limit = (int) Params.query(ctx, "limit", 100, 1, 1_000);
    StateReader state = head.get();
    ObjectNode o = EconomyJson.object();
    o.put("account", EconomyJson.hex(account));
    o.set("pool", pool(state, account));
    List<LogView> staked =
        query(StakingModule.ADDRESS, 2, account, List.of(StakingModule.STAKED.topic()));
    Set<Address> operators = new LinkedHashSet<>();
    for (LogView l : staked) {
      operators.add(topicAddress(l.topics().get(1)));
    }
    ArrayNode positions = o.putArray("positions");
    ArrayNode unbonding = o.putArray("unbonding");
    for (Address operator : operators) {
      Pool pool = StakingModule.pool(state, operator);
      for (LockTerm t : LockTerm.values()) {
        Position p = StakingModule.position(state, operator, account, t);
        if (!p.isEmpty()) {
          positions
              .addObject()
              .put("operator", EconomyJson.hex(operator))
              .put("term", t.code())
              .put("termDays", t.days())
              .put("shares", p.shares().toString())
              .put("value", EconomyJson.amount(pool.bonded(t).valueOf(p.shares())))
              .put("lockedUntil", p.lockedUntil());
        }
      }
      long entries = StakingModule.nextEntryId(state, operator, account);
      for (long id = 0; id < entries; id++) {
        Optional<UnbondingEntry> e = StakingModule.entry(state, operator, account, id);
        if (e.isPresent()) {
          unbonding
              .addObject()
              .put("operator", EconomyJson.hex(operator))
              .put("entry", id)
              .put("shares", e.get().shares().toString())
              .put("value", EconomyJson.amount(pool.unbonding().valueOf(e.get().shares())))
              .put("releaseAt", e.get().releaseAt());
        }
      }
    }
    o.set("events", events(account, limit));
    return o;
  }

  private ObjectNode pool(StateReader state, Address operator) {
    Pool pool = StakingModule.pool(state, operator);
    StakingParameters parameters = parametersIn.apply(state);
    ObjectNode p = EconomyJson.object();
    p.put("bonded", EconomyJson.amount(pool.bondedStake()));
    p.put("unbonding", EconomyJson.amount(pool.unbonding().stake()));
    p.put("requiredStake", EconomyJson.amount(pool.requiredStake(parameters)));
    ObjectNode models = p.putObject("models");
    for (Tier t : Tier.values()) {
      models.put(t.name().toLowerCase(java.util.Locale.ROOT), pool.served(t));
    }
    ArrayNode classes = p.putArray("classes");
    for (LockTerm t : LockTerm.values()) {
      ShareClass c = pool.bonded(t);
      classes
          .addObject()
          .put("term", t.code())
          .put("termDays", t.days())
          .put("stake", EconomyJson.amount(c.stake()))
          .put("shares", c.shares().toString())
          .put("weightBps", parameters.weightBps(t));
    }
    StakingModule.endpoint(state, operator)
        .ifPresentOrElse(u -> p.put("endpoint", u), () -> p.putNull("endpoint"));
    return p;
  }

  /** The account's staking and challenge logs, newest first, at most {@code limit}. */
  private ArrayNode events(Address account, int limit) {
    TreeMap<String, LogView> byPosition = new TreeMap<>(Comparator.reverseOrder());
    for (int position = 1; position <= 2; position++) {
      for (LogView l : query(StakingModule.ADDRESS, position, account, List.of())) {
        byPosition.put(key(l), l);
      }
    }
    for (int position = 1; position <= 3; position++) {
      for (LogView l : query(ChallengeModule.ADDRESS, position, account, List.of())) {
        byPosition.put(key(l), l);
      }
    }
    ArrayNode out = EconomyJson.F.arrayNode();
    for (LogView l : byPosition.values()) {
      if (out.size() == limit) {
        break;
      }
      describe(l).ifPresent(out::add);
    }
    return out;
  }

  private static String key(LogView l) {
    return String.format("%019d/%010d", l.blockNumber(), l.logIndex());
  }

  private List<LogView> query(Address module, int position, Address account, List<Hash> topic0) {
    List<List<Hash>> topics = new ArrayList<>();
    topics.add(topic0);
    for (int i = 1; i < position; i++) {
      topics.add(List.of());
    }
    topics.add(List.of(addressTopic(account)));
    LogFilter f =
        LogFilter.range(BlockRef.number(0), BlockRef.LATEST)
            .withAddresses(List.of(module))
            .withTopics(topics);
    return switch (logs.apply(f)) {
      case QueryResult.Ok<List<LogView>> ok -> ok.value();
      case QueryResult.Failed<List<LogView>> failed ->
          throw Params.bad("address", "cannot read this account's logs: " + failed.message());
    };
  }

  private static Optional<ObjectNode> describe(LogView l) {
    if (l.topics().isEmpty()) {
      return Optional.empty();
    }
    for (AbiEvent e : EVENTS) {
      if (!e.topic().equals(l.topics().getFirst())) {
        continue;
      }
      ObjectNode n = EconomyJson.object();
      n.put("block", l.blockNumber());
      n.put("transaction", l.transactionHash().toHex());
      n.put("logIndex", l.logIndex());
      n.put("module", l.address().equals(StakingModule.ADDRESS) ? "staking" : "challenge");
      n.put("event", e.name());
      List<Object> values = e.decode(l.topics(), l.data());
      ObjectNode args = n.putObject("args");
      for (int i = 0; i < values.size(); i++) {
        AbiEvent.Parameter p = e.parameters().get(i);
        Object v = values.get(i);
        switch (v) {
          case Address a -> args.put(p.name(), EconomyJson.hex(a));
          case BigInteger b -> args.put(p.name(), b.toString());
          case Boolean b -> args.put(p.name(), b);
          case byte[] b -> args.put(p.name(), Bytes.toHex(b));
          default -> args.put(p.name(), v.toString());
        }
      }
      return Optional.of(n);
    }
    return Optional.empty();
  }

  private static Hash addressTopic(Address a) {
    byte[] word = new byte[32];
    System.arraycopy(a.toArray(), 0, word, 12, 20);
    return Hash.wrap(word);
  }

  private static Address topicAddress(Hash topic) {
    return Address.wrap(java.util.Arrays.copyOfRange(topic.toArray(), 12, 32));
  }

  private static List<AbiEvent> events() {
    List<AbiEvent> all = new ArrayList<>(StakingModule.EVENTS);
    all.addAll(ChallengeModule.EVENTS);
    return List.copyOf(all);
  }
}
