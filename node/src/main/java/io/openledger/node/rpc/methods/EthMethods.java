package io.openledger.node.rpc.methods;

import io.openledger.chain.ledger.ChainQueries;
import io.openledger.chain.ledger.FeeOracle;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.StateQueries;
import io.openledger.chain.ledger.TransactionIntake;
import io.openledger.node.rpc.JsonRpcMethod;
import java.util.List;

/** Every JSON-RPC method the node serves, over one ledger. Adding a method: one line here. */
public final class EthMethods {
  private EthMethods() {}

  public static List<JsonRpcMethod> all(
      Ledger ledger, Subscriptions subscriptions, Filters filters) {
    ChainQueries chain = ledger.chain();
    StateQueries states = ledger.state();
    TransactionIntake intake = ledger.intake();
    FeeOracle fees = ledger.fees();
    long chainId = chain.chainId();
    return List.of(
        Web3ClientVersion.current(),
        new NetVersion(chainId),
        new NetListening(),
        new EthChainId(chainId),
        new EthSyncing(),
        new EthAccounts(),
        new EthBlockNumber(chain),
        new EthGetBalance(states),
        new EthGetTransactionCount(states),
        new EthGetCode(states),
        new EthGetStorageAt(states),
        new EthSendRawTransaction(intake),
        new EthGetTransactionByHash(chain),
        new EthGetRawTransactionByHash(chain),
        new EthGetTransactionReceipt(chain),
        new EthGetTransactionByBlockNumberAndIndex(chain),
        new EthGetTransactionByBlockHashAndIndex(chain),
        new EthGetBlockByNumber(chain),
        new EthGetBlockByHash(chain),
        new EthGetBlockTransactionCountByNumber(chain),
        new EthGetBlockTransactionCountByHash(chain),
        new EthGetBlockReceipts(chain),
        new EthCall(states),
        new EthEstimateGas(states),
        new EthCreateAccessList(states),
        new EthGasPrice(fees),
        new EthMaxPriorityFeePerGas(fees),
        new EthFeeHistory(fees),
        new EthGetLogs(chain),
        new EthNewFilter(filters),
        new EthNewBlockFilter(filters),
        new EthNewPendingTransactionFilter(filters),
        new EthGetFilterChanges(filters),
        new EthGetFilterLogs(filters),
        new EthUninstallFilter(filters),
        new EthGetProof(states),
        new TxpoolStatus(intake),
        new TxpoolContent(intake),
        new EthSubscribe(subscriptions),
        new EthUnsubscribe(subscriptions));
  }
}
