package io.openledger.openlora.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.AdapterInfo;
import io.openledger.openlora.engine.EngineException;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.engine.ModelInfo;

/**
 * {@code GET /v1/models/{model}}: one model as {@code /v1/models} lists it. For an adapter this
 * checks it against the base without loading its weights, so it answers 404 for an unknown adapter
 * and 400 (with what is wrong) for a broken one.
 */
final class ModelRoute implements ApiRoute {
  private final InferenceEngine engine;

  ModelRoute(InferenceEngine engine) {
    this.engine = engine;
  }

  @Override
  public HandlerType method() {
    return HandlerType.GET;
  }

  @Override
  public String path() {
    return "/v1/models/{model}";
  }

  @Override
  public ErrorStyle errorStyle() {
    return ErrorStyle.OPENAI;
  }

  @Override
  public void handle(Context ctx) {
    ModelInfo base = engine.model();
    AdapterChoice choice = ModelName.resolve("model", ctx.pathParam("model"), base.id());
    if (choice instanceof AdapterChoice.Single s) {
      AdapterInfo info;
      try {
        info = engine.adapter(s.adapterId());
      } catch (EngineException e) {
        throw ApiError.from(e, "model").toException();
      }
      Responses.json(ctx, 200, ModelsRoute.adapterEntry(base, info), null);
    } else {
      Responses.json(ctx, 200, ModelsRoute.baseEntry(base), null);
    }
  }
}
