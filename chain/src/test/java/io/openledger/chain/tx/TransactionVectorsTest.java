package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Published transaction vectors (see src/test/resources/tx-vectors/SOURCES.md). */
class TransactionVectorsTest {
  private static JsonNode load(String name) throws IOException {
    try (InputStream in = TransactionVectorsTest.class.getResourceAsStream("/tx-vectors/" + name)) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void ethereumTestsVectorsGiveTheirHashSenderOrError() throws IOException {
    List<String> failures = new ArrayList<>();
    JsonNode vectors = load("transactions.json");
    assertThat(vectors.size()).isGreaterThanOrEqualTo(10);
    for (JsonNode v : vectors) {
      String name = v.get("name").asText();
      byte[] raw = Bytes.fromHex(v.get("raw").asText());
      TransactionDecoder decoder =
          new TransactionDecoder(
              v.get("chainId").asLong(), v.path("allowUnprotected").asBoolean(false));
      DecodeResult result = decoder.decode(raw);
      if (v.has("error")) {
        if (!result.equals(new DecodeResult.Invalid(v.get("error").asText()))) {
          failures.add(name + ": expected error " + v.get("error") + ", got " + result);
        }
      } else if (result instanceof DecodeResult.Valid(Transaction tx)) {
        check(failures, name + " hash", tx.hash(), Hash.fromHex(v.get("hash").asText()));
        check(failures, name + " sender", tx.sender(), Address.fromHex(v.get("sender").asText()));
        check(failures, name + " re-encoding", Bytes.toHex(tx.encode()), Bytes.toHex(raw));
      } else {
        failures.add(name + ": expected valid, got " + result);
      }
      if (v.has("storedHash")) {
        Transaction stored = TransactionDecoder.decodeStored(raw);
        check(
            failures,
            name + " stored hash",
            stored.hash(),
            Hash.fromHex(v.get("storedHash").asText()));
        check(
            failures,
            name + " stored sender",
            stored.sender(),
            Address.fromHex(v.get("storedSender").asText()));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void ethereumjsEip1559VectorsAreReproducedBySigningAndDecoding() throws IOException {
    JsonNode doc = load("eip1559-ethereumjs.json");
    long chainId = doc.get("chainId").asLong();
    KeyPair key = KeyPair.fromPrivateKeyHex(doc.get("privateKey").asText());
    int i = 0;
    for (JsonNode v : doc.get("transactions")) {
      byte[] expected = Bytes.fromHex(v.get("signed").asText());
      Transaction signed =
          TransactionBuilder.eip1559(chainId)
              .nonce(v.get("nonce").asLong())
              .value(Amount.of(v.get("value").asLong()))
              .gasLimit(v.get("gasLimit").asLong())
              .maxPriorityFeePerGas(Amount.of(v.get("maxPriorityFeePerGas").asLong()))
              .maxFeePerGas(Amount.of(v.get("maxFeePerGas").asLong()))
              .to(Address.fromHex(v.get("to").asText()))
              .sign(key);
      assertThat(Bytes.toHex(signed.encode()))
          .as("vector %d signed", i)
          .isEqualTo(Bytes.toHex(expected));

      Transaction decoded = TransactionDecoder.decode(expected, chainId).orElseThrow();
      assertThat(decoded.type()).isEqualTo(TransactionType.EIP1559);
      assertThat(decoded.sender()).as("vector %d sender", i).isEqualTo(key.address());
      assertThat(decoded.nonce()).isEqualTo(v.get("nonce").asLong());
      assertThat(decoded.maxFeePerGas()).isEqualTo(Amount.of(v.get("maxFeePerGas").asLong()));
      assertThat(decoded.hash()).isEqualTo(Hash.keccak256(expected));
      assertThat(decoded).isEqualTo(signed);
      i++;
    }
    assertThat(i).isEqualTo(6);
  }

  @Test
  void gethEip2930VectorHasItsSigningHashAndDecodesToItsFields() throws IOException {
    JsonNode v = load("eip2930.json").get("geth");
    byte[] signed = Bytes.fromHex(v.get("signed").asText());
    TransactionBuilder unsigned =
        TransactionBuilder.eip2930(v.get("chainId").asLong())
            .nonce(v.get("nonce").asLong())
            .to(Address.fromHex(v.get("to").asText()))
            .value(Amount.of(v.get("value").asLong()))
            .gasLimit(v.get("gasLimit").asLong())
            .gasPrice(Amount.of(v.get("gasPrice").asLong()))
            .data(Bytes.fromHex(v.get("data").asText()));
    assertThat(unsigned.signingHash()).isEqualTo(Hash.fromHex(v.get("signingHash").asText()));

    Transaction tx = TransactionDecoder.decode(signed, 1).orElseThrow();
    assertThat(tx).isInstanceOf(Eip2930Transaction.class);
    assertThat(tx.type()).isEqualTo(TransactionType.EIP2930);
    assertThat(tx.nonce()).isEqualTo(3);
    assertThat(tx.gasLimit()).isEqualTo(25_000);
    assertThat(((Eip2930Transaction) tx).gasPrice()).isEqualTo(Amount.of(1));
    assertThat(tx.maxFeePerGas()).isEqualTo(Amount.of(1));
    assertThat(tx.maxPriorityFeePerGas()).isEqualTo(Amount.of(1));
    assertThat(tx.data()).isEqualTo(Bytes.fromHex("0x5544"));
    assertThat(tx.accessList()).isEmpty();
    assertThat(tx.v()).isEqualTo(BigInteger.ONE);
    assertThat(tx.signingHash()).isEqualTo(Hash.fromHex(v.get("signingHash").asText()));
    assertThat(tx.encode()).isEqualTo(signed);
    // The same signature put on the builder's fields gives the same bytes.
    assertThat(unsigned.withSignature(tx.signature()).encode()).isEqualTo(signed);
  }

  @Test
  void gethEip2930SignerVectorIsReproducedBySigning() throws IOException {
    JsonNode v = load("eip2930.json").get("gethSigner");
    TransactionBuilder b =
        TransactionBuilder.eip2930(v.get("chainId").asLong())
            .nonce(v.get("nonce").asLong())
            .gasLimit(0);
    assertThat(b.signingHash()).isEqualTo(Hash.fromHex(v.get("signingHash").asText()));
    KeyPair key = KeyPair.fromPrivateKeyHex(v.get("privateKey").asText());
    Transaction signed = b.sign(key);
    assertThat(signed.hash()).isEqualTo(Hash.fromHex(v.get("hash").asText()));
    assertThat(TransactionDecoder.decodeStored(signed.encode()).sender()).isEqualTo(key.address());
  }

  @Test
  void ethereumjsEip2930VectorsAreReproducedBySigningAndDecoding() throws IOException {
    JsonNode vectors = load("eip2930.json").get("ethereumjs");
    assertThat(vectors.size()).isEqualTo(2);
    for (JsonNode v : vectors) {
      long chainId = Long.decode(v.get("chainId").asText());
      KeyPair key = KeyPair.fromPrivateKeyHex(v.get("privateKey").asText());
      List<AccessListEntry> accessList = new ArrayList<>();
      for (JsonNode e : v.get("accessList")) {
        List<Hash> keys = new ArrayList<>();
        e.get("storageKeys").forEach(k -> keys.add(Hash.fromHex(k.asText())));
        accessList.add(new AccessListEntry(Address.fromHex(e.get("address").asText()), keys));
      }
      TransactionBuilder b =
          TransactionBuilder.eip2930(chainId)
              .nonce(v.get("nonce").asLong())
              .value(Amount.of(v.get("value").asLong()))
              .gasPrice(Amount.of(v.get("gasPrice").asLong()))
              .gasLimit(v.get("gasLimit").asLong())
              .to(Address.fromHex(v.get("to").asText()))
              .data(Bytes.fromHex(v.get("data").asText()))
              .accessList(accessList);
      if (v.has("unsigned")) {
        Hash want = Hash.fromHex(v.get("signingHash").asText());
        assertThat(Hash.keccak256(Bytes.fromHex(v.get("unsigned").asText()))).isEqualTo(want);
        assertThat(b.signingHash()).isEqualTo(want);
      }
      Transaction signed = b.sign(key);
      if (v.has("signed")) {
        byte[] expected = Bytes.fromHex(v.get("signed").asText());
        assertThat(Bytes.toHex(signed.encode())).isEqualTo(Bytes.toHex(expected));
        assertThat(signed.hash()).isEqualTo(Hash.fromHex(v.get("hash").asText()));
        Transaction decoded = TransactionDecoder.decode(expected, chainId).orElseThrow();
        assertThat(decoded.sender()).isEqualTo(key.address());
        assertThat(decoded.accessList()).isEqualTo(accessList);
        assertThat(decoded).isEqualTo(signed);
      }
      assertThat(TransactionDecoder.decode(signed.encode(), chainId).orElseThrow().sender())
          .isEqualTo(key.address());
    }
  }

  private static void check(List<String> failures, String what, Object actual, Object expected) {
    if (!actual.equals(expected)) {
      failures.add(what + ": expected " + expected + ", got " + actual);
    }
  }
}
