package io.openledger.node.bridge.cli;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.l1.L1Sender;
import io.openledger.l1.PortalWithdrawals;
import io.openledger.l1.PostedOutputs;
import io.openledger.node.cli.CliException;
import java.io.IOException;
import java.util.HexFormat;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Option;

/** {@code --l1-rpc URL} and {@code --l1-portal ADDRESS}: the Ethereum side of the bridge. */
final class L1Options {
  @Option(
      names = "--l1-rpc",
      paramLabel = "URL",
      required = true,
      description = "Ethereum (L1) JSON-RPC endpoint.")
  String rpc;

  @Option(
      names = "--l1-portal",
      paramLabel = "ADDRESS",
      required = true,
      description = "The L1 Portal of this L2 (its OutputOracle is read from it).")
  String portal;

  private Web3j web3j;

  Web3j web3j() {
    if (web3j == null) {
      web3j = Web3j.build(new HttpService(rpc));
    }
    return web3j;
  }

  String portal() {
    if (!portal.matches("0x[0-9a-fA-F]{40}")) {
      throw new CliException("--l1-portal must be 0x and 40 hex digits, got " + portal);
    }
    return portal;
  }

  PortalWithdrawals withdrawals() {
    return new PortalWithdrawals(web3j(), portal());
  }

  PostedOutputs outputs() {
    return new PostedOutputs(web3j(), withdrawals().oracle());
  }

  /** {@code key} as an L1 sender (the same secp256k1 key, the same address on both chains). */
  L1Sender sender(KeyPair key) {
    long chainId;
    try {
      chainId = web3j().ethChainId().send().getChainId().longValueExact();
    } catch (IOException e) {
      throw new CliException("the L1 node at " + rpc + " does not answer: " + e.getMessage());
    }
    return new L1Sender(
        web3j(), Credentials.create(HexFormat.of().formatHex(key.privateKey())), chainId);
  }

  void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
