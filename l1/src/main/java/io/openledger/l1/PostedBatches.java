package io.openledger.l1;

import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthTransaction;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Reads the batches held by the BatchInbox back from L1: each {@code BatchReceived(uint256 size)}
 * log marks a successful batcher transaction, whose calldata is a {@link BatchFrame}. Used by the
 * batcher to resume where L1 stands and by the follower to rebuild the L2 blocks, both through a
 * {@link FrameSequence}.
 */
public final class PostedBatches {
  /** {@code BatchReceived(uint256)}'s topic 0. */
  public static final String BATCH_RECEIVED =
      EventEncoder.buildEventSignature("BatchReceived(uint256)");

  private static final long CHUNK = 2_000; // L1 blocks per eth_getLogs (providers cap the range)

  /**
   * A batch on L1.
   *
   * @param calldata the frame's bytes
   */
  public record Posted(long l1Block, Hash l1Transaction, byte[] calldata) {
    /** The frame's blocks, when it is a version-0 frame (parts: {@link FrameSequence}). */
    public BatchFrame frame() {
      return BatchFrame.decode(calldata);
    }

    public BatchFrame.Header header() {
      return BatchFrame.header(calldata);
    }
  }

  private final Web3j web3j;
  private final String inbox;
  private final long startBlock;

  /**
   * @param inbox the BatchInbox's address
   * @param startBlock the first L1 block to read (the inbox's deployment block, or 0)
   */
  public PostedBatches(Web3j web3j, String inbox, long startBlock) {
    this.web3j = Objects.requireNonNull(web3j, "web3j");
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    if (startBlock < 0) {
      throw new IllegalArgumentException("start block must not be negative: " + startBlock);
    }
    this.startBlock = startBlock;
  }

  /** Every batch in L1 blocks {@code startBlock..latest}, in L1 order. */
  public List<Posted> all() {
    return between(startBlock, latestBlock());
  }

  /**
   * The last L2 block the inbox holds (the highest {@code lastBlock} of its frames in L1 blocks
   * {@code from..latest}; for a block posted in parts, the block of a last part), or empty when it
   * holds none there.
   */
  public Optional<Long> lastL2Block(long from) {
    Optional<Long> last = Optional.empty();
    for (Posted p : between(Math.max(from, startBlock), latestBlock())) {
      BatchFrame.Header h = p.header();
      long l = h.part() == h.parts() - 1 ? h.lastBlock() : h.firstBlock() - 1;
      if (last.isEmpty() || l > last.get()) {
        last = Optional.of(l);
      }
    }
    return last;
  }

  public long latestBlock() {
    return L1Blocks.latest(web3j);
  }

  /** The first L1 block this reader reads (the inbox's deployment block, or 0). */
  public long startBlock() {
    return startBlock;
  }

  /** The hash of L1 block {@code number} in the L1 node's current chain; empty if it has none. */
  public Optional<Hash> blockHash(long number) {
    return L1Blocks.hash(web3j, number);
  }

  /** The batches in L1 blocks {@code from..to} (inclusive), in L1 order. */
  public List<Posted> between(long from, long to) {
    List<Posted> out = new ArrayList<>();
    for (long start = from; start <= to; start += CHUNK) {
      long end = Math.min(to, start + CHUNK - 1);
      EthFilter filter =
          new EthFilter(
              DefaultBlockParameter.valueOf(BigInteger.valueOf(start)),
              DefaultBlockParameter.valueOf(BigInteger.valueOf(end)),
              inbox);
      filter.addSingleTopic(BATCH_RECEIVED);
      try {
        EthLog logs = web3j.ethGetLogs(filter).send();
        if (logs.hasError()) {
          throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
        }
        for (EthLog.LogResult<?> r : logs.getLogs()) {
          Log log = (Log) r.get();
          out.add(
              new Posted(
                  log.getBlockNumber().longValueExact(),
                  Hash.fromHex(log.getTransactionHash()),
                  calldata(log.getTransactionHash())));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("L1 unreachable (eth_getLogs)", e);
      }
    }
    return out;
  }

  private byte[] calldata(String txHash) throws IOException {
    EthTransaction tx = web3j.ethGetTransactionByHash(txHash).send();
    if (tx.hasError() || tx.getTransaction().isEmpty()) {
      throw new IllegalStateException("L1 lost batch transaction " + txHash);
    }
    return HexFormat.of().parseHex(tx.getTransaction().get().getInput().substring(2));
  }
}
