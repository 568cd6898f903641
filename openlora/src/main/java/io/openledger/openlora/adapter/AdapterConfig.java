package io.openledger.openlora.adapter;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.model.Projection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PEFT's adapter_config.json for a LoRA adapter, with every field that changes the math either
 * honoured as PEFT honours it or refused by name.
 *
 * <p>Module names are PEFT's keys: the base model's module names, {@code
 * model.layers.3.self_attn.q_proj}. Which modules are adapted follows PEFT's {@code
 * check_target_module_exists}: a target_modules list entry matches a name equal to it or ending in
 * "." + it, a string is a regex matched against the whole name ({@code all-linear} is every
 * projection), exclude_modules likewise, and layers_to_transform (with layers_pattern) keeps only
 * the listed layers of a list's matches. rank_pattern and alpha_pattern keys are regexes matched as
 * PEFT's {@code get_pattern_key} does, {@code (.*\.)?(key)$}: a key applies to every module whose
 * full name ends with it at a dot boundary, the first matching key in file order wins.
 *
 * @param rank r
 * @param alpha lora_alpha
 * @param rsLora use_rslora: scale alpha / √r instead of alpha / r
 * @param baseModel base_model_name_or_path ("" when absent)
 * @param unknownKeys keys this reader does not know (assumed not to change the math)
 */
