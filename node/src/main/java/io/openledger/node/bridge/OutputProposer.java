package io.openledger.node.bridge;

import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.state.StateReader;
import io.openledger.l1.L1Abi;
import io.openledger.l1.L1Sender;
import io.openledger.l1.OutputRoot;
import io.openledger.l1.PostedOutputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proposer role: posts the output root ({@link OutputRoot}) of every {@code interval}-th L2
 * block (blocks {@code interval}, {@code 2·interval}, …) to the OutputOracle with its own L1 key.
 *
 * <p>With a batcher in the same node it posts only blocks the batcher has put on L1. It keeps no
 * state of its own: the next block to post is the first multiple of {@code interval} after the
 * oracle's latest output, read from L1 at every step, so a restart resumes with no gap, and the
 * oracle's strictly increasing block numbers make a second post of a block impossible. Before
 * posting it checks that the oracle's latest output, when this node has that block, is the root
 * this node computes; a mismatch (another chain, a wrong post) stops it with the two roots named.
 */
public final class OutputProposer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputProposer.class);

  private final ChainQueries ledger;
  private final StateQueries states;
  private final L1Sender proposer;
  private final PostedOutputs oracle;
  private final long interval;
  private final LongSupplier safeHead;
  private PollingThread thread;

  /**
   * @param interval L2 blocks between outputs (at least 1)
   */
  public OutputProposer(
      ChainQueries ledger,
      StateQueries states,
      L1Sender proposer,
      PostedOutputs oracle,
      long interval) {
    this(ledger, states, proposer, oracle, interval, ledger::headNumber);
  }

  /**
   * A proposer that posts only blocks up to {@code safeHead}: the last L2 block whose batch is on
   * L1 ({@link L1Batcher#postedThrough()}), so that no output commits to a block nobody can rebuild
   * from L1 (the OP Stack's proposer posts safe blocks only).
   *
   * @param interval L2 blocks between outputs (at least 1)
   */
  public OutputProposer(
      ChainQueries ledger,
      StateQueries states,
      L1Sender proposer,
      PostedOutputs oracle,
      long interval,
      LongSupplier safeHead) {
    if (interval < 1) {
      throw new IllegalArgumentException("output interval must be at least 1 block: " + interval);
    }
    this.ledger = ledger;
    this.states = states;
    this.proposer = proposer;
    this.oracle = oracle;
    this.interval = interval;
    this.safeHead = safeHead;
  }

  /** The output root of committed L2 block {@code number}, from this node's state. */
  public static OutputRoot outputAt(ChainQueries ledger, StateQueries states, long number) {
    BlockView block =
        ledger
            .block(BlockRef.number(number))
            .orElseThrow(() -> new IllegalStateException("no L2 block " + number + " yet"));
    StateReader state =
        states
            .state(BlockRef.number(number))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the state of L2 block "
                            + number
                            + " is pruned: the proposer needs it (run with --archive or a larger"
                            + " --prune-keep)"));
    return OutputRoot.of(block, state);
  }

  /** The next L2 block whose output this proposer posts, from the oracle's latest. */
  public long nextBlock() {
    long latest = oracle.latest().map(PostedOutputs.Output::l2BlockNumber).orElse(0L);
    return (latest / interval + 1) * interval;
  }

  /**
   * Posts the outputs of every due block the node has committed, in order; returns them.
   *
   * @throws IllegalStateException when the oracle's latest output is not this node's
   */
  public synchronized List<PostedOutputs.Output> proposeDue() {
    Optional<PostedOutputs.Output> latest = oracle.latest();
    latest.ifPresent(this::checkOurs);
    long latestBlock = latest.map(PostedOutputs.Output::l2BlockNumber).orElse(0L);
    long index = latest.map(o -> o.index() + 1).orElse(0L);
    List<PostedOutputs.Output> posted = new ArrayList<>();
    for (long next = (latestBlock / interval + 1) * interval;
        next <= Math.min(ledger.headNumber(), safeHead.getAsLong());
        next += interval) {
      var root = outputAt(ledger, states, next).hash();
      proposer.send(oracle.oracle(), L1Abi.proposeL2Output(root, next));
      PostedOutputs.Output o = oracle.get(index++);
      LOG.info("posted the output of L2 block {}: {} (index {})", next, root, o.index());
      posted.add(o);
    }
    return posted;
  }

  private void checkOurs(PostedOutputs.Output posted) {
    if (posted.l2BlockNumber() > ledger.headNumber()) {
      return; // this node is behind: it checks once it has the block
    }
    var ours = outputAt(ledger, states, posted.l2BlockNumber()).hash();
    if (!ours.equals(posted.outputRoot())) {
      throw new IllegalStateException(
          "the OutputOracle's output "
              + posted.index()
              + " for L2 block "
              + posted.l2BlockNumber()
              + " is "
              + posted.outputRoot()
              + " but this node computes "
              + ours
              + ": not proposing on another chain's outputs");
    }
  }

  /** Runs {@link #proposeDue()} every {@code poll} on a daemon thread until {@link #close()}. */
  public OutputProposer start(Duration poll) {
    thread = new PollingThread("l1-proposer", poll, this::proposeDue, LOG, "posting outputs");
    return this;
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.close();
    }
  }
}
