package io.openledger.chain.distributor;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.Objects;

/**
 * A reward distribution, from the genesis file's {@code distributor} section (docs/points.md): the
 * Merkle root of the published (account, amount) list, the OPEN it holds (taken from the community
 * share at genesis), until when it can be claimed, where the unclaimed rest goes, and the vesting
 * every claim is paid into.
 *
 * @param root {@link ClaimTree#root()} of the published list
 * @param amount base units the distributor holds at genesis; the list must sum to at most this
 * @param deadline block timestamp after which claims are refused and the rest can be swept
 * @param returnTo the community pool address the unclaimed rest goes back to
 * @param cliff seconds after genesis before a claimed amount starts to vest
 * @param duration seconds of linear vesting after the cliff (0: all at the cliff)
 */
public record Distribution(
    Hash root, Amount amount, long deadline, Address returnTo, long cliff, long duration) {
  public Distribution {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(returnTo, "returnTo");
    if (cliff < 0 || duration < 0 || deadline < 0) {
      throw new IllegalArgumentException("deadline, cliff and duration must be >= 0");
    }
  }
}
