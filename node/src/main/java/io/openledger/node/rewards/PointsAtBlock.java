package io.openledger.node.rewards;

import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.points.PointsModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The points of every account at one block, read from a node with {@code eth_call} on the points
 * module at that block (the node must still hold that block's state).
 */
final class PointsAtBlock {
  private PointsAtBlock() {}

  /**
   * @throws CliException when the chain records no points or the block is not there
   */
  static SortedMap<Address, Long> read(NodeClient node, long block) {
    String at = "0x" + Long.toHexString(block);
    if (!(Boolean) view(node, at, PointsModule.RULE).getFirst()) {
      throw new CliException(
          "the chain at "
              + node.url()
              + " records no points (its genesis has no points section: a testnet's has)");
    }
    long n = ((BigInteger) view(node, at, PointsModule.ACCOUNT_COUNT).getFirst()).longValueExact();
    SortedMap<Address, Long> out = new TreeMap<>();
    for (long i = 0; i < n; i++) {
      Address a =
          (Address) view(node, at, PointsModule.ACCOUNT_AT, BigInteger.valueOf(i)).getFirst();
      long p =
          ((BigInteger) view(node, at, PointsModule.TOTAL_POINTS_OF, a).getFirst())
              .longValueExact();
      out.put(a, p);
    }
    return out;
  }

  static List<Object> view(NodeClient node, String block, AbiFunction f, Object... args) {
    Map<String, String> call = new LinkedHashMap<>();
    call.put("to", PointsModule.ADDRESS.toHex());
    call.put("input", Bytes.toHex(f.encodeCall(args)));
    return f.decodeResult(Bytes.fromHex(node.call("eth_call", call, block).asText()));
  }
}
