package io.openledger.l1;

import io.openledger.chain.bridge.Deposit;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Reads the Portal's deposits from L1 for deposit derivation: the {@code DepositInitiated(uint256
 * indexed nonce, address indexed from, address indexed to, uint256 amount)} logs of L1 blocks that
 * are final, i.e. have at least {@code confirmations} blocks on top of them, in nonce order from a
 * cursor (the L2 state's next deposit nonce, so a restart neither skips nor repeats one).
 *
 * <p>Stateless apart from the connection: every call asks L1 again, from {@code startBlock} (the
 * Portal's deployment block) to the final head.
 */
public final class PortalDeposits {
  /** {@code DepositInitiated(uint256,address,address,uint256)}'s topic 0. */
  public static final String DEPOSIT_INITIATED =
      EventEncoder.buildEventSignature("DepositInitiated(uint256,address,address,uint256)");

  /**
   * A deposit and where it is on L1.
   *
   * @param l1Block the L1 block whose transaction made it
   */
  public record L1Deposit(Deposit deposit, long l1Block) {}

  private final Web3j web3j;
  private final String portal;
  private final long startBlock;
  private final int confirmations;

  /**
   * @param portal the Portal's address
   * @param startBlock the first L1 block to read (the Portal's deployment block, or 0)
   * @param confirmations blocks on top of a block before its deposits count (0: the latest block)
   */
  public PortalDeposits(Web3j web3j, String portal, long startBlock, int confirmations) {
    this.web3j = Objects.requireNonNull(web3j, "web3j");
    this.portal = Objects.requireNonNull(portal, "portal");
    if (startBlock < 0 || confirmations < 0) {
      throw new IllegalArgumentException(
          "start block and confirmations must not be negative: "
              + startBlock
              + ", "
              + confirmations);
    }
    this.startBlock = startBlock;
    this.confirmations = confirmations;
  }

  /** The latest L1 block whose deposits count, or -1 when no block is final yet. */
  public long finalBlock() {
    try {
      long latest = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
      return latest - confirmations;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_blockNumber)", e);
    }
  }

  /**
   * The deposits with nonce {@code >= fromNonce} in final L1 blocks, in nonce order, at most {@code
   * max}.
   *
   * @throws IllegalStateException if L1's logs skip a nonce from {@code fromNonce} on (a derivation
   *     error: the Portal numbers deposits without gaps)
   */
  public List<L1Deposit> finalDeposits(long fromNonce, int max) {
    List<L1Deposit> found = new ArrayList<>();
    for (L1Deposit d : depositsIn(startBlock, finalBlock())) {
      if (d.deposit().nonce() >= fromNonce) {
        found.add(d);
      }
    }
    found.sort(Comparator.comparingLong(d -> d.deposit().nonce()));
    List<L1Deposit> out = new ArrayList<>();
    long expected = fromNonce;
    for (L1Deposit d : found) {
      if (out.size() == max) {
        break;
      }
      if (d.deposit().nonce() != expected) {
        throw new IllegalStateException(
            "L1 deposit logs skip nonce "
                + expected
                + " (next found: "
                + d.deposit().nonce()
                + ")");
      }
      out.add(d);
      expected++;
    }
    return out;
  }

  /** The hash of L1 block {@code number} in the L1 node's current chain; empty if it has none. */
  public Optional<Hash> blockHash(long number) {
    return L1Blocks.hash(web3j, number);
  }

  /** The blocks on top of a block before its deposits count. */
  public int confirmations() {
    return confirmations;
  }

  /** The first L1 block this reader reads. */
  public long startBlock() {
    return startBlock;
  }

  /**
   * Every deposit logged in L1 blocks {@code from..to} (inclusive), in log order; empty when {@code
   * to < from}. The caller keeps the range within what is final ({@link #finalBlock}).
   */
  public List<L1Deposit> depositsIn(long from, long to) {
    if (to < Math.max(from, startBlock)) {
      return List.of();
    }
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.max(from, startBlock))),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
            portal);
    filter.addSingleTopic(DEPOSIT_INITIATED);
    try {
      EthLog logs = web3j.ethGetLogs(filter).send();
      if (logs.hasError()) {
        throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
      }
      List<L1Deposit> out = new ArrayList<>();
      for (EthLog.LogResult<?> r : logs.getLogs()) {
        out.add(decode((Log) r.get()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_getLogs)", e);
    }
  }

  /** A {@code DepositInitiated} log as a deposit. */
  public static L1Deposit decode(Log log) {
    List<String> t = log.getTopics();
    if (t.size() != 4 || !t.getFirst().equals(DEPOSIT_INITIATED)) {
      throw new IllegalArgumentException("not a DepositInitiated log: " + t);
    }
    long nonce = new BigInteger(t.get(1).substring(2), 16).longValueExact();
    Address from = Address.fromHex("0x" + t.get(2).substring(26));
    Address to = Address.fromHex("0x" + t.get(3).substring(26));
    Amount amount = Amount.of(new BigInteger(log.getData().substring(2), 16));
    return new L1Deposit(
        new Deposit(nonce, from, to, amount), log.getBlockNumber().longValueExact());
  }
}