public record AdapterConfig(
    int rank,
    double alpha,
    boolean rsLora,
    Object targetModules,
    Object excludeModules,
    Set<Integer> layersToTransform,
    List<String> layersPattern,
    Map<String, Integer> rankPattern,
    Map<String, Double> alphaPattern,
    String baseModel,
    List<String> unknownKeys) {

  /** Keys read and honoured (or refused when their value asks for what is not implemented). */
  public static final Set<String> HONOURED =
      Set.of(
          "peft_type",
          "r",
          "lora_alpha",
          "use_rslora",
          "target_modules",
          "exclude_modules",
          "layers_to_transform",
          "layers_pattern",
          "rank_pattern",
          "alpha_pattern",
          "base_model_name_or_path",
          "fan_in_fan_out",
          "bias",
          "modules_to_save",
          "init_lora_weights",
          "use_dora",
          "lora_bias",
          "use_qalora",
          "alora_invocation_tokens",
          "trainable_token_indices",
          "layer_replication",
          "target_parameters",
          "velora_config",
          "monteclora_config",
          "kasa_config",
          "use_bdlora",
          "arrow_config");

  /** Keys that only matter for training, initialisation or bookkeeping. */
  public static final Set<String> INERT =
      Set.of(
          "task_type",
          "auto_mapping",
          "peft_version",
          "revision",
          "inference_mode",
          "lora_dropout",
          "megatron_config",
          "megatron_core",
          "loftq_config",
          "eva_config",
          "corda_config",
          "lora_ga_config",
          "qalora_group_size",
          "ensure_weight_tying");

  /** init_lora_weights values whose initialisation leaves the base weights untouched. */
  private static final Set<Object> PLAIN_INITS =
      Set.of(Boolean.TRUE, Boolean.FALSE, "gaussian", "eva", "orthogonal");

  private static final Pattern LAYER_INDEX = Pattern.compile(".*?\\.[^.]*\\.(\\d+)\\..*");

  /** Parses and checks adapter_config.json; throws {@link AdapterFormatException} naming a key. */
  public static AdapterConfig parse(Map<String, Object> cfg) {
    String peft = JsonMaps.getString(cfg, "peft_type", "LORA");
    if (!peft.equalsIgnoreCase("LORA")) {
      throw bad("peft_type is " + peft + "; only LORA adapters are served");
    }
    long r = JsonMaps.getLong(cfg, "r", -1);
    if (r <= 0 || r > 1 << 16) {
      throw bad("adapter_config.json needs a positive r (the LoRA rank)");
    }
    refusals(cfg);
    Object targets = cfg.get("target_modules");
    if (targets == null) {
      throw bad("adapter_config.json needs target_modules");
    }
    return new AdapterConfig(
        (int) r,
        JsonMaps.getDouble(cfg, "lora_alpha", 8),
        JsonMaps.getBoolean(cfg, "use_rslora", false),
        checkedModules("target_modules", targets),
        checkedModules("exclude_modules", cfg.get("exclude_modules")),
        layers(cfg.get("layers_to_transform")),
        layersPattern(cfg.get("layers_pattern")),
        rankPattern(cfg.get("rank_pattern")),
        alphaPattern(cfg.get("alpha_pattern")),
        JsonMaps.getString(cfg, "base_model_name_or_path", ""),
        unknown(cfg));
  }

  /** Fields whose values change the math in ways this engine does not reproduce. */
  private static void refusals(Map<String, Object> cfg) {
    String bias = cfg.get("bias") == null ? "none" : String.valueOf(cfg.get("bias"));
    if (!bias.equals("none")) {
      throw bad("bias \"" + bias + "\" is not supported (only none: no trained biases)");
    }
    if (cfg.get("modules_to_save") instanceof List<?> l && !l.isEmpty()) {
      throw bad("modules_to_save " + l + " is not supported (only LoRA layers)");
    }
    if (JsonMaps.getBoolean(cfg, "use_dora", false)) {
      throw bad("use_dora: true (DoRA) is not supported");
    }
    if (JsonMaps.getBoolean(cfg, "lora_bias", false)) {
      throw bad("lora_bias: true (a bias on lora_B) is not supported");
    }
    if (JsonMaps.getBoolean(cfg, "use_qalora", false)) {
      throw bad("use_qalora: true is not supported");
    }
    if (JsonMaps.getBoolean(cfg, "use_bdlora", false)) {
      throw bad("use_bdlora: true is not supported");
    }
    for (String k :
        List.of(
            "alora_invocation_tokens",
            "trainable_token_indices",
            "layer_replication",
            "target_parameters",
            "velora_config",
            "monteclora_config",
            "kasa_config",
            "arrow_config")) {
      Object v = cfg.get(k);
      boolean empty = v == null || (v instanceof List<?> l && l.isEmpty());
      if (!empty) {
        throw bad(k + " is not supported (got " + v + ")");
      }
    }
    Object init = cfg.getOrDefault("init_lora_weights", Boolean.TRUE);
    if (!PLAIN_INITS.contains(init)) {
      throw bad(
          "init_lora_weights \""
              + init
              + "\" changes the base weights when PEFT loads the adapter; convert it to a plain"
              + " LoRA adapter first (PEFT's path_initial_model_for_weight_conversion)");
    }
    // fan_in_fan_out: PEFT itself turns it off for nn.Linear (every Llama projection) with a
    // warning, so the tensors are read as [r, in] and [out, r] either way (checked by shape)
  }

  /** target_modules / exclude_modules: a list of names or a regex string. */
  private static Object checkedModules(String key, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      if (s.equalsIgnoreCase("all-linear")) {
        return "all-linear";
      }
      try {
        Pattern p = Pattern.compile(s);
        for (String outside : List.of("lm_head", "model.embed_tokens")) {
          if (key.equals("target_modules") && p.matcher(outside).matches()) {
            throw bad(key + " \"" + s + "\" matches " + outside + ", which is not supported");
          }
        }
        return p;
      } catch (PatternSyntaxException e) {
        throw bad(key + " \"" + s + "\" is not a valid pattern");
      }
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof String s) || !namesAProjection(s)) {
          throw bad(
              (key.equals("target_modules") ? "target module " : key + " entry ")
                  + o
                  + " is not supported; supported: q_proj, k_proj, v_proj, o_proj, gate_proj,"
                  + " up_proj, down_proj (optionally with their model.layers.N.block prefix)");
        }
        out.add(s);
      }
      return List.copyOf(out);
    }
    throw bad(key + " must be a list or a string, got " + v);
  }

  /** Whether a list entry matches some projection's module name, as PEFT's suffix rule does. */
  private static boolean namesAProjection(String entry) {
    Matcher m = Pattern.compile("(?:model\\.layers\\.\\d+\\.)?(?:(\\w+)\\.)?(\\w+)").matcher(entry);
    if (!m.matches()) {
      return false;
    }
    Projection p = Projection.ofModule(m.group(2));
    return p != null && (m.group(1) == null || m.group(1).equals(p.block()));
  }

  private static Set<Integer> layers(Object v) {
    if (v == null) {
      return null;
    }
    Set<Integer> out = new TreeSet<>();
    if (v instanceof Long l) {
      out.add(l.intValue());
    } else if (v instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Long l)) {
          throw bad("layers_to_transform must hold layer numbers, got " + o);
        }
        out.add(l.intValue());
      }
      if (out.isEmpty()) {
        return null; // PEFT: an empty list selects every layer
      }
    } else {
      throw bad("layers_to_transform must be a number or a list, got " + v);
    }
    return out;
  }

  private static List<String> layersPattern(Object v) {
    if (v == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (v instanceof String s) {
      names.add(s);
    } else if (v instanceof List<?> list) {
      for (Object o : list) {
        names.add(String.valueOf(o));
      }
    } else {
      throw bad("layers_pattern must be a string or a list, got " + v);
    }
    for (String n : names) {
      if (!n.isEmpty() && !n.equals("layers")) {
        throw bad(
            "layers_pattern " + v + " is not supported (a Llama model's layers are model.layers)");
      }
    }
    return List.copyOf(names);
  }

  private static Map<String, Integer> rankPattern(Object v) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : pattern("rank_pattern", v).entrySet()) {
      if (!(e.getValue() instanceof Long l) || l <= 0) {
        throw bad("rank_pattern " + e.getKey() + " must be a positive rank, got " + e.getValue());
      }
      out.put(e.getKey(), l.intValue());
    }
    return out;
  }

  private static Map<String, Double> alphaPattern(Object v) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : pattern("alpha_pattern", v).entrySet()) {
      if (!(e.getValue() instanceof Number n)) {
        throw bad("alpha_pattern " + e.getKey() + " must be a number, got " + e.getValue());
      }
      out.put(e.getKey(), n.doubleValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> pattern(String key, Object v) {
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw bad(key + " must be an object, got " + v);
    }
    for (Object k : m.keySet()) {
      try {
        Pattern.compile("(.*\\.)?(" + k + ")");
      } catch (PatternSyntaxException e) {
        throw bad(key + " key \"" + k + "\" is not a valid pattern");
      }
    }
    return (Map<String, Object>) m;
  }

  private static List<String> unknown(Map<String, Object> cfg) {
    Set<String> out = new TreeSet<>();
    for (String k : cfg.keySet()) {
      if (!HONOURED.contains(k) && !INERT.contains(k)) {
        out.add(k);
      }
    }
    return List.copyOf(out);
  }

  /** PEFT's module name of a projection in a layer. */
  public static String moduleName(int layer, Projection p) {
    return "model.layers." + layer + "." + p.block() + "." + p.module();
  }

  /** Whether PEFT puts a LoRA layer on this module. */
  public boolean targets(int layer, Projection p) {
    String key = moduleName(layer, p);
    if (matches(excludeModules, key)) {
      return false;
    }
    if (!matches(targetModules, key)) {
      return false;
    }
    if (layersToTransform == null || !(targetModules instanceof List)) {
      return true; // PEFT applies layers_to_transform to list targets only
    }
    Integer index = layerIndex(key);
    return index != null && layersToTransform.contains(index);
  }

  private static boolean matches(Object modules, String key) {
    return switch (modules) {
      case null -> false;
      case String s -> s.equals("all-linear");
      case Pattern p -> p.matcher(key).matches();
      case List<?> l -> l.stream().anyMatch(t -> key.equals(t) || key.endsWith("." + t));
      default -> false;
    };
  }

  private Integer layerIndex(String key) {
    Matcher m =
        layersPattern.isEmpty() || layersPattern.getFirst().isEmpty()
            ? LAYER_INDEX.matcher(key)
            : Pattern.compile("(?:|.*?\\.)layers\\.(\\d+)\\..*").matcher(key);
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /** The rank PEFT builds this module with: the first matching rank_pattern key, or r. */
  public int rank(int layer, Projection p) {
    String key = patternKey(rankPattern.keySet(), moduleName(layer, p));
    return key == null ? rank : rankPattern.get(key);
  }

  /** The alpha PEFT scales this module with: the first matching alpha_pattern key, or alpha. */
  public double alpha(int layer, Projection p) {
    String key = patternKey(alphaPattern.keySet(), moduleName(layer, p));
    return key == null ? alpha : alphaPattern.get(key);
  }

  /** scaling = alpha / r, or alpha / √r with rsLoRA, as PEFT's LoraLayer.update_layer. */
  public double scale(int layer, Projection p) {
    int r = rank(layer, p);
    double a = alpha(layer, p);
    return rsLora ? a / Math.sqrt(r) : a / r;
  }

  /** PEFT's get_pattern_key: the first key with (.*\.)?(key)$ matching the module name. */
  static String patternKey(Set<String> keys, String moduleName) {
    for (String k : keys) {
      if (Pattern.compile("(.*\\.)?(" + k + ")").matcher(moduleName).matches()) {
        return k;
      }
    }
    return null;
  }

  /** The largest rank any module has (r, or a rank_pattern value). */
  public int maxRank() {
    int m = rank;
    for (int r : rankPattern.values()) {
      m = Math.max(m, r);
    }
    return m;
  }

  private static AdapterFormatException bad(String message) {
    return new AdapterFormatException(message);
  }
}
