package io.openledger.factory.out;

import io.openledger.openlora.json.JsonMaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * training.json: what a model was trained on and how, the record its registration pays by (the
 * chain keeps the keccak of the file's bytes). Read strictly: a missing or unknown key, or a value
 * of the wrong kind, is refused with its path ({@code contributions[3].tokens}).
 *
 * @param base the base model's directory name (LoRA), empty for a model trained from scratch
 * @param config the TrainingConfig as its own JSON object (read and checked by its owner)
 * @param eval the evaluation on the held-out set, empty when none was held out
 */
public record TrainingManifest(
    Mode mode,
    Optional<String> base,
    List<DatanetUsed> datanets,
    List<ContributionUsed> contributions,
    InfluenceMethod influenceMethod,
    Optional<Eval> eval,
    Map<String, Object> config,
    long seed) {

  /** The value of "format". */
  public static final String FORMAT = "openledger-factory/1";

  public enum Mode {
    LORA("lora"),
    FROM_SCRATCH("from-scratch");

    private final String json;

    Mode(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }

  /** How the per-contribution influence was measured. */
  public enum InfluenceMethod {
    DATAINF("datainf"),
    TRAK("trak"),
    TOKEN_SHARE("token-share");

    private final String json;

    InfluenceMethod(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }

  /**
   * One datanet version trained on.
   *
   * @param contributionsRoot the version's on-chain contributions root, 0x + 64 hex digits
   */
  public record DatanetUsed(long id, int version, String contributionsRoot) {
    private static final Pattern ROOT = Pattern.compile("0x[0-9a-f]{64}");

    public DatanetUsed {
      if (!ROOT.matcher(contributionsRoot).matches()) {
        throw new IllegalArgumentException(
            "contributionsRoot must be 0x and 64 lowercase hex digits, got " + contributionsRoot);
      }
    }
  }

  /**
   * One contribution trained on.
   *
   * @param tokens the tokens of its text
   * @param influence its measured positive influence mass (>= 0), the weight of its share of the
   *     training fee; empty when none was measured (the fee is split by tokens)
   */
  public record ContributionUsed(long id, long datanet, long tokens, OptionalDouble influence) {
    public ContributionUsed {
      if (tokens < 0) {
        throw new IllegalArgumentException("contribution " + id + " has " + tokens + " tokens");
      }
      if (influence.isPresent()
          && !(influence.getAsDouble() >= 0 && Double.isFinite(influence.getAsDouble()))) {
        throw new IllegalArgumentException(
            "contribution " + id + " has influence " + influence.getAsDouble() + " (must be >= 0)");
      }
    }
  }

  /**
   * The evaluation at the end of training.
   *
   * @param heldOutLoss mean next-token cross-entropy on the held-out sequences, nats
   * @param perplexity exp(heldOutLoss)
   * @param heldOutTokens tokens predicted in the held-out sequences
   * @param trainLoss mean next-token cross-entropy on the training sequences, nats
   */
  public record Eval(double heldOutLoss, double perplexity, long heldOutTokens, double trainLoss) {
    public Eval {
      for (double v : new double[] {heldOutLoss, perplexity, trainLoss}) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("eval holds a value that is not finite: " + v);
        }
      }
      if (heldOutTokens < 0) {
        throw new IllegalArgumentException("heldOutTokens is " + heldOutTokens);
      }
    }
  }

  public TrainingManifest {
    datanets = List.copyOf(datanets);
    contributions = List.copyOf(contributions);
    config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    if ((mode == Mode.LORA) != base.isPresent()) {
      throw new IllegalArgumentException(
          mode == Mode.LORA ? "a LoRA adapter needs its base" : "a model from scratch has no base");
    }
    Set<Long> datanetIds = new HashSet<>();
    for (DatanetUsed d : datanets) {
      datanetIds.add(d.id());
    }
    Set<Long> seen = new HashSet<>();
    for (ContributionUsed c : contributions) {
      if (!seen.add(c.id())) {
        throw new IllegalArgumentException("contribution " + c.id() + " is listed twice");
      }
      if (!datanetIds.contains(c.datanet())) {
        throw new IllegalArgumentException(
            "contribution " + c.id() + " names datanet " + c.datanet() + ", not in datanets");
      }
    }
  }

  // ------------------------------------------------------------------ writing

  /** The JSON object, keys in the documented order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("mode", mode.json());
    m.put("base", base.orElse(null));
    List<Object> ds = new ArrayList<>();
    for (DatanetUsed d : datanets) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("id", d.id());
      o.put("version", (long) d.version());
      o.put("contributionsRoot", d.contributionsRoot());
      ds.add(o);
    }
    m.put("datanets", ds);
    List<Object> cs = new ArrayList<>();
    for (ContributionUsed c : contributions) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("id", c.id());
      o.put("datanet", c.datanet());
      o.put("tokens", c.tokens());
      if (c.influence().isPresent()) {
        o.put("influence", c.influence().getAsDouble());
      }
      cs.add(o);
    }
    m.put("contributions", cs);
    m.put("influenceMethod", influenceMethod.json());
    m.put("eval", eval.map(TrainingManifest::evalJson).orElse(null));
    m.put("config", config);
    m.put("seed", seed);
    return m;
  }

  private static Map<String, Object> evalJson(Eval e) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("heldOutLoss", e.heldOutLoss());
    o.put("perplexity", e.perplexity());
    o.put("heldOutTokens", e.heldOutTokens());
    o.put("trainLoss", e.trainLoss());
    return o;
  }

  /** The file's text: two-space indent, final newline (the same manifest gives the same bytes). */
  public String text() {
    return JsonMaps.writePretty(toJson());
  }

  /** Writes {@code dir/training.json}. */
  public Path write(Path dir) {
    Path file = dir.resolve("training.json");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, text());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  // ------------------------------------------------------------------ reading

  /** Reads {@code dir/training.json}. */
  public static TrainingManifest read(Path dir) {
    Path file = dir.resolve("training.json");
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses training.json's text.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public static TrainingManifest parse(String text) {
    Fields top = new Fields("", JsonMaps.parseObject(text));
    top.keys(
        List.of(
            "format",
            "mode",
            "base",
            "datanets",
            "contributions",
            "influenceMethod",
            "eval",
            "config",
            "seed"));
    String format = top.string("format");
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException("format is " + format + ", expected " + FORMAT);
    }
    Mode mode = top.choice("mode", Mode.values(), Mode::json);
    Optional<String> base = top.isNull("base") ? Optional.empty() : Optional.of(top.string("base"));
    List<DatanetUsed> datanets = new ArrayList<>();
    for (Fields d : top.objects("datanets")) {
      d.keys(List.of("id", "version", "contributionsRoot"));
      datanets.add(
          d.wrap(
              () ->
                  new DatanetUsed(
                      d.integer("id"), d.int32("version"), d.string("contributionsRoot"))));
    }
    List<ContributionUsed> contributions = new ArrayList<>();
    for (Fields c : top.objects("contributions")) {
      c.keys(List.of("id", "datanet", "tokens"), "influence");
      OptionalDouble influence =
          c.has("influence") ? OptionalDouble.of(c.number("influence")) : OptionalDouble.empty();
      contributions.add(
          c.wrap(
              () ->
                  new ContributionUsed(
                      c.integer("id"), c.integer("datanet"), c.integer("tokens"), influence)));
    }
    InfluenceMethod method = top.choice("influenceMethod", InfluenceMethod.values(), m -> m.json());
    Optional<Eval> eval = top.isNull("eval") ? Optional.empty() : Optional.of(eval(top));
    Map<String, Object> config = top.object("config").map;
    long seed = top.integer("seed");
    return top.wrap(
        () ->
            new TrainingManifest(mode, base, datanets, contributions, method, eval, config, seed));
  }

  private static Eval eval(Fields top) {
    Fields e = top.object("eval");
    e.keys(List.of("heldOutLoss", "perplexity", "heldOutTokens", "trainLoss"));
    return e.wrap(
        () ->
            new Eval(
                e.number("heldOutLoss"),
                e.number("perplexity"),
                e.integer("heldOutTokens"),
                e.number("trainLoss")));
  }

  /** One JSON object being read, with its path for messages. */
  private record Fields(String path, Map<String, Object> map) {

    private String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    /** Refuses a key not in {@code required} or {@code optional}, and a required key absent. */
    void keys(List<String> required, String... optional) {
      Set<String> allowed = new HashSet<>(required);
      allowed.addAll(List.of(optional));
      for (String k : map.keySet()) {
        if (!allowed.contains(k)) {
          throw new IllegalArgumentException("unknown key " + at(k));
        }
      }
      for (String k : required) {
        if (!map.containsKey(k)) {
          throw new IllegalArgumentException("missing key " + at(k));
        }
      }
    }

    boolean has(String key) {
      return map.containsKey(key);
    }

    boolean isNull(String key) {
      return map.get(key) == null;
    }

    private Object value(String key) {
      Object v = map.get(key);
      if (v == null) {
        throw new IllegalArgumentException(at(key) + " must not be null");
      }
      return v;
    }

    String string(String key) {
      if (value(key) instanceof String s) {
        return s;
      }
      throw new IllegalArgumentException(at(key) + " must be a string, got " + map.get(key));
    }

    long integer(String key) {
      if (value(key) instanceof Long l) {
        return l;
      }
      throw new IllegalArgumentException(
          at(key) + " must be a 64-bit integer, got " + map.get(key));
    }

    int int32(String key) {
      long v = integer(key);
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(at(key) + " is out of range: " + v);
      }
      return (int) v;
    }

    double number(String key) {
      if (value(key) instanceof Long l) {
        return l;
      }
      if (value(key) instanceof Double d) {
        return d;
      }
      throw new IllegalArgumentException(at(key) + " must be a number, got " + map.get(key));
    }

    <E> E choice(String key, E[] values, Function<E, String> json) {
      String s = string(key);
      List<String> names = new ArrayList<>();
      for (E e : values) {
        if (json.apply(e).equals(s)) {
          return e;
        }
        names.add(json.apply(e));
      }
      throw new IllegalArgumentException(at(key) + " is " + s + ", expected one of " + names);
    }

    @SuppressWarnings("unchecked")
    Fields object(String key) {
      if (value(key) instanceof Map<?, ?> m) {
        return new Fields(at(key), (Map<String, Object>) m);
      }
      throw new IllegalArgumentException(at(key) + " must be an object");
    }

    @SuppressWarnings("unchecked")
    List<Fields> objects(String key) {
      if (!(value(key) instanceof List<?> list)) {
        throw new IllegalArgumentException(at(key) + " must be an array");
      }
      List<Fields> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> m)) {
          throw new IllegalArgumentException(at(key) + "[" + i + "] must be an object");
        }
        out.add(new Fields(at(key) + "[" + i + "]", (Map<String, Object>) m));
      }
      return out;
    }

    /** Runs a record constructor, its refusal prefixed with this object's path. */
    <T> T wrap(Supplier<T> make) {
      try {
        return make.get();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + e.getMessage(), e);
      }
    }
  }
}
