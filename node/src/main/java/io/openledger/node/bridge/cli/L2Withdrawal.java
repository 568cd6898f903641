package io.openledger.node.bridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.bridge.BridgeModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.l1.OutputRoot;
import io.openledger.l1.Withdrawal;
import io.openledger.node.cli.CliException;
import io.openledger.node.wallet.NodeClient;
import io.openledger.node.wallet.Wallets;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A withdrawal as the L2 recorded it, found by its hash among the bridge module's {@code
 * WithdrawalInitiated} logs, and what proving it needs from the L2 node: the output root of a block
 * and the state proof of the withdrawal's slot ({@code eth_getProof}).
 *
 * @param l2Block the L2 block that recorded it
 * @param l2Transaction the L2 transaction that made it
 */
record L2Withdrawal(Withdrawal withdrawal, long l2Block, String l2Transaction) {

  /**
   * Finds withdrawal {@code hash} on the L2.
   *
   * @throws CliException when the L2 has no such withdrawal
   */
  static L2Withdrawal find(NodeClient l2, Hash hash) {
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("fromBlock", "0x0");
    filter.put("toBlock", "latest");
    filter.put("address", BridgeModule.ADDRESS.toHex());
    filter.put("topics", List.of(BridgeModule.WITHDRAWAL_INITIATED.topic().toHex()));
    for (JsonNode log : l2.call("eth_getLogs", filter)) {
      List<Hash> topics = new ArrayList<>();
      log.path("topics").forEach(t -> topics.add(Hash.fromHex(t.asText())));
      List<Object> v =
          BridgeModule.WITHDRAWAL_INITIATED.decode(
              topics, Bytes.fromHex(log.path("data").asText()));
      if (!hash.equals(Hash.wrap((byte[]) v.get(4)))) {
        continue;
      }
      Withdrawal w =
          new Withdrawal(
              (BigInteger) v.get(0),
              (Address) v.get(1),
              (Address) v.get(2),
              Amount.of((BigInteger) v.get(3)));
      return new L2Withdrawal(
          w, Wallets.number(log.get("blockNumber")), log.path("transactionHash").asText());
    }
    throw new CliException(
        "the L2 at "
            + l2.url()
            + " has no withdrawal "
            + hash
            + " (openledger bridge withdraw prints the hash)");
  }

  Hash hash() {
    return withdrawal.hash();
  }

  /** The output root of L2 block {@code number}, from the L2 node. */
  static OutputRoot outputAt(NodeClient l2, long number) {
    String block = "0x" + Long.toHexString(number);
    JsonNode b = l2.call("eth_getBlockByNumber", block, false);
    if (b.isNull()) {
      throw new CliException("the L2 at " + l2.url() + " has no block " + number + " yet");
    }
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", BridgeModule.ADDRESS.toHex());
    call.put("input", Bytes.toHex(BridgeModule.WITHDRAWALS_ROOT.encodeCall()));
    Hash withdrawalsRoot = Hash.fromHex(l2.call("eth_call", call, block).asText());
    return new OutputRoot(
        Hash.fromHex(b.get("stateRoot").asText()),
        withdrawalsRoot,
        Hash.fromHex(b.get("hash").asText()));
  }

  /** The encoded sparse Merkle proof of the withdrawal's slot at L2 block {@code number}. */
  byte[] stateProof(NodeClient l2, long number) {
    JsonNode p =
        l2.call(
            "eth_getProof",
            BridgeModule.ADDRESS.toHex(),
            List.of(hash().toHex()),
            "0x" + Long.toHexString(number));
    JsonNode slot = p.path("storageProof").path(0);
    if (!"0x01".equals(slot.path("value").asText())) {
      throw new CliException(
          "the L2 state at block "
              + number
              + " does not hold withdrawal "
              + hash()
              + " (slot value "
              + slot.path("value").asText()
              + ")");
    }
    return Bytes.fromHex(slot.path("proof").path(0).asText());
  }
}
