package io.openledger.node.factory;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.DataType;
import io.openledger.chain.datanet.Datanet;
import io.openledger.chain.datanet.DatanetVersion;
import io.openledger.chain.types.Hash;
import io.openledger.factory.data.Document;
import io.openledger.node.blob.BlobClient;
import io.openledger.node.blob.BlobClientException;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.cli.EconomyViews;
import io.openledger.node.wallet.NodeClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The training data of named datanet versions, read from a node and checked (issue 9, "Data and
 * licences"): the version's accepted contributions from the chain, each blob from the blob store
 * with its keccak-256 checked against the contribution, and the version's contributions root
 * recomputed from the list and compared with the one the chain recorded. A datanet whose licence
 * forbids the use is refused with the reason: {@code no derivatives} always (a trained model is a
 * derivative), a datanet without {@code commercial use} when the model will be paid. Text only:
 * other data types, and blobs that are not valid UTF-8, are refused.
 *
 * <p>Every refusal is a {@link CliException} naming the datanet, version and contribution.
 */
public final class DatanetTrainingSource {
  /** What the source reads from the chain (JSON-RPC views in production, {@link #over}). */
  public interface Chain {
    Datanet datanet(long id);

    DatanetVersion version(long datanetId, int version);

    long acceptedAt(long datanetId, long index);

    Contribution contribution(long id);
  }

  /** Where blob bytes come from (the node's blob store in production). */
  public interface Blobs {
    /** The bytes the store sends for {@code hash}, unchecked. */
    byte[] get(Hash hash);
  }

  /**
   * A datanet version to read, as {@code ID[@VERSION]}.
   *
   * @param datanetId from 1
   * @param version from 1; empty: the latest published
   */
  public record Spec(long datanetId, OptionalInt version) {
    /**
     * {@code 7} or {@code 7@2}.
     *
     * @throws CliException when it is neither
     */
    public static Spec parse(String text) {
      String t = text.strip();
      int at = t.indexOf('@');
      try {
        long id = Long.parseLong(at < 0 ? t : t.substring(0, at));
        OptionalInt v =
            at < 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(t.substring(at + 1)));
        if (id < 1 || (v.isPresent() && v.getAsInt() < 1)) {
          throw new NumberFormatException();
        }
        return new Spec(id, v);
      } catch (NumberFormatException e) {
        throw new CliException(
            "--datanet: want ID or ID@VERSION with both from 1 (e.g. 3 or 3@2), got " + text);
      }
    }

    @Override
    public String toString() {
      return datanetId + (version.isPresent() ? "@" + version.getAsInt() : "");
    }
  }

  /**
   * A version read: what {@code training.json} records of it.
   *
   * @param datanetId the datanet
   * @param version the version read (the latest when the spec named none)
   * @param contributionsRoot its root, recomputed and equal to the chain's
   * @param contributionIds its accepted contributions, in acceptance order (index = position)
   */
  public record VersionRead(
      long datanetId, int version, Hash contributionsRoot, List<Long> contributionIds) {
    public VersionRead {
      contributionIds = List.copyOf(contributionIds);
    }
  }

  /**
   * Everything read.
   *
   * @param versions one per spec, in the specs' order
   * @param documents one per accepted contribution of each version, in that order
   */
  public record Read(List<VersionRead> versions, List<Document> documents) {
    public Read {
      versions = List.copyOf(versions);
      documents = List.copyOf(documents);
    }
  }

  private final Chain chain;
  private final Blobs blobs;

  public DatanetTrainingSource(Chain chain, Blobs blobs) {
    this.chain = chain;
    this.blobs = blobs;
  }

  /** Over a node: its JSON-RPC views and its blob store ({@code GET /v1/blobs/{hash}}). */
  public static DatanetTrainingSource over(NodeClient rpc, BlobClient store) {
    return new DatanetTrainingSource(chain(rpc), blobs(store));
  }

  /** A node's blob store ({@code GET /v1/blobs/{hash}}) as {@link Blobs}. */
  public static Blobs blobs(BlobClient store) {
    return hash -> download(store, hash);
  }

  /** A node's views at the latest block ({@code eth_call}) as {@link Chain}. */
  public static Chain chain(NodeClient rpc) {
    EconomyViews views = new EconomyViews(rpc);
    return new Chain() {
      @Override
      public Datanet datanet(long id) {
        return views.datanet(id);
      }

      @Override
      public DatanetVersion version(long datanetId, int version) {
        return views.version(datanetId, version);
      }

      @Override
      public long acceptedAt(long datanetId, long index) {
        return views.acceptedAt(datanetId, index);
      }

      @Override
      public Contribution contribution(long id) {
        return views.contribution(id);
      }
    };
  }

  /**
   * Reads every named version.
   *
   * @param paidModel whether the model will be paid (needs {@code commercial use})
   * @throws CliException on the first refusal, with the reason
   */
  public Read read(List<Spec> specs, boolean paidModel) {
    if (specs.isEmpty()) {
      throw new CliException("no datanet named (--datanet ID[@VERSION])");
    }
    Set<Long> seen = new HashSet<>();
    for (Spec s : specs) {
      if (!seen.add(s.datanetId())) {
        throw new CliException("datanet " + s.datanetId() + " is named twice");
      }
    }
    List<VersionRead> versions = new ArrayList<>();
    List<Document> documents = new ArrayList<>();
    for (Spec s : specs) {
      Datanet d = chain.datanet(s.datanetId());
      checkUse(d, paidModel);
      if (d.versions() == 0) {
        throw new CliException(
            "datanet " + d.id() + " (" + d.name() + ") has no published version yet");
      }
      int v = s.version().orElse(d.versions());
      if (v > d.versions()) {
        throw new CliException(
            "datanet " + d.id() + " has no version " + v + " (versions: " + d.versions() + ")");
      }
      DatanetVersion dv = chain.version(d.id(), v);
      String where = "datanet " + d.id() + " version " + v;
      List<Contribution> accepted = new ArrayList<>();
      List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
      for (long i = 0; i < dv.acceptedCount(); i++) {
        Contribution c = chain.contribution(chain.acceptedAt(d.id(), i));
        if (c.datanetId() != d.id()) {
          throw new CliException(
              where + ": the node lists contribution " + c.id() + " of datanet " + c.datanetId());
        }
        accepted.add(c);
        leaves.add(new ContributionsMerkle.Leaf(c.id(), c.blobHash()));
      }
      Hash root = ContributionsMerkle.root(leaves);
      if (!root.equals(dv.contributionsRoot())) {
        throw new CliException(
            where
                + ": the root of its "
                + accepted.size()
                + " accepted contributions is "
                + root.toHex()
                + ", but the chain recorded "
                + dv.contributionsRoot().toHex()
                + " (refusing data that is not the version)");
      }
      for (Contribution c : accepted) {
        byte[] bytes = blobs.get(c.blobHash());
        Hash got = Hash.keccak256(bytes);
        if (!got.equals(c.blobHash())) {
          throw new CliException(
              where
                  + ": contribution "
                  + c.id()
                  + ": the blob store sent "
                  + bytes.length
                  + " bytes that hash to "
                  + got.toHex()
                  + ", not "
                  + c.blobHash().toHex());
        }
        documents.add(new Document(d.id(), v, c.id(), utf8(bytes, where, c.id())));
      }
      versions.add(
          new VersionRead(d.id(), v, root, accepted.stream().map(Contribution::id).toList()));
    }
    return new Read(versions, documents);
  }

  /** Refuses a datanet whose licence or data type forbids training this model on it. */
  static void checkUse(Datanet d, boolean paidModel) {
    String name = "datanet " + d.id() + " (" + d.name() + ")";
    if (d.licence().noDerivatives()) {
      throw new CliException(
          name + " is licensed no derivatives: a model trained on it is a derivative");
    }
    if (paidModel && !d.licence().commercialUse()) {
      throw new CliException(
          name + " does not allow commercial use: a paid model cannot be trained on it");
    }
    if (d.dataType() != DataType.TEXT) {
      throw new CliException(
          name
              + " holds "
              + d.dataType().name().toLowerCase(Locale.ROOT)
              + " data: the factory trains on UTF-8 text only");
    }
  }

  private static String utf8(byte[] bytes, String where, long contributionId) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(
          where + ": contribution " + contributionId + " is not UTF-8 text (" + e + ")");
    }
  }

  private static byte[] download(BlobClient store, Hash hash) {
    Path temp = null;
    try {
      temp = Files.createTempFile("openledger-training", ".blob");
      store.download(hash, temp);
      return Files.readAllBytes(temp);
    } catch (BlobClientException e) {
      throw new CliException("blob " + hash.toHex() + ": " + e.getMessage());
    } catch (IOException e) {
      throw new CliException("cannot read blob " + hash.toHex() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while reading blob " + hash.toHex());
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }
}
