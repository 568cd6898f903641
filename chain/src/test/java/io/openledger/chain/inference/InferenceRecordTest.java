package io.openledger.chain.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.exec.TestChain;
import io.openledger.chain.module.Abi;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

/** Records: canonical ABI encoding, strict decoding, hash and the operator's signature. */
class InferenceRecordTest {
  private static final KeyPair OPERATOR = TestChain.dev(2);
  private static final KeyPair PAYER = TestChain.dev(3);

  @Test
  void encodingRoundTripsAndIsStrict() {
    SplittableRandom rnd = new SplittableRandom(191);
    for (int n = 0; n < 1_000; n++) {
      InferenceRecord r = randomRecord(rnd, n);
      byte[] enc = r.encode();
      InferenceRecord back = InferenceRecord.decode(enc);
      assertThat(back).as("case %d", n).isEqualTo(r);
      assertThat(back.hash()).isEqualTo(r.hash());
      assertThat(back.encode()).isEqualTo(enc);
      // a trailing byte or a dirty high bit in the record number is not the canonical form
      assertThatThrownBy(() -> InferenceRecord.decode(Arrays.copyOf(enc, enc.length + 1)))
          .isInstanceOf(IllegalArgumentException.class);
      byte[] dirty = enc.clone();
      dirty[32] = 1; // high byte of the uint64 record number's word
      assertThatThrownBy(() -> InferenceRecord.decode(dirty))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void hashIsKeccakOfTheBodyWithoutTheOperatorSignature() {
    InferenceRecord r = keyModeRecord();
    List<Object> body =
        List.of(
            r.operator(),
            BigInteger.valueOf(r.number()),
            BigInteger.valueOf(r.modelId()),
            r.adapterHash().toArray(),
            r.payer(),
            r.keyHash().toArray(),
            r.requestHash().toArray(),
            r.outputHash().toArray(),
            BigInteger.valueOf(r.promptTokens()),
            BigInteger.valueOf(r.completionTokens()),
            r.fee().value(),
            List.of(BigInteger.valueOf(11), BigInteger.valueOf(12)),
            List.of(BigInteger.valueOf(600_000), BigInteger.valueOf(250_000)),
            BigInteger.ZERO,
            new byte[0]);
    List<AbiType> types =
        AbiType.parseList(
            "address,uint64,uint64,bytes32,address,bytes32,bytes32,bytes32,uint64,uint64,uint256,"
                + "uint64[],uint32[],uint256,bytes");
    assertThat(r.hash()).isEqualTo(Hash.keccak256(Abi.encode(types, body)));
    assertThat(r.signedBy(OPERATOR).hash()).isEqualTo(r.hash());
  }

  @Test
  void operatorSignatureIsPersonalSignOfTheHash() {
    InferenceRecord r = keyModeRecord().signedBy(OPERATOR);
    assertThat(r.operatorSignatureValid()).isTrue();
    assertThat(r.recoverOperator()).contains(OPERATOR.address());
    // web3j's personal_sign over the 32-byte hash gives the same bytes
    Sign.SignatureData w =
        Sign.signPrefixedMessage(
            r.hash().toArray(), ECKeyPair.create(new BigInteger(1, OPERATOR.privateKey())));
    byte[] expected = new byte[65];
    System.arraycopy(w.getR(), 0, expected, 0, 32);
    System.arraycopy(w.getS(), 0, expected, 32, 32);
    expected[64] = w.getV()[0];
    assertThat(Bytes.toHex(r.operatorSignature())).isEqualTo(Bytes.toHex(expected));

    // a changed field breaks the signature
    InferenceRecord changed = InferenceRecord.decode(r.encode());
    InferenceRecord moreTokens =
        new InferenceRecord(
            changed.operator(),
            changed.number(),
            changed.modelId(),
            changed.adapterHash(),
            changed.payer(),
            changed.keyHash(),
            changed.requestHash(),
            changed.outputHash(),
            changed.promptTokens() + 1,
            changed.completionTokens(),
            changed.fee(),
            changed.attribution(),
            changed.authorized(),
            changed.spendSignature(),
            changed.operatorSignature());
    assertThat(moreTokens.operatorSignatureValid()).isFalse();
    assertThat(keyModeRecord().operatorSignatureValid()).isFalse();
    assertThatThrownBy(() -> keyModeRecord().signedBy(PAYER))
        .hasMessageContaining("cannot be signed by");
  }

  @Test
  void signedModeCarriesThePayersSpendSignature() {
    SpendAuthorization spend =
        new SpendAuthorization(OPERATOR.address(), Hash.keccak256(new byte[] {1}), Amount.of(900));
    byte[] sig = spend.sign(PAYER, 1337);
    InferenceRecord r = record(Hash.ZERO, Amount.of(900), sig);
    assertThat(r.signedMode()).isTrue();
    assertThat(r.spend()).contains(spend);
    assertThat(r.payerSignatureValid(1337)).isTrue();
    assertThat(r.payerSignatureValid(1)).isFalse();
  }

  @Test
  void refusesInconsistentRecords() {
    Hash key = Hash.keccak256(new byte[] {9});
    assertThatThrownBy(() -> record(key, Amount.of(1), new byte[0]))
        .hasMessage("a key-mode record carries no spend signature and authorizes nothing");
    assertThatThrownBy(() -> record(Hash.ZERO, Amount.of(1), new byte[0]))
        .hasMessage("a signed-mode record carries the payer's 65-byte signature, got 0 bytes");
    assertThatThrownBy(
            () ->
                withAttribution(List.of(new Attribution(1, 600_000), new Attribution(2, 400_001))))
        .hasMessage("attribution weights sum to 1000001 ppm, over 1000000");
    assertThatThrownBy(() -> withAttribution(List.of(new Attribution(1, 1), new Attribution(1, 2))))
        .hasMessage("contribution 1 appears twice in the attribution");
    // arrays of different lengths on the wire
    byte[] enc = keyModeRecord().encode();
    List<Object> v = Abi.decode(InferenceRecord.TYPES, enc);
    List<Object> broken = new ArrayList<>(v);
    broken.set(12, List.of(BigInteger.ONE));
    byte[] bad = Abi.encode(InferenceRecord.TYPES, broken);
    assertThatThrownBy(() -> InferenceRecord.decode(bad))
        .hasMessage("2 contribution ids but 1 weights");
  }

  static InferenceRecord keyModeRecord() {
    return record(Hash.keccak256(new byte[] {9}), Amount.ZERO, new byte[0]);
  }

  private static InferenceRecord record(Hash keyHash, Amount authorized, byte[] spendSig) {
    return new InferenceRecord(
        OPERATOR.address(),
        41,
        3,
        Hash.keccak256(new byte[] {3}),
        PAYER.address(),
        keyHash,
        Hash.keccak256(new byte[] {1}),
        Hash.keccak256(new byte[] {2}),
        1_234,
        567,
        Amount.of(21),
        List.of(new Attribution(11, 600_000), new Attribution(12, 250_000)),
        authorized,
        spendSig,
        new byte[0]);
  }

  private static InferenceRecord withAttribution(List<Attribution> a) {
    return new InferenceRecord(
        OPERATOR.address(),
        0,
        1,
        Hash.ZERO,
        PAYER.address(),
        Hash.keccak256(new byte[] {9}),
        Hash.ZERO,
        Hash.ZERO,
        1,
        1,
        Amount.ZERO,
        a,
        Amount.ZERO,
        new byte[0],
        new byte[0]);
  }

  private static InferenceRecord randomRecord(SplittableRandom rnd, int n) {
    boolean signed = rnd.nextBoolean();
    List<Attribution> attribution = new ArrayList<>();
    long left = 1_000_000;
    for (int i = rnd.nextInt(6); i > 0; i--) {
      int w = (int) rnd.nextLong(left + 1);
      left -= w;
      attribution.add(new Attribution(rnd.nextLong(Long.MAX_VALUE), w));
    }
    boolean operatorSigns = n % 3 == 0;
    Address operator = operatorSigns ? OPERATOR.address() : Address.wrap(bytes(rnd, 20));
    Hash request = Hash.wrap(bytes(rnd, 32));
    Amount authorized = signed ? Amount.of(rnd.nextLong(Long.MAX_VALUE)) : Amount.ZERO;
    byte[] spendSig =
        signed
            ? new SpendAuthorization(operator, request, authorized).sign(PAYER, 1337)
            : new byte[0];
    InferenceRecord r =
        new InferenceRecord(
            operator,
            rnd.nextLong(Long.MAX_VALUE),
            rnd.nextLong(1 << 20),
            Hash.wrap(bytes(rnd, 32)),
            PAYER.address(),
            signed ? Hash.ZERO : Hash.wrap(bytes(rnd, 32)),
            request,
            Hash.wrap(bytes(rnd, 32)),
            rnd.nextLong(1 << 24),
            rnd.nextLong(1 << 24),
            Amount.of(new BigInteger(rnd.nextInt(1, 256), new java.util.Random(rnd.nextLong()))),
            attribution,
            authorized,
            spendSig,
            new byte[0]);
    return operatorSigns ? r.signedBy(OPERATOR) : r;
  }

  private static byte[] bytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) rnd.nextInt(256);
    }
    return b;
  }
}
