package io.openledger.chain.ledger;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.util.List;

/**
 * An {@code eth_getLogs} filter: a block range (or one block by hash), addresses (any of them;
 * empty = all) and topics by position: position {@code i} matches when its list is empty (wildcard,
 * JSON {@code null}) or contains the log's topic {@code i} (OR within a position, AND across
 * positions).
 *
 * @param blockHash when set, {@code fromBlock}/{@code toBlock} must be null
 */
public record LogFilter(
    BlockRef fromBlock,
    BlockRef toBlock,
    Hash blockHash,
    List<Address> addresses,
    List<List<Hash>> topics) {

  /** Most logs one query returns (any block range; the log index keeps it cheap), as Infura. */
  public static final int MAX_RESULTS = 10_000;

  public LogFilter {
    addresses = List.copyOf(addresses);
    topics = topics.stream().map(List::copyOf).toList();
  }

  public static LogFilter range(BlockRef from, BlockRef to) {
    return new LogFilter(from, to, null, List.of(), List.of());
  }

  public LogFilter withAddresses(List<Address> newAddresses) {
    return new LogFilter(fromBlock, toBlock, blockHash, newAddresses, topics);
  }

  public LogFilter withTopics(List<List<Hash>> newTopics) {
    return new LogFilter(fromBlock, toBlock, blockHash, addresses, newTopics);
  }

  /** Whether a log's address and topics pass this filter (the block range is checked apart). */
  public boolean matches(Address address, List<Hash> logTopics) {
    if (!addresses.isEmpty() && !addresses.contains(address)) {
      return false;
    }
    if (topics.size() > logTopics.size()) {
      // A position the filter constrains must exist on the log, unless it is a wildcard.
      for (int i = logTopics.size(); i < topics.size(); i++) {
        if (!topics.get(i).isEmpty()) {
          return false;
        }
      }
    }
    for (int i = 0; i < Math.min(topics.size(), logTopics.size()); i++) {
      List<Hash> wanted = topics.get(i);
      if (!wanted.isEmpty() && !wanted.contains(logTopics.get(i))) {
        return false;
      }
    }
    return true;
  }
}
