package io.openledger.openlora.adapter;

import io.openledger.openlora.json.Json;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsFile;
import io.openledger.openlora.safetensors.SafetensorsFormatException;
import io.openledger.openlora.safetensors.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads PEFT LoRA adapters and checks them against the served base: adapter_config.json (peft_type,
 * r, lora_alpha, target_modules, base model) and the safetensors header (every tensor a lora_A [r,
 * in] or lora_B [out, r] of a targeted projection of an existing layer, in pairs). {@link #inspect}
 * touches only the config and the header; {@link #load} reads the weights.
 */
public final class AdapterReader {
  /** base_model.model.model.layers.N.(self_attn|mlp).MODULE.lora_(A|B)[.default].weight */
  private static final Pattern TENSOR =
      Pattern.compile(
          "base_model\\.model\\.model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)\\.lora_([AB])"
              + "(?:\\.default)?\\.weight");

  private final LlamaConfig base;
  private final Set<String> baseNames;

  /**
   * @param base the served model's config
   * @param baseNames names the base answers to (its directory name, its _name_or_path); an adapter
   *     whose base_model_name_or_path ends in none of them is refused
   */
  public AdapterReader(LlamaConfig base, Set<String> baseNames) {
    this.base = base;
    this.baseNames = baseNames;
  }

  /** The adapter's config and weights file, checked against the base; weights not read. */
  public AdapterManifest inspect(String id, AdapterSource source) {
    String fingerprint = source.fingerprint();
    Opened o = open(source, true);
    try (SafetensorsFile f = o.file) {
      Map<String, Object> cfg = o.config;
      String peft = Json.getString(cfg, "peft_type", "LORA");
      if (!peft.equalsIgnoreCase("LORA"))
        throw bad("peft_type is " + peft + "; only LORA adapters are served");
      long r = Json.getLong(cfg, "r", -1);
      if (r <= 0) throw bad("adapter_config.json needs a positive r (the LoRA rank)");
      double alpha = Json.getDouble(cfg, "lora_alpha", r);
      boolean rs = Json.getBoolean(cfg, "use_rslora", false);
      String bias = Json.getString(cfg, "bias", "none");
      if (!bias.equals("none")) throw bad("bias \"" + bias + "\" is not supported (only none)");
      Object save = cfg.get("modules_to_save");
      if (save instanceof List<?> l && !l.isEmpty())
        throw bad("modules_to_save " + l + " is not supported (only LoRA layers)");
      if (cfg.get("layers_pattern") instanceof String || cfg.get("layer_replication") != null)
        throw bad("layers_pattern/layer_replication are not supported");
      Set<Projection> targets = targets(cfg.get("target_modules"));
      String baseModel = Json.getString(cfg, "base_model_name_or_path", "");
      checkBase(baseModel);
      long bytes = checkTensors(f, targets, (int) r);
      List<Projection> sorted = new ArrayList<>(targets);
      return new AdapterManifest(
          id,
          source,
          (int) r,
          alpha,
          rs,
          sorted,
          baseModel,
          bytes,
          f.tensors().size(),
          fingerprint);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  /** Reads the weights: A as stored, B transposed to [rank, out], both f32. */
  public LoraWeights load(AdapterManifest m) {
    Opened o = open(m.source(), false);
    try (SafetensorsFile f = o.file) {
      LoraWeights.Layer[][] layers =
          new LoraWeights.Layer[base.layers()][Projection.values().length];
      Map<String, Object> alphaPattern = patterns(o.config.get("alpha_pattern"));
      for (Tensor t : f.tensors().values()) {
        Matcher mt = TENSOR.matcher(t.name());
        if (!mt.matches() || !mt.group(4).equals("A")) continue;
        int layer = Integer.parseInt(mt.group(1));
        Projection p = Projection.ofModule(mt.group(3));
        Tensor b = f.tensor(t.name().replace("lora_A", "lora_B"));
        int rank = (int) t.dim(0), in = (int) t.dim(1), out = (int) b.dim(0);
        float[] a = t.toFloatArray();
        float[] bRaw = b.toFloatArray();
        float[] bt = new float[rank * out];
        for (int j = 0; j < out; j++)
          for (int k = 0; k < rank; k++) bt[k * out + j] = bRaw[j * rank + k];
        requireFinite(a, t.name());
        requireFinite(bt, b.name());
        double alpha = m.alpha();
        if (alphaPattern.get(p.module()) instanceof Number n) alpha = n.doubleValue();
        double scale = m.rsLora() ? alpha / Math.sqrt(rank) : alpha / rank;
        layers[layer][p.ordinal()] = new LoraWeights.Layer(a, bt, rank, in, out, (float) scale);
      }
      return new LoraWeights(m.id(), layers);
    }
  }

  record Opened(Map<String, Object> config, SafetensorsFile file) {}

  /** The config and the weights file (only its header when {@code headerOnly}). */
  private static Opened open(AdapterSource source, boolean headerOnly) {
    return switch (source) {
      case AdapterSource.Directory d -> openDirectory(d.dir(), headerOnly);
      case AdapterSource.Bundle b -> AdapterBundle.open(b);
      case AdapterSource.ResolvedBundle r -> AdapterBundle.open(r);
    };
  }

  private static Opened openDirectory(Path dir, boolean headerOnly) {
    if (!Files.isDirectory(dir)) throw bad("directory " + dir.getFileName() + " is missing");
    Path cfgFile = dir.resolve("adapter_config.json");
    Path weights = dir.resolve("adapter_model.safetensors");
    if (!Files.isRegularFile(cfgFile)) throw bad("adapter_config.json is missing");
    if (!Files.isRegularFile(weights)) {
      if (Files.isRegularFile(dir.resolve("adapter_model.bin")))
        throw bad("adapter_model.bin (pickle) is not supported; save it as safetensors");
      throw bad("adapter_model.safetensors is missing");
    }
    Map<String, Object> cfg;
    try {
      cfg = Json.parseObject(Files.readString(cfgFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw bad("adapter_config.json is not valid JSON: " + e.getMessage());
    }
    return new Opened(cfg, openWeights(weights, headerOnly));
  }

  /** Just the header to check, or a mapping confined to this thread to copy the weights out. */
  static SafetensorsFile openWeights(Path weights, boolean headerOnly) {
    try {
      return headerOnly
          ? SafetensorsFile.readHeader(weights)
          : SafetensorsFile.openConfined(weights);
    } catch (SafetensorsFormatException e) {
      throw bad("corrupt weights: " + e.getMessage());
    }
  }

  static Opened opened(Map<String, Object> cfg, SafetensorsFile f) {
    return new Opened(cfg, f);
  }

  private void checkBase(String baseModel) {
    if (baseModel.isBlank() || baseNames.isEmpty()) return;
    String tail = lastSegment(baseModel);
    for (String n : baseNames) if (!n.isBlank() && lastSegment(n).equalsIgnoreCase(tail)) return;
    throw bad(
        "it was trained for base model \""
            + baseModel
            + "\", but this server runs \""
            + String.join("\" / \"", new java.util.TreeSet<>(baseNames))
            + "\"");
  }

  private static String lastSegment(String s) {
    String t = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    return t.substring(t.lastIndexOf('/') + 1);
  }

  private Set<Projection> targets(Object v) {
    Set<Projection> out = EnumSet.noneOf(Projection.class);
    if (v instanceof List<?> list) {
      for (Object o : list) {
        Projection p = o instanceof String s ? Projection.ofModule(s) : null;
        if (p == null)
          throw bad(
              "target module "
                  + o
                  + " is not supported; supported: q_proj, k_proj, v_proj, o_proj, gate_proj,"
                  + " up_proj, down_proj");
        out.add(p);
      }
    } else if (v instanceof String s) {
      if (s.equals("all-linear")) return EnumSet.allOf(Projection.class);
      try {
        Pattern pat = Pattern.compile(s);
        for (Projection p : Projection.values())
          if (pat.matcher("model.layers.0." + p.block() + "." + p.module()).matches()
              || pat.matcher(p.module()).matches()) out.add(p);
      } catch (PatternSyntaxException e) {
        throw bad("target_modules \"" + s + "\" is not a valid pattern");
      }
    } else {
      throw bad("adapter_config.json needs target_modules");
    }
    if (out.isEmpty()) throw bad("target_modules " + v + " names none of the base's projections");
    return out;
  }

  /** Checks every tensor; returns the f32 bytes the loaded weights will take. */
  private long checkTensors(SafetensorsFile f, Set<Projection> targets, int r) {
    if (f.tensors().isEmpty()) throw bad("adapter_model.safetensors holds no tensors");
    Map<String, Tensor> as = new TreeMap<>();
    Map<String, Tensor> bs = new TreeMap<>();
    long bytes = 0;
    for (Tensor t : f.tensors().values()) {
      Matcher m = TENSOR.matcher(t.name());
      if (!m.matches())
        throw bad(
            "unexpected tensor "
                + t.name()
                + " (expected base_model.model.model.layers.N.self_attn|mlp.MODULE.lora_A|B.weight)");
      if (t.dtype() == DType.I8) throw bad(t.name() + " is I8; expected F32, F16 or BF16");
      int layer = Integer.parseInt(m.group(1));
      if (layer >= base.layers())
        throw bad(
            t.name() + " is for layer " + layer + " but the base has " + base.layers() + " layers");
      Projection p = Projection.ofModule(m.group(3));
      if (p == null || !p.block().equals(m.group(2)))
        throw bad("unexpected tensor " + t.name() + ": no such projection in a Llama layer");
      if (!targets.contains(p))
        throw bad(t.name() + " adapts " + p.module() + ", which target_modules does not list");
      if (t.rank() != 2) throw bad(t.name() + " is not a matrix: " + Arrays.toString(t.shape()));
      String key = layer + "." + p.module();
      boolean isA = m.group(4).equals("A");
      if (isA) {
        if (t.dim(1) != base.inFeatures(p))
          throw shape(t, p, "takes " + base.inFeatures(p) + " inputs");
        as.put(key, t);
      } else {
        if (t.dim(0) != base.outFeatures(p))
          throw shape(t, p, "gives " + base.outFeatures(p) + " outputs");
        bs.put(key, t);
      }
      bytes += t.elementCount() * 4;
    }
    for (String k : as.keySet())
      if (!bs.containsKey(k)) throw bad("layer " + k + " has lora_A but no lora_B");
    for (String k : bs.keySet())
      if (!as.containsKey(k)) throw bad("layer " + k + " has lora_B but no lora_A");
    for (Map.Entry<String, Tensor> e : as.entrySet()) {
      Tensor a = e.getValue(), b = bs.get(e.getKey());
      if (a.dim(0) != b.dim(1))
        throw bad(
            "layer "
                + e.getKey()
                + ": lora_A has rank "
                + a.dim(0)
                + " but lora_B has rank "
                + b.dim(1));
      if (a.dim(0) > r)
        throw bad("layer " + e.getKey() + " has rank " + a.dim(0) + ", above the config's r " + r);
      if (a.dim(0) < 1) throw bad("layer " + e.getKey() + " has rank 0");
    }
    return bytes;
  }

  private AdapterFormatException shape(Tensor t, Projection p, String what) {
    return bad(
        t.name()
            + " has shape "
            + Arrays.toString(t.shape())
            + " but the base's "
            + p.module()
            + " "
            + what
            + ": the adapter was made for another base (hidden size "
            + base.hiddenSize()
            + " here)");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> patterns(Object v) {
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static void requireFinite(float[] v, String name) {
    for (float x : v) if (!Float.isFinite(x)) throw bad(name + " contains NaN or infinite values");
  }

  static AdapterFormatException bad(String message) {
    return new AdapterFormatException(message);
  }
}
