package io.openledger.openlora.server;

/**
 * Decides whether a generation request may run and settles it once answered: the hook through which
 * a node makes inference paid (checks an API key or a signed spend against an escrow before, writes
 * the signed record after). This module knows nothing of what the gate does; the gate knows nothing
 * of HTTP beyond what {@link AdmissionRequest} carries.
 *
 * <p>For every generation request ({@code /v1/completions}, {@code /v1/chat/completions}, {@code
 * /generate}, {@code /generate_stream}; streamed or not) the server calls:
 *
 * <ol>
 *   <li>{@link #admit} once, after the request is parsed and checked and its prompt tokenized,
 *       before the engine sees it. A {@link Admission.Refused} is answered in the route's error
 *       shape with the gate's status, message and headers, and the engine never runs. An exception
 *       is answered 500 and the engine never runs. In both cases nothing else is called.
 *   <li>then exactly one of {@link #settle} and {@link #abandon} with the ticket admit returned.
 * </ol>
 *
 * <p><b>settle</b> gets the finished generation before any byte of a non-streamed response is sent,
 * and before the final event of a stream (the one carrying {@code usage}). Its {@link Settlement}
 * names the receipt id the client sees and the {@code openledger} object added to the response. The
 * server never calls {@code abandon} after {@code settle}, even when {@code settle} throws: the
 * client then gets a 500 error (non-streamed) or an error event ending the stream (streamed), and
 * whatever {@code settle} had already done (a record written, a charge counted) is the gate's to
 * keep or undo. A stream that has begun is always settled with what was generated, even if the
 * client hangs up: the hang-up stops generation (finish reason {@code CANCELLED}) and the tokens
 * made until then are the ones counted, so hanging up before the last event does not make an answer
 * free. (A client that leaves during a non-streamed request is not noticed: the answer is settled
 * and sent to no one.)
 *
 * <p><b>abandon</b> is called when the request fails after admission and before settlement: the
 * engine refused it (unknown or broken adapter, full queue), the generation failed, or the server
 * is shutting down. The reason is for logs. Exceptions it throws are logged and ignored.
 *
 * <p>Called concurrently from many request threads (virtual threads: blocking is fine).
 *
 * @param <T> the gate's own ticket for an admitted request; the server holds it without looking
 */
public interface InferenceGate<T> {

  /** Admits the request with a ticket, or refuses it. */
  Admission<T> admit(AdmissionRequest request);

  /** Settles an admitted request's answer; see the class comment for when. */
  Settlement settle(T ticket, Completed completed);

  /** Releases an admitted request that will not be settled; see the class comment for when. */
  void abandon(T ticket, String reason);
}
