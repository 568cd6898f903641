package io.openledger.node.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.genesis.DevAccounts;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.ledger.ChainSpec;
import io.openledger.chain.ledger.Ledger;
import io.openledger.chain.ledger.LedgerConfig;
import io.openledger.chain.ledger.SubmitResult;
import io.openledger.chain.multicall.Multicall3Module;
import io.openledger.chain.tx.AccessListEntry;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import io.openledger.chain.vesting.VestingModule;
import io.openledger.node.rpc.methods.Filters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden request/response pairs ({@code src/test/resources/rpc/*.json}) against a node with a fixed
 * genesis, a fixed clock and on-demand blocks, so every hash and timestamp is reproducible. Each
 * file holds {@code request} (JSON) or {@code rawRequest} (text sent as is) and the exact {@code
 * response}; {@code ${name}} in a request is replaced by a value of the scenario below.
 *
 * <p>Scenario: block 1 = an EIP-1559 transfer of 1 OPEN from dev 0 to 0x…beef; block 2 = the
 * vesting claim of dev 1 (a Claimed log) and a legacy EIP-155 transfer from dev 2; block 3 = an
 * EIP-2930 (type 1) transfer of 3 OPEN from dev 3 with an access list. Then, in the pool: a
 * transfer from dev 4 (nonce 0, pending: the pending block holds it) and one from dev 4 with nonce
 * 2 (queued behind the gap). Filter and subscription ids count up from 0x…01 in file order.
 *
 * <p>To re-record after an intended change: {@code -Dgolden.update=true}, then review the diff.
 */
class GoldenRpcTest {
  static final Path DIR = Path.of("src/test/resources/rpc");
  static final long GENESIS_TIME = 1_700_000_000L;
  static final Address BEEF = Address.fromHex("0x000000000000000000000000000000000000beef");
  static final Amount GWEI = Amount.of(1_000_000_000L);

  @TempDir static Path dataDir;
  static Ledger ledger;
  static JsonRpcService rpc;
  static final Map<String, String> VALUES = new LinkedHashMap<>();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static KeyPair dev(int i) {
    return KeyPair.fromPrivateKeyHex(DevAccounts.ALL.get(i).privateKeyHex());
  }

  @BeforeAll
  static void scenario() {
    Genesis g = Genesis.devnet().withTimestamp(GENESIS_TIME);
    // Blocks 5 minutes after genesis: 300 of the demo schedule's 600 s have passed.
    InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(GENESIS_TIME + 300));
    ledger =
        Ledger.open(
            dataDir, ChainSpec.from(g), LedgerConfig.onDemand().withSyncWrites(false), clock);
    Transaction transfer =
        TransactionBuilder.eip1559(1337)
            .nonce(0)
            .maxPriorityFeePerGas(GWEI)
            .maxFeePerGas(GWEI.multiply(3))
            .to(BEEF)
            .value(Amount.open(1))
            .sign(dev(0));
    submit("transfer", transfer);
    VALUES.put("block1", ledger.produceBlock().hash().toHex());
    submit(
        "claim",
        TransactionBuilder.eip1559(1337)
            .nonce(0)
            .maxPriorityFeePerGas(GWEI)
            .maxFeePerGas(GWEI.multiply(3))
            .gasLimit(200_000)
            .to(VestingModule.ADDRESS)
            .data(VestingModule.CLAIM.encodeCall())
            .sign(dev(1)));
    submit(
        "legacy",
        TransactionBuilder.legacy(1337)
            .nonce(0)
            .gasPrice(GWEI.multiply(2))
            .to(BEEF)
            .value(Amount.open(2))
            .sign(dev(2)));
    VALUES.put("block2", ledger.produceBlock().hash().toHex());
    submit(
        "eip2930",
        TransactionBuilder.eip2930(1337)
            .nonce(0)
            .gasPrice(GWEI.multiply(2))
            .to(BEEF)
            .value(Amount.open(3))
            .accessList(
                List.of(
                    new AccessListEntry(
                        VestingModule.ADDRESS,
                        List.of(Hash.keccak256("schedule".getBytes(StandardCharsets.US_ASCII))))))
            .sign(dev(3)));
    VALUES.put("block3", ledger.produceBlock().hash().toHex());
    Transaction pending =
        TransactionBuilder.eip1559(1337)
            .nonce(0)
            .maxPriorityFeePerGas(GWEI)
            .maxFeePerGas(GWEI.multiply(3))
            .to(BEEF)
            .value(Amount.open(4))
            .sign(dev(4));
    submit("pending", pending);
    submit(
        "queued",
        TransactionBuilder.eip1559(1337)
            .nonce(2)
            .maxPriorityFeePerGas(GWEI)
            .maxFeePerGas(GWEI.multiply(3))
            .to(BEEF)
            .value(Amount.open(5))
            .sign(dev(4)));
    VALUES.put("module.vesting", VestingModule.ADDRESS.toHex());
    VALUES.put("topic.claimed", VestingModule.CLAIMED.topic().toHex());
    VALUES.put("call.claimable", Bytes.toHex(VestingModule.CLAIMABLE.encodeCall(dev(1).address())));
    VALUES.put("module.multicall3", Multicall3Module.ADDRESS.toHex());
    VALUES.put(
        "call.aggregate3",
        Bytes.toHex(
            Multicall3Module.AGGREGATE3.encodeCall(
                List.of(
                    List.of(
                        VestingModule.ADDRESS,
                        false,
                        VestingModule.CLAIMABLE.encodeCall(dev(1).address())),
                    List.of(
                        Multicall3Module.ADDRESS,
                        false,
                        Multicall3Module.GET_ETH_BALANCE.encodeCall(dev(1).address())),
                    List.of(
                        Multicall3Module.ADDRESS,
                        false,
                        Multicall3Module.GET_BLOCK_NUMBER.encodeCall()),
                    List.of(VestingModule.ADDRESS, true, VestingModule.CLAIM.encodeCall())))));
    // The schedule slot of dev 1: "schedule" ‖ address (28 bytes), left-padded to 32 as cast pads.
    VALUES.put(
        "slot.schedule",
        "0x00000000"
            + Bytes.toHex("schedule".getBytes(StandardCharsets.US_ASCII)).substring(2)
            + dev(1).address().toHex().substring(2));
    rpc =
        JsonRpcService.start(
            ledger,
            "127.0.0.1",
            0,
            RpcServer.DEFAULT_MAX_BODY,
            JsonRpcProcessor.DEFAULT_MAX_BATCH,
            RpcIds.counting(),
            new Filters(
                ledger.chain(), ledger.events(), RpcIds.counting(), System::nanoTime, false));
  }

  private static void submit(String name, Transaction tx) {
    SubmitResult r = ledger.intake().submit(tx.encode());
    assertThat(r).as(name).isInstanceOf(SubmitResult.Accepted.class);
    VALUES.put("tx." + name, tx.hash().toHex());
    VALUES.put("raw." + name, Bytes.toHex(tx.encode()));
  }

  @AfterAll
  static void stop() {
    rpc.close();
    ledger.close();
  }

  @TestFactory
  Stream<DynamicTest> goldenFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("golden files in " + DIR.toAbsolutePath()).hasSizeGreaterThan(20);
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path file) throws Exception {
    ObjectNode golden = (ObjectNode) Json.MAPPER.readTree(Files.readString(file));
    String body =
        golden.has("rawRequest")
            ? golden.get("rawRequest").asText()
            : Json.MAPPER.writeValueAsString(golden.get("request"));
    for (var e : VALUES.entrySet()) {
      body = body.replace("${" + e.getKey() + "}", e.getValue());
    }
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(rpc.httpUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode actual = Json.MAPPER.readTree(r.body());
    if (Boolean.getBoolean("golden.update")) {
      golden.set("response", actual);
      Files.writeString(
          file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(golden) + "\n");
      return;
    }
    assertThat(actual).as(file.getFileName().toString()).isEqualTo(golden.get("response"));
  }
}
