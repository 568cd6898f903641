package io.openledger.openlora.server;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an embedding application adds to the server: a gate every generation request passes (paid
 * inference), and endpoints of its own. {@link #none()} is the server as a plain library runs it.
 *
 * @param gate admits and settles generation requests; see {@link InferenceGate}
 * @param routes extra endpoints; a method and path already served is refused at start
 */
public record ServerExtensions(Optional<InferenceGate<?>> gate, List<ExtensionRoute> routes) {
  public ServerExtensions {
    gate = gate == null ? Optional.empty() : gate;
    routes = List.copyOf(routes);
  }

  /** No gate, no extra routes. */
  public static ServerExtensions none() {
    return new ServerExtensions(Optional.empty(), List.of());
  }

  public ServerExtensions withGate(InferenceGate<?> g) {
    return new ServerExtensions(Optional.of(g), routes);
  }

  public ServerExtensions withRoute(HandlerType method, String path, Handler handler) {
    List<ExtensionRoute> r = new ArrayList<>(routes);
    r.add(new ExtensionRoute(method, path, handler));
    return new ServerExtensions(gate, r);
  }
}
