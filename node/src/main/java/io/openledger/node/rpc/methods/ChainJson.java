package io.openledger.node.rpc.methods;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.ledger.AccountProof;
import io.openledger.chain.ledger.BlockView;
import io.openledger.chain.ledger.FeeHistory;
import io.openledger.chain.ledger.LogView;
import io.openledger.chain.ledger.ReceiptView;
import io.openledger.chain.ledger.TransactionView;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.node.rpc.Json;
import java.util.List;

/**
 * The chain's views as Ethereum JSON-RPC writes them (geth's field names and encodings), so that
 * web3j, ethers and viem parse them unchanged.
 */
public final class ChainJson {
  /** keccak-256 of the RLP of an empty list: the uncles hash of every block without uncles. */
  static final String EMPTY_UNCLES_HASH =
      "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

  private static final String ZERO_NONCE = "0x0000000000000000";

  private ChainJson() {}

  /** A block; transactions as full objects or as hashes. */
  public static ObjectNode block(BlockView b, boolean fullTransactions) {
    ObjectNode o = header(b);
    o.put("size", Quantity.of(b.size()));
    o.put("totalDifficulty", "0x0");
    ArrayNode txs = o.putArray("transactions");
    for (TransactionView t : b.transactions()) {
      if (fullTransactions) {
        txs.add(transaction(t));
      } else {
        txs.add(t.hash().toHex());
      }
    }
    o.putArray("uncles");
    return o;
  }

