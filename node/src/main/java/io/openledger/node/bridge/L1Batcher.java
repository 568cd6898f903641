package io.openledger.node.bridge;

import io.openledger.chain.ledger.BlockRef;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.TransactionView;
import io.openledger.chain.types.Hash;
import io.openledger.l1.BatchFrame;
import io.openledger.l1.FrameSequence;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PostedBatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The batcher role: posts the committed L2 blocks (from block 1; the genesis block has no
 * transactions) to the BatchInbox as {@link BatchFrame}s, in order, with its own L1 key.
 *
 * <p>Where to start is read back from L1, never taken from its own receipts alone: every step reads
 * the inbox's frames in the L1 blocks that are not yet final (more than {@code confirmations} deep)
 * and chains them onto the frames already read as final, so a frame that a reorganisation (or an L1
 * node restarted with older state) removed is noticed and its blocks are posted again, from the
 * first missing block, with no gap and nothing twice. Frames in final L1 blocks are read once: the
 * batcher keeps the last final L1 block it read and its hash, and reads on from there after a
 * failure; only a reorganisation deeper than {@code confirmations} (that block's hash changed)
 * makes it read the inbox again from its start block, and it says so loudly. {@link
 * #postedThrough()}, which the proposer waits for, counts final frames only.
 *
 * <p>A frame is posted once at least {@code minBlocks} blocks are waiting; it holds as many waiting
 * blocks as fit in {@code maxFrameBytes} of calldata. Up to {@link #MAX_IN_FLIGHT} frames are sent
 * one after another (consecutive nonces of its key, so L1 keeps their order) before it waits for
 * their receipts, so that several frames fit in one L1 block. A block that alone does not fit is
 * posted in parts (version-1 frames), one transaction each; a set of parts that L1 holds only in
 * part (the batcher stopped, or a reorganisation took the later parts) is continued when its parts
 * are the ones this batcher encodes for the block now, else the block is posted again from part 0,
 * which supersedes the incomplete set ({@link FrameSequence}). While a transaction it sent is still
 * known to the L1 node but not in its chain (pending, or back in the pool after a reorganisation),
 * it posts nothing more, so a frame that comes back can never duplicate one posted in its place.
 */
public final class L1Batcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L1Batcher.class);

  /** Default frame limit, bytes: under the 128 KiB transaction size most L1 nodes accept. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 120_000;

  /**
   * Frames sent before waiting for their receipts: up to this many go into one L1 block (at 40 gas
   * a byte, eight 120,000-byte frames are 38M gas, about an L1 block's limit).
   */
  public static final int MAX_IN_FLIGHT = 8;

  /**
   * A frame this batcher posted, with its L1 receipt.
   *
   * @param frame the blocks it carries (a part: the whole block it is part of)
   * @param calldata the bytes posted
   * @param part which part (0 of 1: a version-0 frame)
   */
  public record PostedFrame(
      BatchFrame frame, byte[] calldata, int part, int parts, TransactionReceipt receipt) {
    /** Bytes of calldata posted. */
    public int bytes() {
      return calldata.length;
    }
  }

  /** A batch transaction this batcher sent whose frame is not yet final on L1. */
  private record Sent(Hash transaction, long firstBlock, long lastBlock) {}

  private final ChainQueries ledger;
  private final L1Sender batcher;
  private final String inbox;
  private final PostedBatches posted;
  private final int minBlocks;
  private final int maxFrameBytes;
  private final int confirmations;

  // What L1 holds, as last read (guarded by this):
  private long finalL1 = -1; // the last L1 block read as final; -1: none read yet
  private Hash finalL1Hash; // its hash, to notice a reorganisation below it
  private FrameSequence finalFrames = new FrameSequence(1); // the frames in final L1 blocks
  private volatile long finalNext = 1; // finalFrames.next(), for the proposer
  private long next = -1; // the next L2 block to post, final frames or not; -1: read L1 first
  private List<PostedBatches.Posted> openParts = List.of(); // parts of `next` on L1, set open
  private final List<Sent> unfinal = new ArrayList<>();
  private long deepReorgs;
  private PollingThread thread;

  /**
   * A batcher that counts a frame as posted once its transaction is mined (no confirmations).
   *
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
    this(ledger, batcher, inbox, posted, minBlocks, maxFrameBytes, 0);
  }

  /**
   * @param posted the inbox's reader, from its deployment block
   * @param minBlocks blocks waiting before a frame is posted (at least 1)
   * @param maxFrameBytes the largest frame, bytes of calldata
   * @param confirmations L1 blocks on top of a frame's block before it counts as posted for good
   */
  public L1Batcher(
      ChainQueries ledger,
      L1Sender batcher,
      String inbox,
      PostedBatches posted,
      int minBlocks,
      int maxFrameBytes,
      int confirmations) {
    if (minBlocks < 1 || maxFrameBytes < 1_000) {
      throw new IllegalArgumentException(
          "a batch needs at least 1 block and 1000 bytes: " + minBlocks + ", " + maxFrameBytes);
    }
    if (confirmations < 0) {
      throw new IllegalArgumentException("confirmations must not be negative: " + confirmations);
    }
    this.ledger = ledger;
    this.batcher = batcher;
    this.inbox = inbox;
    this.posted = posted;
    this.minBlocks = minBlocks;
    this.maxFrameBytes = maxFrameBytes;
    this.confirmations = confirmations;
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
      readL1();
    }
    return next;
  }

  /**
   * The last L2 block whose frame is in a final L1 block (0: none, or L1 not read yet). Never waits
   * on L1: it is what the last step read.
   */
  public long postedThrough() {
    return finalNext - 1;
  }

  /** How many times a reorganisation deeper than the confirmations made it read the inbox again. */
  public synchronized long deepReorgs() {
    return deepReorgs;
  }

  /**
   * Reads L1, then posts every block waiting now in frames of at most {@code maxFrameBytes}, when
   * at least {@code minBlocks} are waiting; returns the frames posted. Blocks made while it posts
   * wait for the next step, so each step ends by reading what became final.
   */
  public synchronized List<PostedFrame> postDue() {
    List<PostedFrame> out = new ArrayList<>();
    if (!readL1()) {
      return out; // a batch transaction of ours is on its way: wait for it
    }
    long head = ledger.headNumber();
    List<InFlight> inFlight = new ArrayList<>();
    while (head - next + 1 >= minBlocks) {
      Encoded f = frameFrom(next, head);
      if (f.parts().isEmpty()) {
        send(f.frame(), f.bytes(), 0, 1, inFlight, out);
      } else {
        sendParts(f.frame(), f.parts(), inFlight, out);
      }
    }
    awaitAll(inFlight, out);
    if (!out.isEmpty()) {
      readL1(); // what is final now (with 0 confirmations: the frames just mined)
    }
    return out;
  }

  /**
   * Brings what this batcher knows of L1 up to date: the frames in the L1 blocks after the last
   * final one read, chained onto the final ones; sets {@link #next}. Returns false when a
   * transaction it sent is still on its way (known to the L1 node but not in its chain).
   */
  private boolean readL1() {
    if (finalL1 >= 0 && !posted.blockHash(finalL1).equals(Optional.of(finalL1Hash))) {
      deepReorgs++;
      LOG.error(
          "L1 reorganised below block {} ({}), which the batcher took as final with {}"
              + " confirmations: the reorganisation was deeper than that. Reading the inbox again"
              + " from L1 block {}; L2 blocks from {} on may be posted again",
          finalL1,
          finalL1Hash,
          confirmations,
          posted.startBlock(),
          finalNext);
      finalL1 = -1;
      finalFrames = new FrameSequence(1);
      finalNext = 1;
    }
    long from = finalL1 >= 0 ? finalL1 + 1 : posted.startBlock();
    long latest = posted.latestBlock();
    long finalBlock = latest - confirmations;
    Optional<Hash> finalHash = finalBlock >= from ? posted.blockHash(finalBlock) : Optional.empty();
    List<PostedBatches.Posted> frames = posted.between(from, latest);
    if (finalBlock >= from && !posted.blockHash(finalBlock).equals(finalHash)) {
      throw new IllegalStateException("L1 reorganised while the batcher read it; reading again");
    }
    FrameSequence sequence = finalFrames.copy();
    FrameSequence newFinal = finalFrames;
    Set<Hash> onL1 = new HashSet<>();
    for (PostedBatches.Posted p : frames) {
      onL1.add(p.l1Transaction());
      switch (sequence.accept(p)) {
        case FrameSequence.Repeat r ->
            LOG.warn(
                "the inbox holds {} twice (L1 transaction {}); derivation skips it",
                r.header(),
                p.l1Transaction());
        case FrameSequence.Stray st ->
            LOG.warn(
                "the inbox's {} (L1 transaction {}) is ignored: {}",
                st.header(),
                p.l1Transaction(),
                st.why());
        case FrameSequence.Gap g ->
            throw new IllegalStateException(
                "the inbox's frame in L1 transaction "
                    + p.l1Transaction()
                    + " holds "
                    + g.header()
                    + " but the next block on L1 is "
                    + g.expected()
                    + ": not posting after a gap");
        case FrameSequence.Part part -> {
          // taken into the open set
        }
        case FrameSequence.Complete c -> {
          // blocks given
        }
      }
      if (p.l1Block() <= finalBlock) {
        newFinal = sequence.copy();
      }
    }
    if (finalHash.isPresent()) {
      finalL1 = finalBlock;
      finalL1Hash = finalHash.get();
    }
    finalFrames = newFinal;
    finalNext = newFinal.next();
    next = sequence.next();
    openParts = sequence.openParts();
    return accountForSent(onL1);
  }

  /**
   * Drops the sent transactions whose frames are final; for the others not in the chain read, asks
   * the L1 node: lost ones are forgotten (their blocks are posted again), and one it still knows
   * means waiting. Returns false when waiting.
   */
  private boolean accountForSent(Set<Hash> onL1) {
    boolean waiting = false;
    for (var it = unfinal.iterator(); it.hasNext(); ) {
      Sent s = it.next();
      if (s.lastBlock() < finalNext || onL1.contains(s.transaction())) {
        if (s.lastBlock() < finalNext) {
          it.remove();
        }
      } else if (batcher.reverted(s.transaction().toHex())) {
        LOG.error(
            "the batch of L2 blocks {}..{} (L1 transaction {}) reverted on L1; posting from block"
                + " {} again",
            s.firstBlock(),
            s.lastBlock(),
            s.transaction(),
            next);
        it.remove();
      } else if (batcher.knows(s.transaction().toHex())) {
        waiting = true;
      } else {
        batcher.recountNonce();
        LOG.warn(
            "the batch of L2 blocks {}..{} (L1 transaction {}) is no longer on L1 (reorganised"
                + " away, or the L1 node lost it); posting from block {} again",
            s.firstBlock(),
            s.lastBlock(),
            s.transaction(),
            next);
        it.remove();
      }
    }
    return !waiting;
  }

  /** A frame sent and not yet waited for. */
  private record InFlight(BatchFrame frame, byte[] calldata, int part, int parts, String hash) {}

  /**
   * Sends one frame without waiting for it (the L1 key's next nonce keeps the frames in order);
   * once {@link #MAX_IN_FLIGHT} wait, waits for them.
   */
  private void send(
      BatchFrame frame,
      byte[] bytes,
      int part,
      int parts,
      List<InFlight> inFlight,
      List<PostedFrame> out) {
    String hash = batcher.submit(inbox, "0x" + HexFormat.of().formatHex(bytes));
    unfinal.add(new Sent(Hash.fromHex(hash), frame.firstBlock(), frame.lastBlock()));
    if (part == parts - 1) {
      next = frame.lastBlock() + 1;
    }
    inFlight.add(new InFlight(frame, bytes, part, parts, hash));
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      awaitAll(inFlight, out);
    }
  }

  private void awaitAll(List<InFlight> inFlight, List<PostedFrame> out) {
    for (InFlight f : inFlight) {
      TransactionReceipt r = batcher.awaitReceipt(f.hash());
      if (f.parts() == 1) {
        LOG.info(
            "posted L2 blocks {}..{} to L1: {} bytes, {} gas",
            f.frame().firstBlock(),
            f.frame().lastBlock(),
            f.calldata().length,
            r.getGasUsed());
      } else {
        LOG.info(
            "posted part {} of {} of L2 block {} to L1: {} bytes, {} gas",
            f.part(),
            f.parts(),
            f.frame().firstBlock(),
            f.calldata().length,
            r.getGasUsed());
      }
      out.add(new PostedFrame(f.frame(), f.calldata(), f.part(), f.parts(), r));
    }
    inFlight.clear();
  }

  /**
   * Sends the parts of one block, from the first that L1 does not hold: the parts of an open set on
   * L1 count when they are exactly this encoding's first parts.
   */
  private void sendParts(
      BatchFrame frame, List<byte[]> parts, List<InFlight> inFlight, List<PostedFrame> out) {
    int from = 0;
    if (!openParts.isEmpty() && openParts.getFirst().header().parts() == parts.size()) {
      while (from < openParts.size()
          && Arrays.equals(openParts.get(from).calldata(), parts.get(from))) {
        from++;
      }
      if (from < openParts.size()) {
        from = 0; // L1 holds other parts: a new set from part 0 supersedes them
      }
    }
    if (from > 0) {
      LOG.info(
          "L1 holds parts 0..{} of L2 block {}: posting parts {}..{}",
          from - 1,
          frame.firstBlock(),
          from,
          parts.size() - 1);
    }
    openParts = List.of();
    for (int i = from; i < parts.size(); i++) {
      send(frame, parts.get(i), i, parts.size(), inFlight, out);
    }
  }

  /** A version-0 frame ({@code parts} empty), or one block and its parts. */
  private record Encoded(BatchFrame frame, byte[] bytes, List<byte[]> parts) {}

  /**
   * The longest run of blocks from {@code first} that fits in a frame; a block that alone does not
   * fit, cut into parts.
   */
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
        return new Encoded(frame, bytes, List.of());
      }
      if (blocks.size() == 1) {
        return new Encoded(frame, bytes, frame.encodeParts(maxFrameBytes));
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
