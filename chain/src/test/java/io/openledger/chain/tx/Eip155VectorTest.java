package io.openledger.chain.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The worked example of EIP-155 (eips.ethereum.org/EIPS/eip-155, "Example"). */
class Eip155VectorTest {
  private static final KeyPair KEY = KeyPair.fromPrivateKeyHex("0x" + "46".repeat(32));

  private static TransactionBuilder example() {
    return TransactionBuilder.legacy(1)
        .nonce(9)
        .gasPrice(Amount.of(20_000_000_000L))
        .gasLimit(21_000)
        .to(Address.fromHex("0x" + "35".repeat(20)))
        .value(Amount.of(new BigInteger("1000000000000000000")));
  }

  @Test
  void signingHashAndSignedBytesMatchTheEip() {
    // signing data 0xec09...018080 (from the EIP), hashed:
    byte[] signingData =
        Bytes.fromHex(
            "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080");
    assertThat(Hash.keccak256(signingData))
        .isEqualTo(
            Hash.fromHex("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"));
    assertThat(example().signingHash()).isEqualTo(Hash.keccak256(signingData));

    Transaction tx = example().sign(KEY);
    assertThat(tx.v()).isEqualTo(BigInteger.valueOf(37));
    assertThat(tx.signature().r())
        .isEqualTo(
            new BigInteger(
                "18515461264373351373200002665853028612451056578545711640558177340181847433846"));
    assertThat(tx.signature().s())
        .isEqualTo(
            new BigInteger(
                "46948507304638947509940763649030358759909902576025900602547168820602576006531"));
    assertThat(Bytes.toHex(tx.encode()))
        .isEqualTo(
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000"
                + "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f"
                + "761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
  }

  @Test
  void decodingTheSignedBytesRecoversTheSigner() {
    byte[] raw = example().sign(KEY).encode();
    DecodeResult result = TransactionDecoder.decode(raw, 1);
    assertThat(result).isInstanceOf(DecodeResult.Valid.class);
    Transaction tx = result.orElseThrow();
    assertThat(tx.sender()).isEqualTo(KEY.address());
    assertThat(tx.sender())
        .isEqualTo(Address.fromHex("0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"));
    assertThat(tx.chainId()).hasValue(1);
    assertThat(tx.nonce()).isEqualTo(9);
    assertThat(tx.encode()).isEqualTo(raw);
    assertThat(TransactionDecoder.decode(raw, 1337))
        .isEqualTo(new DecodeResult.Invalid("invalid chain id for signer: have 1 want 1337"));
  }
}
