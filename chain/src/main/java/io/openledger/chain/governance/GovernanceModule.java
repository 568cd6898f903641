package io.openledger.chain.governance;

import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiDecodingException;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.MeteredStateReader;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.module.SystemModule.Slots;
import io.openledger.chain.staking.StakingModule;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The governance module at {@code 0x0000000000000000000000000000000000001008} (docs/governance.md):
 * OPEN locked for voting, delegated as ERC20Votes delegates (undelegated power does not vote) and
 * checkpointed per block; proposals as OpenZeppelin's Governor with GovernorCountingSimple,
 * GovernorTimelock-style queueing and a grace period, on a timestamp clock (ERC-6372 {@code
 * mode=timestamp}).
 *
 * <p>The module's account holds exactly the OPEN locked for voting ({@link #audit}).
 *
 * <p>Storage: {@code "locked" ++ account} → amount (32); {@code "delegate" ++ account} → delegatee
 * (20); {@link Checkpoints} under {@code "v" ++ delegatee} (votes) and {@code "t"} (all OPEN
 * locked); {@code "proposal" ++ id (32)} → {@link Proposal}; {@code "tally" ++ id} → against (32)
 * ++ for (32) ++ abstain (32); {@code "voted" ++ id ++ voter} → 1; {@code "count"} → proposals (8);
 * {@code "index" ++ i (8)} → the id of proposal {@code i}; {@code "executing"} → the id of the
 * proposal being executed, during its execution only.
 */
