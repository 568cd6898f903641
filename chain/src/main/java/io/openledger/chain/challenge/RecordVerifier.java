package io.openledger.chain.challenge;

import io.openledger.chain.inference.Attribution;
import io.openledger.chain.inference.InferenceRecord;
import io.openledger.chain.state.StateReader;
import java.util.List;

/**
 * Recomputes what a published record claims, for the challenges decided without a vote ({@link
 * ChallengeKind#recomputed()}). The chain cannot import the attribution engine or the tokenizers
 * (they depend on it, not the other way round), so the rules carry an implementation the node
 * supplies: the attribution engine over the model's datanet-version indexes, and the registered
 * model's tokenizer. It must be deterministic (every node reaches the same verdict from the same
 * state and evidence) and charge nothing itself: the module prices a recomputation by the
 * evidence's size.
 */
public interface RecordVerifier {

  /** The outcome of a recomputation, as a value; the reason reaches the challenge's event. */
  sealed interface Verdict {
    /**
     * The record is wrong as claimed; what it should have said. The module corrects the batch's
     * payouts from these values before the batch is final.
     *
     * @param reason what differs, for the challenge's event
     * @param attribution the recomputed attribution (wrong token count: the record's own)
     * @param promptTokens the recomputed prompt tokens (wrong attribution: the record's own)
     * @param completionTokens the recomputed completion tokens (wrong attribution: the record's)
     */
    record Upheld(
        String reason, List<Attribution> attribution, long promptTokens, long completionTokens)
        implements Verdict {
      public Upheld {
        attribution = List.copyOf(attribution);
      }
    }

    /** The record matches the recomputation. */
    record Rejected(String reason) implements Verdict {}

    /**
     * The evidence cannot be checked (its hashes are not the record's): the challenge is refused.
     */
    record Invalid(String reason) implements Verdict {}
  }

  /**
   * @param state the state the challenge is decided in (models, datanet versions)
   * @param kind {@link ChallengeKind#WRONG_ATTRIBUTION} or {@link ChallengeKind#WRONG_TOKEN_COUNT}
   * @param record the challenged record, already proven part of its batch
   * @param evidence wrong attribution: the output text (UTF-8) whose hash is {@code
   *     record.outputHash()}; wrong token count: {@code abi.encode(bytes request, bytes output)},
   *     the texts whose hashes the record holds
   */
  Verdict verify(StateReader state, ChallengeKind kind, InferenceRecord record, byte[] evidence);
}
