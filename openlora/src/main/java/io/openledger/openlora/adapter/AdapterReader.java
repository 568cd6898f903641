package io.openledger.openlora.adapter;

import io.openledger.openlora.json.JsonMaps;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(AdapterReader.class);

  private final LlamaConfig base;
  private final Set<String> baseNames;
  private final boolean strictBaseName;

  /**
   * @param base the served model's config
   * @param baseNames names the base answers to (its directory name, its _name_or_path)
   * @param strictBaseName refuse an adapter whose base_model_name_or_path ends in none of them;
   *     otherwise such an adapter is served (its shapes are checked) with a warning, as LoRAX and
   *     vLLM do: a model served from a cache snapshot or a renamed copy keeps its adapters
   */
  public AdapterReader(LlamaConfig base, Set<String> baseNames, boolean strictBaseName) {
    this.base = base;
    this.baseNames = baseNames;
    this.strictBaseName = strictBaseName;
  }

  /** A reader that warns on a base-name mismatch. */
  public AdapterReader(LlamaConfig base, Set<String> baseNames) {
    this(base, baseNames, false);
  }

  /** The adapter's config and weights file, checked against the base; weights not read. */
  public AdapterManifest inspect(String id, AdapterSource source) {
    String fingerprint = source.fingerprint();
    Opened o = open(source, true);
    try (SafetensorsFile f = o.file) {
      AdapterConfig cfg = AdapterConfig.parse(o.config);
      List<String> warnings = new ArrayList<>();
      if (!cfg.unknownKeys().isEmpty()) {
        warnings.add(
            "adapter_config.json keys "
                + cfg.unknownKeys()
                + " are unknown to OpenLoRA and assumed not to change the math");
      }
      checkBase(cfg.baseModel()).ifPresent(warnings::add);
      Checked c = checkTensors(f, cfg);
      for (String w : warnings) {
        LOG.warn("adapter {}: {}", id, w);
      }
      return new AdapterManifest(
          id,
          source,
          c.maxRank(),
          cfg.alpha(),
          cfg.rsLora(),
          List.copyOf(c.targets()),
          cfg.baseModel(),
          c.bytes(),
          f.tensors().size(),
          fingerprint,
          warnings);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  /** Reads the weights: A as stored, B transposed to [rank, out], both f32, PEFT's scale each. */
  public LoraWeights load(AdapterManifest m) {
    Opened o = open(m.source(), false);
    try (SafetensorsFile f = o.file) {
      AdapterConfig cfg = AdapterConfig.parse(o.config);
      LoraWeights.Layer[][] layers =
          new LoraWeights.Layer[base.layers()][Projection.values().length];
      for (Tensor t : f.tensors().values()) {
        Matcher mt = TENSOR.matcher(t.name());
        if (!mt.matches() || !mt.group(4).equals("A")) {
          continue;
        }
        int layer = Integer.parseInt(mt.group(1));
        Projection p = Projection.ofModule(mt.group(3));
        Tensor b = f.tensor(t.name().replace("lora_A", "lora_B"));
        int rank = (int) t.dim(0);
        int in = (int) t.dim(1);
        int out = (int) b.dim(0);
        float[] a = t.toFloatArray();
        float[] bRaw = b.toFloatArray();
        float[] bt = new float[rank * out];
        for (int j = 0; j < out; j++) {
          for (int k = 0; k < rank; k++) {
            bt[k * out + j] = bRaw[j * rank + k];
          }
        }
        requireFinite(a, t.name());
        requireFinite(bt, b.name());
        float scale = (float) cfg.scale(layer, p);
        layers[layer][p.ordinal()] = new LoraWeights.Layer(a, bt, rank, in, out, scale);
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
    if (!Files.isDirectory(dir)) {
      throw bad("directory " + dir.getFileName() + " is missing");
    }
    Path cfgFile = dir.resolve("adapter_config.json");
    Path weights = dir.resolve("adapter_model.safetensors");
    if (!Files.isRegularFile(cfgFile)) {
      throw bad("adapter_config.json is missing");
    }
    if (!Files.isRegularFile(weights)) {
      if (Files.isRegularFile(dir.resolve("adapter_model.bin"))) {
        throw bad("adapter_model.bin (pickle) is not supported; save it as safetensors");
      }
      throw bad("adapter_model.safetensors is missing");
    }
    Map<String, Object> cfg;
    try {
      cfg = JsonMaps.parseObject(Files.readString(cfgFile));
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

  /** A warning when the adapter names another base (a refusal in strict mode). */
  private Optional<String> checkBase(String baseModel) {
    if (baseModel.isBlank() || baseNames.isEmpty()) {
      return Optional.empty();
    }
    String tail = lastSegment(baseModel);
    for (String n : baseNames) {
      if (!n.isBlank() && lastSegment(n).equalsIgnoreCase(tail)) {
        return Optional.empty();
      }
    }
    String message =
        "it was trained for base model \""
            + baseModel
            + "\", but this server runs \""
            + String.join("\" / \"", new TreeSet<>(baseNames))
            + "\"";
    if (strictBaseName) {
      throw bad(message + " (strict base-name checking is on)");
    }
    return Optional.of(message + "; served because its shapes fit the base");
  }

  private static String lastSegment(String s) {
    String t = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    return t.substring(t.lastIndexOf('/') + 1);
  }

  /** What checking the tensors found. */
  private record Checked(Set<Projection> targets, int maxRank, long bytes) {}

  /** Checks every tensor against the base and the config. */
  private Checked checkTensors(SafetensorsFile f, AdapterConfig cfg) {
    if (f.tensors().isEmpty()) {
      throw bad("adapter_model.safetensors holds no tensors");
    }
    boolean anyTarget = false;
    for (int l = 0; l < base.layers() && !anyTarget; l++) {
      for (Projection p : Projection.values()) {
        anyTarget |= cfg.targets(l, p);
      }
    }
    if (!anyTarget) {
      throw bad("target_modules " + cfg.targetModules() + " selects none of the base's modules");
    }
    Map<String, Tensor> as = new TreeMap<>();
    Map<String, Tensor> bs = new TreeMap<>();
    Map<String, Integer> ranks = new TreeMap<>();
    Set<Projection> targets = EnumSet.noneOf(Projection.class);
    long bytes = 0;
    for (Tensor t : f.tensors().values()) {
      Matcher m = TENSOR.matcher(t.name());
      if (!m.matches()) {
        throw bad(
            "unexpected tensor "
                + t.name()
                + " (expected base_model.model.model.layers.N.self_attn|mlp.MODULE.lora_A|B.weight)");
      }
      if (t.dtype() == DType.I8) {
        throw bad(t.name() + " is I8; expected F32, F16 or BF16");
      }
      int layer = Integer.parseInt(m.group(1));
      if (layer >= base.layers()) {
        throw bad(
            t.name() + " is for layer " + layer + " but the base has " + base.layers() + " layers");
      }
      Projection p = Projection.ofModule(m.group(3));
      if (p == null || !p.block().equals(m.group(2))) {
        throw bad("unexpected tensor " + t.name() + ": no such projection in a Llama layer");
      }
      String module = AdapterConfig.moduleName(layer, p);
      if (!cfg.targets(layer, p)) {
        throw bad(
            t.name()
                + " adapts "
                + module
                + ", which target_modules (with exclude_modules and layers_to_transform) does not"
                + " select");
      }
      if (t.rank() != 2) {
        throw bad(t.name() + " is not a matrix: " + Arrays.toString(t.shape()));
      }
      targets.add(p);
      boolean isA = m.group(4).equals("A");
      if (isA) {
        if (t.dim(1) != base.inFeatures(p)) {
          throw shape(t, p, "takes " + base.inFeatures(p) + " inputs");
        }
        as.put(module, t);
      } else {
        if (t.dim(0) != base.outFeatures(p)) {
          throw shape(t, p, "gives " + base.outFeatures(p) + " outputs");
        }
        bs.put(module, t);
      }
      ranks.put(module, cfg.rank(layer, p));
      bytes += t.elementCount() * 4;
    }
    for (String k : as.keySet()) {
      if (!bs.containsKey(k)) {
        throw bad(k + " has lora_A but no lora_B");
      }
    }
    for (String k : bs.keySet()) {
      if (!as.containsKey(k)) {
        throw bad(k + " has lora_B but no lora_A");
      }
    }
    int maxRank = 0;
    for (Map.Entry<String, Tensor> e : as.entrySet()) {
      Tensor a = e.getValue();
      Tensor b = bs.get(e.getKey());
      if (a.dim(0) != b.dim(1)) {
        throw bad(
            e.getKey() + ": lora_A has rank " + a.dim(0) + " but lora_B has rank " + b.dim(1));
      }
      int expected = ranks.get(e.getKey());
      if (a.dim(0) != expected) {
        throw bad(
            e.getKey()
                + " has rank "
                + a.dim(0)
                + " but adapter_config.json gives it rank "
                + expected
                + " (r, or its rank_pattern entry)");
      }
      maxRank = Math.max(maxRank, expected);
    }
    return new Checked(targets, maxRank, bytes);
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

  private static void requireFinite(float[] v, String name) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw bad(name + " contains NaN or infinite values");
      }
    }
  }

  static AdapterFormatException bad(String message) {
    return new AdapterFormatException(message);
  }
}
