package io.openledger.node.economy.cli;

import io.openledger.node.cli.CliException;

/** The next version as the node computes it: {@code GET /v1/datanets/{id}/next-version}. */
record NodeNextVersion(NodeApi api) implements NextVersion.Source {
  @Override
  public NextVersion next(long datanetId) {
    String path = "/v1/datanets/" + datanetId + "/next-version";
    NodeApi.Response r = api.get(path);
    if (!r.ok()) {
      throw new CliException(
          "the node at "
              + api.base()
              + " cannot say what version "
              + "to publish (GET "
              + path
              + ", HTTP "
              + r.status()
              + "): "
              + r.error()
              + (r.status() == 404 ? " (a node without the economy routes: try --local)" : ""));
    }
    return NextVersion.fromJson(r.body());
  }
}
