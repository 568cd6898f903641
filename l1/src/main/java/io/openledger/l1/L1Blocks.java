package io.openledger.l1;

import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * Block hashes of the L1 chain as the node sees it now: an L1 reader remembers the hash of the last
 * block it took as final and compares it before reading on, so a reorganisation deeper than its
 * confirmations (or an L1 node restarted with older state) is noticed instead of silently read
 * past.
 */
public final class L1Blocks {
  private L1Blocks() {}

  /** The hash of L1 block {@code number} in the node's current chain; empty when it has none. */
  public static Optional<Hash> hash(Web3j web3j, long number) {
    try {
      EthBlock b =
          web3j
              .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
              .send();
      if (b.hasError()) {
        throw new IllegalStateException(
            "eth_getBlockByNumber failed: " + b.getError().getMessage());
      }
      return b.getBlock() == null
          ? Optional.empty()
          : Optional.of(Hash.fromHex(b.getBlock().getHash()));
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_getBlockByNumber)", e);
    }
  }

  /** The number of the L1 node's latest block. */
  public static long latest(Web3j web3j) {
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_blockNumber)", e);
    }
  }
}
