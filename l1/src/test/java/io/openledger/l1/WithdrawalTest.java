package io.openledger.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.utils.Numeric;

/** The withdrawal and output root hashes against web3j's independent ABI encoder. */
class WithdrawalTest {
  private static final Address SENDER =
      Address.fromHex("0x00000000000000000000000000000000000a11ce");
  private static final Address TARGET =
      Address.fromHex("0x90f79bf6eb2c4f870365e785982e1f101e93b906");

  private static Hash abiHash(List<Type> values) {
    return Hash.keccak256(Numeric.hexStringToByteArray(FunctionEncoder.encodeConstructor(values)));
  }

  @Test
  void hashIsKeccakOfTheAbiEncodedRecord() {
    BigInteger big = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    for (Withdrawal w :
        List.of(
            new Withdrawal(BigInteger.ZERO, SENDER, TARGET, Amount.open(1)),
            new Withdrawal(BigInteger.valueOf(7), TARGET, SENDER, Amount.of(1)),
            new Withdrawal(big, SENDER, TARGET, Amount.of(big)))) {
      assertThat(w.hash())
          .isEqualTo(
              abiHash(
                  List.of(
                      new Uint256(w.nonce()),
                      new org.web3j.abi.datatypes.Address(w.sender().toHex()),
                      new org.web3j.abi.datatypes.Address(w.target().toHex()),
                      new Uint256(w.amount().value()))));
      assertThat(w.slot()).isEqualTo(w.hash().toArray());
    }
  }

  @Test
  void outputRootIsKeccakOfTheFourWords() {
    OutputRoot o =
        new OutputRoot(
            Hash.keccak256(new byte[] {1}),
            Hash.keccak256(new byte[] {2}),
            Hash.keccak256(new byte[] {3}));
    assertThat(o.hash())
        .isEqualTo(
            abiHash(
                List.of(
                    new Bytes32(new byte[32]),
                    new Bytes32(o.stateRoot().toArray()),
                    new Bytes32(o.withdrawalsRoot().toArray()),
                    new Bytes32(o.blockHash().toArray()))));
  }

  @Test
  void theWithdrawalsRootChainsEveryWithdrawalInOrder() {
    Withdrawal a = new Withdrawal(BigInteger.ZERO, SENDER, TARGET, Amount.open(1));
    Withdrawal b = new Withdrawal(BigInteger.ONE, SENDER, TARGET, Amount.open(2));
    Hash afterA = a.chain(Hash.ZERO);
    assertThat(afterA).isEqualTo(Hash.keccak256(new byte[32], a.hash().toArray()));
    assertThat(b.chain(afterA)).isNotEqualTo(a.chain(b.chain(Hash.ZERO))); // order matters
  }

  @Test
  void aNonceOutsideUint256IsRefused() {
    assertThatThrownBy(() -> new Withdrawal(BigInteger.valueOf(-1), SENDER, TARGET, Amount.of(1)))
        .hasMessageContaining("withdrawal nonce must fit in uint256");
    assertThatThrownBy(() -> new Withdrawal(BigInteger.TWO.pow(256), SENDER, TARGET, Amount.of(1)))
        .hasMessageContaining("withdrawal nonce must fit in uint256");
  }
}
