package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.openledger.openlora.engine.AdapterInfo;
import io.openledger.openlora.engine.InferenceEngine;
import io.openledger.openlora.engine.ModelInfo;
import java.util.List;

/**
 * {@code GET /v1/models}: the base model and every adapter as {@code base:adapter}, in OpenAI's
 * list shape, with the adapter's rank, alpha, target modules, cache tier and warnings as extra
 * fields; the base says whether its chat template is usable ({@code chat_template.status} ok or
 * refused, with the {@code reason}).
 */
final class ModelsRoute implements ApiRoute {
  private final InferenceEngine engine;

  ModelsRoute(InferenceEngine engine) {
    this.engine = engine;
  }

  @Override
  public HandlerType method() {
    return HandlerType.GET;
  }

  @Override
  public String path() {
    return "/v1/models";
  }

  @Override
  public ErrorStyle errorStyle() {
    return ErrorStyle.OPENAI;
  }

  @Override
  public void handle(Context ctx) {
    ModelInfo base = engine.model();
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    data.add(baseEntry(base));
    List<AdapterInfo> adapters = engine.adapters();
    for (AdapterInfo a : adapters) {
      data.add(adapterEntry(base, a));
    }
    Responses.json(ctx, 200, out, null);
  }

  static ObjectNode baseEntry(ModelInfo base) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("id", base.id());
    m.put("object", "model");
    m.put("created", 0);
    m.put("owned_by", "openledger");
    m.put("root", base.id());
    m.putNull("parent");
    m.put("context_length", base.contextLength());
    m.put("architecture", base.architecture());
    m.put("parameters", base.parameters());
    // whether /v1/chat/completions works for this model, and why not
    ObjectNode chat = m.putObject("chat_template");
    chat.put("status", base.chatTemplateRefusal().isPresent() ? "refused" : "ok");
    base.chatTemplateRefusal().ifPresent(why -> chat.put("reason", why));
    return m;
  }

  static ObjectNode adapterEntry(ModelInfo base, AdapterInfo a) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("id", base.id() + ":" + a.id());
    m.put("object", "model");
    m.put("created", 0);
    m.put("owned_by", "openledger");
    m.put("root", base.id());
    m.put("parent", base.id());
    m.put("adapter_id", a.id());
    m.put("rank", a.rank());
    m.put("alpha", a.alpha());
    ArrayNode targets = m.putArray("target_modules");
    a.targetModules().forEach(targets::add);
    m.put("tier", a.tier().name().toLowerCase(java.util.Locale.ROOT));
    if (!a.warnings().isEmpty()) {
      ArrayNode warnings = m.putArray("warnings");
      a.warnings().forEach(warnings::add);
    }
    return m;
  }
}
