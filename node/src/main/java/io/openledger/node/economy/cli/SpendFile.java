package io.openledger.node.economy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import io.openledger.node.cli.CliException;
import io.openledger.node.rpc.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a payer has paid an operator in signed mode, as this machine has seen it: the sum of the
 * fees of the responses it received. {@code openledger infer} signs that sum plus the next
 * request's budget as the cumulative {@code authorized} amount (docs/economy.md, "What each payment
 * mode trusts").
 *
 * <p>The file is {@code <dir>/<chainId>/<payer>-<operator>.json}, {@code {"chainId", "genesis",
 * "payer", "operator", "paid"}} with {@code paid} in base units as a decimal string; it is replaced
 * atomically. {@code genesis} (the hash of block 0) tells a devnet made again with the same chain
 * id from the one the record was kept on: the record of another chain is not used.
 */
record SpendFile(Path file, long chainId, Hash genesis, Address payer, Address operator) {

  /** {@code ~/.openledger/spend}. */
  static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), ".openledger", "spend");
  }

  static SpendFile of(Path dir, long chainId, Hash genesis, Address payer, Address operator) {
    Path file =
        dir.resolve(Long.toString(chainId))
            .resolve(payer.toHex() + "-" + operator.toHex() + ".json");
    return new SpendFile(file, chainId, genesis, payer, operator);
  }

  /** The record as read: what it says was paid, or why there is nothing to use. */
  sealed interface Read {
    record Paid(Amount paid) implements Read {}

    record Missing() implements Read {}

    /** A record kept on another chain with the same id (its genesis differs). */
    record OtherChain(Hash genesis) implements Read {}
  }

  Read read() {
    if (!Files.exists(file)) {
      return new Read.Missing();
    }
    try {
      JsonNode o = Json.MAPPER.readTree(Files.readString(file));
      if (o.path("chainId").asLong() != chainId
          || !payer.toHex().equals(o.path("payer").asText())
          || !operator.toHex().equals(o.path("operator").asText())) {
        throw new CliException(file + " is the spend record of another payer, operator or chain");
      }
      Hash recorded = Hash.fromHex(o.path("genesis").asText());
      if (!recorded.equals(genesis)) {
        return new Read.OtherChain(recorded);
      }
      return new Read.Paid(Amount.of(new BigInteger(o.path("paid").asText())));
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(
          "cannot read the spend record "
              + file
              + " ("
              + e.getMessage()
              + "); fix or delete it to start again from the on-chain charged amount");
    }
  }

  /** What was paid so far; empty when there is no record of this chain. */
  Optional<Amount> paid() {
    return read() instanceof Read.Paid p ? Optional.of(p.paid()) : Optional.empty();
  }

  void write(Amount paid) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("chainId", chainId);
    o.put("genesis", genesis.toHex());
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

  /** A held lock; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Holds the record for one request, from reading it to writing the fee: two {@code infer}s of the
   * same payer and operator at once would both sign the same sum, and the second write would lose
   * the first fee. The second waits.
   */
  Held lock() {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.lock();
      } catch (IOException | OverlappingFileLockException e) {
        channel.close();
        throw e;
      }
      return () -> {
        try {
          lock.release();
          channel.close();
        } catch (IOException e) {
          throw new CliException("cannot unlock the spend record " + lockFile + ": " + e);
        }
      };
    } catch (IOException | OverlappingFileLockException e) {
      throw new CliException("cannot lock the spend record " + lockFile + ": " + e);
    }
  }
}
