package io.openledger.openlora.testmodel;

import java.util.List;

/**
 * A generated PEFT LoRA adapter.
 *
 * @param rank r
 * @param alpha lora_alpha (scale alpha / r)
 * @param targetModules e.g. q_proj, v_proj
 * @param seed A and B are a pure function of (base spec, this spec)
 */
public record AdapterSpec(int rank, double alpha, List<String> targetModules, long seed) {
  public AdapterSpec {
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be at least 1");
    }
    targetModules = List.copyOf(targetModules);
    if (targetModules.isEmpty()) {
      throw new IllegalArgumentException("targetModules is empty");
    }
  }

  /** Rank r on q_proj and v_proj (PEFT's default targets for Llama), alpha 2r. */
  public static AdapterSpec of(int rank, long seed) {
    return new AdapterSpec(rank, 2.0 * rank, List.of("q_proj", "v_proj"), seed);
  }

  /** Rank r on all seven projections. */
  public static AdapterSpec allLinear(int rank, long seed) {
    return new AdapterSpec(
        rank,
        2.0 * rank,
        List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
        seed);
  }

  public AdapterSpec withSeed(long s) {
    return new AdapterSpec(rank, alpha, targetModules, s);
  }
}
