package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.Ledger;
import io.openledger.node.rpc.JsonRpcMethod;
import java.util.List;

/** Every JSON-RPC method the node serves, over one ledger. Adding a method: one line here. */
public final class EthMethods {
  private EthMethods() {}

  public static List<JsonRpcMethod> all(
      Ledger ledger, Subscriptions subscriptions, Filters filters) {
    long chainId = ledger.chainId();
    return List.of(
        Web3ClientVersion.current(),
        new NetVersion(chainId),
        new NetListening(),
        new EthChainId(chainId),
        new EthSyncing(),
        new EthAccounts(),
        new EthBlockNumber(ledger),
        new EthGetBalance(ledger),
        new EthGetTransactionCount(ledger),
        new EthGetCode(ledger),
        new EthGetStorageAt(ledger),
        new EthSendRawTransaction(ledger),
        new EthGetTransactionByHash(ledger),
        new EthGetRawTransactionByHash(ledger),
        new EthGetTransactionReceipt(ledger),
        new EthGetTransactionByBlockNumberAndIndex(ledger),
        new EthGetTransactionByBlockHashAndIndex(ledger),
        new EthGetBlockByNumber(ledger),
        new EthGetBlockByHash(ledger),
        new EthGetBlockTransactionCountByNumber(ledger),
        new EthGetBlockTransactionCountByHash(ledger),
        new EthGetBlockReceipts(ledger),
        new EthCall(ledger),
        new EthEstimateGas(ledger),
        new EthCreateAccessList(ledger),
        new EthGasPrice(ledger),
        new EthMaxPriorityFeePerGas(ledger),
        new EthFeeHistory(ledger),
        new EthGetLogs(ledger),
        new EthNewFilter(filters),
        new EthNewBlockFilter(filters),
        new EthNewPendingTransactionFilter(filters),
        new EthGetFilterChanges(filters),
        new EthGetFilterLogs(filters),
        new EthUninstallFilter(filters),
        new EthGetProof(ledger),
        new TxpoolStatus(ledger),
        new TxpoolContent(ledger),
        new EthSubscribe(subscriptions),
        new EthUnsubscribe(subscriptions));
  }
}
