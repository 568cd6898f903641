package io.openledger.chain.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.Signature;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;

/** The EIP-712 Spend digest and signatures, judged by web3j's independent EIP-712 encoder. */
class SpendAuthorizationTest {
  private static final KeyPair PAYER =
      KeyPair.fromPrivateKeyHex(
          "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

  @Test
  void digestMatchesWeb3jStructuredDataEncoder() throws Exception {
    SplittableRandom rnd = new SplittableRandom(712);
    for (int n = 0; n < 200; n++) {
      SpendAuthorization s =
          new SpendAuthorization(
              Address.wrap(bytes(rnd, 20)),
              Hash.wrap(bytes(rnd, 32)),
              Amount.of(new BigInteger(rnd.nextInt(1, 257), new java.util.Random(rnd.nextLong()))));
      long chainId = n % 3 == 0 ? 1337 : rnd.nextLong(1, Long.MAX_VALUE);
      byte[] expected = new StructuredDataEncoder(typedDataJson(s, chainId)).hashStructuredData();
      assertThat(s.digest(chainId).toArray()).as("case %d", n).isEqualTo(expected);
    }
  }

  @Test
  void typeHashesAndDomainSeparatorByHand() {
    assertThat(SpendAuthorization.SPEND_TYPE_HASH)
        .isEqualTo(keccak("Spend(address operator,bytes32 requestHash,uint256 authorized)"));
    // domain separator = keccak(typeHash ‖ keccak(name) ‖ keccak(version) ‖ chainId ‖ address)
    byte[] chainId = new byte[32];
    chainId[30] = 0x05;
    chainId[31] = 0x39; // 1337
    byte[] verifying = new byte[32];
    verifying[30] = 0x10;
    verifying[31] = 0x04;
    Hash expected =
        Hash.keccak256(
            keccak(
                    "EIP712Domain(string name,string version,uint256 chainId,address"
                        + " verifyingContract)")
                .toArray(),
            keccak("OpenLedger Inference").toArray(),
            keccak("1").toArray(),
            chainId,
            verifying);
    assertThat(SpendAuthorization.domainSeparator(1337)).isEqualTo(expected);
  }

  @Test
  void signatureIsWhatWeb3jSignsAndRecoversToThePayer() throws Exception {
    ECKeyPair web3jKey = ECKeyPair.create(new BigInteger(1, PAYER.privateKey()));
    SpendAuthorization s =
        new SpendAuthorization(
            Address.fromHex("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"),
            keccak("request 1"),
            Amount.open(5));
    byte[] sig = s.sign(PAYER, 1337);
    Sign.SignatureData w = Sign.signMessage(s.digest(1337).toArray(), web3jKey, false);
    byte[] web3jSig = new byte[65];
    System.arraycopy(w.getR(), 0, web3jSig, 0, 32);
    System.arraycopy(w.getS(), 0, web3jSig, 32, 32);
    web3jSig[64] = w.getV()[0];
    assertThat(Bytes.toHex(sig)).isEqualTo(Bytes.toHex(web3jSig));
    assertThat("0x" + Keys.getAddress(Sign.signedMessageHashToKey(s.digest(1337).toArray(), w)))
        .isEqualTo(PAYER.address().toHex());
    assertThat(s.recoverSigner(1337, sig)).contains(PAYER.address());
    assertThat(sig[64]).isIn((byte) 27, (byte) 28);
  }

  @Test
  void otherChainOtherOperatorOrForgedBytesDoNotRecoverThePayer() {
    SpendAuthorization s =
        new SpendAuthorization(Address.ofLowBytes(7), keccak("request"), Amount.of(1_000));
    byte[] sig = s.sign(PAYER, 1337);
    assertThat(s.recoverSigner(1338, sig)).isNotEqualTo(java.util.Optional.of(PAYER.address()));
    assertThat(
            new SpendAuthorization(Address.ofLowBytes(8), s.requestHash(), s.authorized())
                .recoverSigner(1337, sig))
        .isNotEqualTo(java.util.Optional.of(PAYER.address()));
    assertThat(
            new SpendAuthorization(s.operator(), s.requestHash(), Amount.of(1_001))
                .recoverSigner(1337, sig))
        .isNotEqualTo(java.util.Optional.of(PAYER.address()));
    byte[] flipped = sig.clone();
    flipped[10] ^= 1;
    assertThat(s.recoverSigner(1337, flipped)).isNotEqualTo(java.util.Optional.of(PAYER.address()));
    byte[] badV = sig.clone();
    badV[64] = 1;
    assertThat(s.recoverSigner(1337, badV)).isEmpty();
    assertThat(s.recoverSigner(1337, Arrays.copyOf(sig, 64))).isEmpty();
    // the high-s twin of a valid signature is refused: one authorization, one signature
    Signature low = SignatureBytes.decode(sig);
    Signature high = new Signature(low.r(), Signature.N.subtract(low.s()), 1 - low.recId());
    assertThat(s.recoverSigner(1337, SignatureBytes.encode(high))).isEmpty();
  }

  @Test
  void chargeSignatureIsRequestHashThenSignature() {
    SpendAuthorization s =
        new SpendAuthorization(Address.ofLowBytes(7), keccak("request"), Amount.of(1_000));
    byte[] sig = s.sign(PAYER, 1337);
    byte[] charge = s.chargeSignature(sig);
    assertThat(charge).hasSize(97);
    assertThat(Arrays.copyOf(charge, 32)).isEqualTo(s.requestHash().toArray());
    assertThat(Arrays.copyOfRange(charge, 32, 97)).isEqualTo(sig);
  }

  private static String typedDataJson(SpendAuthorization s, long chainId) {
    return """
        {"types": {
           "EIP712Domain": [
             {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
             {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
           "Spend": [
             {"name": "operator", "type": "address"}, {"name": "requestHash", "type": "bytes32"},
             {"name": "authorized", "type": "uint256"}]},
         "primaryType": "Spend",
         "domain": {"name": "OpenLedger Inference", "version": "1", "chainId": %d,
                    "verifyingContract": "0x0000000000000000000000000000000000001004"},
         "message": {"operator": "%s", "requestHash": "%s", "authorized": "%s"}}
        """
        .formatted(chainId, s.operator().toHex(), s.requestHash().toHex(), s.authorized().value());
  }

  private static Hash keccak(String s) {
    return Hash.keccak256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) rnd.nextInt(256);
    }
    return b;
  }
}
