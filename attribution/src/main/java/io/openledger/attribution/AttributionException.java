package io.openledger.attribution;

/**
 * An error the caller can act on. The message is written for the user and says what is wrong and
 * where; it reaches the user unchanged. Nothing is changed on disk when one is thrown.
 */
public abstract sealed class AttributionException extends RuntimeException {

  protected AttributionException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A contribution or output that cannot be used: not UTF-8, over the size limit, duplicate id. */
  public static final class InvalidInput extends AttributionException {
    public InvalidInput(String message) {
      super(message, null);
    }
  }

  /**
   * An index file that is missing, truncated, of another format version, or whose checksum does not
   * match. An index that fails any check is never queried, so a damaged index gives this error and
   * never a wrong answer.
   */
  public static final class CorruptIndex extends AttributionException {
    public CorruptIndex(String message) {
      super(message, null);
    }

    public CorruptIndex(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A data set or other resource the computation needs is not installed. */
  public static final class MissingResource extends AttributionException {
    public MissingResource(String message) {
      super(message, null);
    }
  }
}
