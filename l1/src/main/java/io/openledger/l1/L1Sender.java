package io.openledger.l1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.EthTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * One L1 key sending transactions and calls through web3j. A transaction is first estimated, so a
 * call the contract refuses fails here with the contract's revert reason ({@link L1Reverted}) and
 * is never sent; a sent one is waited for until its receipt. Transactions are EIP-1559 (type 2):
 * the node's suggested tip, and a fee cap of twice the latest base fee plus the tip, so a
 * transaction stays includable while full L1 blocks raise the base fee (12.5% a block).
 */
public final class L1Sender {
  private final Web3j web3j;
  private final Credentials credentials;
  private final long chainId;
  // the nonce after the last transaction sent, or null: take the node's pending count. The node's
  // pending count alone can lag behind a transaction just sent while the node mines a block, and a
  // second transaction with the same nonce would replace the first; the count kept here is used
  // only while that last transaction is still known (a reorganisation takes it, and the count).
  private BigInteger nextNonce;
  private String lastSent; // the hash of the transaction that nonce follows
  private final RawTransactionManager transactions;
  private final PollingTransactionReceiptProcessor receipts;

  public L1Sender(Web3j web3j, Credentials credentials, long chainId) {
    this.web3j = web3j;
    this.chainId = chainId;
    this.credentials = credentials;
    this.receipts = new PollingTransactionReceiptProcessor(web3j, 50, 1200); // 60 s at most
    this.transactions = new RawTransactionManager(web3j, credentials, chainId, receipts);
  }

  public String address() {
    return credentials.getAddress();
  }

  public Web3j web3j() {
    return web3j;
  }

  /** Creates a contract from {@code creationCode} (bytecode ++ ABI-encoded constructor args). */
  public TransactionReceipt deploy(String creationCode) {
    return send(null, creationCode);
  }

  /**
   * Sends {@code data} to {@code to} and waits for the receipt.
   *
   * @throws L1Reverted with the revert reason when the L1 would refuse the call
   */
  public TransactionReceipt send(String to, String data) {
    return awaitReceipt(submit(to, data));
  }

  /**
   * Sends {@code data} to {@code to} without waiting for it to be mined; returns its hash, so a
   * caller can look for it on L1 again if the wait ({@link #awaitReceipt}) is cut short.
   *
   * @throws L1Reverted with the revert reason when the L1 would refuse the call
   */
  public synchronized String submit(String to, String data) {
    try {
      BigInteger gas = estimateGas(to, data);
      BigInteger tip = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
      BigInteger baseFee =
          web3j
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getBaseFeePerGas();
      // EIP-1559: pays the base fee + tip; the cap rides out six full L1 blocks of base fee rises
      BigInteger maxFee = baseFee.shiftLeft(1).add(tip);
      BigInteger pending =
          web3j
              .ethGetTransactionCount(address(), DefaultBlockParameterName.PENDING)
              .send()
              .getTransactionCount();
      // the count this sender kept, while its last transaction is still known to the node
      BigInteger nonce =
          nextNonce != null && nextNonce.compareTo(pending) > 0 && knows(lastSent)
              ? nextNonce
              : pending;
      RawTransaction tx =
          RawTransaction.createTransaction(
              chainId,
              nonce,
              gas.add(gas.shiftRight(2)),
              to == null ? "" : to,
              BigInteger.ZERO,
              data,
              tip,
              maxFee);
      EthSendTransaction sent = transactions.signAndSend(tx);
      if (sent.hasError()) {
        nextNonce = null;
        throw new L1Reverted(sent.getError().getMessage());
      }
      nextNonce = nonce.add(BigInteger.ONE);
      lastSent = sent.getTransactionHash();
      return lastSent;
    } catch (IOException e) {
      nextNonce = null;
      throw new UncheckedIOException("L1 node unreachable", e);
    }
  }

  /**
   * Forgets the nonce this sender counted on, so that the next transaction takes the L1 node's
   * pending count (after a transaction of its own was lost: a reorganisation, an L1 node restarted
   * with older state, a transaction dropped from the pool).
   */
  public synchronized void recountNonce() {
    nextNonce = null;
  }

  /**
   * Waits (60 s at most) for the receipt of transaction {@code hash}.
   *
   * @throws L1Reverted when it reverted on L1
   */
  public TransactionReceipt awaitReceipt(String hash) {
    try {
      TransactionReceipt receipt = receipts.waitForTransactionReceipt(hash);
      if (!receipt.isStatusOK()) {
        throw new L1Reverted("transaction " + hash + " reverted on L1");
      }
      return receipt;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 node unreachable", e);
    } catch (TransactionException e) {
      recountNonce(); // it may be lost: the next transaction must not leave a gap behind it
      throw new IllegalStateException("no receipt from the L1 node: " + e.getMessage(), e);
    }
  }

  /** Whether transaction {@code hash} is mined in the L1 node's chain and reverted there. */
  public boolean reverted(String hash) {
    try {
      var r = web3j.ethGetTransactionReceipt(hash).send();
      if (r.hasError()) {
        throw new IllegalStateException(
            "eth_getTransactionReceipt failed: " + r.getError().getMessage());
      }
      return r.getTransactionReceipt().map(x -> !x.isStatusOK()).orElse(false);
    } catch (IOException e) {
      throw new UncheckedIOException("L1 node unreachable", e);
    }
  }

  /** Whether the L1 node knows transaction {@code hash} (mined in its chain, or pending). */
  public boolean knows(String hash) {
    try {
      EthTransaction tx = web3j.ethGetTransactionByHash(hash).send();
      if (tx.hasError()) {
        throw new IllegalStateException(
            "eth_getTransactionByHash failed: " + tx.getError().getMessage());
      }
      return tx.getTransaction().isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException("L1 node unreachable", e);
    }
  }

  /**
   * {@code eth_call} of {@code data} on {@code to} at the latest block; returns the return data.
   *
   * @throws L1Reverted with the revert reason when the call reverts
   */
  public String call(String to, String data) {
    try {
      EthCall result =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(address(), to, data),
                  DefaultBlockParameterName.LATEST)
              .send();
      if (result.hasError()) {
        throw new L1Reverted(result.getError().getMessage());
      }
      return result.getValue();
    } catch (IOException e) {
      throw new UncheckedIOException("L1 node unreachable", e);
    }
  }

  private BigInteger estimateGas(String to, String data) throws IOException {
    EthEstimateGas estimate =
        web3j.ethEstimateGas(Transaction.createEthCallTransaction(address(), to, data)).send();
    if (estimate.hasError()) {
      throw new L1Reverted(estimate.getError().getMessage());
    }
    return estimate.getAmountUsed();
  }

  /** The L1 refused a transaction or call; the message is the node's, with the revert reason. */
  public static final class L1Reverted extends RuntimeException {
    public L1Reverted(String message) {
      super(message);
    }
  }
}
