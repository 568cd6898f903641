package io.openledger.node.blob;

import java.io.IOException;

/**
 * A blob server refused a request or sent something wrong.
 *
 * @see BlobClient
 */
public final class BlobClientException extends IOException {
  private final int status;
  private final String code;

  /**
   * @param status the HTTP status (0 when the failure is the client's own check)
   * @param code the server's error code ({@code hash_mismatch}, ...), or the client's
   */
  public BlobClientException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
