package io.openledger.openlora.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.Fixtures;
import io.openledger.openlora.testmodel.ModelSpec;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {
  @Test
  void generates() {
    var adapters = Fixtures.adapters(ModelSpec.tiny(), 2, AdapterSpec.of(8, 1));
    try (InferenceEngine e =
        InferenceEngine.open(EngineConfig.of(Fixtures.tinyModel()).withAdapterDir(adapters))) {
      GenerationResult r =
          e.submit(GenerationRequest.of("The model and the data", 20)).result().join();
      System.out.println("BASE: " + r);
      GenerationResult a =
          e.submit(GenerationRequest.of("The model and the data", 20).withAdapter("adapter-0000"))
              .result()
              .join();
      System.out.println("A0: " + a.text() + " " + a.finishReason());
      System.out.println(e.metrics());
      System.out.println(e.adapters());
      assertThat(r.completionTokens()).isPositive();
    }
  }
}
