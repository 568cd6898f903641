package io.openledger.node.bridge;

import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.TransactionView;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PostedBatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The batcher role: posts the committed L2 blocks (from block 1; the genesis block has no
 * transactions) to the BatchInbox as {@link BatchFrame}s, in order, with its own L1 key.
 *
 * <p>Where to start is read back from L1: the highest last block of the inbox's frames, plus one.
 * It is kept in memory after a successful post and read from L1 again after any failure, so a
 * restart or an L1 error neither skips a block nor posts one twice. A frame is posted once at least
 * {@code minBlocks} blocks are waiting; it holds as many waiting blocks as fit in {@code
 * maxFrameBytes} of calldata.
 */
public final class L1Batcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L1Batcher.class);

  /** Default frame limit, bytes: under the 128 KiB transaction size most L1 nodes accept. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 120_000;

  /** A frame this batcher posted, with its L1 receipt. */
  public record PostedFrame(BatchFrame frame, int bytes, TransactionReceipt receipt) {}

  private final ChainQueries ledger;
  private final L1Sender batcher;
  private final String inbox;
  private final PostedBatches posted;
  private final int minBlocks;
  private final int maxFrameBytes;
  private long next = -1; // the next L2 block to post; -1: read it from L1
  private PollingThread thread;

  /**
   * @param minBlocks blocks waiting before a frame is posted (at least 1)
   * @param maxFrameBytes the largest frame, bytes of calldata
   */
  public L1Batcher(
      ChainQueries ledger,
      L1Sender batcher,
      String inbox,
      PostedBatches posted,
      int minBlocks,
      int maxFrameBytes) {
    if (minBlocks < 1 || maxFrameBytes < 1_000) {
      throw new IllegalArgumentException(
          "a batch needs at least 1 block and 1000 bytes: " + minBlocks + ", " + maxFrameBytes);
    }
    this.ledger = ledger;
    this.batcher = batcher;
    this.inbox = inbox;
    this.posted = posted;
    this.minBlocks = minBlocks;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** The L2 block as a batch carries it: number, timestamp and each transaction's encoding. */
  public static BatchFrame.Block batchBlock(ChainQueries ledger, long number) {
    BlockView b =
        ledger
            .block(BlockRef.number(number))
            .orElseThrow(() -> new IllegalStateException("no L2 block " + number));
    List<byte[]> txs = new ArrayList<>(b.transactions().size());
    for (TransactionView t : b.transactions()) {
      txs.add(
          ledger
              .rawTransaction(t.hash())
              .orElseThrow(
                  () -> new IllegalStateException("L2 block " + number + " lost tx " + t.hash())));
    }
    return new BatchFrame.Block(b.number(), b.timestamp(), txs);
  }

  /** The next L2 block to post, read from L1 when not known. */
  public synchronized long nextBlock() {
    if (next < 0) {
      next = posted.lastL2Block(0).map(l -> l + 1).orElse(1L);
    }
    return next;
  }

  /** The last L2 block on L1 (0: none), read from L1 when not known. */
  public synchronized long postedThrough() {
    return nextBlock() - 1;
  }

  /**
   * Posts every waiting block in frames of at most {@code maxFrameBytes}, when at least {@code
   * minBlocks} are waiting; returns the frames posted.
   */
  public synchronized List<PostedFrame> postDue() {
    List<PostedFrame> out = new ArrayList<>();
    try {
      while (ledger.headNumber() - nextBlock() + 1 >= minBlocks) {
        out.add(post(frameFrom(next, ledger.headNumber())));
      }
      return out;
    } catch (RuntimeException e) {
      next = -1; // whatever happened, L1 says where to resume
      throw e;
    }
  }

  private PostedFrame post(Encoded f) {
    TransactionReceipt r = batcher.send(inbox, "0x" + HexFormat.of().formatHex(f.bytes()));
    next = f.frame().lastBlock() + 1;
    LOG.info(
        "posted L2 blocks {}..{} to L1: {} bytes, {} gas",
        f.frame().firstBlock(),
        f.frame().lastBlock(),
        f.bytes().length,
        r.getGasUsed());
    return new PostedFrame(f.frame(), f.bytes().length, r);
  }

  private record Encoded(BatchFrame frame, byte[] bytes) {}

  /** The longest run of blocks from {@code first} that fits in a frame (at least one block). */
  private Encoded frameFrom(long first, long head) {
    List<BatchFrame.Block> blocks = new ArrayList<>();
    long raw = 0;
    // collect by uncompressed size up to 8x the limit, then shrink until the compressed frame fits
    for (long n = first; n <= head && (blocks.isEmpty() || raw < 8L * maxFrameBytes); n++) {
      BatchFrame.Block b = batchBlock(ledger, n);
      blocks.add(b);
      raw += 16 + b.transactions().stream().mapToLong(t -> t.length + 3).sum();
    }
    while (true) {
      BatchFrame frame = new BatchFrame(blocks);
      byte[] bytes = frame.encode();
      if (bytes.length <= maxFrameBytes) {
        return new Encoded(frame, bytes);
      }
      if (blocks.size() == 1) {
        throw new IllegalStateException(
            "L2 block "
                + first
                + " alone makes a frame of "
                + bytes.length
                + " bytes, over the "
                + maxFrameBytes
                + "-byte limit");
      }
      blocks = new ArrayList<>(blocks.subList(0, Math.max(1, blocks.size() * 3 / 4)));
    }
  }

  /** Runs {@link #postDue()} every {@code poll} on a daemon thread until {@link #close()}. */
  public L1Batcher start(Duration poll) {
    thread = new PollingThread("l1-batcher", poll, this::postDue, LOG, "posting batches");
    return this;
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.close();
    }
  }
}
