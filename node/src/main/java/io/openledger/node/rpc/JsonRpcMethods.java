package io.openledger.node.rpc;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The methods a server answers, by wire name. Built from a list; duplicate names are a bug. */
public final class JsonRpcMethods {
  private final Map<String, JsonRpcMethod> byName = new TreeMap<>();

  public JsonRpcMethods(List<? extends JsonRpcMethod> methods) {
    for (JsonRpcMethod m : methods) {
      if (byName.putIfAbsent(m.name(), m) != null) {
        throw new IllegalArgumentException("two JSON-RPC methods named " + m.name());
      }
    }
  }

  public Optional<JsonRpcMethod> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Sorted by name. */
  public Collection<String> names() {
    return byName.keySet();
  }
}
