package io.openledger.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateKeys;
import io.openledger.chain.trie.SparseMerkleProof;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingModule;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The node as a wallet uses it: web3j against the real node (RocksDB, sequencer, JSON-RPC over
 * HTTP). Each test signs from its own dev account so that tests do not share nonces.
 */
class WalletE2ETest {
  private static final BigInteger GWEI = BigInteger.TEN.pow(9);
  private static final BigInteger OPEN = BigInteger.TEN.pow(18);

  @TempDir static Path dir;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(dir.resolve("chain"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static BigInteger balance(String address, BigInteger block) throws IOException {
    return node.web3
        .ethGetBalance(address, DefaultBlockParameter.valueOf(block))
        .send()
        .getBalance();
  }

  private static BigInteger pendingNonce(String address) throws IOException {
    return node.web3
        .ethGetTransactionCount(address, DefaultBlockParameterName.PENDING)
        .send()
        .getTransactionCount();
  }

  private static EthBlock.Block block(BigInteger number) throws IOException {
    return node.web3
        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false)
        .send()
        .getBlock();
  }

  private static BigInteger latestBaseFee() throws IOException {
    return node.web3
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getBaseFeePerGas();
  }

  private static String sign1559(
      Credentials from,
      BigInteger nonce,
      long gas,
      String to,
      BigInteger value,
      String data,
      BigInteger tip,
      BigInteger maxFee) {
    RawTransaction raw =
        RawTransaction.createTransaction(
            TestNode.CHAIN_ID, nonce, BigInteger.valueOf(gas), to, value, data, tip, maxFee);
    return Numeric.toHexString(TransactionEncoder.signMessage(raw, from));
  }

  private static String freshAddress() throws Exception {
    return Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair())).toLowerCase();
  }

  @Test
  void identifiesTheChain() throws Exception {
    assertThat(node.web3.ethChainId().send().getChainId()).isEqualTo(BigInteger.valueOf(1337));
    assertThat(node.web3.netVersion().send().getNetVersion()).isEqualTo("1337");
    assertThat(node.web3.web3ClientVersion().send().getWeb3ClientVersion())
        .startsWith("OpenLedger/v");
    assertThat(node.web3.ethSyncing().send().isSyncing()).isFalse();
  }

  @Test
  void devAccountsAreFundedAtGenesis() throws Exception {
    assertThat(balance(TestNode.dev(0).getAddress(), BigInteger.ZERO))
        .isEqualTo(BigInteger.valueOf(100_000).multiply(OPEN));
  }

  @Test
  void eip1559TransferChargesGasUsedTimesEffectivePriceAndSplitsTheFee() throws Exception {
    Credentials from = TestNode.dev(2);
    String to = freshAddress();
    BigInteger value = OPEN.multiply(BigInteger.valueOf(3)).divide(BigInteger.TWO);
    BigInteger tip = GWEI.multiply(BigInteger.TWO);
    BigInteger maxFee = latestBaseFee().multiply(BigInteger.TWO).add(tip);
    String raw =
        sign1559(from, pendingNonce(from.getAddress()), 21_000, to, value, "", tip, maxFee);

    EthSendTransaction sent = node.web3.ethSendRawTransaction(raw).send();
    assertThat(sent.getError()).isNull();
    assertThat(sent.getTransactionHash()).isEqualTo(Hash.keccak256(Bytes.fromHex(raw)).toHex());
    TransactionReceipt r = node.awaitReceipt(sent.getTransactionHash());

    assertThat(r.isStatusOK()).isTrue();
    assertThat(r.getGasUsed()).isEqualTo(BigInteger.valueOf(21_000));
    assertThat(r.getFrom()).isEqualTo(from.getAddress());
    assertThat(r.getTo()).isEqualTo(to);
    BigInteger n = r.getBlockNumber();
    EthBlock.Block b = block(n);
    BigInteger baseFee = b.getBaseFeePerGas();
    BigInteger effective = Numeric.decodeQuantity(r.getEffectiveGasPrice());
    assertThat(effective).isEqualTo(maxFee.min(baseFee.add(tip)));
    assertThat(b.getTransactions()).hasSize(1);

    BigInteger fee = r.getGasUsed().multiply(effective);
    BigInteger prev = n.subtract(BigInteger.ONE);
    assertThat(balance(from.getAddress(), prev).subtract(balance(from.getAddress(), n)))
        .as("sender pays value + gasUsed x effectiveGasPrice")
        .isEqualTo(value.add(fee));
    assertThat(balance(to, n)).isEqualTo(value);
    String treasury = node.genesis.treasury().toHex();
    String sequencer = b.getMiner();
    assertThat(balance(treasury, n).subtract(balance(treasury, prev)))
        .as("base fee to the treasury")
        .isEqualTo(r.getGasUsed().multiply(baseFee));
    assertThat(balance(sequencer, n).subtract(balance(sequencer, prev)))
        .as("tip to the sequencer")
        .isEqualTo(r.getGasUsed().multiply(effective.subtract(baseFee)));

    var tx = node.web3.ethGetTransactionByHash(sent.getTransactionHash()).send().getTransaction();
    assertThat(tx).isPresent();
    assertThat(tx.get().getType()).isEqualTo("0x2");
    assertThat(tx.get().getMaxFeePerGas()).isEqualTo(maxFee);
    assertThat(tx.get().getBlockNumber()).isEqualTo(n);
    assertThat(tx.get().getValue()).isEqualTo(value);
  }

  @Test
  void legacyEip155TransferIsAcceptedAndKeepsItsChainId() throws Exception {
    Credentials from = TestNode.dev(3);
    String to = freshAddress();
    BigInteger price = node.web3.ethGasPrice().send().getGasPrice();
    BigInteger value = OPEN.divide(BigInteger.TEN);
    RawTransaction raw =
        RawTransaction.createEtherTransaction(
            pendingNonce(from.getAddress()), price, BigInteger.valueOf(21_000), to, value);
    String signed =
        Numeric.toHexString(TransactionEncoder.signMessage(raw, TestNode.CHAIN_ID, from));
    EthSendTransaction sent = node.web3.ethSendRawTransaction(signed).send();
    assertThat(sent.getError()).isNull();
    TransactionReceipt r = node.awaitReceipt(sent.getTransactionHash());
    assertThat(r.isStatusOK()).isTrue();

    var tx =
        node.web3
            .ethGetTransactionByHash(sent.getTransactionHash())
            .send()
            .getTransaction()
            .orElseThrow();
    assertThat(tx.getType()).isEqualTo("0x0");
    assertThat(tx.getChainId()).isEqualTo(TestNode.CHAIN_ID);
    assertThat(tx.getV()).isIn(TestNode.CHAIN_ID * 2 + 35, TestNode.CHAIN_ID * 2 + 36);
    BigInteger n = r.getBlockNumber();
    assertThat(Numeric.decodeQuantity(r.getEffectiveGasPrice())).isEqualTo(price);
    assertThat(
            balance(from.getAddress(), n.subtract(BigInteger.ONE))
                .subtract(balance(from.getAddress(), n)))
        .isEqualTo(value.add(price.multiply(r.getGasUsed())));
  }

  @Test
  void vestingClaimEmitsClaimedLogThatGetLogsFinds() throws Exception {
    Credentials beneficiary = TestNode.dev(1);
    String module = VestingModule.ADDRESS.toHex();
    Address who = Address.fromHex(beneficiary.getAddress());
    BigInteger claimable = viewUint(VestingModule.CLAIMABLE.encodeCall(who));
    assertThat(claimable).as("part of the demo schedule has vested").isPositive();

    String data = Bytes.toHex(VestingModule.CLAIM.encodeCall());
    BigInteger gas =
        node.web3
            .ethEstimateGas(
                Transaction.createEthCallTransaction(beneficiary.getAddress(), module, data))
            .send()
            .getAmountUsed();
    BigInteger tip = GWEI;
    String raw =
        sign1559(
            beneficiary,
            pendingNonce(beneficiary.getAddress()),
            gas.longValueExact(),
            module,
            BigInteger.ZERO,
            data,
            tip,
            latestBaseFee().multiply(BigInteger.TWO).add(tip));
    String hash = node.web3.ethSendRawTransaction(raw).send().getTransactionHash();
    TransactionReceipt r = node.awaitReceipt(hash);
    assertThat(r.isStatusOK()).isTrue();

    assertThat(r.getLogs()).hasSize(1);
    Log log = r.getLogs().getFirst();
    assertThat(log.getAddress()).isEqualTo(module);
    assertThat(log.getTopics())
        .containsExactly(
            VestingModule.CLAIMED.topic().toHex(),
            Numeric.toHexStringWithPrefixZeroPadded(
                Numeric.toBigInt(beneficiary.getAddress()), 64));
    BigInteger claimed = Numeric.toBigInt(log.getData());
    assertThat(claimed).isGreaterThanOrEqualTo(claimable);
    BigInteger n = r.getBlockNumber();
    BigInteger fee = r.getGasUsed().multiply(Numeric.decodeQuantity(r.getEffectiveGasPrice()));
    assertThat(
            balance(beneficiary.getAddress(), n)
                .subtract(balance(beneficiary.getAddress(), n.subtract(BigInteger.ONE))))
        .as("the claimed OPEN arrives, minus the fee")
        .isEqualTo(claimed.subtract(fee));

    // eth_getLogs: by address and event, by beneficiary, by block hash; non-matching filters.
    List<EthLog.LogResult<?>> byEvent =
        logs(
            new EthFilter(
                    DefaultBlockParameter.valueOf(n), DefaultBlockParameter.valueOf(n), module)
                .addSingleTopic(VestingModule.CLAIMED.topic().toHex()));
    assertThat(byEvent).hasSize(1);
    assertThat(((EthLog.LogObject) byEvent.getFirst()).getTransactionHash()).isEqualTo(hash);
    assertThat(
            logs(
                new EthFilter(
                        DefaultBlockParameterName.EARLIEST,
                        DefaultBlockParameterName.LATEST,
                        module)
                    .addNullTopic()
                    .addSingleTopic(log.getTopics().get(1))))
        .hasSize(1);
    assertThat(
            logs(
                new EthFilter(r.getBlockHash())
                    .addSingleTopic(VestingModule.CLAIMED.topic().toHex())))
        .hasSize(1);
    assertThat(
            logs(
                new EthFilter(
                        DefaultBlockParameterName.EARLIEST,
                        DefaultBlockParameterName.LATEST,
                        module)
                    .addNullTopic()
                    .addSingleTopic(Hash.keccak256(new byte[] {1}).toHex())))
        .isEmpty();
    assertThat(
            logs(
                new EthFilter(
                    DefaultBlockParameterName.EARLIEST,
                    DefaultBlockParameterName.LATEST,
                    freshAddress())))
        .isEmpty();

    // No block-range limit: from block 0 to far beyond the head answers the same logs.
    assertThat(
            logs(
                new EthFilter(
                    DefaultBlockParameter.valueOf(BigInteger.ZERO),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(1_000_000)),
                    module)))
        .hasSameSizeAs(
            logs(
                new EthFilter(
                    DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, module)));

    assertThat(viewUint(VestingModule.CLAIMABLE.encodeCall(who)))
        .as("what was claimed is no longer claimable")
        .isLessThan(claimed);
  }

  private static List<EthLog.LogResult<?>> logs(EthFilter f) throws IOException {
    EthLog r = node.web3.ethGetLogs(f).send();
    assertThat(r.getError()).isNull();
    return r.getLogs();
  }

  private static BigInteger viewUint(byte[] calldata) throws IOException {
    var r =
        node.web3
            .ethCall(
                Transaction.createEthCallTransaction(
                    null, VestingModule.ADDRESS.toHex(), Bytes.toHex(calldata)),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(r.getError()).isNull();
    return Numeric.toBigInt(r.getValue());
  }

  @Test
  void callRevertIsErrorThreeWithReason() throws Exception {
    var r =
        node.web3
            .ethCall(
                Transaction.createEthCallTransaction(
                    null, VestingModule.ADDRESS.toHex(), "0xdeadbeef"),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(r.getError().getCode()).isEqualTo(3);
    assertThat(r.getError().getMessage())
        .isEqualTo("execution reverted: vesting: unknown function selector 0xdeadbeef");
    // web3j hands back the raw JSON of "data": the revert data as a hex string.
    assertThat(r.getError().getData().replace("\"", ""))
        .startsWith("0x08c379a0")
        .isEqualTo(
            Bytes.toHex(
                io.openledger.chain.module.Abi.encodeError(
                    "vesting: unknown function selector 0xdeadbeef")));
  }

  @Test
  void proofOfAnAccountVerifiesAgainstTheBlockStateRoot() throws Exception {
    String account = TestNode.dev(0).getAddress();
    JsonNode p = node.call("eth_getProof", "[\"" + account + "\", [], \"latest\"]").get("result");
    BigInteger number = TestNode.quantity(p.get("blockNumber"));
    Hash root = Hash.fromHex(block(number).getStateRoot());
    assertThat(p.get("stateRoot").asText()).isEqualTo(root.toHex());
    assertThat(p.get("exists").asBoolean()).isTrue();

    SparseMerkleProof proof =
        SparseMerkleProof.decode(Bytes.fromHex(p.get("accountProof").get(0).asText()));
    Amount balance = Amount.of(TestNode.quantity(p.get("balance")));
    long nonce = TestNode.quantity(p.get("nonce")).longValueExact();
    assertThat(balance.value()).isEqualTo(balance(account, number));
    Hash key = StateKeys.account(Address.fromHex(account));
    assertThat(
            SparseMerkleProof.verify(
                root, key, Optional.of(new Account(balance, nonce).encode()), proof))
        .isTrue();
    assertThat(
            SparseMerkleProof.verify(
                root,
                key,
                Optional.of(new Account(balance.add(Amount.of(1)), nonce).encode()),
                proof))
        .as("a proof does not vouch for another balance")
        .isFalse();

    String absent = freshAddress();
    JsonNode q =
        node.call(
                "eth_getProof",
                "[\"" + absent + "\", [], \"" + p.get("blockNumber").asText() + "\"]")
            .get("result");
    assertThat(q.get("exists").asBoolean()).isFalse();
    SparseMerkleProof exclusion =
        SparseMerkleProof.decode(Bytes.fromHex(q.get("accountProof").get(0).asText()));
    assertThat(
            SparseMerkleProof.verify(
                root, StateKeys.account(Address.fromHex(absent)), Optional.empty(), exclusion))
        .isTrue();
  }

  @Test
  void feeHistoryAndFeeSuggestionsAreConsistent() throws Exception {
    var h =
        node.web3.ethFeeHistory(4, DefaultBlockParameterName.LATEST, List.of(25.0, 75.0)).send();
    assertThat(h.getError()).isNull();
    var fh = h.getFeeHistory();
    assertThat(fh.getBaseFeePerGas()).hasSize(fh.getGasUsedRatio().size() + 1);
    assertThat(fh.getReward())
        .hasSize(fh.getGasUsedRatio().size())
        .allSatisfy(r -> assertThat(r).hasSize(2));
    BigInteger tip = node.web3.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
    BigInteger price = node.web3.ethGasPrice().send().getGasPrice();
    assertThat(price).isGreaterThanOrEqualTo(tip);
  }

  /** Decodes a signature to a bad value while keeping the rest of a signed type-2 transaction. */
  private static String withSignature(RawTransaction raw, BigInteger r, BigInteger s) {
    return Numeric.toHexString(
        TransactionEncoder.encode(
            raw,
            new org.web3j.crypto.Sign.SignatureData(
                new byte[] {27}, Numeric.toBytesPadded(r, 32), Numeric.toBytesPadded(s, 32))));
  }

  /** An x coordinate with no point on secp256k1: no key can be recovered from it. */
  private static BigInteger xOffTheCurve() {
    BigInteger p =
        new BigInteger("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16);
    for (BigInteger x = BigInteger.TWO; ; x = x.add(BigInteger.ONE)) {
      BigInteger rhs = x.pow(3).add(BigInteger.valueOf(7)).mod(p);
      if (rhs.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p)
          .equals(p.subtract(BigInteger.ONE))) {
        return x;
      }
    }
  }

  @Test
  void rejectedTransactionsGetGethErrorsAndChangeNothing() throws Exception {
    Credentials from = TestNode.dev(4);
    String to = freshAddress();
    BigInteger tip = GWEI;
    BigInteger maxFee = latestBaseFee().multiply(BigInteger.TWO).add(tip);
    // One good transfer first, so that nonce 0 is used.
    String first = sign1559(from, BigInteger.ZERO, 21_000, to, BigInteger.ONE, "", tip, maxFee);
    node.awaitReceipt(node.web3.ethSendRawTransaction(first).send().getTransactionHash());

    BigInteger balanceBefore =
        node.web3
            .ethGetBalance(from.getAddress(), DefaultBlockParameterName.LATEST)
            .send()
            .getBalance();
    BigInteger nonceBefore = pendingNonce(from.getAddress());
    JsonNode poolBefore = node.call("txpool_status", "[]").get("result");

    Credentials broke = Credentials.create(ECKeyPair.create(BigInteger.valueOf(0x5eed)));
    BigInteger bigValue = OPEN.multiply(BigInteger.valueOf(1_000_000_000));
    RawTransaction unsigned =
        RawTransaction.createTransaction(
            TestNode.CHAIN_ID,
            nonceBefore,
            BigInteger.valueOf(21_000),
            to,
            BigInteger.ONE,
            "",
            tip,
            maxFee);
    BigInteger n =
        new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

    record Case(String what, String raw, String messagePrefix) {}
    List<Case> cases =
        List.of(
            new Case(
                "nonce too low",
                sign1559(from, BigInteger.ZERO, 21_000, to, BigInteger.TWO, "", tip, maxFee),
                "nonce too low: address "
                    + Keys.toChecksumAddress(from.getAddress())
                    + ", tx: 0 state: 1"),
            new Case(
                "insufficient funds",
                sign1559(broke, BigInteger.ZERO, 21_000, to, BigInteger.ONE, "", tip, maxFee),
                "insufficient funds for gas * price + value: address "
                    + Keys.toChecksumAddress(broke.getAddress())),
            new Case(
                "more than the balance",
                sign1559(from, nonceBefore, 21_000, to, bigValue, "", tip, maxFee),
                "insufficient funds for gas * price + value"),
            new Case(
                "fee below base fee",
                sign1559(
                    from,
                    nonceBefore,
                    21_000,
                    to,
                    BigInteger.ONE,
                    "",
                    BigInteger.ONE,
                    BigInteger.ONE),
                "max fee per gas less than block base fee"),
            new Case(
                "wrong chain id",
                Numeric.toHexString(
                    TransactionEncoder.signMessage(
                        RawTransaction.createTransaction(
                            1L,
                            nonceBefore,
                            BigInteger.valueOf(21_000),
                            to,
                            BigInteger.ONE,
                            "",
                            tip,
                            maxFee),
                        from)),
                "invalid chain id for signer: have 1 want 1337"),
            new Case(
                "signature off the curve",
                withSignature(unsigned, xOffTheCurve(), BigInteger.ONE),
                "invalid sender"),
            new Case(
                "s out of range",
                withSignature(unsigned, BigInteger.ONE, n),
                "invalid transaction v, r, s values"),
            new Case("malformed RLP", "0x02f8", "rlp: "),
            new Case("not a transaction", "0xdeadbeef", "rlp: "),
            new Case(
                "oversized",
                sign1559(
                    from,
                    nonceBefore,
                    5_000_000,
                    to,
                    BigInteger.ONE,
                    "0x" + "00".repeat(140_000),
                    tip,
                    maxFee),
                "oversized data: transaction size "));
    for (Case c : cases) {
      EthSendTransaction r = node.web3.ethSendRawTransaction(c.raw()).send();
      assertThat(r.getError()).as(c.what()).isNotNull();
      assertThat(r.getError().getCode()).as(c.what()).isEqualTo(-32000);
      assertThat(r.getError().getMessage()).as(c.what()).startsWith(c.messagePrefix());
      String hash = Hash.keccak256(Bytes.fromHex(c.raw())).toHex();
      assertThat(node.web3.ethGetTransactionByHash(hash).send().getTransaction())
          .as(c.what())
          .isEmpty();
    }

    JsonNode unknown =
        node.rpc(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendTransaction\",\"params\":[{}]}");
    assertThat(unknown.get("error").get("code").asInt()).isEqualTo(-32601);
    assertThat(unknown.get("error").get("message").asText())
        .isEqualTo("the method eth_sendTransaction does not exist/is not available");
    String good = sign1559(from, nonceBefore, 21_000, to, BigInteger.ONE, "", tip, maxFee);
    JsonNode malformed =
        node.rpc(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                + good
                + "\"]");
    assertThat(malformed.get("error").get("code").asInt()).isEqualTo(-32700);
    JsonNode badParam = node.call("eth_sendRawTransaction", "[\"" + good.substring(2) + "\"]");
    assertThat(badParam.get("error").get("code").asInt()).isEqualTo(-32602);

    // Nothing changed: same balance and nonce, nothing pooled, the good transaction never arrived.
    assertThat(
            node.web3
                .ethGetBalance(from.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getBalance())
        .isEqualTo(balanceBefore);
    assertThat(pendingNonce(from.getAddress())).isEqualTo(nonceBefore);
    assertThat(node.call("txpool_status", "[]").get("result")).isEqualTo(poolBefore);
    assertThat(
            node.web3
                .ethGetTransactionByHash(Hash.keccak256(Bytes.fromHex(good)).toHex())
                .send()
                .getTransaction())
        .isEmpty();
  }

  @Test
  void batchOfRawTransactionsIsAnsweredInOrderAndAllAreMined() throws Exception {
    Credentials from = TestNode.dev(6);
    String to = freshAddress();
    BigInteger tip = GWEI;
    BigInteger maxFee = latestBaseFee().multiply(BigInteger.TWO).add(tip);
    BigInteger start = pendingNonce(from.getAddress());
    List<String> raws = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      raws.add(
          sign1559(
              from, start.add(BigInteger.valueOf(i)), 21_000, to, BigInteger.ONE, "", tip, maxFee));
    }
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < raws.size(); i++) {
      batch
          .append("{\"jsonrpc\":\"2.0\",\"id\":")
          .append(i)
          .append(",\"method\":\"eth_sendRawTransaction\",\"params\":[\"")
          .append(raws.get(i))
          .append("\"]},");
    }
    batch
        .append(
            "{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"eth_sendRawTransaction\",\"params\":[\"")
        .append(raws.get(3))
        .append("\"]},");
    batch.append(
        "{\"jsonrpc\":\"2.0\",\"id\":\"bad\",\"method\":\"eth_sendRawTransaction\",\"params\":[\"0xzz\"]},");
    batch.append("{\"jsonrpc\":\"2.0\",\"id\":\"chain\",\"method\":\"eth_chainId\"}]");
    JsonNode r = node.rpc(batch.toString());
    assertThat(r).hasSize(23);
    for (int i = 0; i < 20; i++) {
      assertThat(r.get(i).get("id").asInt()).isEqualTo(i);
      assertThat(r.get(i).get("result").asText())
          .isEqualTo(Hash.keccak256(Bytes.fromHex(raws.get(i))).toHex());
    }
    assertThat(r.get(20).get("id").asText()).isEqualTo("dup");
    assertThat(r.get(20).get("error").get("code").asInt()).isEqualTo(-32000);
    assertThat(r.get(20).get("error").get("message").asText()).isEqualTo("already known");
    assertThat(r.get(21).get("error").get("code").asInt()).isEqualTo(-32602);
    assertThat(r.get(22).get("result").asText()).isEqualTo("0x539");
    for (int i = 0; i < 20; i++) {
      assertThat(node.awaitReceipt(r.get(i).get("result").asText()).isStatusOK()).isTrue();
    }
    assertThat(node.web3.ethGetBalance(to, DefaultBlockParameterName.LATEST).send().getBalance())
        .isEqualTo(BigInteger.valueOf(20));
  }
}
