package io.openledger.chain.challenge;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One challenge, as the challenge module keeps it.
 *
 * @param id from 1
 * @param kind the claimed fault
 * @param status where it stands
 * @param operator the accused: the record's operator; for {@link ChallengeKind#ADVERSARIAL_DATA}
 *     the contribution's contributor
 * @param challenger who filed it and posted the bond
 * @param payer the harmed payer (the record's, or the challenger for unavailability); zero for
 *     adversarial data
 * @param keyHash the record's key hash (zero in signed mode): which charge of the batch it was
 * @param seq the batch of the record (unavailability: of the answering record, once answered)
 * @param recordNumber the record's number (unavailability: the answering record's)
 * @param subject adversarial data: the contribution id; unavailability: the model id; else 0
 * @param requestHash unavailability: the unanswered request's hash; else zero
 * @param bond base units held until the decision
 * @param filedAt block timestamp of the filing
 * @param deadline end of the vote or the answer window; the filing time for decided kinds
 * @param eligibleStake the active validator stake when it was filed (the quorum's base)
 * @param upheldWeight validator stake that voted "upheld"
 * @param rejectedWeight validator stake that voted "rejected"
 * @param slashed what the decision took (the pool's cut or the contribution's bond)
 */
public record Challenge(
    long id,
    ChallengeKind kind,
    ChallengeStatus status,
    Address operator,
    Address challenger,
    Address payer,
    Hash keyHash,
    long seq,
    long recordNumber,
    long subject,
    Hash requestHash,
    Amount bond,
    long filedAt,
    long deadline,
    Amount eligibleStake,
    Amount upheldWeight,
    Amount rejectedWeight,
    Amount slashed) {
  static final int SIZE = 2 + 3 * Address.SIZE + 2 * Hash.SIZE + 5 * 8 + 5 * 32;

  public Challenge {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(challenger, "challenger");
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(requestHash, "requestHash");
    Objects.requireNonNull(bond, "bond");
    Objects.requireNonNull(eligibleStake, "eligibleStake");
    Objects.requireNonNull(upheldWeight, "upheldWeight");
    Objects.requireNonNull(rejectedWeight, "rejectedWeight");
    Objects.requireNonNull(slashed, "slashed");
  }

  public boolean open() {
    return status == ChallengeStatus.OPEN;
  }

  Challenge withStatus(ChallengeStatus s, Amount cut) {
    return new Challenge(
        id,
        kind,
        s,
        operator,
        challenger,
        payer,
        keyHash,
        seq,
        recordNumber,
        subject,
        requestHash,
        bond,
        filedAt,
        deadline,
        eligibleStake,
        upheldWeight,
        rejectedWeight,
        cut);
  }

  Challenge withVote(boolean upheld, Amount weight) {
    return new Challenge(
        id,
        kind,
        status,
        operator,
        challenger,
        payer,
        keyHash,
        seq,
        recordNumber,
        subject,
        requestHash,
        bond,
        filedAt,
        deadline,
        eligibleStake,
        upheld ? upheldWeight.add(weight) : upheldWeight,
        upheld ? rejectedWeight : rejectedWeight.add(weight),
        slashed);
  }

  Challenge answeredBy(long answerSeq, long answerRecord) {
    return new Challenge(
        id,
        kind,
        status,
        operator,
        challenger,
        payer,
        keyHash,
        answerSeq,
        answerRecord,
        subject,
        requestHash,
        bond,
        filedAt,
        deadline,
        eligibleStake,
        upheldWeight,
        rejectedWeight,
        slashed);
  }

  /** The fixed-width layout, in component order after the id (kind and status one byte each). */
  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put((byte) kind.code())
        .put((byte) status.code())
        .put(operator.toArray())
        .put(challenger.toArray())
        .put(payer.toArray())
        .put(keyHash.toArray())
        .putLong(seq)
        .putLong(recordNumber)
        .putLong(subject)
        .put(requestHash.toArray())
        .put(bond.toBytes32())
        .putLong(filedAt)
        .putLong(deadline)
        .put(eligibleStake.toBytes32())
        .put(upheldWeight.toBytes32())
        .put(rejectedWeight.toBytes32())
        .put(slashed.toBytes32())
        .array();
  }

  static Challenge decode(long id, byte[] value) {
    ByteBuffer b = Codec.reader(value, SIZE, "challenge");
    ChallengeKind kind = ChallengeKind.of(b.get()).orElseThrow(Codec::corrupt);
    ChallengeStatus status = ChallengeStatus.of(b.get()).orElseThrow(Codec::corrupt);
    return new Challenge(
        id,
        kind,
        status,
        Codec.address(b),
        Codec.address(b),
        Codec.address(b),
        Codec.hash(b),
        b.getLong(),
        b.getLong(),
        b.getLong(),
        Codec.hash(b),
        Codec.amount(b),
        b.getLong(),
        b.getLong(),
        Codec.amount(b),
        Codec.amount(b),
        Codec.amount(b),
        Codec.amount(b));
  }
}
