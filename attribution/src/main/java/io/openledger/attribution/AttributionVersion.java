package io.openledger.attribution;

/**
 * The version of the attribution rules ({@code attribution.version}). Every rule that changes a
 * number handed to the chain (tokenization, span selection, rarity, rounding) belongs to one
 * version; a change of any of them is a new version, and old records are recomputed with the rules
 * of the version they name. The rules of version 1 are written down in docs/attribution-v1.md.
 */
public final class AttributionVersion {
  /** The only version so far. */
  public static final int V1 = 1;

  /** The version this library computes. */
  public static final int CURRENT = V1;

  private AttributionVersion() {}
}
