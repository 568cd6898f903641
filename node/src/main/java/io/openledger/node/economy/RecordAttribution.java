package io.openledger.node.economy;

import io.openledger.attribution.ContributionWeight;
import io.openledger.attribution.trace.TraceResult;
import io.openledger.attribution.trace.Tracer;
import io.openledger.chain.inference.Attribution;
import io.openledger.chain.model.Model;
import io.openledger.node.economy.DatanetIndexes.DatanetVersionRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The attribution a record carries for an output: the one rule the paid-inference gate writes into
 * records and the challenge verifier recomputes them with, so the two cannot drift. The tracer is
 * the attribution engine over the model's datanet versions ({@link #versions}), at the engine's
 * fixed parameters ({@code TraceParameters.V1}).
 */
public final class RecordAttribution {
  private RecordAttribution() {}

  /**
   * A traced output and the record's attribution of it, in the tracer's order.
   *
   * @param trace the spans and weights (for the response's {@code openledger} object)
   * @param attribution contribution ids with ppm weights, as {@code InferenceRecord} holds them
   */
  public record Computed(TraceResult trace, List<Attribution> attribution) {
    public Computed {
      attribution = List.copyOf(attribution);
    }
  }

  /** The datanet versions a model was registered on, the corpus its outputs are traced against. */
  public static List<DatanetVersionRef> versions(Model model) {
    return model.datanets().stream()
        .map(d -> new DatanetVersionRef(d.datanetId(), d.version()))
        .toList();
  }

  /** Traces {@code output} and turns the contributions' weights into the record's attribution. */
  public static Computed of(Tracer tracer, String output) {
    TraceResult trace = tracer.trace(output);
    List<Attribution> attribution = new ArrayList<>();
    for (ContributionWeight w : trace.weights().contributions()) {
      attribution.add(new Attribution(Long.parseLong(w.contributionId()), w.ppm()));
    }
    return new Computed(trace, attribution);
  }
}
