package io.openledger.openlora.engine;

import java.util.List;

/**
 * A LoRA adapter as the engine knows it.
 *
 * @param id the id requests name it by (directory name, registered id, or {@code sha256:<hex>})
 * @param rank LoRA rank r
 * @param alpha lora_alpha; the low-rank update is scaled by alpha / r
 * @param targetModules the projections it adapts (q_proj, k_proj, v_proj, o_proj, gate_proj,
 *     up_proj, down_proj)
 * @param baseModel adapter_config.json's base_model_name_or_path ("" when absent)
 * @param weightBytes bytes its weights take in memory (f32 A and B of every adapted layer)
 * @param tier where its weights are now
 * @param warnings what it was accepted despite (another base's name, unknown config keys)
 */
public record AdapterInfo(
    String id,
    int rank,
    double alpha,
    List<String> targetModules,
    String baseModel,
    long weightBytes,
    Tier tier,
    List<String> warnings) {

  public AdapterInfo {
    warnings = List.copyOf(warnings);
  }

  /** Cache tiers, hottest first. */
  public enum Tier {
    /** Used by a sequence in the running batch; never evicted. */
    ACTIVE,
    /** In memory, not in the batch; evicted least recently used first to hold the budget. */
    WARM,
    /** On disk only (page cache at best). */
    COLD
  }
}
