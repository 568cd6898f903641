package io.openledger.factory.influence;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.factory.data.Example;
import io.openledger.factory.train.Parameters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adapter from a model's loss-gradient call to per-example gradients. */
class ExampleGradientsTest {

  @Test
  void eachCallIsTheExampleAloneNotAnAccumulation() {
    // a "model" that adds 1 at every token id of the sequence (ADDS, as Trainable does)
    ExampleGradients.LossGradient model =
        (tokens, into) -> {
          for (int t : tokens) {
            into[t] += 1;
          }
          return tokens.length;
        };
    List<Example> examples =
        List.of(
            new Example(1, 2, 10, 0, new int[] {0, 1, 1}),
            new Example(1, 2, 11, 0, new int[] {3, 2}));
    ExampleGradients g =
        ExampleGradients.of(
            examples, List.of(new Parameters.Segment("w", 0, new int[] {2, 2})), 4, model);
    float[] into = new float[4];
    g.gradient(0, into);
    g.gradient(0, into);
    assertThat(into).containsExactly(1, 2, 0, 0);
    g.gradient(1, into);
    assertThat(into).containsExactly(0, 0, 1, 1);
    assertThat(g.contributionId(0)).isEqualTo(10);
    assertThat(g.contributionId(1)).isEqualTo(11);
    assertThat(g.examples()).isEqualTo(2);
    assertThat(g.dataInfLayers())
        .containsExactly(new io.openledger.attribution.influence.DataInf.Layer("w", 0, 4));
  }
}
