package io.openledger.openlora.adapter;

import io.openledger.openlora.model.Projection;
import java.util.List;

/**
 * An adapter checked against the base, weights not yet read.
 *
 * @param id the id requests use
 * @param source its files
 * @param rank the largest rank among its layers (r, or a rank_pattern value)
 * @param alpha lora_alpha
 * @param rsLora scale is alpha / √r instead of alpha / r
 * @param targets the projections it adapts
 * @param baseModel base_model_name_or_path
 * @param weightBytes bytes its A and Bᵀ arrays take once loaded (f32)
 * @param tensors tensors in the weights file
 * @param fingerprint the files' size and time when checked
 * @param warnings what was accepted with a warning (another base's name, unknown config keys)
 */
public record AdapterManifest(
    String id,
    AdapterSource source,
    int rank,
    double alpha,
    boolean rsLora,
    List<Projection> targets,
    String baseModel,
    long weightBytes,
    int tensors,
    String fingerprint,
    List<String> warnings) {

  public AdapterManifest {
    targets = List.copyOf(targets);
    warnings = List.copyOf(warnings);
  }

  /** Target module names, as in adapter_config.json. */
  public List<String> targetModules() {
    return targets.stream().map(Projection::module).toList();
  }
}
