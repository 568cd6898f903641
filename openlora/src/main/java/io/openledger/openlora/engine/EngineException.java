package io.openledger.openlora.engine;

import java.time.Duration;

/**
 * Errors a client can act on, one subclass per HTTP status. The message is written for the client
 * and says what is wrong.
 */
public abstract sealed class EngineException extends RuntimeException {

  protected EngineException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The HTTP status a server answers with. */
  public abstract int httpStatus();

  /** No adapter directory, registered adapter or blob has this id (404). */
  public static final class AdapterNotFound extends EngineException {
    private final String adapterId;

    public AdapterNotFound(String adapterId) {
      super("adapter not found: " + adapterId, null);
      this.adapterId = adapterId;
    }

    public String adapterId() {
      return adapterId;
    }

    @Override
    public int httpStatus() {
      return 404;
    }
  }

  /**
   * The adapter exists but cannot be used: malformed files, or shapes, target modules or base model
   * that do not match the served base (400).
   */
  public static final class AdapterInvalid extends EngineException {
    private final String adapterId;

    public AdapterInvalid(String adapterId, String reason) {
      this(adapterId, reason, null);
    }

    public AdapterInvalid(String adapterId, String reason, Throwable cause) {
      super("adapter " + adapterId + " is invalid: " + reason, cause);
      this.adapterId = adapterId;
    }

    public String adapterId() {
      return adapterId;
    }

    @Override
    public int httpStatus() {
      return 400;
    }
  }

  /** Bad request parameters (400). */
  public static final class InvalidRequest extends EngineException {
    public InvalidRequest(String message) {
      super(message, null);
    }

    @Override
    public int httpStatus() {
      return 400;
    }
  }

  /**
   * The model cannot render chat messages: its chat template was refused at load (or it has none).
   * Text completions still work. HTTP 400.
   */
  public static final class ChatUnavailable extends EngineException {
    private final String reason;

    public ChatUnavailable(String model, String reason) {
      super(
          "model "
              + model
              + " cannot serve chat completions: its chat template is refused because "
              + reason
              + "; send a prompt to /v1/completions instead",
          null);
      this.reason = reason;
    }

    /** Why the template was refused. */
    public String reason() {
      return reason;
    }

    @Override
    public int httpStatus() {
      return 400;
    }
  }

  /** The queue is full or the engine is closing; try again after {@link #retryAfter()} (503). */
  public static final class OverCapacity extends EngineException {
    private final Duration retryAfter;

    public OverCapacity(String message, Duration retryAfter) {
      super(message, null);
      this.retryAfter = retryAfter;
    }

    /** A hint for the Retry-After header (whole seconds, at least 1). */
    public Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public int httpStatus() {
      return 503;
    }
  }

  /** A bug or an I/O failure not attributable to the request (500). */
  public static final class Internal extends EngineException {
    public Internal(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public int httpStatus() {
      return 500;
    }
  }
}
