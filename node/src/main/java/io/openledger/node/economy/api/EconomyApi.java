package io.openledger.node.economy.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.chain.ledger.LogFilter;
import io.openledger.chain.ledger.LogView;
import io.openledger.chain.ledger.QueryResult;
import io.openledger.chain.staking.StakingParameters;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.types.Address;
import io.openledger.node.economy.RecordLog;
import io.openledger.node.rpc.Json;
import io.openledger.openlora.server.ServerExtensions;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The economy read API (docs/economy-api.md): receipts, published records, earnings, contributions,
 * models, the attribution graph and the leaderboards, as GET routes mounted on the node's API
 * server with {@link #mount}.
 */
public final class EconomyApi {
  private final List<EconomyRoute> routes;

  /**
   * The routes of {@link #EconomyApi(RecordLog, PayoutBook, Supplier, Address, Function)} and
   * {@code GET /v1/economy/stake/{address}}, which reads the chain's log index.
   *
   * @param staking the tier minimums and lock weights in force in a state (the parameter registry's
   *     values)
   * @param logs {@code eth_getLogs} ({@code Ledger.logs})
   */
  public EconomyApi(
      RecordLog log,
      PayoutBook book,
      Supplier<StateReader> head,
      Address operator,
      Function<StateReader, StakingParameters> staking,
      Function<LogFilter, QueryResult<List<LogView>>> logs) {
    this.routes =
        Stream.concat(
                new EconomyApi(log, book, head, operator, logs).routes.stream(),
                Stream.of(new StakeRoute(head, staking, logs)))
            .toList();
  }

  /**
   * @param log this operator's records
   * @param book the aggregates of {@code log} (kept current by the gate)
   * @param head the chain's latest state
   * @param operator this node's operator address
   * @param logs {@code eth_getLogs} ({@code Ledger.logs}), for the training fees paid to accounts
   */
  public EconomyApi(
      RecordLog log,
      PayoutBook book,
      Supplier<StateReader> head,
      Address operator,
      Function<LogFilter, QueryResult<List<LogView>>> logs) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(logs, "logs");
    PostedBatches batches = new PostedBatches(operator, log, head);
    this.routes =
        List.of(
            new ReceiptRoute(log, book, batches),
            new RecordsRoute(log),
            new EarningsRoute(book, head, operator, logs),
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