public final class GovernanceModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(8);
  public static final String NAME = "governance";

  private static final AbiType ADDRESSES = new AbiType.ArrayType(AbiType.ADDRESS);
  private static final AbiType UINTS = new AbiType.ArrayType(AbiType.UINT256);
  private static final AbiType BYTES_LIST = new AbiType.ArrayType(AbiType.BYTES);
  private static final AbiType STRINGS = new AbiType.ArrayType(AbiType.STRING);
  private static final String ACTIONS = "address[],uint256[],bytes[]";

  public static final AbiFunction LOCK = AbiFunction.payable("lock()", "");
  public static final AbiFunction UNLOCK = AbiFunction.of("unlock(uint256)", "", false);
  public static final AbiFunction DELEGATE = AbiFunction.of("delegate(address)", "", false);
  public static final AbiFunction DELEGATES = AbiFunction.of("delegates(address)", "address", true);
  public static final AbiFunction LOCKED_OF = AbiFunction.of("lockedOf(address)", "uint256", true);
  public static final AbiFunction TOTAL_LOCKED = AbiFunction.of("totalLocked()", "uint256", true);
  public static final AbiFunction STAKE_ADDED =
      AbiFunction.of("stakeAdded(address,address,uint8,uint256)", "", false);
  public static final AbiFunction STAKE_REMOVED =
      AbiFunction.of("stakeRemoved(address,address,uint8,uint256,uint256)", "", false);
  public static final AbiFunction STAKED_OF = AbiFunction.of("stakedOf(address)", "uint256", true);
  public static final AbiFunction TOTAL_STAKED = AbiFunction.of("totalStaked()", "uint256", true);
  public static final AbiFunction VOTES_OF = AbiFunction.of("votesOf(address)", "uint256", true);
  public static final AbiFunction GET_VOTES =
      AbiFunction.of("getVotes(address,uint256)", "uint256", true);
  public static final AbiFunction GET_VOTES_AT_BLOCK =
      AbiFunction.of("getVotesAtBlock(address,uint256)", "uint256", true);
  public static final AbiFunction GET_PAST_TOTAL_SUPPLY =
      AbiFunction.of("getPastTotalSupply(uint256)", "uint256", true);
  public static final AbiFunction GOVERNOR_NAME = AbiFunction.of("name()", "string", true);
  public static final AbiFunction VERSION = AbiFunction.of("version()", "string", true);
  public static final AbiFunction PROPOSAL_NEEDS_QUEUING =
      AbiFunction.of("proposalNeedsQueuing(uint256)", "bool", true);
  public static final AbiFunction CLOCK = AbiFunction.of("clock()", "uint48", true);
  public static final AbiFunction CLOCK_MODE = AbiFunction.of("CLOCK_MODE()", "string", true);
  public static final AbiFunction COUNTING_MODE = AbiFunction.of("COUNTING_MODE()", "string", true);
  public static final AbiFunction PROPOSE =
      AbiFunction.of("propose(" + ACTIONS + ",string)", "uint256", false);
  public static final AbiFunction QUEUE =
      AbiFunction.of("queue(" + ACTIONS + ",bytes32)", "uint256", false);
  public static final AbiFunction EXECUTE =
      AbiFunction.payable("execute(" + ACTIONS + ",bytes32)", "uint256");
  public static final AbiFunction CANCEL =
      AbiFunction.of("cancel(" + ACTIONS + ",bytes32)", "uint256", false);
  public static final AbiFunction HASH_PROPOSAL =
      AbiFunction.of("hashProposal(" + ACTIONS + ",bytes32)", "uint256", true);
  public static final AbiFunction CAST_VOTE =
      AbiFunction.of("castVote(uint256,uint8)", "uint256", false);
  public static final AbiFunction CAST_VOTE_WITH_REASON =
      AbiFunction.of("castVoteWithReason(uint256,uint8,string)", "uint256", false);
  public static final AbiFunction STATE = AbiFunction.of("state(uint256)", "uint8", true);
  public static final AbiFunction PROPOSAL_SNAPSHOT =
      AbiFunction.of("proposalSnapshot(uint256)", "uint256", true);
  public static final AbiFunction PROPOSAL_DEADLINE =
      AbiFunction.of("proposalDeadline(uint256)", "uint256", true);
  public static final AbiFunction PROPOSAL_ETA =
      AbiFunction.of("proposalEta(uint256)", "uint256", true);
  public static final AbiFunction PROPOSAL_PROPOSER =
      AbiFunction.of("proposalProposer(uint256)", "address", true);
  public static final AbiFunction PROPOSAL_VOTES =
      AbiFunction.of("proposalVotes(uint256)", "uint256,uint256,uint256", true);
  public static final AbiFunction HAS_VOTED =
      AbiFunction.of("hasVoted(uint256,address)", "bool", true);
  public static final AbiFunction QUORUM = AbiFunction.of("quorum(uint256)", "uint256", true);
  public static final AbiFunction VOTING_DELAY = AbiFunction.of("votingDelay()", "uint256", true);
  public static final AbiFunction VOTING_PERIOD = AbiFunction.of("votingPeriod()", "uint256", true);
  public static final AbiFunction PROPOSAL_THRESHOLD =
      AbiFunction.of("proposalThreshold()", "uint256", true);
  public static final AbiFunction TIMELOCK_DELAY =
      AbiFunction.of("timelockDelay()", "uint256", true);
  public static final AbiFunction GRACE_PERIOD = AbiFunction.of("gracePeriod()", "uint256", true);
  public static final AbiFunction PROPOSAL_COUNT =
      AbiFunction.of("proposalCount()", "uint256", true);
  public static final AbiFunction PROPOSAL_AT =
      AbiFunction.of("proposalAt(uint256)", "uint256", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS =
      List.of(
          LOCK,
          UNLOCK,
          DELEGATE,
          DELEGATES,
          LOCKED_OF,
          TOTAL_LOCKED,
          VOTES_OF,
          GET_VOTES,
          GET_VOTES_AT_BLOCK,
          GET_PAST_TOTAL_SUPPLY,
          CLOCK,
          CLOCK_MODE,
          COUNTING_MODE,
          PROPOSE,
          QUEUE,
          EXECUTE,
          CANCEL,
          HASH_PROPOSAL,
          CAST_VOTE,
          CAST_VOTE_WITH_REASON,
          STATE,
          PROPOSAL_SNAPSHOT,
          PROPOSAL_DEADLINE,
          PROPOSAL_ETA,
          PROPOSAL_PROPOSER,
          PROPOSAL_VOTES,
          HAS_VOTED,
          QUORUM,
          VOTING_DELAY,
          VOTING_PERIOD,
          PROPOSAL_THRESHOLD,
          TIMELOCK_DELAY,
          GRACE_PERIOD,
          PROPOSAL_COUNT,
          PROPOSAL_AT,
          GOVERNOR_NAME,
          VERSION,
          PROPOSAL_NEEDS_QUEUING,
          STAKE_ADDED,
          STAKE_REMOVED,
          STAKED_OF,
          TOTAL_STAKED);

  public static final AbiEvent PROPOSAL_CREATED =
      event(
          "ProposalCreated",
          p("proposalId", AbiType.UINT256, false),
          p("proposer", AbiType.ADDRESS, false),
          p("targets", ADDRESSES, false),
          p("values", UINTS, false),
          p("signatures", STRINGS, false),
          p("calldatas", BYTES_LIST, false),
          p("voteStart", AbiType.UINT256, false),
          p("voteEnd", AbiType.UINT256, false),
          p("description", AbiType.STRING, false));
  public static final AbiEvent VOTE_CAST =
      event(
          "VoteCast",
          p("voter", AbiType.ADDRESS, true),
          p("proposalId", AbiType.UINT256, false),
          p("support", AbiType.parse("uint8"), false),
          p("weight", AbiType.UINT256, false),
          p("reason", AbiType.STRING, false));
  public static final AbiEvent PROPOSAL_QUEUED =
      event(
          "ProposalQueued",
          p("proposalId", AbiType.UINT256, false),
          p("etaSeconds", AbiType.UINT256, false));
  public static final AbiEvent PROPOSAL_EXECUTED =
      event("ProposalExecuted", p("proposalId", AbiType.UINT256, false));
  public static final AbiEvent PROPOSAL_CANCELED =
      event("ProposalCanceled", p("proposalId", AbiType.UINT256, false));
  public static final AbiEvent DELEGATE_CHANGED =
      event(
          "DelegateChanged",
          p("delegator", AbiType.ADDRESS, true),
          p("fromDelegate", AbiType.ADDRESS, true),
          p("toDelegate", AbiType.ADDRESS, true));
  public static final AbiEvent DELEGATE_VOTES_CHANGED =
      event(
          "DelegateVotesChanged",
          p("delegate", AbiType.ADDRESS, true),
          p("previousVotes", AbiType.UINT256, false),
          p("newVotes", AbiType.UINT256, false));
  public static final AbiEvent LOCKED =
      event("Locked", p("account", AbiType.ADDRESS, true), p("amount", AbiType.UINT256, false));
  public static final AbiEvent UNLOCKED =
      event("Unlocked", p("account", AbiType.ADDRESS, true), p("amount", AbiType.UINT256, false));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS =
      List.of(
          PROPOSAL_CREATED,
          VOTE_CAST,
          PROPOSAL_QUEUED,
          PROPOSAL_EXECUTED,
          PROPOSAL_CANCELED,
          DELEGATE_CHANGED,
          DELEGATE_VOTES_CHANGED,
          LOCKED,
          UNLOCKED);

  /** OpenZeppelin's GovernorCountingSimple: for, against, abstain; quorum counts for + abstain. */
  public static final String COUNTING = "support=bravo&quorum=for,abstain";

  /** ERC-6372: timepoints are block timestamps. */
  public static final String MODE = "mode=timestamp";

  private static final byte[] LOCKED_PREFIX = ascii("locked");
  private static final byte[] DELEGATE_PREFIX = ascii("delegate");
  private static final byte[] VOTES_PREFIX = ascii("v");
  private static final byte[] TOTAL_KEY = ascii("t");
  private static final byte[] PROPOSAL_PREFIX = ascii("proposal");
  private static final byte[] TALLY_PREFIX = ascii("tally");
  private static final byte[] VOTED_PREFIX = ascii("voted");
  private static final byte[] COUNT_SLOT = ascii("count");
  private static final byte[] INDEX_PREFIX = ascii("index");
  private static final byte[] EXECUTING_SLOT = ascii("executing");
  private static final byte[] STAKED_PREFIX = ascii("staked");
  private static final byte[] PRINCIPAL_PREFIX = ascii("principal");
  private static final byte[] STAKED_TOTAL_SLOT = ascii("stakedTotal");

  private final GovernanceParameters parameters;
  private final GovernedParameters governed;

  /**
   * @param parameters delays, threshold and quorum, from the genesis {@code governance} section
   * @param governed the registry's parameters, against which proposals are checked when made
   */
  public GovernanceModule(GovernanceParameters parameters, GovernedParameters governed) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.governed = Objects.requireNonNull(governed, "governed");
  }

  public GovernanceParameters parameters() {
    return parameters;
  }

  /**
   * A proposal's actions: call {@code targets[i]} with {@code values[i]} and {@code calldatas[i]}.
   */
  public record Actions(List<Address> targets, List<BigInteger> values, List<byte[]> calldatas) {
    public Actions {
      targets = List.copyOf(targets);
      values = List.copyOf(values);
      calldatas = List.copyOf(calldatas);
    }

    @SuppressWarnings("unchecked")
    static Actions of(List<Object> a) {
      return new Actions(
          (List<Address>) (List<?>) a.get(0),
          (List<BigInteger>) (List<?>) a.get(1),
          (List<byte[]>) (List<?>) a.get(2));
    }
  }

  /**
   * OpenZeppelin's {@code hashProposal}: {@code keccak256(abi.encode(targets, values, calldatas,
   * descriptionHash))} as a number.
   */
  public static BigInteger hashProposal(Actions a, byte[] descriptionHash) {
    byte[] enc =
        Abi.encode(
            List.of(ADDRESSES, UINTS, BYTES_LIST, AbiType.BYTES32),
            List.of(a.targets(), a.values(), a.calldatas(), descriptionHash));
    return new BigInteger(1, Hash.keccak256(enc).toArray());
  }

  /** keccak256 of the description's UTF-8, as {@code execute} and {@code queue} take it. */
  public static byte[] descriptionHash(String description) {
    return Hash.keccak256(description.getBytes(StandardCharsets.UTF_8)).toArray();
  }

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Governance.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    Slots s = ctx::load;
    long now = ctx.blockTimestamp();
    return switch (f.name()) {
      case "lock" -> {
        lock(ctx, value);
        yield new byte[0];
      }
      case "unlock" -> {
        unlock(ctx, Amount.of((BigInteger) a.get(0)));
        yield new byte[0];
      }
      case "delegate" -> {
        delegate(ctx, (Address) a.get(0));
        yield new byte[0];
      }
      case "delegates" -> DELEGATES.encodeResult(delegateOf(s, (Address) a.get(0)));
      case "lockedOf" -> LOCKED_OF.encodeResult(locked(s, (Address) a.get(0)));
      case "totalLocked" -> TOTAL_LOCKED.encodeResult(totalLocked(s));
      case "stakeAdded" -> {
        stakeAdded(ctx, (Address) a.get(0), (Address) a.get(1), a.get(2), (BigInteger) a.get(3));
        yield new byte[0];
      }
      case "stakeRemoved" -> {
        stakeRemoved(
            ctx,
            (Address) a.get(0),
            (Address) a.get(1),
            a.get(2),
            (BigInteger) a.get(3),
            (BigInteger) a.get(4));
        yield new byte[0];
      }
      case "stakedOf" -> STAKED_OF.encodeResult(staked(s, (Address) a.get(0)));
      case "totalStaked" -> TOTAL_STAKED.encodeResult(stakedTotal(s));
      case "votesOf" -> VOTES_OF.encodeResult(Checkpoints.latest(s, votesKey((Address) a.get(0))));
      case "getVotes" ->
          GET_VOTES.encodeResult(
              Checkpoints.upperLookupByTime(
                  s, votesKey((Address) a.get(0)), past(a.get(1), now, "timepoint")));
      case "getVotesAtBlock" ->
          GET_VOTES_AT_BLOCK.encodeResult(
              Checkpoints.upperLookupByBlock(
                  s, votesKey((Address) a.get(0)), past(a.get(1), ctx.blockNumber(), "block")));
      case "getPastTotalSupply" ->
          GET_PAST_TOTAL_SUPPLY.encodeResult(
              Checkpoints.upperLookupByTime(s, TOTAL_KEY, past(a.get(0), now, "timepoint")));
      case "name" -> GOVERNOR_NAME.encodeResult("OpenLedger Governor");
      case "version" -> VERSION.encodeResult("1");
      case "proposalNeedsQueuing" -> {
        known(s, a.get(0));
        yield PROPOSAL_NEEDS_QUEUING.encodeResult(true);
      }
      case "clock" -> CLOCK.encodeResult(BigInteger.valueOf(now));
      case "CLOCK_MODE" -> CLOCK_MODE.encodeResult(MODE);
      case "COUNTING_MODE" -> COUNTING_MODE.encodeResult(COUNTING);
      case "propose" -> PROPOSE.encodeResult(propose(ctx, Actions.of(a), (String) a.get(3)));
      case "queue" -> QUEUE.encodeResult(queue(ctx, id(a)));
      case "execute" -> EXECUTE.encodeResult(execute(ctx, Actions.of(a), id(a), value));
      case "cancel" -> CANCEL.encodeResult(cancel(ctx, id(a)));
      case "hashProposal" -> HASH_PROPOSAL.encodeResult(id(a));
      case "castVote" -> CAST_VOTE.encodeResult(castVote(ctx, a.get(0), a.get(1), ""));
      case "castVoteWithReason" ->
          CAST_VOTE_WITH_REASON.encodeResult(castVote(ctx, a.get(0), a.get(1), (String) a.get(2)));
      case "state" -> STATE.encodeResult(uint(state(s, (BigInteger) a.get(0), now).ordinal()));
      case "proposalSnapshot" ->
          PROPOSAL_SNAPSHOT.encodeResult(uint(known(s, a.get(0)).snapshot()));
      case "proposalDeadline" ->
          PROPOSAL_DEADLINE.encodeResult(uint(known(s, a.get(0)).deadline()));
      case "proposalEta" -> PROPOSAL_ETA.encodeResult(uint(known(s, a.get(0)).eta()));
      case "proposalProposer" -> PROPOSAL_PROPOSER.encodeResult(known(s, a.get(0)).proposer());
      case "proposalVotes" -> {
        BigInteger[] t = tally(s, (BigInteger) a.get(0));
        yield PROPOSAL_VOTES.encodeResult(t[0], t[1], t[2]);
      }
      case "hasVoted" ->
          HAS_VOTED.encodeResult(
              s.load(votedSlot((BigInteger) a.get(0), (Address) a.get(1))).isPresent());
      case "quorum" -> QUORUM.encodeResult(quorum(s, past(a.get(0), now, "timepoint")));
      case "votingDelay" -> VOTING_DELAY.encodeResult(uint(parameters.votingDelay()));
      case "votingPeriod" -> VOTING_PERIOD.encodeResult(uint(parameters.votingPeriod()));
      case "proposalThreshold" ->
          PROPOSAL_THRESHOLD.encodeResult(parameters.proposalThreshold().value());
      case "timelockDelay" -> TIMELOCK_DELAY.encodeResult(uint(parameters.timelockDelay()));
      case "gracePeriod" -> GRACE_PERIOD.encodeResult(uint(parameters.gracePeriod()));
      case "proposalCount" -> PROPOSAL_COUNT.encodeResult(uint(proposalCount(s)));
      case "proposalAt" -> PROPOSAL_AT.encodeResult(proposalAt(s, (BigInteger) a.get(0)));
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  // ---- voting power ----

  private void lock(ModuleContext ctx, Amount value) {
    if (value.isZero()) {
      throw new ModuleRevert("governance: lock of zero (send the OPEN to lock with the call)");
    }
    Address who = ctx.caller();
    Slots s = ctx::load;
    ctx.store(lockedSlot(who), word(locked(s, who).add(value.value())));
    pushTotal(ctx, value.value());
    moveVotes(ctx, Address.ZERO, delegateOf(s, who), value.value());
    ctx.emit(LOCKED, who, value.value());
  }

  private void unlock(ModuleContext ctx, Amount amount) {
    if (amount.isZero()) {
      throw new ModuleRevert("governance: unlock of zero");
    }
    Address who = ctx.caller();
    Slots s = ctx::load;
    BigInteger held = locked(s, who);
    if (held.compareTo(amount.value()) < 0) {
      throw new ModuleRevert(
          "governance: unlock of "
              + amount.toOpenString()
              + " OPEN but "
              + who
              + " has "
              + Amount.of(held).toOpenString()
              + " OPEN locked");
    }
    BigInteger left = held.subtract(amount.value());
    ctx.store(lockedSlot(who), left.signum() == 0 ? new byte[0] : word(left));
    pushTotal(ctx, amount.value().negate());
    moveVotes(ctx, delegateOf(s, who), Address.ZERO, amount.value());
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    ctx.state().transfer(ADDRESS, who, amount);
    ctx.emit(UNLOCKED, who, amount.value());
  }

  private void delegate(ModuleContext ctx, Address to) {
    Address who = ctx.caller();
    Slots s = ctx::load;
    Address from = delegateOf(s, who);
    ctx.store(delegateSlot(who), to.equals(Address.ZERO) ? new byte[0] : to.toArray());
    ctx.emit(DELEGATE_CHANGED, who, from, to);
    moveVotes(ctx, from, to, locked(s, who).add(staked(s, who)));
  }

  /**
   * The staking module reports {@code amount} base units staked by {@code staker} in the {@code
   * term} class of {@code operator}'s pool: they vote from this block on, at the amount staked
   * (rewards and slashes move no votes), for whomever the staker delegates to.
   */
  private void stakeAdded(
      ModuleContext ctx, Address staker, Address operator, Object term, BigInteger amount) {
    onlyStaking(ctx);
    Slots s = ctx::load;
    byte[] slot = principalSlot(staker, operator, term);
    ctx.store(slot, word(principal(s, slot).add(amount)));
    ctx.store(stakedSlot(staker), word(staked(s, staker).add(amount)));
    ctx.store(STAKED_TOTAL_SLOT, word(stakedTotal(s).add(amount)));
    pushTotal(ctx, amount);
    moveVotes(ctx, Address.ZERO, delegateOf(s, staker), amount);
  }

  /**
   * The staking module reports {@code shares} of the {@code sharesBefore} a position held
   * unbonding: the same part of the amount staked in it stops voting from this block on (rounded
   * down; the last shares take what is left, so a position unbonded whole votes with nothing).
   */
  private void stakeRemoved(
      ModuleContext ctx,
      Address staker,
      Address operator,
      Object term,
      BigInteger shares,
      BigInteger sharesBefore) {
    onlyStaking(ctx);
    if (shares.signum() <= 0 || shares.compareTo(sharesBefore) > 0) {
      throw new ModuleRevert(
          "governance: cannot remove " + shares + " of " + sharesBefore + " staked shares");
    }
    Slots s = ctx::load;
    byte[] slot = principalSlot(staker, operator, term);
    BigInteger principal = principal(s, slot);
    BigInteger removed =
        shares.equals(sharesBefore) ? principal : principal.multiply(shares).divide(sharesBefore);
    if (removed.signum() == 0) {
      return;
    }
    BigInteger left = principal.subtract(removed);
    ctx.store(slot, left.signum() == 0 ? new byte[0] : word(left));
    BigInteger mine = staked(s, staker).subtract(removed);
    ctx.store(stakedSlot(staker), mine.signum() == 0 ? new byte[0] : word(mine));
    ctx.store(STAKED_TOTAL_SLOT, word(stakedTotal(s).subtract(removed)));
    pushTotal(ctx, removed.negate());
    moveVotes(ctx, delegateOf(s, staker), Address.ZERO, removed);
  }

  private static void onlyStaking(ModuleContext ctx) {
    if (!ctx.caller().equals(StakingModule.ADDRESS)) {
      throw new ModuleRevert(
          "governance: only the staking module " + StakingModule.ADDRESS + " reports stake");
    }
  }

  /** OpenZeppelin's {@code _moveDelegateVotes}: the zero address stands for "nobody". */
  private static void moveVotes(ModuleContext ctx, Address from, Address to, BigInteger amount) {
    if (from.equals(to) || amount.signum() == 0) {
      return;
    }
    if (!from.equals(Address.ZERO)) {
      pushVotes(ctx, from, amount.negate());
    }
    if (!to.equals(Address.ZERO)) {
      pushVotes(ctx, to, amount);
    }
  }

  private static void pushVotes(ModuleContext ctx, Address delegatee, BigInteger delta) {
    byte[] key = votesKey(delegatee);
    BigInteger before = Checkpoints.latest(ctx::load, key);
    BigInteger after = before.add(delta);
    Checkpoints.push(ctx::load, ctx::store, key, ctx.blockTimestamp(), ctx.blockNumber(), after);
    ctx.emit(DELEGATE_VOTES_CHANGED, delegatee, before, after);
  }

  private static void pushTotal(ModuleContext ctx, BigInteger delta) {
    BigInteger after = Checkpoints.latest(ctx::load, TOTAL_KEY).add(delta);
    Checkpoints.push(
        ctx::load, ctx::store, TOTAL_KEY, ctx.blockTimestamp(), ctx.blockNumber(), after);
  }

  // ---- proposals ----

  private BigInteger propose(ModuleContext ctx, Actions actions, String description) {
    int n = actions.targets().size();
    if (n == 0 || actions.values().size() != n || actions.calldatas().size() != n) {
      throw new ModuleRevert(
          "governance: a proposal needs as many targets, values and calldatas, at least one"
              + " (got "
              + n
              + ", "
              + actions.values().size()
              + ", "
              + actions.calldatas().size()
              + ")");
    }
    Address proposer = ctx.caller();
    long now = ctx.blockTimestamp();
    Slots s = ctx::load;
    BigInteger votes = Checkpoints.upperLookupByTime(s, votesKey(proposer), now - 1);
    if (votes.compareTo(parameters.proposalThreshold().value()) < 0) {
      throw new ModuleRevert(
          "governance: "
              + proposer
              + " has "
              + Amount.of(votes).toOpenString()
              + " votes, under the proposal threshold of "
              + parameters.proposalThreshold().toOpenString());
    }
    checkBounds(ctx, actions);
    BigInteger id = hashProposal(actions, descriptionHash(description));
    if (s.load(proposalSlot(id)).isPresent()) {
      throw new ModuleRevert("governance: proposal " + id + " exists already");
    }
    long snapshot = Math.addExact(now, parameters.votingDelay());
    long deadline = Math.addExact(snapshot, parameters.votingPeriod());
    ctx.store(
        proposalSlot(id), new Proposal(proposer, snapshot, deadline, 0, false, false).encode());
    long count = proposalCount(s);
    ctx.store(SystemModule.slot(INDEX_PREFIX, longBytes(count)), word(id));
    ctx.store(COUNT_SLOT, longBytes(count + 1));
    ctx.emit(
        PROPOSAL_CREATED,
        id,
        proposer,
        actions.targets(),
        actions.values(),
        Collections.nCopies(n, ""),
        actions.calldatas(),
        uint(snapshot),
        uint(deadline),
        description);
    return id;
  }

  /**
   * Refuses a proposal whose {@code setParameter} actions, applied in order to the registry's
   * current values, would set a value out of its bounds or break a rule tying parameters together.
   */
  private void checkBounds(ModuleContext ctx, Actions actions) {
    Map<String, BigInteger> values = null;
    for (int i = 0; i < actions.targets().size(); i++) {
      if (!actions.targets().get(i).equals(ParameterRegistryModule.ADDRESS)) {
        continue;
      }
      byte[] data = actions.calldatas().get(i);
      if (ParameterRegistryModule.SET_GAS_TABLE.matches(data)) {
        checkGasTableAction(i, data);
        continue;
      }
      if (!ParameterRegistryModule.SET_PARAMETER.matches(data)) {
        continue;
      }
      List<Object> a;
      try {
        a = ParameterRegistryModule.SET_PARAMETER.decodeArguments(data);
      } catch (AbiDecodingException e) {
        throw new ModuleRevert(
            "governance: action " + i + ": malformed setParameter: " + e.getMessage());
      }
      byte[] key = (byte[]) a.get(0);
      String name = ParameterSpec.nameOf(key);
      Optional<ParameterSpec> known = governed.get(name).filter(x -> Arrays.equals(x.key(), key));
      if (known.isEmpty()) {
        throw new ModuleRevert(
            "governance: action " + i + " sets unknown parameter \"" + name + "\"");
      }
      ParameterSpec spec = known.get();
      BigInteger v = (BigInteger) a.get(1);
      if (!spec.allows(v)) {
        throw new ModuleRevert(
            "governance: action " + i + " would break a bound: " + spec.outOfBounds(v));
      }
      if (values == null) {
        values = registryValues(ctx);
      }
      values.put(name, v);
    }
    if (values != null) {
      GovernedParameters.crossCheck(values)
          .ifPresent(
              p -> {
                throw new ModuleRevert("governance: the proposal would break a rule: " + p);
              });
    }
  }

  /** A gas table upgrade naming a version this software does not know is refused when made. */
  private static void checkGasTableAction(int i, byte[] data) {
    List<Object> a;
    try {
      a = ParameterRegistryModule.SET_GAS_TABLE.decodeArguments(data);
    } catch (AbiDecodingException e) {
      throw new ModuleRevert(
          "governance: action " + i + ": malformed setGasTable: " + e.getMessage());
    }
    ParameterRegistryModule.checkGasTable((BigInteger) a.get(0))
        .ifPresent(
            p -> {
              throw new ModuleRevert("governance: action " + i + ": " + p);
            });
  }

  private Map<String, BigInteger> registryValues(ModuleContext ctx) {
    return new ParameterRegistryModule(governed).values(new MeteredStateReader(ctx));
  }

  private BigInteger queue(ModuleContext ctx, BigInteger id) {
    Slots s = ctx::load;
    long now = ctx.blockTimestamp();
    expect(s, id, now, ProposalState.SUCCEEDED, "queued");
    long eta = Math.addExact(now, parameters.timelockDelay());
    ctx.store(proposalSlot(id), known(s, id).withEta(eta).encode());
    ctx.emit(PROPOSAL_QUEUED, id, uint(eta));
    return id;
  }

  private BigInteger execute(ModuleContext ctx, Actions actions, BigInteger id, Amount value) {
    Slots s = ctx::load;
    long now = ctx.blockTimestamp();
    expect(s, id, now, ProposalState.QUEUED, "executed");
    Proposal p = known(s, id);
    if (now < p.eta()) {
      throw new ModuleRevert(
          "governance: proposal " + id + " is timelocked until " + p.eta() + " (now " + now + ")");
    }
    BigInteger sum = actions.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
    if (!sum.equals(value.value())) {
      throw new ModuleRevert(
          "governance: the actions send "
              + sum
              + " base units in all; execute must be sent exactly that, got "
              + value.value());
    }
    ctx.store(proposalSlot(id), p.asExecuted().encode());
    ctx.store(EXECUTING_SLOT, word(id));
    boolean touchesRegistry = false;
    for (int i = 0; i < actions.targets().size(); i++) {
      Address target = actions.targets().get(i);
      touchesRegistry |= target.equals(ParameterRegistryModule.ADDRESS);
      ModuleContext.CallOutcome out =
          ctx.call(target, actions.calldatas().get(i), Amount.of(actions.values().get(i)));
      if (!out.success()) {
        throw new ModuleRevert(
            "governance: action "
                + i
                + " failed: "
                + Abi.decodeError(out.returnData()).orElse("no reason"));
      }
    }
    if (touchesRegistry) {
      GovernedParameters.crossCheck(registryValues(ctx))
          .ifPresent(
              problem -> {
                throw new ModuleRevert("governance: the execution would break a rule: " + problem);
              });
    }
    ctx.store(EXECUTING_SLOT, new byte[0]);
    ctx.emit(PROPOSAL_EXECUTED, id);
    return id;
  }

  private BigInteger cancel(ModuleContext ctx, BigInteger id) {
    Slots s = ctx::load;
    Proposal p = known(s, id);
    if (!p.proposer().equals(ctx.caller())) {
      throw new ModuleRevert(
          "governance: only the proposer " + p.proposer() + " cancels proposal " + id);
    }
    expect(s, id, ctx.blockTimestamp(), ProposalState.PENDING, "canceled");
    ctx.store(proposalSlot(id), p.asCanceled().encode());
    ctx.emit(PROPOSAL_CANCELED, id);
    return id;
  }

  private BigInteger castVote(ModuleContext ctx, Object idArg, Object supportArg, String reason) {
    BigInteger id = (BigInteger) idArg;
    int support = ((BigInteger) supportArg).intValue();
    Slots s = ctx::load;
    long now = ctx.blockTimestamp();
    expect(s, id, now, ProposalState.ACTIVE, "voted on");
    if (support > 2) {
      throw new ModuleRevert(
          "governance: unknown vote type " + support + " (0 against, 1 for, 2 abstain)");
    }
    Address voter = ctx.caller();
    if (s.load(votedSlot(id, voter)).isPresent()) {
      throw new ModuleRevert("governance: " + voter + " has voted on proposal " + id + " already");
    }
    BigInteger weight = Checkpoints.upperLookupByTime(s, votesKey(voter), known(s, id).snapshot());
    BigInteger[] t = tally(s, id);
    t[support] = t[support].add(weight);
    ctx.store(tallySlot(id), concat(word(t[0]), word(t[1]), word(t[2])));
    ctx.store(votedSlot(id, voter), new byte[] {1});
    ctx.emit(VOTE_CAST, voter, id, uint(support), weight, reason);
    return weight;
  }

  private void expect(Slots s, BigInteger id, long now, ProposalState want, String verb) {
    ProposalState got = state(s, id, now);
    if (got != want) {
      throw new ModuleRevert(
          "governance: proposal "
              + id
              + " is "
              + got
              + "; only a "
              + want
              + " proposal is "
              + verb);
    }
  }

  /** OpenZeppelin's {@code state}, with the timelock's {@code Expired}. */
  private ProposalState state(Slots s, BigInteger id, long now) {
    Proposal p = known(s, id);
    if (p.executed()) {
      return ProposalState.EXECUTED;
    }
    if (p.canceled()) {
      return ProposalState.CANCELED;
    }
    if (p.snapshot() >= now) {
      return ProposalState.PENDING;
    }
    if (p.deadline() >= now) {
      return ProposalState.ACTIVE;
    }
    BigInteger[] t = tally(s, id);
    boolean quorumReached = quorum(s, p.snapshot()).compareTo(t[1].add(t[2])) <= 0;
    boolean succeeded = t[1].compareTo(t[0]) > 0;
    if (!quorumReached || !succeeded) {
      return ProposalState.DEFEATED;
    }
    if (p.eta() == 0) {
      return ProposalState.SUCCEEDED;
    }
    if (now >= p.eta() + parameters.gracePeriod()) {
      return ProposalState.EXPIRED;
    }
    return ProposalState.QUEUED;
  }

  /** The quorum at {@code timepoint}: quorumBps of all OPEN locked then, rounded down. */
  private BigInteger quorum(Slots s, long timepoint) {
    return Checkpoints.upperLookupByTime(s, TOTAL_KEY, timepoint)
        .multiply(BigInteger.valueOf(parameters.quorumBps()))
        .divide(BigInteger.valueOf(10_000));
  }

  // ---- gas-free readers ----

  /** The state of proposal {@code id} at {@code timestamp}; the proposal must exist. */
  public ProposalState state(StateReader state, BigInteger id, long timestamp) {
    return state(free(state), id, timestamp);
  }

  public static Optional<Proposal> proposal(StateReader state, BigInteger id) {
    return free(state).load(proposalSlot(id)).map(Proposal::decode);
  }

  /** against, for, abstain. */
  public static BigInteger[] proposalVotes(StateReader state, BigInteger id) {
    return tally(free(state), id);
  }

  public static BigInteger lockedOf(StateReader state, Address a) {
    return locked(free(state), a);
  }

  public static Address delegates(StateReader state, Address a) {
    return delegateOf(free(state), a);
  }

  public static BigInteger votes(StateReader state, Address a) {
    return Checkpoints.latest(free(state), votesKey(a));
  }

  public static BigInteger votesAtTime(StateReader state, Address a, long timestamp) {
    return Checkpoints.upperLookupByTime(free(state), votesKey(a), timestamp);
  }

  public static BigInteger votesAtBlock(StateReader state, Address a, long block) {
    return Checkpoints.upperLookupByBlock(free(state), votesKey(a), block);
  }

  /** All OPEN locked for voting now (the voting supply less the OPEN staked). */
  public static BigInteger totalLocked(StateReader state) {
    return totalLocked(free(state));
  }

  /** The amount staked of {@code a} that votes (what it staked and has not unbonded). */
  public static BigInteger stakedOf(StateReader state, Address a) {
    return staked(free(state), a);
  }

  /** All OPEN locked or staked now: the voting supply the quorum is a share of. */
  public static BigInteger votingSupply(StateReader state) {
    return Checkpoints.latest(free(state), TOTAL_KEY);
  }

  public static long proposalCount(StateReader state) {
    return proposalCount(free(state));
  }

  /** The id of the proposal being executed (read by the registry and treasury), else 0. */
  public static BigInteger executing(StateReader state) {
    return free(state).load(EXECUTING_SLOT).map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  /** Problems with the module's books: its balance must be exactly the OPEN locked. */
  public static Optional<String> audit(StateReader state) {
    BigInteger balance = state.balance(ADDRESS).value();
    BigInteger locked = totalLocked(state);
    return balance.equals(locked)
        ? Optional.empty()
        : Optional.of("governance holds " + balance + " base units but " + locked + " are locked");
  }

  // ---- storage ----

  private static Slots free(StateReader state) {
    return Slots.of(state, ADDRESS);
  }

  private static Proposal known(Slots s, Object id) {
    BigInteger i = (BigInteger) id;
    return s.load(proposalSlot(i))
        .map(Proposal::decode)
        .orElseThrow(() -> new ModuleRevert("governance: unknown proposal " + i));
  }

  private static BigInteger[] tally(Slots s, BigInteger id) {
    Optional<byte[]> b = s.load(tallySlot(id));
    BigInteger[] t = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
    b.ifPresent(
        x -> {
          for (int i = 0; i < 3; i++) {
            t[i] = new BigInteger(1, Arrays.copyOfRange(x, 32 * i, 32 * i + 32));
          }
        });
    return t;
  }

  private static BigInteger totalLocked(Slots s) {
    return Checkpoints.latest(s, TOTAL_KEY).subtract(stakedTotal(s));
  }

  private static BigInteger staked(Slots s, Address a) {
    return s.load(stakedSlot(a)).map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  private static BigInteger stakedTotal(Slots s) {
    return s.load(STAKED_TOTAL_SLOT).map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  private static BigInteger principal(Slots s, byte[] slot) {
    return s.load(slot).map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  private static byte[] stakedSlot(Address a) {
    return SystemModule.slot(STAKED_PREFIX, a.toArray());
  }

  private static byte[] principalSlot(Address staker, Address operator, Object term) {
    byte[] key = Arrays.copyOf(staker.toArray(), 41);
    System.arraycopy(operator.toArray(), 0, key, 20, 20);
    key[40] = ((BigInteger) term).byteValueExact();
    return SystemModule.slot(PRINCIPAL_PREFIX, key);
  }

  private static BigInteger locked(Slots s, Address a) {
    return s.load(lockedSlot(a)).map(b -> new BigInteger(1, b)).orElse(BigInteger.ZERO);
  }

  private static Address delegateOf(Slots s, Address a) {
    return s.load(delegateSlot(a)).map(Address::wrap).orElse(Address.ZERO);
  }

  private static long proposalCount(Slots s) {
    return s.load(COUNT_SLOT).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  private static BigInteger proposalAt(Slots s, BigInteger index) {
    long n = proposalCount(s);
    if (index.compareTo(BigInteger.valueOf(n)) >= 0) {
      throw new ModuleRevert(
          "governance: no proposal at index " + index + " (" + n + " proposals)");
    }
    return new BigInteger(
        1, s.load(SystemModule.slot(INDEX_PREFIX, longBytes(index.longValue()))).orElseThrow());
  }

  private static BigInteger id(List<Object> a) {
    return hashProposal(Actions.of(a), (byte[]) a.get(3));
  }

  /** A timepoint argument that must lie before {@code now} (OpenZeppelin's future lookup). */
  private static long past(Object arg, long now, String what) {
    BigInteger t = (BigInteger) arg;
    if (t.compareTo(BigInteger.valueOf(now)) >= 0) {
      throw new ModuleRevert(
          "governance: " + what + " " + t + " is not in the past (now " + now + ")");
    }
    return t.longValue();
  }

  private static byte[] votesKey(Address a) {
    return SystemModule.slot(VOTES_PREFIX, a.toArray());
  }

  private static byte[] lockedSlot(Address a) {
    return SystemModule.slot(LOCKED_PREFIX, a.toArray());
  }

  private static byte[] delegateSlot(Address a) {
    return SystemModule.slot(DELEGATE_PREFIX, a.toArray());
  }

  private static byte[] proposalSlot(BigInteger id) {
    return SystemModule.slot(PROPOSAL_PREFIX, word(id));
  }

  private static byte[] tallySlot(BigInteger id) {
    return SystemModule.slot(TALLY_PREFIX, word(id));
  }

  private static byte[] votedSlot(BigInteger id, Address voter) {
    return SystemModule.slot(VOTED_PREFIX, word(id), voter.toArray());
  }

  /** A number as 32 big-endian bytes. */
  static byte[] word(BigInteger v) {
    return Amount.of(v).toBytes32();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static byte[] concat(byte[]... parts) {
    return SystemModule.slot(new byte[0], parts);
  }

  private static BigInteger uint(long v) {
    return BigInteger.valueOf(v);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static AbiEvent event(String name, AbiEvent.Parameter... ps) {
    return new AbiEvent(name, List.of(ps));
  }

  private static AbiEvent.Parameter p(String name, AbiType type, boolean indexed) {
    return new AbiEvent.Parameter(name, type, indexed);
  }
}
