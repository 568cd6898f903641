package io.openledger.chain.exec;

import io.openledger.chain.block.Block;
import io.openledger.chain.block.BlockHeader;
import io.openledger.chain.block.LogsBloom;
import io.openledger.chain.block.Receipt;
import io.openledger.chain.module.BlockObserver;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.state.StateCommit;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.tx.DepositTransaction;
import io.openledger.chain.tx.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Executes blocks: builds one from candidate transactions (the sequencer) or re-executes a stored
 * one (replay). A pure function of (parent state, environment, transactions): no clock, no
 * randomness, no unordered iteration.
 */
public final class BlockExecutor {
  private final ProtocolSchedule schedule;
  private final StateDatabase states;
  private final BlockHashes history;

  public BlockExecutor(ProtocolSchedule schedule, StateDatabase states) {
    this(schedule, states, BlockHashes.NONE);
  }

  /**
   * @param history hashes of stored blocks, for replaying blocks whose calls read them
   */
  public BlockExecutor(ProtocolSchedule schedule, StateDatabase states, BlockHashes history) {
    this.schedule = schedule;
    this.states = states;
    this.history = history;
  }

  /** The states blocks are executed on. */
  public StateDatabase states() {
    return states;
  }

  /**
   * Executes {@code candidates} in order on the parent's state. Transactions that are invalid
   * against the state reached so far are skipped and reported (as are those that no longer fit in
   * the block's gas); execution stops when less gas is left than any transaction needs.
   *
   * @param parent the parent header (its state root and number)
   * @param env the new block's number, timestamp, base fee, gas limit and sequencer
   * @param candidates in the order the sequencer chose (senders recovered or recoverable)
   * @return the block with a complete header, receipts and the state writes; nothing is written
   */
  public ExecutedBlock execute(
      BlockHeader parent, BlockEnvironment env, List<Transaction> candidates) {
    WorldState state = states.open(parent.stateRoot(), parent.number());
    ProtocolRules rules = schedule.rulesAt(env.number(), state);
    TransactionValidator validator = new TransactionValidator(rules);
    TransactionExecutor executor = new TransactionExecutor(rules);
    long minGas = rules.gasSchedule().transactionBase();

    List<Transaction> included = new ArrayList<>();
    List<Receipt> receipts = new ArrayList<>();
    List<TransactionResult> results = new ArrayList<>();
    List<SkippedTransaction> skipped = new ArrayList<>();
    long gasUsed = 0;
    boolean signedSeen = false;
    for (Transaction tx : candidates) {
      if (tx instanceof DepositTransaction d) {
        // deposits come first (forced inclusion) and do not count against the block's gas
        TransactionExecutor.Either outcome =
            signedSeen
                ? new TransactionExecutor.Either.Refused("a deposit after a signed transaction")
                : executor.deposit(state, env, d);
        switch (outcome) {
          case TransactionExecutor.Either.Done done -> {
            receipts.add(done.result().toReceipt(tx.type(), gasUsed));
            included.add(tx);
            results.add(done.result());
          }
          case TransactionExecutor.Either.Refused refused ->
              skipped.add(
                  new SkippedTransaction(
                      tx,
                      new ValidationResult.Invalid(
                          InvalidReason.INVALID_DEPOSIT, refused.reason())));
        }
        continue;
      }
      signedSeen = true;
      long remaining = env.gasLimit() - gasUsed;
      ValidationResult v = validator.validateForExecution(tx, state, env, remaining);
      if (v instanceof ValidationResult.Invalid invalid) {
        skipped.add(new SkippedTransaction(tx, invalid));
        continue;
      }
      TransactionResult r = executor.execute(state, env, Message.of(tx), false);
      receipts.add(r.toReceipt(tx.type(), gasUsed));
      gasUsed += r.gasUsed();
      included.add(tx);
      results.add(r);
      if (env.gasLimit() - gasUsed < minGas) {
        skipRest(candidates, included.size() + skipped.size(), skipped);
        break;
      }
    }
    for (SystemModule m : rules.modules().all()) {
      if (m instanceof BlockObserver observer) {
        observer.afterTransactions(state, env, receipts);
      }
    }
    return seal(env, included, receipts, results, skipped, state, gasUsed);
  }

  /**
   * Re-executes a stored block on its parent's state and checks that it reproduces the header:
   * every transaction valid, same gas used, receipts root, logs bloom and state root.
   */
  public ReplayResult replay(BlockHeader parent, Block block) {
    BlockHeader h = block.header();
    if (!h.parentHash().equals(parent.hash()) || h.number() != parent.number() + 1) {
      return new ReplayResult.Mismatch(
          "block " + h.number() + " does not follow block " + parent.number());
    }
    BlockEnvironment env = BlockEnvironment.of(h).withHistory(history);
    ExecutedBlock e = execute(parent, env, block.transactions());
    if (!e.skipped().isEmpty()) {
      SkippedTransaction s = e.skipped().getFirst();
      return new ReplayResult.Mismatch(
          "block "
              + h.number()
              + ": transaction "
              + s.transaction().hash()
              + " is invalid: "
              + s.reason().message());
    }
    BlockHeader got = e.block().header();
    String diff = firstDifference(h, got);
    return diff == null
        ? new ReplayResult.Match(e)
        : new ReplayResult.Mismatch("block " + h.number() + ": " + diff);
  }

  private static String firstDifference(BlockHeader want, BlockHeader got) {
    if (want.gasUsed() != got.gasUsed()) {
      return "gas used " + got.gasUsed() + " != header " + want.gasUsed();
    }
    if (!want.receiptsRoot().equals(got.receiptsRoot())) {
      return "receipts root " + got.receiptsRoot() + " != header " + want.receiptsRoot();
    }
    if (!want.logsBloom().equals(got.logsBloom())) {
      return "logs bloom differs from the header's";
    }
    if (!want.stateRoot().equals(got.stateRoot())) {
      return "state root " + got.stateRoot() + " != header " + want.stateRoot();
    }
    if (!want.transactionsRoot().equals(got.transactionsRoot())) {
      return "transactions root "
          + got.transactionsRoot()
          + " != header "
          + want.transactionsRoot();
    }
    return null;
  }

  private static void skipRest(
      List<Transaction> candidates, int from, List<SkippedTransaction> skipped) {
    ValidationResult.Invalid full =
        new ValidationResult.Invalid(InvalidReason.BLOCK_FULL, "gas limit reached");
    for (Transaction tx : candidates.subList(from, candidates.size())) {
      skipped.add(new SkippedTransaction(tx, full));
    }
  }

  private static ExecutedBlock seal(
      BlockEnvironment env,
      List<Transaction> included,
      List<Receipt> receipts,
      List<TransactionResult> results,
      List<SkippedTransaction> skipped,
      WorldState state,
      long gasUsed) {
    var supply = state.supply();
    StateCommit commit = state.commit();
    LogsBloom bloom = Block.logsBloom(receipts);
    BlockHeader header =
        new BlockHeader(
            env.parentHash(),
            env.number(),
            env.timestamp(),
            commit.stateRoot(),
            Block.transactionsRoot(included),
            Block.receiptsRoot(receipts),
            bloom,
            gasUsed,
            env.gasLimit(),
            env.baseFee(),
            env.sequencer(),
            new byte[0]);
    return new ExecutedBlock(
        new Block(header, included), receipts, results, skipped, commit, supply);
  }
}
