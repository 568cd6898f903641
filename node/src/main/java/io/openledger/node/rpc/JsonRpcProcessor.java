package io.openledger.node.rpc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.chain.ledger.StateUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a JSON-RPC 2.0 message (one request or a batch) into its response text, transport-free:
 * HTTP and WebSocket both call {@link #handle}. Malformed input gets an error object and touches
 * nothing; notifications (requests without an id) get no response.
 */
public final class JsonRpcProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcProcessor.class);

  /** Most requests in one batch (geth's default is 1,000). */
  public static final int DEFAULT_MAX_BATCH = 1000;

  private final JsonRpcMethods methods;
  private final int maxBatch;

  public JsonRpcProcessor(JsonRpcMethods methods) {
    this(methods, DEFAULT_MAX_BATCH);
  }

  public JsonRpcProcessor(JsonRpcMethods methods, int maxBatch) {
    this.methods = methods;
    this.maxBatch = maxBatch;
  }

  /**
   * @param session the WebSocket connection, or null over HTTP
   * @return the response JSON, or empty when every request was a notification
   */
  public Optional<String> handle(String body, RpcSession session) {
    JsonNode message;
    try {
      message = Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      return Optional.of(serialize(error(NullNode.getInstance(), parseError(e))));
    }
    if (message == null || message.isMissingNode()) {
      return Optional.of(
          serialize(error(NullNode.getInstance(), JsonRpcError.parseError("empty"))));
    }
    if (!message.isArray()) {
      return Optional.ofNullable(one(message, session)).map(JsonRpcProcessor::serialize);
    }
    if (message.isEmpty()) {
      return Optional.of(
          serialize(error(NullNode.getInstance(), JsonRpcError.invalidRequest("empty batch"))));
    }
    if (message.size() > maxBatch) {
      return Optional.of(
          serialize(
              error(
                  NullNode.getInstance(),
                  new JsonRpcError(
                      JsonRpcError.LIMIT_EXCEEDED,
                      "batch too large: "
                          + message.size()
                          + " requests, at most "
                          + maxBatch
                          + " per batch"))));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    List<JsonNode> requests = new ArrayList<>();
    message.forEach(requests::add);
    for (int i = 0; i < requests.size(); ) {
      int end = batchableRun(requests, i);
      if (end > i + 1) {
        batch(requests.subList(i, end), session).forEach(out::add);
        i = end;
      } else {
        ObjectNode response = one(requests.get(i), session);
        if (response != null) {
          out.add(response);
        }
        i++;
      }
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(serialize(out));
  }

  /** End (exclusive) of the run of well-formed requests for one batchable method from {@code i}. */
  private int batchableRun(List<JsonNode> requests, int i) {
    String method = wellFormedMethod(requests.get(i));
    if (method == null || !(methods.find(method).orElse(null) instanceof BatchableMethod)) {
      return i + 1;
    }
    int end = i + 1;
    while (end < requests.size() && method.equals(wellFormedMethod(requests.get(end)))) {
      end++;
    }
    return end;
  }

  /** The method of a request that passes every envelope check, else null. */
  private static String wellFormedMethod(JsonNode r) {
    if (!r.isObject()) {
      return null;
    }
    JsonNode id = r.get("id");
    JsonNode params = r.get("params");
    JsonNode method = r.get("method");
    boolean ok =
        (id == null || id.isNull() || id.isTextual() || id.isNumber())
            && r.get("jsonrpc") != null
            && "2.0".equals(r.get("jsonrpc").asText(null))
            && method != null
            && method.isTextual()
            && (params == null || params.isNull() || params.isArray());
    return ok ? method.textValue() : null;
  }

  private List<ObjectNode> batch(List<JsonNode> requests, RpcSession session) {
    String name = requests.getFirst().get("method").textValue();
    BatchableMethod method = (BatchableMethod) methods.find(name).orElseThrow();
    List<JsonRpcRequest> parsed = new ArrayList<>();
    for (JsonNode r : requests) {
      JsonNode id = r.get("id");
      JsonNode params = r.get("params");
      parsed.add(
          new JsonRpcRequest(
              id == null ? NullNode.getInstance() : id,
              name,
              params instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode(),
              session));
    }
    List<JsonRpcResponse> responses;
    try {
      responses = method.responses(parsed);
    } catch (RuntimeException e) {
      LOG.warn("{} batch failed", name, e);
      responses =
          parsed.stream()
              .<JsonRpcResponse>map(
                  r ->
                      new JsonRpcResponse.Failure(
                          r.id(), JsonRpcError.internal("internal error: " + e)))
              .toList();
    }
    List<ObjectNode> out = new ArrayList<>();
    for (int k = 0; k < requests.size(); k++) {
      if (requests.get(k).get("id") != null) {
        out.add(toJson(responses.get(k)));
      }
    }
    return out;
  }

  /** One request object; null for a notification. */
  private ObjectNode one(JsonNode request, RpcSession session) {
    if (!request.isObject()) {
      return error(NullNode.getInstance(), JsonRpcError.invalidRequest("invalid request"));
    }
    JsonNode idNode = request.get("id");
    boolean notification = idNode == null;
    JsonNode id = idNode == null ? NullNode.getInstance() : idNode;
    if (!(id.isNull() || id.isTextual() || id.isNumber())) {
      return error(
          NullNode.getInstance(),
          JsonRpcError.invalidRequest("invalid request: id must be a string, number or null"));
    }
    JsonNode version = request.get("jsonrpc");
    if (version == null || !"2.0".equals(version.asText(null))) {
      return error(id, JsonRpcError.invalidRequest("invalid request: jsonrpc must be \"2.0\""));
    }
    JsonNode method = request.get("method");
    if (method == null || !method.isTextual()) {
      return error(id, JsonRpcError.invalidRequest("invalid request: method must be a string"));
    }
    JsonNode params = request.get("params");
    if (params != null && !params.isNull() && !params.isArray()) {
      return error(id, JsonRpcError.invalidParams("params must be an array"));
    }
    JsonRpcResponse response =
        dispatch(
            new JsonRpcRequest(
                id,
                method.textValue(),
                params instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode(),
                session));
    return notification ? null : toJson(response);
  }

  /** Runs one method; every failure becomes an error response. */
  public JsonRpcResponse dispatch(JsonRpcRequest request) {
    Optional<JsonRpcMethod> method = methods.find(request.method());
    if (method.isEmpty()) {
      return new JsonRpcResponse.Failure(
          request.id(), JsonRpcError.methodNotFound(request.method()));
    }
    try {
      return method.get().response(request);
    } catch (JsonRpcException e) {
      return new JsonRpcResponse.Failure(request.id(), e.error());
    } catch (StateUnavailableException e) {
      // geth's code for "missing trie node": the block exists, its state was pruned
      return new JsonRpcResponse.Failure(request.id(), JsonRpcError.server(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("{} failed", request.method(), e);
      return new JsonRpcResponse.Failure(
          request.id(), JsonRpcError.internal("internal error: " + e));
    }
  }

  /** Jackson's reason without its source location: {@code parse error: Unexpected end-of-input}. */
  private static JsonRpcError parseError(JacksonException e) {
    String detail = e.getOriginalMessage();
    if (detail == null) {
      return JsonRpcError.parseError("malformed JSON");
    }
    for (String cut : new String[] {" (start marker", "\n", " at [Source"}) {
      int i = detail.indexOf(cut);
      if (i > 0) {
        detail = detail.substring(0, i);
      }
    }
    return JsonRpcError.parseError(
        detail.length() > 200 ? detail.substring(0, 200) + "..." : detail);
  }

  public static ObjectNode toJson(JsonRpcResponse response) {
    return switch (response) {
      case JsonRpcResponse.Success s -> {
        ObjectNode o = envelope(s.id());
        o.set("result", s.result() == null ? NullNode.getInstance() : s.result());
        yield o;
      }
      case JsonRpcResponse.Failure f -> error(f.id(), f.error());
    };
  }

  private static ObjectNode error(JsonNode id, JsonRpcError error) {
    ObjectNode o = envelope(id);
    ObjectNode e = o.putObject("error");
    e.put("code", error.code());
    e.put("message", error.message());
    if (error.data() != null) {
      e.set("data", error.data());
    }
    return o;
  }

  private static ObjectNode envelope(JsonNode id) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("jsonrpc", "2.0");
    o.set("id", id);
    return o;
  }

  private static String serialize(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsString(node);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }
}
