package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.EngineException;
import java.util.OptionalInt;

/**
 * An error the API returns to a client: the HTTP status and what to tell it, rendered either the
 * way OpenAI clients expect ({@code {"error":{"message","type","param","code"}}}) or the way
 * LoRAX/TGI clients expect ({@code {"error","error_type"}}). The message reaches the client
 * unchanged.
 *
 * @param status HTTP status code
 * @param type OpenAI error type, e.g. {@code invalid_request_error}
 * @param tgiType TGI/LoRAX {@code error_type}, e.g. {@code validation}
 * @param message what is wrong, for a person
 * @param param the request field at fault, or null
 * @param code a stable machine code, e.g. {@code adapter_not_found}, or null
 * @param retryAfterSeconds for 503: when to retry (sent as {@code Retry-After})
 */
public record ApiError(
    int status,
    String type,
    String tgiType,
    String message,
    String param,
    String code,
    OptionalInt retryAfterSeconds) {

  /** 400: a parameter is missing, of the wrong type or out of range. */
  public static ApiError badParameter(String param, String message) {
    return new ApiError(
        400,
        "invalid_request_error",
        "validation",
        message,
        param,
        "invalid_parameter",
        OptionalInt.empty());
  }

  /** 400: the body is not a JSON object. */
  public static ApiError malformedJson(String detail) {
    return new ApiError(
        400,
        "invalid_request_error",
        "validation",
        "request body is not valid JSON: " + detail,
        null,
        "malformed_json",
        OptionalInt.empty());
  }

  /** 404: the model field names a base model this server does not serve. */
  public static ApiError unknownModel(String param, String model) {
    return new ApiError(
        404,
        "invalid_request_error",
        "not_found",
        "model '" + model + "' does not exist",
        param,
        "model_not_found",
        OptionalInt.empty());
  }

  /** 404: no adapter with this id in the adapter directory or blob store. */
  public static ApiError unknownAdapter(String param, String adapterId) {
    return new ApiError(
        404,
        "invalid_request_error",
        "not_found",
        "adapter '" + adapterId + "' does not exist",
        param,
        "adapter_not_found",
        OptionalInt.empty());
  }

  /** 503: too many requests in flight; retry after the given number of seconds. */
  public static ApiError overCapacity(String reason, int retryAfterSeconds) {
    return new ApiError(
        503,
        "server_error",
        "overloaded",
        reason,
        null,
        "over_capacity",
        OptionalInt.of(retryAfterSeconds));
  }

  /** 404 for a path the API does not have. */
  public static ApiError noSuchRoute(String method, String path) {
    return new ApiError(
        404,
        "invalid_request_error",
        "not_found",
        "no route " + method + " " + path,
        null,
        "unknown_url",
        OptionalInt.empty());
  }

  /**
   * An error of a given status with a message passed on unchanged: an {@link InferenceGate}'s
   * refusal, or an {@link ExtensionRoute}'s {@code HttpResponseException}. OpenAI type {@code
   * insufficient_quota} for 402, {@code server_error} for 5xx, else {@code invalid_request_error};
   * LoRAX error_type {@code unauthorized} (401), {@code payment_required} (402), {@code forbidden}
   * (403), {@code not_found} (404), {@code rate_limited} (429), {@code overloaded} (503), else
   * {@code validation} (4xx) or {@code generation} (5xx).
   *
   * @param code OpenAI's {@code code}
   */
  public static ApiError ofStatus(int status, String code, String message) {
    String type =
        status == 402
            ? "insufficient_quota"
            : status >= 500 ? "server_error" : "invalid_request_error";
    String tgiType =
        switch (status) {
          case 401 -> "unauthorized";
          case 402 -> "payment_required";
          case 403 -> "forbidden";
          case 404 -> "not_found";
          case 429 -> "rate_limited";
          case 503 -> "overloaded";
          default -> status >= 500 ? "generation" : "validation";
        };
    return new ApiError(status, type, tgiType, message, null, code, OptionalInt.empty());
  }

  /** 500: the gate failed while settling an answer; the answer is withheld. */
  public static ApiError settlementFailed(String message) {
    return new ApiError(
        500, "server_error", "generation", message, null, "settlement_failed", OptionalInt.empty());
  }

  /** 500: a failure of the server itself; the request may be retried. */
  public static ApiError internal(String message) {
    return new ApiError(
        500, "server_error", "generation", message, null, "internal_error", OptionalInt.empty());
  }

  /**
   * The answer to an engine error: unknown adapter 404, invalid adapter or parameters 400, full
   * queue 503 with Retry-After, anything else 500. The engine's message is passed on unchanged.
   *
   * @param adapterParam the request field that named the adapter ({@code model}, {@code
   *     parameters.adapter_id})
   */
  public static ApiError from(EngineException e, String adapterParam) {
    return switch (e) {
      case EngineException.AdapterNotFound nf -> unknownAdapter(adapterParam, nf.adapterId());
      case EngineException.AdapterInvalid inv ->
          new ApiError(
              400,
              "invalid_request_error",
              "validation",
              inv.getMessage(),
              adapterParam,
              "adapter_invalid",
              OptionalInt.empty());
      case EngineException.InvalidRequest bad -> badParameter(null, bad.getMessage());
      case EngineException.ChatUnavailable chat ->
          new ApiError(
              400,
              "invalid_request_error",
              "validation",
              chat.getMessage(),
              "model",
              "chat_template_unsupported",
              OptionalInt.empty());
      case EngineException.OverCapacity oc ->
          overCapacity(
              oc.getMessage(),
              (int) Math.max(1, Math.min(3600, (oc.retryAfter().toMillis() + 999) / 1000)));
      case EngineException.Internal in -> internal(in.getMessage());
    };
  }

  /** The body OpenAI clients parse: {@code {"error":{"message","type","param","code"}}}. */
  public ObjectNode openAiBody() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return root;
  }

  /** The body LoRAX/TGI clients parse: {@code {"error","error_type"}}. */
  public ObjectNode tgiBody() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("error", message);
    root.put("error_type", tgiType);
    return root;
  }

  /** Thrown by request handling to answer with this error. */
  public ApiException toException() {
    return new ApiException(this);
  }
}
