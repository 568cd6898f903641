package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.multicall.Multicall3Module;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.vesting.VestingModule;
import io.reactivex.disposables.Disposable;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.crypto.transaction.type.ITransaction;
import org.web3j.crypto.transaction.type.Transaction2930;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.EthSubscribe;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.protocol.websocket.WebSocketService;
import org.web3j.protocol.websocket.events.PendingTransactionNotification;
import org.web3j.utils.Numeric;

/**
 * What wallets, dapps and scripts meet, through web3j against the real node: EIP-2930 transactions,
 * the filter API, storage reads, Multicall3, the pending tag, pending transactions by subscription,
 * the per-sender pool limit, and geth's error for an unfunded estimate.
 */
class CompatibilityE2ETest {
  static final BigInteger GWEI = BigInteger.TEN.pow(9);
  static final BigInteger OPEN = BigInteger.TEN.pow(18);

  @TempDir static Path dir;
  static TestNode node;
  static Web3j polling;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir.resolve("chain"));
    // web3j's filter flowables poll: every 100 ms rather than its default 15 s.
    polling =
        Web3j.build(new HttpService(node.url()), 100, Executors.newSingleThreadScheduledExecutor());
  }

  @AfterAll
  static void stop() {
    polling.shutdown();
    node.close();
  }

  static BigInteger pendingNonce(String address) throws Exception {
    return node.web3
        .ethGetTransactionCount(address, DefaultBlockParameterName.PENDING)
        .send()
        .getTransactionCount();
  }

  static BigInteger baseFee() throws Exception {
    return node.web3
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getBaseFeePerGas();
  }

  /**
   * web3j makes typed transactions through RawTransaction, whose wrapping constructor is not
   * public.
   */
  static final class Raw extends RawTransaction {
    Raw(ITransaction tx) {
      super(tx);
    }
  }

  static String transfer(Credentials from, BigInteger nonce, String to, BigInteger value)
      throws Exception {
    BigInteger maxFee = baseFee().multiply(BigInteger.TWO).add(GWEI);
    RawTransaction raw =
        RawTransaction.createEtherTransaction(
            TestNode.CHAIN_ID, nonce, BigInteger.valueOf(21_000), to, value, GWEI, maxFee);
    return Numeric.toHexString(TransactionEncoder.signMessage(raw, from));
  }

  @Test
  void eip2930TransactionsSignedByWeb3jAreMinedWithTheirAccessList() throws Exception {
    Credentials from = TestNode.dev(5);
    String to = "0x00000000000000000000000000000000000a2930";
    String key = Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(7), 64);
    Transaction2930 tx =
        Transaction2930.createTransaction(
            TestNode.CHAIN_ID,
            pendingNonce(from.getAddress()),
            baseFee().multiply(BigInteger.TWO),
            BigInteger.valueOf(21_000),
            to,
            OPEN,
            "0x",
            List.of(new AccessListObject(VestingModule.ADDRESS.toHex(), List.of(key))));
    String signed = Numeric.toHexString(TransactionEncoder.signMessage(new Raw(tx), from));
    assertThat(signed).startsWith("0x01");
    EthSendTransaction sent = node.web3.ethSendRawTransaction(signed).send();
    assertThat(sent.getError()).isNull();
    TransactionReceipt r = node.awaitReceipt(sent.getTransactionHash());
    assertThat(r.isStatusOK()).isTrue();
    assertThat(r.getType()).isEqualTo("0x1");
    assertThat(r.getFrom()).isEqualTo(from.getAddress());
    var mined =
        node.web3
            .ethGetTransactionByHash(sent.getTransactionHash())
            .send()
            .getTransaction()
            .orElseThrow();
    assertThat(mined.getType()).isEqualTo("0x1");
    assertThat(mined.getGasPrice()).isEqualTo(tx.getGasPrice());
    assertThat(mined.getAccessList()).hasSize(1);
    assertThat(mined.getAccessList().getFirst().getAddress())
        .isEqualTo(VestingModule.ADDRESS.toHex());
    assertThat(mined.getAccessList().getFirst().getStorageKeys()).containsExactly(key);
    assertThat(node.web3.ethGetBalance(to, DefaultBlockParameterName.LATEST).send().getBalance())
        .isEqualTo(OPEN);
    JsonNode raw =
        node.call("eth_getRawTransactionByHash", "[\"" + sent.getTransactionHash() + "\"]");
    assertThat(raw.get("result").asText()).isEqualTo(signed);
  }

  @Test
  void web3jFilterFlowablesSeeBlocksPendingTransactionsAndLogs() throws Exception {
    Credentials from = TestNode.dev(6);
    BlockingQueue<String> blocks = new LinkedBlockingQueue<>();
    BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    BlockingQueue<org.web3j.protocol.core.methods.response.Log> logs = new LinkedBlockingQueue<>();
    EthFilter claims =
        new EthFilter(
                DefaultBlockParameterName.LATEST,
                DefaultBlockParameterName.LATEST,
                VestingModule.ADDRESS.toHex())
            .addSingleTopic(VestingModule.CLAIMED.topic().toHex());
    // eth_newBlockFilter, eth_newPendingTransactionFilter, eth_newFilter + eth_getFilterChanges.
    Disposable b = polling.ethBlockHashFlowable().subscribe(blocks::add);
    Disposable p = polling.ethPendingTransactionHashFlowable().subscribe(pending::add);
    Disposable l = polling.ethLogFlowable(claims).subscribe(logs::add);
    try {
      Thread.sleep(500); // the filters are installed
      String signed =
          transfer(from, pendingNonce(from.getAddress()), from.getAddress(), BigInteger.ONE);
      String hash = node.web3.ethSendRawTransaction(signed).send().getTransactionHash();
      TransactionReceipt r = node.awaitReceipt(hash);
      assertThat(pending.poll(30, TimeUnit.SECONDS)).isEqualTo(hash);
      String blockHash = r.getBlockHash();
      String seen;
      do {
        seen = blocks.poll(30, TimeUnit.SECONDS);
      } while (seen != null && !seen.equals(blockHash));
      assertThat(seen).isEqualTo(blockHash);

      Credentials beneficiary = TestNode.dev(1);
      String claimHash = claim(beneficiary);
      var log = logs.poll(30, TimeUnit.SECONDS);
      assertThat(log).isNotNull();
      assertThat(log.getTransactionHash()).isEqualTo(claimHash);
    } finally {
      b.dispose();
      p.dispose();
      l.dispose();
    }
    // The explicit calls: a log filter from block 0, its logs, uninstalling it.
    EthFilter fromZero =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST,
            VestingModule.ADDRESS.toHex());
    BigInteger id = node.web3.ethNewFilter(fromZero).send().getFilterId();
    EthLog all = node.web3.ethGetFilterLogs(id).send();
    assertThat(all.getError())
        .withFailMessage(() -> "eth_getFilterLogs: " + all.getError().getMessage())
        .isNull();
    assertThat(all.getLogs()).isNotEmpty();
    assertThat(node.web3.ethGetFilterChanges(id).send().getLogs()).isEmpty();
    assertThat(node.web3.ethUninstallFilter(id).send().isUninstalled()).isTrue();
    assertThat(node.web3.ethUninstallFilter(id).send().isUninstalled()).isFalse();
    EthLog gone = node.web3.ethGetFilterChanges(id).send();
    assertThat(gone.getError().getMessage()).isEqualTo("filter not found");
    // eth_getLogs from block 0 over a range far beyond the head: no block-range limit.
    EthLog history =
        node.web3
            .ethGetLogs(
                new EthFilter(
                    DefaultBlockParameterName.EARLIEST,
                    DefaultBlockParameterName.LATEST,
                    VestingModule.ADDRESS.toHex()))
            .send();
    assertThat(history.getError()).isNull();
    assertThat(history.getLogs()).hasSameSizeAs(all.getLogs());
  }

  private static String claim(Credentials who) throws Exception {
    BigInteger maxFee = baseFee().multiply(BigInteger.TWO).add(GWEI);
    RawTransaction claim =
        RawTransaction.createTransaction(
            TestNode.CHAIN_ID,
            pendingNonce(who.getAddress()),
            BigInteger.valueOf(200_000),
            VestingModule.ADDRESS.toHex(),
            BigInteger.ZERO,
            Bytes.toHex(VestingModule.CLAIM.encodeCall()),
            GWEI,
            maxFee);
    String hash =
        node.web3
            .ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(claim, who)))
            .send()
            .getTransactionHash();
    assertThat(node.awaitReceipt(hash).isStatusOK()).isTrue();
    return hash;
  }

  /** Multicall3's {@code Call3} and {@code Result}, as web3j's ABI codec takes structs. */
  public static final class Call3 extends DynamicStruct {
    public Call3(Address target, Bool allowFailure, DynamicBytes callData) {
      super(target, allowFailure, callData);
    }
  }

  public static final class Result extends DynamicStruct {
    public final boolean success;
    public final byte[] returnData;

    public Result(Bool success, DynamicBytes returnData) {
      super(success, returnData);
      this.success = success.getValue();
      this.returnData = returnData.getValue();
    }
  }

  @Test
  void multicall3AtItsCanonicalAddressBatchesReadsEncodedByWeb3j() throws Exception {
    String who = TestNode.dev(1).getAddress();
    String claimable =
        FunctionEncoder.encode(new Function("claimable", List.of(new Address(who)), List.of()));
    String balance =
        FunctionEncoder.encode(new Function("getEthBalance", List.of(new Address(who)), List.of()));
    String claim = FunctionEncoder.encode(new Function("claim", List.of(), List.of()));
    Function aggregate3 =
        new Function(
            "aggregate3",
            List.of(
                new DynamicArray<>(
                    Call3.class,
                    new Call3(
                        new Address(VestingModule.ADDRESS.toHex()),
                        new Bool(false),
                        new DynamicBytes(Numeric.hexStringToByteArray(claimable))),
                    new Call3(
                        new Address("0xcA11bde05977b3631167028862bE2a173976CA11"),
                        new Bool(false),
                        new DynamicBytes(Numeric.hexStringToByteArray(balance))),
                    new Call3(
                        new Address(VestingModule.ADDRESS.toHex()),
                        new Bool(true),
                        new DynamicBytes(Numeric.hexStringToByteArray(claim))))),
            List.of(new TypeReference<DynamicArray<Result>>() {}));
    assertThat(FunctionEncoder.encode(aggregate3)).startsWith("0x82ad56cb");
    // Every read at one block: the claimable amount grows with each block's timestamp.
    DefaultBlockParameter at =
        DefaultBlockParameter.valueOf(node.web3.ethBlockNumber().send().getBlockNumber());
    String out =
        node.web3
            .ethCall(
                Transaction.createEthCallTransaction(
                    who,
                    "0xcA11bde05977b3631167028862bE2a173976CA11",
                    FunctionEncoder.encode(aggregate3)),
                at)
            .send()
            .getValue();
    @SuppressWarnings("rawtypes")
    List<Type> decoded = FunctionReturnDecoder.decode(out, aggregate3.getOutputParameters());
    @SuppressWarnings("unchecked")
    List<Result> results = ((DynamicArray<Result>) decoded.getFirst()).getValue();
    assertThat(results).hasSize(3);
    assertThat(results.get(0).success).isTrue();
    String direct =
        node.web3
            .ethCall(
                Transaction.createEthCallTransaction(who, VestingModule.ADDRESS.toHex(), claimable),
                at)
            .send()
            .getValue();
    assertThat(Numeric.toHexString(results.get(0).returnData)).isEqualTo(direct);
    assertThat(new BigInteger(1, results.get(1).returnData))
        .isEqualTo(node.web3.ethGetBalance(who, at).send().getBalance());
    // A claim by Multicall3 itself fails (it has no schedule); that call allowed failure.
    assertThat(results.get(2).success).isFalse();
    assertThat(
            node.web3
                .ethGetCode(Multicall3Module.ADDRESS.toHex(), DefaultBlockParameterName.LATEST)
                .send()
                .getCode())
        .isEqualTo("0xfe");
    // the node makes blocks meanwhile: the call's block lies between the heads read around it
    BigInteger before = node.web3.ethBlockNumber().send().getBlockNumber();
    BigInteger number =
        new BigInteger(
            1,
            Numeric.hexStringToByteArray(
                node.web3
                    .ethCall(
                        Transaction.createEthCallTransaction(
                            who,
                            Multicall3Module.ADDRESS.toHex(),
                            Bytes.toHex(Multicall3Module.GET_BLOCK_NUMBER.encodeCall())),
                        DefaultBlockParameterName.LATEST)
                    .send()
                    .getValue()));
    assertThat(number).isBetween(before, node.web3.ethBlockNumber().send().getBlockNumber());
  }

  @Test
  void storageOfAModuleIsReadableWithGetStorageAt() throws Exception {
    String who = TestNode.dev(1).getAddress();
    // "schedule" ++ address: 28 bytes, asked for as a 32-byte slot (as cast pads it).
    BigInteger slot =
        new BigInteger(
            1,
            Numeric.hexStringToByteArray(
                Bytes.toHex("schedule".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    + who.substring(2)));
    String value =
        node.web3
            .ethGetStorageAt(VestingModule.ADDRESS.toHex(), slot, DefaultBlockParameterName.LATEST)
            .send()
            .getData();
    // total (32) ++ start (8) ++ cliff (8) ++ duration (8) ++ claimed (32): 10,000 OPEN in total.
    assertThat(Numeric.hexStringToByteArray(value)).hasSize(88);
    assertThat(new BigInteger(value.substring(2, 66), 16))
        .isEqualTo(OPEN.multiply(BigInteger.valueOf(10_000)));
    // Proxy detection reads the EIP-1967 slot: zero for a module.
    BigInteger eip1967 =
        new BigInteger("360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc", 16);
    assertThat(
            node.web3
                .ethGetStorageAt(
                    VestingModule.ADDRESS.toHex(), eip1967, DefaultBlockParameterName.LATEST)
                .send()
                .getData())
        .isEqualTo("0x" + "0".repeat(64));
  }

  @Test
  void theSixtyFifthPendingTransactionOfOneSenderIsAccepted() throws Exception {
    Credentials from = TestNode.dev(7);
    // What an airdrop script does: ask for the pending nonce, sign, send; 100 times, quickly.
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      BigInteger nonce = pendingNonce(from.getAddress());
      EthSendTransaction sent =
          node.web3
              .ethSendRawTransaction(
                  transfer(
                      from, nonce, "0x00000000000000000000000000000000000a1d00", BigInteger.ONE))
              .send();
      assertThat(sent.getError()).as("transaction %d", i).isNull();
      hashes.add(sent.getTransactionHash());
    }
    for (String h : hashes) {
      assertThat(node.awaitReceipt(h).isStatusOK()).isTrue();
    }
    assertThat(
            node.web3
                .ethGetTransactionCount(from.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount())
        .isEqualTo(BigInteger.valueOf(100));
  }

  @Test
  void pendingIsTheBlockBeingBuiltAndEstimatesFromEmptyAccountsSayInsufficientFunds()
      throws Exception {
    // the head read first: a block made in between only moves pending further ahead
    BigInteger latest = node.web3.ethBlockNumber().send().getBlockNumber();
    EthBlock.Block pending =
        node.web3.ethGetBlockByNumber(DefaultBlockParameterName.PENDING, false).send().getBlock();
    assertThat(pending.getNumber()).isGreaterThan(latest);
    assertThat(pending.getHash()).isNull();

    var estimate =
        node.web3
            .ethEstimateGas(
                Transaction.createFunctionCallTransaction(
                    "0x000000000000000000000000000000000000dEaD",
                    null,
                    GWEI,
                    null,
                    "0x000000000000000000000000000000000000bEEF",
                    BigInteger.ZERO,
                    "0x"))
            .send();
    assertThat(estimate.getError()).isNotNull();
    assertThat(estimate.getError().getMessage()).startsWith("insufficient funds");
  }

  @Test
  void newPendingTransactionsSubscriptionPushesHashes() throws Exception {
    WebSocketService ws = new WebSocketService(node.runner.rpc().wsUrl(), false);
    ws.connect();
    try {
      BlockingQueue<String> hashes = new LinkedBlockingQueue<>();
      Disposable d =
          ws.subscribe(
                  new Request<>(
                      "eth_subscribe", List.of("newPendingTransactions"), ws, EthSubscribe.class),
                  "eth_unsubscribe",
                  PendingTransactionNotification.class)
              .subscribe(n -> hashes.add(n.getParams().getResult()));
      Thread.sleep(300);
      Credentials from = TestNode.dev(8);
      String hash =
          node.web3
              .ethSendRawTransaction(
                  transfer(
                      from, pendingNonce(from.getAddress()), from.getAddress(), BigInteger.ONE))
              .send()
              .getTransactionHash();
      assertThat(hashes.poll(30, TimeUnit.SECONDS)).isEqualTo(hash);
      d.dispose();
    } finally {
      ws.close();
    }
  }

  @Test
  void aRequestIdOfOneE400ComesBackAsThatNumber() throws Exception {
    JsonNode r =
        node.rpc("{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"eth_chainId\",\"params\":[]}");
    assertThat(r.get("id").isNumber()).isTrue();
    assertThat(r.get("id").decimalValue()).isEqualByComparingTo("1e400");
    JsonNode content = node.call("txpool_content", "[]");
    assertThat(content.get("result").has("pending")).isTrue();
    assertThat(content.get("result").has("queued")).isTrue();
  }
}
