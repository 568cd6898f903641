package io.openledger.l1;

import io.openledger.chain.types.Address;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The L1 contracts of one L2, deployed together: the OutputOracle, the Portal (which creates the
 * OpenToken it alone mints and burns) and the BatchInbox.
 */
public record L1Deployment(String oracle, String portal, String token, String inbox) {

  /**
   * What a deployment is configured with.
   *
   * @param proposer the only key that posts output roots
   * @param challenger the only key that deletes outputs during their challenge period
   * @param batcher the only key whose batches the inbox accepts
   * @param finalizationPeriodSeconds the challenge period
   * @param l2Bridge the L2 bridge module's address (where withdrawals are recorded)
   */
  public record Config(
      Address proposer,
      Address challenger,
      Address batcher,
      long finalizationPeriodSeconds,
      Address l2Bridge) {}

  /** Deploys the four contracts from {@code deployer}'s key, in three transactions. */
  public static L1Deployment deploy(L1Sender deployer, Config config) {
    String oracle =
        create(
            deployer,
            "OutputOracle",
            List.of(
                abiAddress(config.proposer()),
                abiAddress(config.challenger()),
                new Uint256(config.finalizationPeriodSeconds())));
    String portal =
        create(
            deployer,
            "Portal",
            List.of(new org.web3j.abi.datatypes.Address(oracle), abiAddress(config.l2Bridge())));
    String inbox = create(deployer, "BatchInbox", List.of(abiAddress(config.batcher())));
    Function tokenOf =
        new Function(
            "token", List.of(), List.of(new TypeReference<org.web3j.abi.datatypes.Address>() {}));
    String token =
        FunctionReturnDecoder.decode(
                deployer.call(portal, FunctionEncoder.encode(tokenOf)),
                tokenOf.getOutputParameters())
            .getFirst()
            .getValue()
            .toString();
    return new L1Deployment(oracle, portal, token, inbox);
  }

  private static String create(L1Sender deployer, String name, List<Type> args) {
    String code = ContractArtifact.load(name).bytecode() + FunctionEncoder.encodeConstructor(args);
    return deployer.deploy(code).getContractAddress();
  }

  private static org.web3j.abi.datatypes.Address abiAddress(Address a) {
    return new org.web3j.abi.datatypes.Address(a.toHex());
  }
}
