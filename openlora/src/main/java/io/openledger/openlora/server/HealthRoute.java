package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.EngineMetrics;
import io.openledger.openlora.engine.InferenceEngine;

/** {@code GET /health}: 200 with the model and the load while the engine answers. */
final class HealthRoute implements ApiRoute {
  private final InferenceEngine engine;

  HealthRoute(InferenceEngine engine) {
    this.engine = engine;
  }

  @Override
  public HandlerType method() {
    return HandlerType.GET;
  }

  @Override
  public String path() {
    return "/health";
  }

  @Override
  public ErrorStyle errorStyle() {
    return ErrorStyle.TGI;
  }

  @Override
  public void handle(Context ctx) {
    EngineMetrics m = engine.metrics();
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("status", "ok");
    out.put("model", engine.model().id());
    out.put("running", m.running());
    out.put("queued", m.queued());
    out.put("adapters_resident", m.adaptersResident());
    Responses.json(ctx, 200, out, null);
  }
}
