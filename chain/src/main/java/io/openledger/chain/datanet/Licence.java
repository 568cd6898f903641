package io.openledger.chain.datanet;

import java.util.ArrayList;
import java.util.List;

/**
 * The licence of a datanet: a bit set ({@code uint32} in the ABI) of {@link #COMMERCIAL_USE},
 * {@link #ATTRIBUTION}, {@link #SHARE_ALIKE} and {@link #NO_DERIVATIVES}. Other bits are refused.
 *
 * @param flags the bit set
 */
public record Licence(int flags) {
  /** Commercial use allowed: a paid model may be trained on the data. */
  public static final int COMMERCIAL_USE = 1;

  /** Users must credit the datanet. */
  public static final int ATTRIBUTION = 2;

  /** Derived works carry the same licence. */
  public static final int SHARE_ALIKE = 4;

  /** No derivatives: no model may be registered on the data (a trained model is a derivative). */
  public static final int NO_DERIVATIVES = 8;

  /** Every defined flag. */
  public static final int ALL = COMMERCIAL_USE | ATTRIBUTION | SHARE_ALIKE | NO_DERIVATIVES;

  /**
   * @throws IllegalArgumentException if {@code flags} has a bit that is not a defined flag
   */
  public Licence {
    if (!isValid(flags)) {
      throw new IllegalArgumentException(
          "unknown licence flags 0x" + Integer.toHexString(flags & ~ALL) + " (defined: 0xf)");
    }
  }

  /** True when {@code flags} (an unsigned 32-bit value) sets only defined flags. */
  public static boolean isValid(long flags) {
    return (flags & ~(long) ALL) == 0;
  }

  public boolean commercialUse() {
    return (flags & COMMERCIAL_USE) != 0;
  }

  public boolean attributionRequired() {
    return (flags & ATTRIBUTION) != 0;
  }

  public boolean shareAlike() {
    return (flags & SHARE_ALIKE) != 0;
  }

  public boolean noDerivatives() {
    return (flags & NO_DERIVATIVES) != 0;
  }

  /** E.g. {@code "commercial use, attribution"}; {@code "none"} when no flag is set. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    if (commercialUse()) {
      names.add("commercial use");
    }
    if (attributionRequired()) {
      names.add("attribution");
    }
    if (shareAlike()) {
      names.add("share-alike");
    }
    if (noDerivatives()) {
      names.add("no derivatives");
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
