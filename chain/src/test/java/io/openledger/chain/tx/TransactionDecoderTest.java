package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.crypto.Secp256k1;
import io.openledger.chain.crypto.Signature;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Each rejection reason, with the exact message a wallet sees. */
class TransactionDecoderTest {
  private static final long CHAIN = 1337;
  private static final KeyPair KEY = KeyPair.fromPrivateKeyHex("0x" + "11".repeat(32));
  private static final Address TO = Address.fromHex("0x" + "22".repeat(20));

  private static TransactionBuilder transfer() {
    return TransactionBuilder.eip1559(CHAIN)
        .nonce(3)
        .maxPriorityFeePerGas(Amount.of(1_000_000_000))
        .maxFeePerGas(Amount.of(3_000_000_000L))
        .to(TO)
        .value(Amount.open(1));
  }

  private static String reason(byte[] raw) {
    return reason(TransactionDecoder.decode(raw, CHAIN));
  }

  private static String reason(DecodeResult r) {
    assertThat(r).isInstanceOf(DecodeResult.Invalid.class);
    return ((DecodeResult.Invalid) r).reason();
  }

  @Test
  void acceptsAWellFormedTransferAndRecoversItsSender() {
    Transaction tx = TransactionDecoder.decode(transfer().sign(KEY).encode(), CHAIN).orElseThrow();
    assertThat(tx.sender()).isEqualTo(KEY.address());
    assertThat(tx.chainId()).hasValue(CHAIN);
    assertThat(tx.to()).contains(TO);
  }

  @Test
  void envelopeErrors() {
    assertThat(reason(new byte[0])).isEqualTo("typed transaction too short");
    assertThat(reason(new byte[] {2})).isEqualTo("typed transaction too short");
    assertThat(reason(Bytes.fromHex("0x01c0")))
        .isEqualTo("rlp: too few elements for types.AccessListTx");
    assertThat(reason(Bytes.fromHex("0x0180")))
        .isEqualTo("rlp: expected input list for types.AccessListTx");
    assertThat(reason(Bytes.fromHex("0x03c0"))).isEqualTo("transaction type not supported");
    assertThat(reason(Bytes.fromHex("0x7fc0"))).isEqualTo("transaction type not supported");
    assertThat(reason(Bytes.fromHex("0x80")))
        .isEqualTo("rlp: expected input list for types.LegacyTx");
    assertThat(reason(Bytes.fromHex("0x02c0")))
        .isEqualTo("rlp: too few elements for types.DynamicFeeTx");
    assertThat(reason(Bytes.fromHex("0x0280")))
        .isEqualTo("rlp: expected input list for types.DynamicFeeTx");
    byte[] good = transfer().sign(KEY).encode();
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThat(reason(trailing)).isEqualTo("rlp: input contains more than one value");
    assertThat(reason(Arrays.copyOf(good, good.length - 1)))
        .isEqualTo("rlp: value size exceeds available input length");
  }

  @Test
  void oversizedData() {
    byte[] raw = transfer().data(new byte[131_072]).sign(KEY).encode();
    assertThat(reason(raw))
        .isEqualTo("oversized data: transaction size " + raw.length + ", limit 131072");
    byte[] fits = transfer().data(new byte[130_000]).sign(KEY).encode();
    assertThat(TransactionDecoder.decode(fits, CHAIN).isValid()).isTrue();
  }

  @Test
  void nonCanonicalIntegersAreRefused() {
    // legacy list with nonce 0x8200 05 (leading zero)
    byte[] raw =
        Rlp.encodeList(
            Bytes.fromHex("0x820005"),
            Rlp.encodeLong(1),
            Rlp.encodeLong(21000),
            Rlp.encodeBytes(TO.toArray()),
            Rlp.encodeLong(0),
            Rlp.EMPTY_STRING,
            Rlp.encodeLong(2709),
            Rlp.encodeLong(1),
            Rlp.encodeLong(1));
    assertThat(reason(raw))
        .isEqualTo(
            "rlp: non-canonical integer (leading zero bytes) for uint64, decoding into"
                + " (types.LegacyTx).Nonce");
  }

  @Test
  void addressOfWrongLength() {
    byte[] raw =
        Rlp.encodeList(
            Rlp.encodeLong(0),
            Rlp.encodeLong(1),
            Rlp.encodeLong(21000),
            Rlp.encodeBytes(new byte[19]),
            Rlp.encodeLong(0),
            Rlp.EMPTY_STRING,
            Rlp.encodeLong(2709),
            Rlp.encodeLong(1),
            Rlp.encodeLong(1));
    assertThat(reason(raw))
        .isEqualTo(
            "rlp: input string too short for common.Address, decoding into (types.LegacyTx).To");
  }

  @Test
  void nonceBeyondSignedLong() {
    byte[] raw =
        Rlp.encodeList(
            Rlp.encodeBytes(Bytes.fromHex("0x8000000000000000")),
            Rlp.encodeLong(1),
            Rlp.encodeLong(21000),
            Rlp.encodeBytes(TO.toArray()),
            Rlp.encodeLong(0),
            Rlp.EMPTY_STRING,
            Rlp.encodeLong(2709),
            Rlp.encodeLong(1),
            Rlp.encodeLong(1));
    assertThat(reason(raw)).isEqualTo("nonce too high: exceeds 2^63-1");
  }

