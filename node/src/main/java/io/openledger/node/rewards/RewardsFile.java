package io.openledger.node.rewards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.distributor.ClaimTree;
import io.openledger.chain.distributor.RewardConversion;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The published result of a snapshot (docs/points.md, "The rewards file"): where the points were
 * read, the conversion, the Merkle root, and each account's points, amount and proof. Written by
 * {@code openledger rewards snapshot}, read by {@code rewards claim} and {@code rewards show}.
 *
 * @param chainId the chain the points were read from
 * @param block the block they were read at
 * @param blockHash its hash
 * @param total base units shared
 * @param totalPoints the points of all accounts at the block
 * @param root {@link ClaimTree#root()} of the entries
 * @param entries in address order
 */
public record RewardsFile(
    long chainId,
    long block,
    Hash blockHash,
    Amount total,
    long totalPoints,
    Hash root,
    List<Line> entries) {
  public static final String FORMAT = "openledger-rewards-1";

  /** One account's line: its points, amount (base units) and proof. */
  public record Line(Address account, long points, Amount amount, List<Hash> proof) {}

  public RewardsFile {
    entries = List.copyOf(entries);
  }

  /** The line of {@code account}, if it has one. */
  public Optional<Line> lineOf(Address account) {
    return entries.stream().filter(l -> l.account().equals(account)).findFirst();
  }

  public void write(Path file) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("format", FORMAT);
    o.put("chainId", chainId);
    o.put("block", block);
    o.put("blockHash", blockHash.toHex());
    o.put(
        "conversion",
        "rule "
            + RewardConversion.VERSION
            + ": total pro rata to points, largest remainders, ties to the lower address");
    o.put("total", total.value().toString());
    o.put("totalPoints", totalPoints);
    o.put(
        "leaf", "keccak256(bytes.concat(keccak256(abi.encode(address account, uint256 amount))))");
    o.put("root", root.toHex());
    ArrayNode list = o.putArray("entries");
    for (Line l : entries) {
      ObjectNode e = list.addObject();
      e.put("account", l.account().toHex());
      e.put("points", l.points());
      e.put("amount", l.amount().value().toString());
      ArrayNode proof = e.putArray("proof");
      l.proof().forEach(h -> proof.add(h.toHex()));
    }
    try {
      Files.writeString(
          file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * Reads a rewards file and checks it: its entries' tree has its root.
   *
   * @throws CliException naming what is wrong
   */
  public static RewardsFile read(Path file) {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new CliException("cannot read the rewards file " + file + ": " + e.getMessage());
    }
    if (!FORMAT.equals(o.path("format").asText())) {
      throw new CliException(file + " is not a rewards file (want \"format\": \"" + FORMAT + "\")");
    }
    try {
      List<Line> lines = new ArrayList<>();
      for (JsonNode e : o.path("entries")) {
        List<Hash> proof = new ArrayList<>();
        e.path("proof").forEach(h -> proof.add(Hash.fromHex(h.asText())));
        lines.add(
            new Line(
                Address.fromHex(e.path("account").asText()),
                e.path("points").asLong(),
                Amount.of(new java.math.BigInteger(e.path("amount").asText())),
                proof));
      }
      RewardsFile f =
          new RewardsFile(
              o.path("chainId").asLong(),
              o.path("block").asLong(),
              Hash.fromHex(o.path("blockHash").asText()),
              Amount.of(new java.math.BigInteger(o.path("total").asText())),
              o.path("totalPoints").asLong(),
              Hash.fromHex(o.path("root").asText()),
              lines);
      Hash computed =
          ClaimTree.of(
                  lines.stream().map(l -> new ClaimTree.Entry(l.account(), l.amount())).toList())
              .root();
      if (!computed.equals(f.root())) {
        throw new CliException(
            file + ": its root " + f.root() + " is not the root of its entries (" + computed + ")");
      }
      return f;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CliException(file + " is malformed: " + e.getMessage());
    }
  }
}
