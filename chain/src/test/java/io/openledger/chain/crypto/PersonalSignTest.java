package io.openledger.chain.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** personal_sign checked against web3j's independent implementation. */
class PersonalSignTest {
  private static KeyPair key(SplittableRandom r) {
    byte[] k = new byte[32];
    r.nextBytes(k);
    k[0] &= 0x7f; // below the group order
    k[31] |= 1; // not zero
    return KeyPair.fromPrivateKey(k);
  }

  private static byte[] web3jSignature(KeyPair key, byte[] message) {
    Sign.SignatureData sig =
        Sign.signPrefixedMessage(message, ECKeyPair.create(new BigInteger(1, key.privateKey())));
    byte[] out = new byte[65];
    System.arraycopy(sig.getR(), 0, out, 0, 32);
    System.arraycopy(sig.getS(), 0, out, 32, 32);
    out[64] = sig.getV()[0];
    return out;
  }

  @Test
  void signaturesAreByteForByteWhatWeb3jProduces() {
    SplittableRandom r = new SplittableRandom(11);
    for (int c = 0; c < 200; c++) {
      KeyPair key = key(r);
      byte[] message = new byte[32];
      r.nextBytes(message);
      byte[] ours = PersonalSign.sign(key, message);
      assertThat(Bytes.toHex(ours)).isEqualTo(Bytes.toHex(web3jSignature(key, message)));
      assertThat(PersonalSign.recover(message, ours))
          .isEqualTo(new PersonalSign.Recovery.Signer(key.address()));
    }
  }

  @Test
  void web3jRecoversOurSignerAndWeRecoverWeb3jsForAnyLength() throws Exception {
    SplittableRandom r = new SplittableRandom(12);
    for (int c = 0; c < 50; c++) {
      KeyPair key = key(r);
      byte[] message = new byte[r.nextInt(200)];
      r.nextBytes(message);
      byte[] ours = PersonalSign.sign(key, message);
      Sign.SignatureData data =
          new Sign.SignatureData(
              ours[64],
              java.util.Arrays.copyOfRange(ours, 0, 32),
              java.util.Arrays.copyOfRange(ours, 32, 64));
      String web3jAddress = "0x" + Keys.getAddress(Sign.signedPrefixedMessageToKey(message, data));
      assertThat(web3jAddress).isEqualTo(key.address().toHex());
      assertThat(PersonalSign.recover(message, web3jSignature(key, message)))
          .isEqualTo(new PersonalSign.Recovery.Signer(key.address()));
    }
  }

  @Test
  void theSignedHashCarriesTheEip191Prefix() {
    byte[] message = new byte[32];
    byte[] expected = ("\u0019Ethereum Signed Message:\n32").getBytes(StandardCharsets.US_ASCII);
    assertThat(PersonalSign.messageHash(message))
        .isEqualTo(Hash.keccak256(expected, message))
        .isEqualTo(Hash.wrap(Sign.getEthereumMessageHash(message)));
  }

  @Test
  void vOfZeroOrOneIsAccepted() {
    KeyPair key = key(new SplittableRandom(13));
    byte[] message = Hash.keccak256(new byte[] {1}).toArray();
    byte[] sig = PersonalSign.sign(key, message);
    sig[64] -= 27;
    assertThat(PersonalSign.recover(message, sig))
        .isEqualTo(new PersonalSign.Recovery.Signer(key.address()));
  }

  @Test
  void malformedSignaturesAreRefusedWithTheReason() {
    KeyPair key = key(new SplittableRandom(14));
    byte[] message = Hash.keccak256(new byte[] {2}).toArray();
    byte[] good = PersonalSign.sign(key, message);

    assertThat(invalid(message, new byte[64])).contains("65 bytes").contains("got 64");
    byte[] badV = good.clone();
    badV[64] = 29;
    assertThat(invalid(message, badV)).contains("v must be 27 or 28").contains("got 29");
    byte[] zeroR = good.clone();
    java.util.Arrays.fill(zeroR, 0, 32, (byte) 0);
    assertThat(invalid(message, zeroR)).contains("out of range");
    assertThat(PersonalSign.recover(message, "0xzz"))
        .isInstanceOf(PersonalSign.Recovery.Invalid.class);

    // A valid signature over another message recovers someone else.
    byte[] other = Hash.keccak256(new byte[] {3}).toArray();
    PersonalSign.Recovery r = PersonalSign.recover(other, good);
    assertThat(r).isInstanceOf(PersonalSign.Recovery.Signer.class);
    assertThat(((PersonalSign.Recovery.Signer) r).address()).isNotEqualTo(key.address());
  }

  private static String invalid(byte[] message, byte[] signature) {
    PersonalSign.Recovery r = PersonalSign.recover(message, signature);
    assertThat(r).isInstanceOf(PersonalSign.Recovery.Invalid.class);
    return ((PersonalSign.Recovery.Invalid) r).reason();
  }
}
