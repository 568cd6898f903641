package io.openledger.openlora.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.openlora.engine.BundleResolver;
import io.openledger.openlora.model.LlamaConfig;
import io.openledger.openlora.model.LoraWeights;
import io.openledger.openlora.model.Projection;
import io.openledger.openlora.safetensors.DType;
import io.openledger.openlora.safetensors.SafetensorsWriter;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.Fixtures;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** PEFT adapters checked against the base: good ones load, bad ones say what is wrong. */
class AdapterReaderTest {
  static final ModelSpec SPEC = ModelSpec.tiny();
  final LlamaConfig base = LlamaConfig.read(Fixtures.tinyModel());
  final AdapterReader reader = new AdapterReader(base, Set.of(SPEC.name()));

  private Path adapter(String name, AdapterSpec spec) {
    return TestModels.writeAdapter(Fixtures.newDir(name), SPEC, spec);
  }

  private String reason(Path dir) {
    try {
      reader.inspect("x", new AdapterSource.Directory(dir));
    } catch (AdapterFormatException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected " + dir + " to be refused");
  }

  @Test
  void aGoodAdapterLoadsWithTransposedBAndItsScale() throws IOException {
    Path dir = adapter("good", new AdapterSpec(8, 32, List.of("q_proj", "down_proj"), 4));
    AdapterManifest m = reader.inspect("good", new AdapterSource.Directory(dir));
    assertThat(m.rank()).isEqualTo(8);
    assertThat(m.targets()).containsExactly(Projection.Q_PROJ, Projection.DOWN_PROJ);
    LoraWeights w = reader.load(m);
    assertThat(w.bytes()).isEqualTo(m.weightBytes());
    LoraWeights.Layer q = w.layer(1, Projection.Q_PROJ);
    assertThat(q.scale()).isEqualTo(4f); // alpha 32 / r 8
    assertThat(w.layer(1, Projection.V_PROJ)).isNull();
    try (var f =
        io.openledger.openlora.safetensors.SafetensorsFile.open(
            dir.resolve("adapter_model.safetensors"))) {
      float[] b =
          f.tensor("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight").toFloatArray();
      int out = base.qDim();
      for (int j = 0; j < out; j += 7) {
        for (int k = 0; k < 8; k++) {
          assertThat(q.bt()[k * out + j]).isEqualTo(b[j * 8 + k]);
        }
      }
    }
  }

  @Test
  void anAdapterForAnotherBaseIsRefusedWithTheShapes() {
    ModelSpec wider =
        new ModelSpec("other", 512, 96, 160, 2, 4, 2, 256, 10000, false, false, "F32", 7);
    Path dir = TestModels.writeAdapter(Fixtures.newDir("wide"), wider, AdapterSpec.of(4, 1));
    assertThat(reason(dir)).contains("has shape [4, 96]").contains("made for another base");
  }

  @Test
  void anotherBasesNameIsAWarningWhenShapesFitAndARefusalInStrictMode() throws IOException {
    Path dir = adapter("renamed", AdapterSpec.of(4, 1));
    edit(dir, "\"" + SPEC.name() + "\"", "\"/cache/models--org--snapshot/abc123\"");
    AdapterManifest m = reader.inspect("renamed", new AdapterSource.Directory(dir));
    assertThat(m.warnings())
        .singleElement()
        .asString()
        .contains("trained for base model \"/cache/models--org--snapshot/abc123\"")
        .contains("served because its shapes fit");
    assertThat(reader.load(m).layer(0, Projection.Q_PROJ)).isNotNull();
    AdapterReader strict = new AdapterReader(base, Set.of(SPEC.name()), true);
    assertThatThrownBy(() -> strict.inspect("renamed", new AdapterSource.Directory(dir)))
        .isInstanceOf(AdapterFormatException.class)
        .hasMessageContaining("strict base-name checking is on");
    AdapterManifest same =
        strict.inspect("same", new AdapterSource.Directory(adapter("same", AdapterSpec.of(4, 1))));
    assertThat(same.warnings()).isEmpty();
  }

  @Test
  void missingFilesCorruptHeadersAndBadConfigsAreNamed() throws IOException {
    Path missingCfg = adapter("m1", AdapterSpec.of(4, 1));
    Files.delete(missingCfg.resolve("adapter_config.json"));
    assertThat(reason(missingCfg)).isEqualTo("adapter_config.json is missing");

    Path missingWeights = adapter("m2", AdapterSpec.of(4, 1));
    Files.delete(missingWeights.resolve("adapter_model.safetensors"));
    assertThat(reason(missingWeights)).isEqualTo("adapter_model.safetensors is missing");

    Path truncated = adapter("m3", AdapterSpec.of(4, 1));
    Path w = truncated.resolve("adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(w);
    Files.write(w, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(reason(truncated)).startsWith("corrupt weights").contains("fall outside");

    Path garbage = adapter("m4", AdapterSpec.of(4, 1));
    Files.write(garbage.resolve("adapter_model.safetensors"), "not a safetensors file".getBytes());
    assertThat(reason(garbage)).startsWith("corrupt weights");

    Path badJson = adapter("m5", AdapterSpec.of(4, 1));
    Files.writeString(badJson.resolve("adapter_config.json"), "{\"r\": 4,");
    assertThat(reason(badJson)).startsWith("adapter_config.json is not valid JSON");

    Path notLora = adapter("m6", AdapterSpec.of(4, 1));
    edit(notLora, "\"LORA\"", "\"IA3\"");
    assertThat(reason(notLora)).contains("peft_type is IA3");

    Path badTarget = adapter("m7", AdapterSpec.of(4, 1));
    edit(badTarget, "\"q_proj\"", "\"embed_tokens\"");
    assertThat(reason(badTarget)).contains("target module embed_tokens is not supported");

    Path rankMismatch = adapter("m8", AdapterSpec.of(4, 1));
    edit(rankMismatch, "\"r\": 4", "\"r\": 2");
    assertThat(reason(rankMismatch))
        .contains("has rank 4 but adapter_config.json gives it rank 2 (r, or its rank_pattern");

    Path untargeted = adapter("m9", AdapterSpec.of(4, 1));
    edit(untargeted, "\"q_proj\",", "");
    assertThat(reason(untargeted))
        .contains("adapts model.layers.0.self_attn.q_proj, which target_modules");
  }

  @Test
  void tensorsMustComeInPairsOfTheRightNames() {
    Path dir = adapter("pairs", AdapterSpec.of(4, 1));
    float[] a = new float[4 * base.hiddenSize()];
    SafetensorsWriter.write(
        dir.resolve("adapter_model.safetensors"),
        List.of(
            SafetensorsWriter.Entry.of(
                "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                DType.F32,
                a,
                4,
                base.hiddenSize())),
        Map.of());
    assertThat(reason(dir)).contains("has lora_A but no lora_B");
    SafetensorsWriter.write(
        dir.resolve("adapter_model.safetensors"),
        List.of(
            SafetensorsWriter.Entry.of(
                "lm_head.lora_A.weight", DType.F32, a, 4, base.hiddenSize())),
        Map.of());
    assertThat(reason(dir)).contains("unexpected tensor lm_head.lora_A.weight");
    SafetensorsWriter.write(
        dir.resolve("adapter_model.safetensors"),
        List.of(
            SafetensorsWriter.Entry.of(
                "base_model.model.model.layers.9.self_attn.q_proj.lora_A.weight",
                DType.F32,
                a,
                4,
                base.hiddenSize())),
        Map.of());
    assertThat(reason(dir)).contains("is for layer 9 but the base has 2 layers");
  }

  @Test
  void nanWeightsFailAtLoad() {
    Path dir = adapter("nan", AdapterSpec.of(2, 1));
    int in = base.hiddenSize();
    int out = base.qDim();
    float[] a = new float[2 * in];
    a[5] = Float.NaN;
    SafetensorsWriter.write(
        dir.resolve("adapter_model.safetensors"),
        List.of(
            SafetensorsWriter.Entry.of(
                "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                DType.F32,
                a,
                2,
                in),
            SafetensorsWriter.Entry.of(
                "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
                DType.F32,
                new float[out * 2],
                out,
                2)),
        Map.of());
    AdapterManifest m = reader.inspect("nan", new AdapterSource.Directory(dir));
    assertThatThrownBy(() -> reader.load(m))
        .isInstanceOf(AdapterFormatException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void blobBundlesAreContentAddressed() throws IOException {
    Path dir = adapter("bundle", AdapterSpec.of(4, 9));
    Path store = Fixtures.newDir("blobs");
    String id = AdapterBundle.store(dir, store);
    assertThat(id).matches("sha256:[0-9a-f]{64}");
    AdapterCatalog catalog = new AdapterCatalog(reader, Optional.empty(), Optional.of(store));
    AdapterLookup found = catalog.lookup(id);
    assertThat(found).isInstanceOf(AdapterLookup.Found.class);
    LoraWeights fromBlob = reader.load(((AdapterLookup.Found) found).manifest());
    LoraWeights fromDir = reader.load(reader.inspect("d", new AdapterSource.Directory(dir)));
    assertThat(fromBlob.layer(0, Projection.V_PROJ).a())
        .containsExactly(fromDir.layer(0, Projection.V_PROJ).a());
    assertThat(catalog.lookup("sha256:" + "0".repeat(64)))
        .isInstanceOf(AdapterLookup.NotFound.class);
    // a blob whose bytes do not match its name is refused
    Path blob = store.resolve(id.substring(7));
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 1] ^= 1;
    Files.write(blob, bytes);
    assertThat(catalog.lookup(id))
        .isInstanceOfSatisfying(
            AdapterLookup.Invalid.class, i -> assertThat(i.reason()).contains("not to its id"));
  }

  @Test
  void aBundleIsTheSameBytesEachTimeAndItsSha256IsItsStoredId() throws IOException {
    Path dir = adapter("write", AdapterSpec.of(4, 3));
    ByteArrayOutputStream once = new ByteArrayOutputStream();
    ByteArrayOutputStream twice = new ByteArrayOutputStream();
    AdapterBundle.write(dir, once);
    AdapterBundle.write(dir, twice);
    assertThat(once.toByteArray()).isNotEmpty().isEqualTo(twice.toByteArray());
    Path store = Fixtures.newDir("blobs-write");
    String id = AdapterBundle.store(dir, store);
    assertThat(Files.readAllBytes(store.resolve(id.substring("sha256:".length()))))
        .isEqualTo(once.toByteArray());
    try (var files = Files.list(store)) {
      assertThat(files.toList()).as("no temporary file left behind").hasSize(1);
    }
    // The header: the config verbatim in the metadata, then the tensors sorted by name.
    Path blob = store.resolve(id.substring(7));
    try (var f = io.openledger.openlora.safetensors.SafetensorsFile.open(blob)) {
      assertThat(f.metadata().get(AdapterBundle.CONFIG_KEY))
          .isEqualTo(Files.readString(dir.resolve("adapter_config.json")));
      List<String> names = List.copyOf(f.tensors().keySet());
      assertThat(names).isNotEmpty().isSorted();
    }
  }

  @Test
  void aBundleIsNotWrittenFromAnUnreadableConfig() throws IOException {
    Path dir = adapter("bad-config", AdapterSpec.of(4, 3));
    Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": ");
    assertThatThrownBy(() -> AdapterBundle.write(dir, new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("adapter_config.json is not valid JSON");
    Path store = Fixtures.newDir("blobs-bad");
    assertThatThrownBy(() -> AdapterBundle.store(dir, store))
        .isInstanceOf(IllegalArgumentException.class);
    try (var files = Files.list(store)) {
      assertThat(files.toList()).as("nothing stored").isEmpty();
    }
  }

  @Test
  void adapterHashesResolveThroughTheBundleResolver() throws IOException {
    Path dir = adapter("keccak", AdapterSpec.of(4, 9));
    Path file = Fixtures.newDir("resolved").resolve("bundle");
    try (var out = Files.newOutputStream(file)) {
      AdapterBundle.write(dir, out);
    }
    // The resolver owns the keccak check; any 32-byte hash it maps stands in for one here.
    String hash = "0x" + "5e".repeat(32);
    List<String> asked = new java.util.ArrayList<>();
    BundleResolver resolver =
        h -> {
          asked.add(h);
          return h.equals(hash) ? Optional.of(file) : Optional.empty();
        };
    AdapterCatalog catalog =
        new AdapterCatalog(reader, Optional.empty(), Optional.empty(), Optional.of(resolver));
    AdapterLookup found = catalog.lookup(hash);
    assertThat(found).isInstanceOf(AdapterLookup.Found.class);
    AdapterManifest m = ((AdapterLookup.Found) found).manifest();
    assertThat(m.source()).isEqualTo(new AdapterSource.ResolvedBundle(file, hash));
    assertThat(m.rank()).isEqualTo(4);
    LoraWeights fromHash = reader.load(m);
    LoraWeights fromDir = reader.load(reader.inspect("d", new AdapterSource.Directory(dir)));
    assertThat(fromHash.layer(1, Projection.V_PROJ).a())
        .containsExactly(fromDir.layer(1, Projection.V_PROJ).a());
    assertThat(catalog.ids()).contains(hash);
    assertThat(asked).contains(hash);

    String other = "0x" + "00".repeat(32);
    assertThat(catalog.lookup(other)).isInstanceOf(AdapterLookup.NotFound.class);
    assertThat(catalog.lookup("0x" + "5E".repeat(32)))
        .isInstanceOfSatisfying(
            AdapterLookup.Invalid.class, i -> assertThat(i.reason()).contains("lowercase"));
    assertThat(catalog.register(hash, dir)).isInstanceOf(AdapterLookup.Invalid.class);
    // Without a resolver an adapter hash is simply not found, even by a directory of that name.
    Path adapters = Fixtures.newDir("named-like-hashes");
    TestModels.writeAdapter(adapters.resolve(hash), SPEC, AdapterSpec.of(4, 9));
    assertThat(new AdapterCatalog(reader, Optional.of(adapters), Optional.empty()).lookup(hash))
        .isInstanceOf(AdapterLookup.NotFound.class);
  }

  @Test
  void aFailingResolverMakesTheAdapterUnavailableAndIsAskedAgainNextTime() {
    String hash = "0x" + "ab".repeat(32);
    int[] calls = {0};
    BundleResolver broken =
        h -> {
          calls[0]++;
          throw new IllegalStateException("disk on fire");
        };
    AdapterCatalog catalog =
        new AdapterCatalog(reader, Optional.empty(), Optional.empty(), Optional.of(broken));
    assertThat(catalog.lookup(hash))
        .isInstanceOfSatisfying(
            AdapterLookup.Unavailable.class, u -> assertThat(u.reason()).contains("disk on fire"));
    assertThat(catalog.lookup(hash)).isInstanceOf(AdapterLookup.Unavailable.class);
    assertThat(calls[0]).isEqualTo(2);
  }

  @Test
  void aResolvedPathThatIsNotAFileIsInvalid() {
    String hash = "0x" + "cd".repeat(32);
    Path nowhere = Fixtures.newDir("nowhere").resolve("missing");
    AdapterCatalog catalog =
        new AdapterCatalog(
            reader, Optional.empty(), Optional.empty(), Optional.of(h -> Optional.of(nowhere)));
    assertThat(catalog.lookup(hash))
        .isInstanceOfSatisfying(
            AdapterLookup.Invalid.class,
            i -> assertThat(i.reason()).contains("not a readable file"));
  }

  @Test
  void idsThatCouldEscapeTheDirectoryAreNotResolved() {
    AdapterCatalog catalog =
        new AdapterCatalog(reader, Optional.of(Fixtures.newDir("ids")), Optional.empty());
    for (String id : new String[] {"..", "../x", "a/b", "", ".hidden", "x y"}) {
      assertThat(catalog.lookup(id)).as(id).isInstanceOf(AdapterLookup.NotFound.class);
    }
  }

  private static void edit(Path dir, String from, String to) throws IOException {
    Path cfg = dir.resolve("adapter_config.json");
    String s = Files.readString(cfg);
    assertThat(s).contains(from);
    Files.writeString(cfg, s.replace(from, to));
  }
}
