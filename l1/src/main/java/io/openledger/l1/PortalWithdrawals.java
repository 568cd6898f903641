package io.openledger.l1;

import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * What the Portal says about withdrawals, read with {@code eth_call} at the latest L1 block: proven
 * (against which output, when), finalized; and the oracle it proves against.
 */
public final class PortalWithdrawals {
  /**
   * A withdrawal's proof on L1.
   *
   * @param l1Timestamp when it was proven, seconds
   */
  public record Proof(Hash outputRoot, long l1Timestamp, long outputIndex) {}

  private final Web3j web3j;
  private final String portal;

  public PortalWithdrawals(Web3j web3j, String portal) {
    this.web3j = Objects.requireNonNull(web3j, "web3j");
    this.portal = Objects.requireNonNull(portal, "portal");
  }

  /** The OutputOracle the Portal proves against. */
  public String oracle() {
    Function f = new Function("oracle", List.of(), List.of(new TypeReference<Address>() {}));
    return call(f).getFirst().getValue().toString();
  }

  /** The proof recorded for {@code withdrawalHash}, or empty when it was never proven. */
  public Optional<Proof> proof(Hash withdrawalHash) {
    Function f =
        new Function(
            "provenWithdrawals",
            List.of(new Bytes32(withdrawalHash.toArray())),
            List.of(
                new TypeReference<Bytes32>() {},
                new TypeReference<Uint128>() {},
                new TypeReference<Uint128>() {}));
    @SuppressWarnings("rawtypes")
    List<Type> r = call(f);
    long timestamp = ((BigInteger) r.get(1).getValue()).longValueExact();
    if (timestamp == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Proof(
            Hash.wrap((byte[]) r.get(0).getValue()),
            timestamp,
            ((BigInteger) r.get(2).getValue()).longValueExact()));
  }

  /** Whether {@code withdrawalHash} was finalized (its OPEN minted on L1). */
  public boolean finalized(Hash withdrawalHash) {
    Function f =
        new Function(
            "finalizedWithdrawals",
            List.of(new Bytes32(withdrawalHash.toArray())),
            List.of(new TypeReference<Bool>() {}));
    return (Boolean) call(f).getFirst().getValue();
  }

  /** The latest L1 block's timestamp, seconds: "now" for the challenge period. */
  public long now() {
    try {
      return web3j
          .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_getBlockByNumber)", e);
    }
  }

  @SuppressWarnings("rawtypes")
  private List<Type> call(Function f) {
    try {
      EthCall result =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(null, portal, FunctionEncoder.encode(f)),
                  DefaultBlockParameterName.LATEST)
              .send();
      if (result.hasError()) {
        throw new L1Sender.L1Reverted(result.getError().getMessage());
      }
      List<Type> out = FunctionReturnDecoder.decode(result.getValue(), f.getOutputParameters());
      if (out.isEmpty()) {
        throw new IllegalStateException(
            "no Portal at " + portal + " (" + f.getName() + " returned nothing)");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_call " + f.getName() + ")", e);
    }
  }
}
