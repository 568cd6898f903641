package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The factory's {@code training.json} as {@code model register --from DIR} reads it (format {@code
 * openledger-factory/1}, the shared contract of issue 9): the datanet versions trained on and the
 * contributions with their tokens and measured influence. Anything missing or of the wrong kind is
 * refused with its name.
 *
 * @param hash keccak-256 of the file's exact bytes: the report hash the chain records
 * @param mode {@code lora} or {@code from-scratch}
 * @param datanets the versions trained on
 * @param contributions the contributions trained on
 */
record TrainingFile(
    Hash hash, String mode, List<Version> datanets, List<Contribution> contributions) {
  static final String FORMAT = "openledger-factory/1";

  /** A version trained on. */
  record Version(long id, int version, Hash contributionsRoot) {}

  /**
   * A contribution trained on.
   *
   * @param influence the measured influence (any sign; only positive earns), empty when none was
   *     computed (the split is then by token share)
   */
  record Contribution(long id, long datanet, long tokens, Optional<BigDecimal> influence) {}

  static TrainingFile read(Path dir) {
    Path file = dir.resolve("training.json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException("--from: cannot read " + file + ": " + e.getMessage());
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new CliException(file + " is not JSON: " + e.getMessage());
    }
    String where = file.toString();
    String format = text(root, "format", where);
    if (!format.equals(FORMAT)) {
      throw new CliException(where + ": format is " + format + ", this version reads " + FORMAT);
    }
    String mode = text(root, "mode", where);
    if (!mode.equals("lora") && !mode.equals("from-scratch")) {
      throw new CliException(where + ": mode is " + mode + ", want lora or from-scratch");
    }
    List<Version> versions = new ArrayList<>();
    for (JsonNode d : array(root, "datanets", where)) {
      String w = where + ": datanets[" + versions.size() + "]";
      long v = number(d, "version", w);
      if (v < 1 || v > Integer.MAX_VALUE) {
        throw new CliException(w + ": version " + v + " is out of range");
      }
      Hash r;
      try {
        r = Hash.fromHex(text(d, "contributionsRoot", w));
      } catch (IllegalArgumentException e) {
        throw new CliException(w + ": contributionsRoot is not a 32-byte hex hash");
      }
      versions.add(new Version(number(d, "id", w), (int) v, r));
    }
    if (versions.isEmpty()) {
      throw new CliException(where + ": datanets is empty");
    }
    List<Contribution> contributions = new ArrayList<>();
    for (JsonNode c : array(root, "contributions", where)) {
      String w = where + ": contributions[" + contributions.size() + "]";
      JsonNode inf = c.get("influence");
      Optional<BigDecimal> influence;
      if (inf == null || inf.isNull()) {
        influence = Optional.empty();
      } else if (inf.isNumber()) {
        influence = Optional.of(inf.decimalValue());
      } else {
        throw new CliException(w + ": influence is not a number");
      }
      long tokens = number(c, "tokens", w);
      if (tokens < 0) {
        throw new CliException(w + ": tokens is negative");
      }
      contributions.add(
          new Contribution(number(c, "id", w), number(c, "datanet", w), tokens, influence));
    }
    return new TrainingFile(Hash.keccak256(bytes), mode, versions, contributions);
  }

  private static String text(JsonNode o, String field, String where) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new CliException(where + ": " + field + " is missing or not a string");
    }
    return n.asText();
  }

  private static long number(JsonNode o, String field, String where) {
    JsonNode n = o.get(field);
    if (n == null || !n.canConvertToExactIntegral() || !n.canConvertToLong()) {
      throw new CliException(where + ": " + field + " is missing or not an integer");
    }
    return n.asLong();
  }

  private static JsonNode array(JsonNode o, String field, String where) {
    JsonNode n = o.get(field);
    if (n == null || !n.isArray()) {
      throw new CliException(where + ": " + field + " is missing or not an array");
    }
    return n;
  }
}
