package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a payer has paid an operator in signed mode, as this machine has seen it: the sum of the
 * fees of the responses it received. {@code openledger infer} signs that sum plus the next
 * request's budget as the cumulative {@code authorized} amount (docs/economy.md, "What each payment
 * mode trusts").
 *
 * <p>The file is {@code <dir>/<chainId>/<payer>-<operator>.json}, {@code {"chainId", "payer",
 * "operator", "paid"}} with {@code paid} in base units as a decimal string; it is replaced
 * atomically.
 */
record SpendFile(Path file, long chainId, Address payer, Address operator) {

  /** {@code ~/.openledger/spend}. */
  static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), ".openledger", "spend");
  }

  static SpendFile of(Path dir, long chainId, Address payer, Address operator) {
    Path file =
        dir.resolve(Long.toString(chainId))
            .resolve(payer.toHex() + "-" + operator.toHex() + ".json");
    return new SpendFile(file, chainId, payer, operator);
  }

  /** What was paid so far; empty when the file does not exist. */
  Optional<Amount> paid() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode o = Json.MAPPER.readTree(Files.readString(file));
      if (o.path("chainId").asLong() != chainId
          || !payer.toHex().equals(o.path("payer").asText())
          || !operator.toHex().equals(o.path("operator").asText())) {
        throw new CliException(file + " is the spend record of another payer, operator or chain");
      }
      return Optional.of(Amount.of(new BigInteger(o.path("paid").asText())));
    } catch (IOException | NumberFormatException e) {
      throw new CliException(
          "cannot read the spend record "
              + file
              + " ("
              + e.getMessage()
              + "); fix or delete it to start again from the on-chain charged amount");
    }
  }

  void write(Amount paid) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("chainId", chainId);
    o.put("payer", payer.toHex());
    o.put("operator", operator.toHex());
    o.put("paid", paid.value().toString());
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot write the spend record " + file + ": " + e.getMessage());
    }
  }
}
