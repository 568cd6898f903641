package io.openledger.chain.governance;

import io.openledger.chain.types.Address;
import java.nio.ByteBuffer;

/**
 * What the governance module keeps of a proposal (its actions are only hashed into its id).
 *
 * @param proposer who proposed it
 * @param snapshot votes are read at the end of the last block at or before this timestamp; voting
 *     opens the second after
 * @param deadline the last second one may vote
 * @param eta when queued: the first second it may be executed, else 0
 * @param executed executed
 * @param canceled canceled by its proposer
 */
public record Proposal(
    Address proposer, long snapshot, long deadline, long eta, boolean executed, boolean canceled) {

  byte[] encode() {
    return ByteBuffer.allocate(45)
        .put(proposer.toArray())
        .putLong(snapshot)
        .putLong(deadline)
        .putLong(eta)
        .put((byte) (executed ? 1 : canceled ? 2 : 0))
        .array();
  }

  static Proposal decode(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b);
    byte[] a = new byte[20];
    bb.get(a);
    long snapshot = bb.getLong();
    long deadline = bb.getLong();
    long eta = bb.getLong();
    byte flag = bb.get();
    return new Proposal(Address.wrap(a), snapshot, deadline, eta, flag == 1, flag == 2);
  }

  Proposal withEta(long newEta) {
    return new Proposal(proposer, snapshot, deadline, newEta, executed, canceled);
  }

  Proposal asExecuted() {
    return new Proposal(proposer, snapshot, deadline, eta, true, false);
  }

  Proposal asCanceled() {
    return new Proposal(proposer, snapshot, deadline, eta, false, true);
  }
}
