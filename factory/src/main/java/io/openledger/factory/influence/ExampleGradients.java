package io.openledger.factory.influence;

import io.openledger.attribution.influence.DataInf;
import io.openledger.factory.data.Example;
import io.openledger.factory.train.Parameters.Segment;
import java.util.Arrays;
import java.util.List;

/**
 * Per-example loss gradients of a trained model, in one fixed example order: what influence is
 * measured from. The trainer implements it with {@code Trainable.lossAndGradient} on each example's
 * tokens (one backward pass per call, so a pass over all examples costs about one epoch); the
 * recorder calls {@link #gradient} up to three times per example.
 */
public interface ExampleGradients {
  /**
   * A model's summed-loss gradient on a token sequence, ADDED into {@code gradInto}: {@code
   * Trainable::lossAndGradient}.
   */
  @FunctionalInterface
  interface LossGradient {
    double lossAndGradient(int[] tokens, float[] gradInto);
  }

  /**
   * Training (or held-out) examples under a model: {@code gradient} clears {@code into} and adds
   * the example's summed next-token loss gradient.
   *
   * @param dimension the length of the model's trainable vector
   */
  static ExampleGradients of(
      List<Example> examples, List<Segment> layers, int dimension, LossGradient model) {
    List<Example> fixed = List.copyOf(examples);
    List<Segment> layerList = List.copyOf(layers);
    return new ExampleGradients() {
      @Override
      public int examples() {
        return fixed.size();
      }

      @Override
      public List<Segment> layers() {
        return layerList;
      }

      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public void gradient(int example, float[] into) {
        Arrays.fill(into, 0f);
        model.lossAndGradient(fixed.get(example).tokens(), into);
      }

      @Override
      public long contributionId(int example) {
        return fixed.get(example).contributionId();
      }
    };
  }

  /** The number of examples. */
  int examples();

  /**
   * The layers influence is measured over (each its own damping), as the trainer's parameter
   * segments ({@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight} [r, in]); they
   * lie within the vector.
   */
  List<Segment> layers();

  /** The length of the whole trainable vector: {@code gradient}'s {@code into}. */
  int dimension();

  /**
   * Overwrites {@code into} ({@code [dimension()]}) with {@code d(summed next-token loss of the
   * example)/d(parameters)}, at the trained parameters. Deterministic.
   */
  void gradient(int example, float[] into);

  /** The contribution the example was cut from. */
  long contributionId(int example);

  /** The layers as {@link DataInf} spans. */
  default List<DataInf.Layer> dataInfLayers() {
    return layers().stream().map(s -> new DataInf.Layer(s.name(), s.offset(), s.size())).toList();
  }
}
