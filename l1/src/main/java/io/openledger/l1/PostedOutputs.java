package io.openledger.l1;

import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The OutputOracle's posted outputs, read from L1 with {@code eth_call} at the latest block (or at
 * a given one, {@link #at}): what the proposer resumes from, what the bridge CLI proves against and
 * what a follower checks.
 */
public final class PostedOutputs {
  /**
   * One posted output.
   *
   * @param l1Timestamp the L1 block's timestamp when it was posted, seconds
   */
  public record Output(long index, Hash outputRoot, long l1Timestamp, long l2BlockNumber) {}

  private final Web3j web3j;
  private final String oracle;
  private final DefaultBlockParameter block;

  public PostedOutputs(Web3j web3j, String oracle) {
    this(web3j, oracle, DefaultBlockParameterName.LATEST);
  }

  private PostedOutputs(Web3j web3j, String oracle, DefaultBlockParameter block) {
    this.web3j = Objects.requireNonNull(web3j, "web3j");
    this.oracle = Objects.requireNonNull(oracle, "oracle");
    this.block = block;
  }

  /**
   * The oracle as it stood at L1 block {@code l1Block}: its outputs, and the logs that posted them,
   * up to that block (a follower reads them only once they have its confirmations).
   */
  public PostedOutputs at(long l1Block) {
    if (l1Block < 0) {
      throw new IllegalArgumentException("L1 block must not be negative: " + l1Block);
    }
    return new PostedOutputs(
        web3j, oracle, DefaultBlockParameter.valueOf(BigInteger.valueOf(l1Block)));
  }

  public String oracle() {
    return oracle;
  }

  /** The number of outputs: the index the next one gets. */
  public long nextOutputIndex() {
    return uint("nextOutputIndex").longValueExact();
  }

  /** The latest output, or empty when none was posted. */
  public Optional<Output> latest() {
    long next = nextOutputIndex();
    return next == 0 ? Optional.empty() : Optional.of(get(next - 1));
  }

  /** The output at {@code index}; throws the oracle's reason when there is none. */
  public Output get(long index) {
    Function f =
        new Function(
            "getL2Output",
            List.of(new Uint256(index)),
            List.of(
                new TypeReference<Bytes32>() {},
                new TypeReference<Uint128>() {},
                new TypeReference<Uint128>() {}));
    List<Type> r = call(f);
    return new Output(
        index,
        Hash.wrap((byte[]) r.get(0).getValue()),
        ((BigInteger) r.get(1).getValue()).longValueExact(),
        ((BigInteger) r.get(2).getValue()).longValueExact());
  }

  /**
   * Where an output was posted on L1: the transaction and block of its {@code
   * OutputProposed(bytes32 indexed outputRoot, uint256 indexed outputIndex, uint256 indexed
   * l2BlockNumber, uint256 l1Timestamp)} log.
   */
  public record Proposal(long l1Block, Hash l1Transaction) {}

  /** {@code OutputProposed(bytes32,uint256,uint256,uint256)}'s topic 0. */
  public static final String OUTPUT_PROPOSED =
      EventEncoder.buildEventSignature("OutputProposed(bytes32,uint256,uint256,uint256)");

  /**
   * The L1 transaction that posted {@code output} (the latest {@code OutputProposed} log with its
   * index and root), or empty when L1 has no such log.
   */
  public Optional<Proposal> proposal(Output output) {
    EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, block, oracle);
    filter.addSingleTopic(OUTPUT_PROPOSED);
    filter.addSingleTopic(output.outputRoot().toHex());
    filter.addSingleTopic(
        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(output.index()), 64));
    try {
      EthLog logs = web3j.ethGetLogs(filter).send();
      if (logs.hasError()) {
        throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
      }
      Optional<Proposal> found = Optional.empty();
      for (EthLog.LogResult<?> r : logs.getLogs()) {
        Log log = (Log) r.get();
        found =
            Optional.of(
                new Proposal(
                    log.getBlockNumber().longValueExact(), Hash.fromHex(log.getTransactionHash())));
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_getLogs)", e);
    }
  }

  /** The challenge period, seconds. */
  public long finalizationPeriodSeconds() {
    return uint("finalizationPeriodSeconds").longValueExact();
  }

  private BigInteger uint(String name) {
    Function f = new Function(name, List.of(), List.of(new TypeReference<Uint256>() {}));
    return (BigInteger) call(f).getFirst().getValue();
  }

  @SuppressWarnings("rawtypes")
  private List<Type> call(Function f) {
    try {
      EthCall result =
          web3j
              .ethCall(
                  Transaction.createEthCallTransaction(null, oracle, FunctionEncoder.encode(f)),
                  block)
              .send();
      if (result.hasError()) {
        throw new L1Sender.L1Reverted(result.getError().getMessage());
      }
      List<Type> out = FunctionReturnDecoder.decode(result.getValue(), f.getOutputParameters());
      if (out.isEmpty()) {
        throw new IllegalStateException(
            "no OutputOracle at " + oracle + " (" + f.getName() + " returned nothing)");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("L1 unreachable (eth_call " + f.getName() + ")", e);
    }
  }
}
