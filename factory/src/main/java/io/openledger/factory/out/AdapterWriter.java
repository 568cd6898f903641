package io.openledger.factory.out;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a trained LoRA adapter exactly as PEFT's {@code save_pretrained} does: {@code
 * adapter_config.json} (every field PEFT writes, keys sorted, two-space indent) and {@code
 * adapter_model.safetensors} (F32, tensors sorted by name, metadata {"format": "pt"}), so {@code
 * serve}, PEFT and anything else that reads PEFT adapters load it unchanged.
 *
 * <p>Tensor names are PEFT's: {@code base_model.model.model.layers.{l}.{self_attn|mlp}.{proj}
 * .lora_A.weight} of shape [r, in] and {@code ...lora_B.weight} of shape [out, r], the update being
 * {@code W x + scale * B (A x)} with scale alpha / r (alpha / √r with rsLoRA).
 */
public final class AdapterWriter {
  private AdapterWriter() {}

  /**
   * What adapter_config.json says.
   *
   * @param baseModel base_model_name_or_path
   * @param targetModules module names among q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj,
   *     down_proj; adapted in every layer
   */
  public record LoraSettings(
      String baseModel, int rank, double alpha, List<String> targetModules, boolean useRslora) {
    public LoraSettings {
      targetModules = List.copyOf(new TreeSet<>(targetModules));
      if (rank <= 0) {
        throw new IllegalArgumentException("rank must be positive, got " + rank);
      }
      if (!(alpha > 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("alpha must be positive, got " + alpha);
      }
      if (targetModules.isEmpty()) {
        throw new IllegalArgumentException("no target modules");
      }
      for (String m : targetModules) {
        if (Projection.ofModule(m) == null) {
          throw new IllegalArgumentException("unknown target module " + m);
        }
      }
    }
  }

  /** PEFT's name of layer {@code layer}'s A (down, [r, in]) or B (up, [out, r]) matrix. */
  public static String tensorName(int layer, Projection p, boolean a) {
    return "base_model.model.model.layers."
        + layer
        + "."
        + p.block()
        + "."
        + p.module()
        + (a ? ".lora_A.weight" : ".lora_B.weight");
  }

  /** The tensors an adapter of {@code s} on {@code base} holds, with their shapes, by name. */
  public static Map<String, int[]> tensorShapes(LlamaConfig base, LoraSettings s) {
    Map<String, int[]> shapes = new TreeMap<>();
    for (int l = 0; l < base.layers(); l++) {
      for (String m : s.targetModules()) {
        Projection p = Projection.ofModule(m);
        shapes.put(tensorName(l, p, true), new int[] {s.rank(), base.inFeatures(p)});
        shapes.put(tensorName(l, p, false), new int[] {base.outFeatures(p), s.rank()});
      }
    }
    return shapes;
  }

  /**
   * Writes {@code dir/adapter_config.json} and {@code dir/adapter_model.safetensors} (the directory
   * is created if missing).
   *
   * @param tensors exactly the tensors of {@link #tensorShapes}, in any order
   * @throws IllegalArgumentException naming a tensor that is missing, unexpected, mis-shaped or not
   *     finite
   */
  public static void write(
      Path dir, LoraSettings settings, LlamaConfig base, List<NamedTensor> tensors) {
    List<SafetensorsWriter.Entry> entries =
        checkedEntries(tensorShapes(base, settings), tensors, "the adapter");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("adapter_config.json"), configJson(settings));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("adapter_config.json"), e);
    }
    SafetensorsWriter.write(
        dir.resolve("adapter_model.safetensors"), entries, Map.of("format", "pt"));
  }

  /**
   * adapter_config.json's text: the fields PEFT 0.21 writes for a LoRA adapter of a causal LM
   * (factory/src/test/python's reference adapter), except peft_version, since PEFT did not write
   * this one.
   */
  static String configJson(LoraSettings s) {
    Map<String, Object> c = new TreeMap<>(); // PEFT writes json.dumps(sort_keys=True)
    c.put("alora_invocation_tokens", null);
    c.put("alpha_pattern", new TreeMap<>());
    c.put("arrow_config", null);
    c.put("auto_mapping", null);
    c.put("base_model_name_or_path", s.baseModel());
    c.put("bias", "none");
    c.put("corda_config", null);
    c.put("ensure_weight_tying", false);
    c.put("eva_config", null);
    c.put("exclude_modules", null);
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.put("kasa_config", null);
    c.put("layer_replication", null);
    c.put("layers_pattern", null);
    c.put("layers_to_transform", null);
    c.put("loftq_config", new TreeMap<>());
    c.put("lora_alpha", number(s.alpha()));
    c.put("lora_bias", false);
    c.put("lora_dropout", 0.0);
    c.put("lora_ga_config", null);
    c.put("megatron_config", null);
    c.put("megatron_core", "megatron.core");
    c.put("modules_to_save", null);
    c.put("monteclora_config", null);
    c.put("peft_type", "LORA");
    c.put("qalora_group_size", 16L);
    c.put("r", (long) s.rank());
    c.put("rank_pattern", new TreeMap<>());
    c.put("revision", null);
    c.put("target_modules", new ArrayList<Object>(s.targetModules()));
    c.put("target_parameters", null);
    c.put("task_type", "CAUSAL_LM");
    c.put("trainable_token_indices", null);
    c.put("use_bdlora", null);
    c.put("use_dora", false);
    c.put("use_qalora", false);
    c.put("use_rslora", s.useRslora());
    c.put("velora_config", null);
    return JsonMaps.writePretty(c);
  }

  /** An integral value as an integer (PEFT's lora_alpha is an int unless given as a float). */
  private static Object number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 0x1p53 ? (Object) (long) v : (Object) v;
  }

  /**
   * The tensors as safetensors entries sorted by name (as the safetensors library orders tensors of
   * one dtype), checked against the expected names and shapes.
   */
  static List<SafetensorsWriter.Entry> checkedEntries(
      Map<String, int[]> expected, List<NamedTensor> tensors, String what) {
    Map<String, NamedTensor> byName = new HashMap<>();
    for (NamedTensor t : tensors) {
      int[] shape = expected.get(t.name());
      if (shape == null) {
        throw new IllegalArgumentException(what + " has no tensor " + t.name());
      }
      if (!Arrays.equals(shape, t.shape())) {
        throw new IllegalArgumentException(
            t.name()
                + " has shape "
                + Arrays.toString(t.shape())
                + ", expected "
                + Arrays.toString(shape));
      }
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException(t.name() + " is given twice");
      }
      float[] v = t.values();
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalArgumentException(t.name() + "[" + i + "] is " + v[i]);
        }
      }
    }
    for (String name : expected.keySet()) {
      if (!byName.containsKey(name)) {
        throw new IllegalArgumentException(what + " lacks " + name);
      }
    }
    List<NamedTensor> sorted = new ArrayList<>(byName.values());
    sorted.sort(Comparator.comparing(NamedTensor::name));
    List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    for (NamedTensor t : sorted) {
      entries.add(SafetensorsWriter.Entry.of(t.name(), DType.F32, t.values(), t.longShape()));
    }
    return entries;
  }
}
