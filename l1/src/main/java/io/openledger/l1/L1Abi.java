package io.openledger.l1;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * Calldata for the L1 contracts' state-changing functions (docs/settlement.md lists them), so the
 * node's proposer, batcher and bridge CLI encode them one way.
 */
public final class L1Abi {
  private L1Abi() {}

  /** {@code Portal.deposit(address to, uint256 amount)}. */
  public static String deposit(Address l2Recipient, Amount amount) {
    return encode("deposit", address(l2Recipient), new Uint256(amount.value()));
  }

  /**
   * {@code Portal.proveWithdrawal(Withdrawal w, uint256 outputIndex, OutputRootProof p, bytes
   * stateProof)}; {@code stateProof} is the encoded sparse Merkle proof (eth_getProof's).
   */
  public static String proveWithdrawal(
      Withdrawal w, BigInteger outputIndex, OutputRoot output, byte[] stateProof) {
    return encode(
        "proveWithdrawal",
        withdrawal(w),
        new Uint256(outputIndex),
        new StaticStruct(
            bytes32(OutputRoot.VERSION_0),
            bytes32(output.stateRoot()),
            bytes32(output.withdrawalsRoot()),
            bytes32(output.blockHash())),
        new DynamicBytes(stateProof));
  }

  /** {@code Portal.finalizeWithdrawal(Withdrawal w)}. */
  public static String finalizeWithdrawal(Withdrawal w) {
    return encode("finalizeWithdrawal", withdrawal(w));
  }

  /** {@code OutputOracle.proposeL2Output(bytes32 outputRoot, uint256 l2BlockNumber)}. */
  public static String proposeL2Output(Hash outputRoot, long l2BlockNumber) {
    return encode(
        "proposeL2Output", bytes32(outputRoot), new Uint256(BigInteger.valueOf(l2BlockNumber)));
  }

  /** {@code OutputOracle.deleteL2Outputs(uint256 fromIndex)}. */
  public static String deleteL2Outputs(long fromIndex) {
    return encode("deleteL2Outputs", new Uint256(BigInteger.valueOf(fromIndex)));
  }

  private static StaticStruct withdrawal(Withdrawal w) {
    return new StaticStruct(
        new Uint256(w.nonce()),
        address(w.sender()),
        address(w.target()),
        new Uint256(w.amount().value()));
  }

  private static String encode(String name, Type<?>... args) {
    return FunctionEncoder.encode(new Function(name, List.of(args), List.of()));
  }

  private static org.web3j.abi.datatypes.Address address(Address a) {
    return new org.web3j.abi.datatypes.Address(a.toHex());
  }

  private static Bytes32 bytes32(Hash h) {
    return new Bytes32(h.toArray());
  }
}
