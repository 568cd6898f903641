package io.openledger.l1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A contract compiled by the build (compile-contracts.mjs): its ABI and creation bytecode, read
 * from the classpath resource {@code io/openledger/l1/contracts/NAME.json}.
 *
 * @param name the contract's name (Portal, OutputOracle, BatchInbox, OpenToken)
 * @param abiJson the ABI as a JSON array
 * @param bytecode creation code, 0x-prefixed hex (append ABI-encoded constructor arguments)
 * @param compiler the solc version that produced it
 */
public record ContractArtifact(String name, String abiJson, String bytecode, String compiler) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @throws IllegalArgumentException when no such artifact was compiled
   */
  public static ContractArtifact load(String name) {
    String resource = "contracts/" + name + ".json";
    try (InputStream in = ContractArtifact.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no compiled contract "
                + name
                + " on the classpath (io/openledger/l1/"
                + resource
                + "); the l1 module's build compiles src/main/solidity");
      }
      JsonNode node = JSON.readTree(in);
      return new ContractArtifact(
          node.get("contractName").asText(),
          node.get("abi").toString(),
          node.get("bytecode").asText(),
          node.get("compiler").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
