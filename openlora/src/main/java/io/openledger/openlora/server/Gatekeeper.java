package io.openledger.openlora.server;

import io.javalin.http.Context;
import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's {@link InferenceGate}, if any: admits each generation request before it runs. */
final class Gatekeeper {
  private static final Logger LOG = LoggerFactory.getLogger(Gatekeeper.class);

  /** Lets every request through with the server's own receipts. */
  static final Gatekeeper NONE = new Gatekeeper(Optional.empty());

  private final Optional<InferenceGate<?>> gate;

  Gatekeeper(Optional<InferenceGate<?>> gate) {
    this.gate = gate;
  }

  /**
   * Asks the gate; returns the admitted request, whose work must then settle or abandon it.
   *
   * @throws ApiException the gate's refusal (its headers already set on the response), or a 500
   *     when the gate failed
   */
  GatedRequest admit(Context ctx, String route, boolean streaming, GenerationPlan plan) {
    if (gate.isEmpty()) {
      return GatedRequest.Ungated.INSTANCE;
    }
    AdmissionRequest request =
        new AdmissionRequest(
            route,
            streaming,
            plan.modelName(),
            adapterIds(plan.adapters()),
            ctx.bodyAsBytes(),
            ctx.headerMap(),
            plan.promptIds().length,
            plan.sampling().maxTokens());
    return admit(gate.get(), ctx, request);
  }

  private static <T> GatedRequest admit(InferenceGate<T> gate, Context ctx, AdmissionRequest r) {
    Admission<T> decision;
    try {
      decision = gate.admit(r);
    } catch (RuntimeException e) {
      LOG.error("the inference gate failed to admit a request on {}", r.route(), e);
      throw ApiError.internal("the request could not be admitted: " + e.getMessage()).toException();
    }
    return switch (decision) {
      case Admission.Admitted<T> a -> new GatedRequest.Admitted<>(gate, a.ticket(), r);
      case Admission.Refused<T> no -> {
        no.headers().forEach(ctx::header);
        throw ApiError.ofStatus(no.status(), no.code(), no.message()).toException();
      }
      case null ->
          throw ApiError.internal("the request could not be admitted: the gate gave no answer")
              .toException();
    };
  }

  private static List<String> adapterIds(AdapterChoice choice) {
    return switch (choice) {
      case AdapterChoice.Base b -> List.of();
      case AdapterChoice.Single s -> List.of(s.adapterId());
      case AdapterChoice.Ensemble e ->
          e.members().stream().map(AdapterChoice.Weighted::adapterId).toList();
    };
  }
}
