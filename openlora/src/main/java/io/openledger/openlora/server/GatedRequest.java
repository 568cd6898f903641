package io.openledger.openlora.server;

import io.openledger.openlora.engine.GenerationResult;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admitted generation request: settled or abandoned exactly once (see {@link InferenceGate}).
 * Without a gate, settling just names the server's own receipt.
 */
abstract sealed class GatedRequest {
  private static final Logger LOG = LoggerFactory.getLogger(GatedRequest.class);

  /** The request's work after admission; it settles the request or fails. */
  @FunctionalInterface
  interface Work {
    void run(GatedRequest request) throws Exception;
  }

  /**
   * Settles the answer; called before the response (or the stream's final event) is sent.
   *
   * @throws ApiException a 500 when the gate failed to settle (never abandoned afterwards)
   */
  abstract Receipt settle(GenerationPlan plan, GenerationResult result);

  /** Releases the request unless it is already settled or abandoned. */
  abstract void abandon(String reason);

  /**
   * Runs the work, abandoning the request if the work fails, or ends, without settling it.
   *
   * @throws Exception what the work threw
   */
  final void run(Work work) throws Exception {
    try {
      work.run(this);
    } catch (Throwable t) {
      abandon(reason(t));
      throw t;
    } finally {
      abandon("the request ended without an answer");
    }
  }

  private static String reason(Throwable t) {
    return switch (t) {
      case ApiException e -> e.error().status() + " " + e.getMessage();
      case InterruptedException e -> "interrupted: the server is shutting down";
      default -> t.toString();
    };
  }

  /** No gate: the server's own receipt, nothing to release. */
  static final class Ungated extends GatedRequest {
    static final Ungated INSTANCE = new Ungated();

    @Override
    Receipt settle(GenerationPlan plan, GenerationResult result) {
      return new Receipt(plan.receiptId(result), null);
    }

    @Override
    void abandon(String reason) {}
  }

  /** Admitted by a gate, holding its ticket. */
  static final class Admitted<T> extends GatedRequest {
    private final InferenceGate<T> gate;
    private final T ticket;
    private final AdmissionRequest request;
    private final AtomicBoolean finished = new AtomicBoolean();

    Admitted(InferenceGate<T> gate, T ticket, AdmissionRequest request) {
      this.gate = gate;
      this.ticket = ticket;
      this.request = request;
    }

    @Override
    Receipt settle(GenerationPlan plan, GenerationResult r) {
      if (!finished.compareAndSet(false, true)) {
        throw new IllegalStateException("a request is settled or abandoned once");
      }
      Completed done =
          new Completed(
              request.route(),
              request.streaming(),
              request.model(),
              request.adapterIds(),
              r.promptTokens(),
              r.completionTokens(),
              r.text(),
              r.finishReason(),
              plan.receiptId(r));
      Settlement s;
      try {
        s = gate.settle(ticket, done);
      } catch (RuntimeException e) {
        LOG.error("the inference gate failed to settle an answer on {}", request.route(), e);
        throw ApiError.settlementFailed("the answer could not be settled: " + e.getMessage())
            .toException();
      }
      if (s == null) {
        throw ApiError.settlementFailed("the answer could not be settled: the gate gave nothing")
            .toException();
      }
      return new Receipt(s.receiptId(), s.openledger());
    }

    @Override
    void abandon(String reason) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      try {
        gate.abandon(ticket, reason);
      } catch (RuntimeException e) {
        // The request's own outcome is what the client hears about.
        LOG.error("the inference gate failed to abandon a request ({})", reason, e);
      }
    }
  }
}
