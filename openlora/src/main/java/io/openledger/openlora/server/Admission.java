package io.openledger.openlora.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@link InferenceGate#admit} decided: run the request (with the gate's ticket) or refuse it
 * with an HTTP status, a message the client sees unchanged, and headers.
 *
 * @param <T> the gate's ticket type
 */
public sealed interface Admission<T> {

  /** Run it; {@code ticket} comes back in {@link InferenceGate#settle} or {@code abandon}. */
  record Admitted<T>(T ticket) implements Admission<T> {
    public Admitted {
      Objects.requireNonNull(ticket, "an admission needs a ticket");
    }
  }

  /**
   * Do not run it. OpenAI routes answer {@code {"error":{"message","type","param","code"}}}, LoRAX
   * routes {@code {"error","error_type"}}; see docs/openlora-api.md for the types by status.
   *
   * @param status 400-599, e.g. 401 (no or bad key), 402 (escrow or cap exhausted), 503
   * @param code OpenAI's machine-readable {@code code}, e.g. {@code invalid_api_key}
   * @param message for the client, unchanged
   * @param headers sent with the error; a 503 must carry {@code Retry-After}
   */
  record Refused<T>(int status, String code, String message, Map<String, String> headers)
      implements Admission<T> {
    private static final Pattern CODE = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    public Refused {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("a refusal's status is 400-599, got " + status);
      }
      if (code == null || !CODE.matcher(code).matches()) {
        throw new IllegalArgumentException(
            "a refusal's code is 1-64 of [a-z0-9_], got " + (code == null ? "null" : code));
      }
      if (message == null || message.isBlank()) {
        throw new IllegalArgumentException("a refusal needs a message for the client");
      }
      headers = Map.copyOf(headers);
      headers.forEach(
          (k, v) -> {
            if (!HEADER_NAME.matcher(k).matches()) {
              throw new IllegalArgumentException("not a header name: '" + k + "'");
            }
            if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
              throw new IllegalArgumentException("header " + k + " has a control character");
            }
          });
      if (status == 503 && headers.keySet().stream().noneMatch("Retry-After"::equalsIgnoreCase)) {
        throw new IllegalArgumentException("a 503 refusal needs a Retry-After header");
      }
    }

    /** The same refusal with one more header. */
    public Refused<T> withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Refused<>(status, code, message, h);
    }
  }

  static <T> Admitted<T> admit(T ticket) {
    return new Admitted<>(ticket);
  }

  static <T> Refused<T> refuse(int status, String code, String message) {
    return new Refused<>(status, code, message, Map.of());
  }

  /**
   * 401 {@code invalid_api_key}, with {@code WWW-Authenticate: Bearer}: no key, or not a valid one.
   */
  static <T> Refused<T> unauthorized(String message) {
    return new Refused<>(401, "invalid_api_key", message, Map.of("WWW-Authenticate", "Bearer"));
  }

  /** 402 {@code payment_required}: the escrow, the key's cap or the signed amount is exhausted. */
  static <T> Refused<T> paymentRequired(String message) {
    return refuse(402, "payment_required", message);
  }

  /** 503 {@code unavailable} with {@code Retry-After}: the gate cannot decide now. */
  static <T> Refused<T> unavailable(String message, int retryAfterSeconds) {
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException("retryAfterSeconds must be at least 1");
    }
    return new Refused<>(
        503, "unavailable", message, Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }
}