  /**
   * The header fields only: what {@code eth_subscribe newHeads} pushes. The pending block (not
   * sealed yet) has {@code hash}, {@code nonce} and {@code miner} null, as geth writes it.
   */
  public static ObjectNode header(BlockView b) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("number", Quantity.of(b.number()));
    o.put("hash", b.isPending() ? null : b.hash().toHex());
    o.put("parentHash", b.parentHash().toHex());
    o.put("nonce", b.isPending() ? null : ZERO_NONCE);
    o.put("sha3Uncles", EMPTY_UNCLES_HASH);
    o.put("logsBloom", Bytes.toHex(b.logsBloom()));
    o.put("transactionsRoot", b.transactionsRoot().toHex());
    o.put("stateRoot", b.stateRoot().toHex());
    o.put("receiptsRoot", b.receiptsRoot().toHex());
    o.put("miner", b.isPending() ? null : b.sequencer().toHex());
    o.put("difficulty", "0x0");
    o.put("extraData", Bytes.toHex(b.extraData()));
    o.put("gasLimit", Quantity.of(b.gasLimit()));
    o.put("gasUsed", Quantity.of(b.gasUsed()));
    o.put("timestamp", Quantity.of(b.timestamp()));
    o.put("baseFeePerGas", Quantity.of(b.baseFeePerGas()));
    o.put("mixHash", Hash.ZERO.toHex());
    return o;
  }

  public static ObjectNode transaction(TransactionView t) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    TransactionView.Inclusion in = t.inclusion();
    o.put("blockHash", in == null ? null : in.blockHash().toHex());
    o.put("blockNumber", in == null ? null : Quantity.of(in.blockNumber()));
    o.put("transactionIndex", in == null ? null : Quantity.of(in.index()));
    o.put("hash", t.hash().toHex());
    o.put("type", Quantity.of(t.type()));
    o.put("nonce", Quantity.of(t.nonce()));
    o.put("from", t.from().toHex());
    o.put("to", address(t.to()));
    o.put("value", Quantity.of(t.value()));
    o.put("gas", Quantity.of(t.gasLimit()));
    o.put("gasPrice", Quantity.of(t.gasPrice()));
    if (t.maxFeePerGas() != null) {
      o.put("maxFeePerGas", Quantity.of(t.maxFeePerGas()));
      o.put("maxPriorityFeePerGas", Quantity.of(t.maxPriorityFeePerGas()));
    }
    o.put("input", Bytes.toHex(t.input()));
    if (t.type() != 0) {
      ArrayNode list = o.putArray("accessList");
      for (TransactionView.AccessListEntry e : t.accessList()) {
        ObjectNode entry = list.addObject();
        entry.put("address", e.address().toHex());
        ArrayNode keys = entry.putArray("storageKeys");
        e.storageKeys().forEach(k -> keys.add(k.toHex()));
      }
    }
    if (t.chainId() != null) {
      o.put("chainId", Quantity.of(t.chainId()));
    }
    o.put("v", Quantity.of(t.v()));
    o.put("r", Quantity.of(t.r()));
    o.put("s", Quantity.of(t.s()));
    if (t.type() != 0) {
      o.put("yParity", Quantity.of(t.v()));
    }
    return o;
  }

  public static ObjectNode receipt(ReceiptView r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("transactionHash", r.transactionHash().toHex());
    o.put("transactionIndex", Quantity.of(r.transactionIndex()));
    o.put("blockHash", r.blockHash().toHex());
    o.put("blockNumber", Quantity.of(r.blockNumber()));
    o.put("from", r.from().toHex());
    o.put("to", address(r.to()));
    o.put("cumulativeGasUsed", Quantity.of(r.cumulativeGasUsed()));
    o.put("gasUsed", Quantity.of(r.gasUsed()));
    o.put("effectiveGasPrice", Quantity.of(r.effectiveGasPrice()));
    o.put("contractAddress", address(r.contractAddress()));
    o.set("logs", logs(r.logs()));
    o.put("logsBloom", Bytes.toHex(r.logsBloom()));
    o.put("type", Quantity.of(r.type()));
    o.put("status", r.success() ? "0x1" : "0x0");
    return o;
  }

  public static ArrayNode logs(List<LogView> logs) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    logs.forEach(l -> a.add(log(l)));
    return a;
  }

  public static ObjectNode log(LogView l) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("address", l.address().toHex());
    ArrayNode topics = o.putArray("topics");
    l.topics().forEach(t -> topics.add(t.toHex()));
    o.put("data", Bytes.toHex(l.data()));
    o.put("blockNumber", Quantity.of(l.blockNumber()));
    o.put("blockHash", l.blockHash().toHex());
    o.put("transactionHash", l.transactionHash().toHex());
    o.put("transactionIndex", Quantity.of(l.transactionIndex()));
    o.put("logIndex", Quantity.of(l.logIndex()));
    o.put("removed", l.removed());
    return o;
  }

  /**
   * {@code eth_feeHistory}. {@code gasUsedRatio} is display-only floating point, as in geth; {@code
   * reward} is omitted when no percentiles were asked.
   */
  public static ObjectNode feeHistory(FeeHistory h, boolean withRewards) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("oldestBlock", Quantity.of(h.oldestBlock()));
    ArrayNode base = o.putArray("baseFeePerGas");
    h.baseFeePerGas().forEach(a -> base.add(Quantity.of(a)));
    ArrayNode ratio = o.putArray("gasUsedRatio");
    h.gasUsedRatio().forEach(ratio::add);
    if (withRewards) {
      ArrayNode reward = o.putArray("reward");
      for (List<Amount> block : h.reward()) {
        ArrayNode row = reward.addArray();
        block.forEach(a -> row.add(Quantity.of(a)));
      }
    }
    return o;
  }

  /**
   * {@code eth_getProof}: geth's field names, with OpenLedger's sparse-Merkle proof nodes in {@code
   * accountProof} and {@code storageProof[].proof}, plus {@code stateRoot} and {@code blockNumber}
   * so a client can verify without another call (format in docs/json-rpc.md).
   */
  public static ObjectNode proof(AccountProof p) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("address", p.address().toHex());
    o.put("balance", Quantity.of(p.balance()));
    o.put("nonce", Quantity.of(p.nonce()));
    o.put("codeHash", p.codeHash().toHex());
    o.put("storageHash", p.storageHash().toHex());
    o.set("accountProof", hexList(p.accountProof()));
    ArrayNode storage = o.putArray("storageProof");
    for (AccountProof.StorageProof s : p.storageProof()) {
      ObjectNode e = storage.addObject();
      e.put("key", s.key().toHex());
      e.put("value", Bytes.toHex(s.value()));
      e.set("proof", hexList(s.proof()));
    }
    o.put("exists", p.exists());
    o.put("stateRoot", p.stateRoot().toHex());
    o.put("blockNumber", Quantity.of(p.blockNumber()));
    return o;
  }

  private static ArrayNode hexList(List<byte[]> items) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    items.forEach(b -> a.add(Bytes.toHex(b)));
    return a;
  }

  private static String address(Address a) {
    return a == null ? null : a.toHex();
  }
}
