package io.openledger.openlora.server;

/** Carries an {@link ApiError} out of request handling to the route's error renderer. */
public final class ApiException extends RuntimeException {
  private final transient ApiError error;

  public ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public ApiError error() {
    return error;
  }
}
