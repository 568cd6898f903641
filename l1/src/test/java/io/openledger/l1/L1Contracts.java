package io.openledger.l1;

import io.openledger.chain.types.Address;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** A fresh deployment on anvil with one sender per role, and typed reads for the assertions. */
final class L1Contracts {
  static final long CHALLENGE_PERIOD = 3600; // seconds

  final Anvil anvil;
  final L1Deployment deployment;
  final L1Sender proposer;
  final L1Sender challenger;
  final L1Sender batcher;
  final L1Sender user;

  L1Contracts(Anvil anvil) {
    this.anvil = anvil;
    proposer = new L1Sender(anvil.web3j(), DevKeys.DEPLOYER, Anvil.CHAIN_ID);
    challenger = new L1Sender(anvil.web3j(), DevKeys.CHALLENGER, Anvil.CHAIN_ID);
    batcher = new L1Sender(anvil.web3j(), DevKeys.BATCHER, Anvil.CHAIN_ID);
    user = new L1Sender(anvil.web3j(), DevKeys.USER, Anvil.CHAIN_ID);
    deployment =
        L1Deployment.deploy(
            proposer,
            new L1Deployment.Config(
                address(proposer),
                address(challenger),
                address(batcher),
                CHALLENGE_PERIOD,
                L2State.BRIDGE));
  }

  static Address address(L1Sender s) {
    return Address.fromHex(s.address());
  }

  /** A uint256 view. */
  BigInteger uint(String contract, String function, Type<?>... args) {
    Function f = new Function(function, List.of(args), List.of(new TypeReference<Uint256>() {}));
    String out = user.call(contract, FunctionEncoder.encode(f));
    return (BigInteger)
        FunctionReturnDecoder.decode(out, f.getOutputParameters()).getFirst().getValue();
  }

  BigInteger l1Balance(Address a) {
    return uint(deployment.token(), "balanceOf", new org.web3j.abi.datatypes.Address(a.toHex()));
  }

  BigInteger l1Supply() {
    return uint(deployment.token(), "totalSupply");
  }

  /** The non-indexed data and indexed topics of the one log of {@code event} in the receipt. */
  static Log onlyLog(TransactionReceipt receipt, String contract, String eventSignature) {
    String topic = EventEncoder.buildEventSignature(eventSignature);
    List<Log> logs =
        receipt.getLogs().stream()
            .filter(l -> l.getAddress().equalsIgnoreCase(contract))
            .filter(l -> l.getTopics().getFirst().equals(topic))
            .toList();
    if (logs.size() != 1) {
      throw new AssertionError("expected one " + eventSignature + " log, got " + logs.size());
    }
    return logs.getFirst();
  }

  static BigInteger topicUint(Log log, int i) {
    return new BigInteger(log.getTopics().get(i).substring(2), 16);
  }

  static Address topicAddress(Log log, int i) {
    String t = log.getTopics().get(i);
    return Address.fromHex("0x" + t.substring(t.length() - 40));
  }

  /** The i-th 32-byte word of the log's data as an unsigned integer. */
  static BigInteger dataWord(Log log, int i) {
    String d = log.getData().substring(2);
    return new BigInteger(d.substring(i * 64, (i + 1) * 64), 16);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