  @Test
  void signatureValues() {
    Transaction good = transfer().sign(KEY);
    Signature s = good.signature();
    Signature highS = new Signature(s.r(), Signature.N.subtract(s.s()), 1 - s.recId());
    assertThat(reason(transfer().withSignature(highS).encode()))
        .isEqualTo("invalid transaction v, r, s values");
    Signature zeroR = new Signature(BigInteger.ZERO, s.s(), s.recId());
    assertThat(reason(transfer().withSignature(zeroR).encode()))
        .isEqualTo("invalid transaction v, r, s values");
    Signature rIsN = new Signature(Signature.N, s.s(), s.recId());
    assertThat(reason(transfer().withSignature(rIsN).encode()))
        .isEqualTo("invalid transaction v, r, s values");
    Signature parity2 = new Signature(s.r(), s.s(), 2);
    assertThat(reason(transfer().withSignature(parity2).encode()))
        .isEqualTo("invalid transaction v, r, s values");
  }

  @Test
  void invalidSenderWhenRIsNoCurvePoint() {
    Hash h = transfer().signingHash();
    BigInteger r = BigInteger.ONE;
    Signature sig = new Signature(r, BigInteger.ONE, 0);
    while (Secp256k1.get().recoverPublicKey(h, sig).isPresent()) {
      r = r.add(BigInteger.ONE);
      sig = new Signature(r, BigInteger.ONE, 0);
    }
    assertThat(reason(transfer().withSignature(sig).encode())).isEqualTo("invalid sender");
  }

  @Test
  void replayProtection() {
    Transaction unprotected =
        TransactionBuilder.legacyUnprotected().gasPrice(Amount.of(1_000_000_000)).to(TO).sign(KEY);
    assertThat(unprotected.v()).isIn(BigInteger.valueOf(27), BigInteger.valueOf(28));
    assertThat(reason(unprotected.encode()))
        .isEqualTo("only replay-protected (EIP-155) transactions allowed over RPC");

    Transaction accepted =
        new TransactionDecoder(CHAIN, true).decode(unprotected.encode()).orElseThrow();
    assertThat(accepted.chainId()).isEqualTo(OptionalLong.empty());
    assertThat(accepted.sender()).isEqualTo(KEY.address());
  }

  @Test
  void wrongChainId() {
    byte[] other = TransactionBuilder.eip1559(1).to(TO).sign(KEY).encode();
    assertThat(reason(other)).isEqualTo("invalid chain id for signer: have 1 want 1337");
    byte[] legacyOther = TransactionBuilder.legacy(161201).to(TO).sign(KEY).encode();
    assertThat(reason(legacyOther)).isEqualTo("invalid chain id for signer: have 161201 want 1337");
  }

  @Test
  void contractCreationIsRefused() {
    byte[] raw =
        transfer().to(java.util.Optional.empty()).data(new byte[] {0x60}).sign(KEY).encode();
    assertThat(reason(raw)).isEqualTo(TransactionDecoder.CONTRACT_CREATION_NOT_SUPPORTED);
  }

  @Test
  void feeFields() {
    byte[] tipAboveCap =
        transfer().maxPriorityFeePerGas(Amount.of(5)).maxFeePerGas(Amount.of(4)).sign(KEY).encode();
    assertThat(reason(tipAboveCap))
        .isEqualTo("max priority fee per gas higher than max fee per gas");
    byte[] overflow =
        transfer()
            .maxPriorityFeePerGas(Amount.ZERO)
            .maxFeePerGas(Amount.of(Amount.MAX_VALUE))
            .gasLimit(2)
            .sign(KEY)
            .encode();
    assertThat(reason(overflow)).isEqualTo(TransactionDecoder.COST_OVERFLOW);
  }

  @Test
  void feeArithmetic() {
    Transaction tx =
        transfer()
            .maxPriorityFeePerGas(Amount.of(2))
            .maxFeePerGas(Amount.of(10))
            .gasLimit(21_000)
            .value(Amount.of(7))
            .sign(KEY);
    assertThat(tx.effectiveGasPrice(Amount.of(5))).isEqualTo(Amount.of(7)); // base + tip
    assertThat(tx.effectiveGasPrice(Amount.of(9))).isEqualTo(Amount.of(10)); // capped
    assertThat(tx.effectivePriorityFee(Amount.of(5))).isEqualTo(Amount.of(2));
    assertThat(tx.effectivePriorityFee(Amount.of(9))).isEqualTo(Amount.of(1));
    assertThat(tx.maxCost()).isEqualTo(Amount.of(21_000L * 10 + 7));

    Transaction legacy = TransactionBuilder.legacy(CHAIN).gasPrice(Amount.of(8)).to(TO).sign(KEY);
    assertThat(legacy.effectiveGasPrice(Amount.of(5))).isEqualTo(Amount.of(8));
    assertThat(legacy.effectivePriorityFee(Amount.of(5))).isEqualTo(Amount.of(3));
  }
}
