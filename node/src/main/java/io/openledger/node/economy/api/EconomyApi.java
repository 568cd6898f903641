package io.openledger.node.economy.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.server.ServerExtensions;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The economy read API (docs/economy-api.md): receipts, published records, earnings, contributions,
 * models, the attribution graph and the leaderboards, as GET routes mounted on the node's API
 * server with {@link #mount}.
 */
public final class EconomyApi {
  private final List<EconomyRoute> routes;

  /**
   * @param log this operator's records
   * @param book the aggregates of {@code log} (kept current by the gate)
   * @param head the chain's latest state
   * @param operator this node's operator address
   */
  public EconomyApi(RecordLog log, PayoutBook book, Supplier<StateReader> head, Address operator) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(operator, "operator");
    PostedBatches batches = new PostedBatches(operator, log, head);
    this.routes =
        List.of(
            new ReceiptRoute(log, book, batches),
            new RecordsRoute(log),
            new EarningsRoute(book, head, operator),
            new ContributionRoute(book, head),
            new ModelRoute(book, head),
            new GraphRoute(log, book, head),
            new LeaderboardsRoute(book, head));
  }

  /** The paths served, for logs and docs. */
  public List<String> paths() {
    return routes.stream().map(EconomyRoute::path).toList();
  }

  /** {@code extensions} with every route of this API added. */
  public ServerExtensions mount(ServerExtensions extensions) {
    ServerExtensions out = extensions;
    for (EconomyRoute r : routes) {
      out = out.withRoute(HandlerType.GET, r.path(), ctx -> respond(ctx, r));
    }
    return out;
  }

  private static void respond(Context ctx, EconomyRoute r) throws Exception {
    byte[] body = Json.MAPPER.writeValueAsBytes(r.answer(ctx));
    ctx.contentType("application/json").result(body);
  }
}
