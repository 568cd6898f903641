package io.openledger.chain.points;

/**
 * What a testnet point is earned for (docs/points.md). The code is the byte in the storage key and
 * never changes.
 */
public enum PointsCategory {
  /** A contribution accepted, with a validation score, by a datanet owner other than its author. */
  DATA(0),
  /** OPEN paid to a data contributor in an inference batch when the batch becomes final. */
  USAGE(1),
  /** A vote cast by a registered validator on a challenge. */
  VALIDATION(2),
  /** A day on which at least one of an operator's paid batches became final. */
  UPTIME(3);

  private final int code;

  PointsCategory(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
