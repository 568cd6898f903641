package io.openledger.node.economy.cli;

import io.openledger.chain.datanet.Contribution;
import io.openledger.chain.datanet.ContributionsMerkle;
import io.openledger.chain.datanet.Datanet;
import io.openledger.node.blob.BlobClientException;
import io.openledger.node.cli.CliException;
import io.openledger.node.economy.DatanetIndexes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The next version computed on this machine, as the node would: the accepted set read from the
 * chain ({@code acceptedAt}, {@code contribution}), each blob downloaded from the blob API and
 * checked against its hash, the root from {@link ContributionsMerkle} and the index hash from
 * {@link DatanetIndexes#preview}. For a node that has the blob routes but not the economy routes.
 */
record LocalNextVersion(EconomyViews views, NodeApi api, PrintWriter err)
    implements NextVersion.Source {

  @Override
  public NextVersion next(long datanetId) {
    Datanet d = views.datanet(datanetId);
    long previous = d.versions() == 0 ? 0 : views.version(datanetId, d.versions()).acceptedCount();
    if (d.accepted() == previous) {
      throw new CliException(
          "datanet "
              + datanetId
              + " has accepted nothing since "
              + (d.versions() == 0 ? "it was created" : "version " + d.versions())
              + ": approve contributions first");
    }
    List<ContributionsMerkle.Leaf> leaves = new ArrayList<>();
    List<DatanetIndexes.Accepted> accepted = new ArrayList<>();
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("openledger-publish");
      for (long i = 0; i < d.accepted(); i++) {
        Contribution c = views.contribution(views.acceptedAt(datanetId, i));
        leaves.add(new ContributionsMerkle.Leaf(c.id(), c.blobHash()));
        accepted.add(new DatanetIndexes.Accepted(c.id(), c.contributor(), download(c, tmp)));
      }
      err.println(
          "Computed here from the " + accepted.size() + " accepted blob(s) at " + api.base() + ".");
    } catch (IOException e) {
      throw new CliException(
          "cannot keep the downloaded blobs in a temp directory: " + e.getMessage());
    } finally {
      deleteTree(tmp);
    }
    int version = d.versions() + 1;
    DatanetIndexes.BuiltVersion built =
        DatanetIndexes.preview(datanetId, version, accepted, (int) previous);
    return new NextVersion(
        datanetId,
        version,
        d.accepted(),
        ContributionsMerkle.root(leaves),
        built.indexHash(),
        built.indexed(),
        built.excluded());
  }

  private byte[] download(Contribution c, Path dir) throws IOException {
    Path file = dir.resolve(Long.toString(c.id()));
    try {
      api.blobs().download(c.blobHash(), file);
    } catch (BlobClientException e) {
      throw new CliException(
          "cannot fetch the blob "
              + c.blobHash().toHex()
              + " of contribution "
              + c.id()
              + " ("
              + e.code()
              + "): "
              + e.getMessage());
    } catch (IOException e) {
      throw api.unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    try {
      return Files.readAllBytes(file);
    } finally {
      Files.delete(file);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
