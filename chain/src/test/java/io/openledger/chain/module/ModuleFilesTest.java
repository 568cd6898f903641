package io.openledger.chain.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.genesis.Genesis;
import io.openledger.chain.types.Address;
import io.openledger.chain.vesting.VestingModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every module of the devnet's rules: the shipped ABI JSON ({@code modules/<Name>.abi.json})
 * and Solidity interface ({@code contracts/I<Name>.sol}) describe exactly the functions and events
 * the module declares in its {@code FUNCTIONS} and {@code EVENTS} lists.
 */
class ModuleFilesTest {
  private final VestingModule vesting = new VestingModule();

  static Stream<Named<SystemModule>> modules() {
    return Genesis.devnet().rules().modules().all().stream().map(m -> Named.of(m.name(), m));
  }

  @Test
  void theDevnetRunsTheEconomyModulesAtTheirAddresses() {
    assertThat(Genesis.devnet().rules().modules().all())
        .extracting(m -> m.name() + "@" + m.address().toHex())
        .containsSubsequence(
            "vesting@0x0000000000000000000000000000000000001001",
            "datanet@0x0000000000000000000000000000000000001002",
            "model@0x0000000000000000000000000000000000001003",
            "inference@0x0000000000000000000000000000000000001004");
  }

  @ParameterizedTest
  @MethodSource("modules")
  void abiJsonListsEveryFunctionAndEventOfTheModule(SystemModule module) throws IOException {
    JsonNode abi = new ObjectMapper().readTree(module.abiJson());
    TreeSet<String> functions = new TreeSet<>();
    TreeSet<String> views = new TreeSet<>();
    TreeSet<String> payables = new TreeSet<>();
    TreeSet<String> events = new TreeSet<>();
    for (JsonNode e : abi) {
      switch (e.get("type").asText()) {
        case "function" -> {
          String sig = e.get("name").asText() + "(" + jsonTypes(e.get("inputs"), false) + ")";
          functions.add(sig + ":" + jsonTypes(e.get("outputs"), false));
          if (e.get("stateMutability").asText().equals("view")) {
            views.add(sig);
          }
          if (e.get("stateMutability").asText().equals("payable")) {
            payables.add(sig);
          }
          assertThat(e.get("stateMutability").asText())
              .as(sig)
              .isIn("view", "nonpayable", "payable");
        }
        case "event" ->
            events.add(e.get("name").asText() + "(" + jsonTypes(e.get("inputs"), true) + ")");
        case "error" -> assertThat(e.get("name").asText()).isEqualTo("Error");
        default -> throw new AssertionError("unexpected ABI entry " + e);
      }
    }
    assertThat(functions)
        .isEqualTo(
            functions(module).stream()
                .map(
                    f ->
                        f.signature()
                            + ":"
                            + f.outputs().stream()
                                .map(AbiType::canonical)
                                .collect(Collectors.joining(",")))
                .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(views)
        .isEqualTo(
            functions(module).stream()
                .filter(AbiFunction::view)
                .map(AbiFunction::signature)
                .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(payables)
        .isEqualTo(
            functions(module).stream()
                .filter(AbiFunction::payable)
                .map(AbiFunction::signature)
                .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(events).isEqualTo(eventSignatures(module));
  }

  @ParameterizedTest
  @MethodSource("modules")
  void solidityInterfaceDeclaresTheSameFunctionsAndEvents(SystemModule module) throws IOException {
    String stem =
        module.name().substring(0, 1).toUpperCase(Locale.ROOT) + module.name().substring(1);
    String sol = Files.readString(repoRoot().resolve("contracts/I" + stem + ".sol"));
    Map<String, String> structs = structs(sol);
    TreeSet<String> declared = new TreeSet<>();
    Matcher m = Pattern.compile("function\\s+(\\w+)\\s*\\(([^)]*)\\)").matcher(sol);
    while (m.find()) {
      declared.add(m.group(1) + "(" + solTypes(m.group(2), structs, false) + ")");
    }
    assertThat(declared)
        .isEqualTo(
            functions(module).stream()
                .map(AbiFunction::signature)
                .collect(Collectors.toCollection(TreeSet::new)));
    TreeSet<String> events = new TreeSet<>();
    Matcher e = Pattern.compile("event\\s+(\\w+)\\s*\\(([^)]*)\\)\\s*;").matcher(sol);
    while (e.find()) {
      events.add(e.group(1) + "(" + solTypes(e.group(2), structs, true) + ")");
    }
    assertThat(events).isEqualTo(eventSignatures(module));
    assertThat(sol).contains(module.address().toHex());
  }

  @ParameterizedTest
  @MethodSource("modules")
  void modulesDocListsTheModule(SystemModule module) throws IOException {
    String doc = Files.readString(repoRoot().resolve("docs/modules.md"));
    assertThat(doc).contains("| " + module.name() + " | `" + module.address().toHex() + "`");
  }

  @Test
  void registryKeepsModulesInTheReservedRange() {
    ModuleRegistry r = ModuleRegistry.of(vesting);
    assertThat(r.get(Address.fromHex("0x0000000000000000000000000000000000001001")))
        .contains(vesting);
    assertThat(
            ModuleRegistry.isReserved(
                Address.fromHex("0x00000000000000000000000000000000000010ff")))
        .isTrue();
    assertThat(
            ModuleRegistry.isReserved(
                Address.fromHex("0x0000000000000000000000000000000000002001")))
        .isFalse();
    assertThatThrownBy(() -> ModuleRegistry.of(vesting, new VestingModule()))
        .hasMessageContaining("two modules at 0x0000000000000000000000000000000000001001");
  }

  @Test
  void multicall3IsTheOneModuleOutsideTheReservedRangeAtItsCanonicalAddress() {
    Address canonical = Address.fromHex("0xcA11bde05977b3631167028862bE2a173976CA11");
    assertThat(ModuleRegistry.isReserved(canonical)).isFalse();
    assertThat(ModuleRegistry.isModuleAddress(canonical)).isTrue();
    assertThat(Genesis.devnet().rules().modules().get(canonical))
        .hasValueSatisfying(m -> assertThat(m.name()).isEqualTo("multicall3"));
    SystemModule elsewhere =
        new SystemModule() {
          @Override
          public Identity identity() {
            return new Identity(
                Address.fromHex("0xcA11bde05977b3631167028862bE2a173976CA12"), "impostor", "[]");
          }

          @Override
          public byte[] call(
              ModuleContext context, byte[] calldata, io.openledger.chain.types.Amount value) {
            return new byte[0];
          }
        };
    assertThatThrownBy(() -> ModuleRegistry.of(elsewhere))
        .hasMessageContaining("module impostor is outside the reserved range");
  }

  /** The module class's {@code FUNCTIONS} list. */
  @SuppressWarnings("unchecked")
  private static List<AbiFunction> functions(SystemModule module) {
    return (List<AbiFunction>) staticField(module, "FUNCTIONS");
  }

  /** {@code Name(type indexed,type)} of each event of the module class's {@code EVENTS} list. */
  @SuppressWarnings("unchecked")
  private static TreeSet<String> eventSignatures(SystemModule module) {
    return ((List<AbiEvent>) staticField(module, "EVENTS"))
        .stream()
            .map(
                ev ->
                    ev.parameters().stream()
                        .map(p -> p.type().canonical() + (p.indexed() ? " indexed" : ""))
                        .collect(Collectors.joining(",", ev.name() + "(", ")")))
            .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Object staticField(SystemModule module, String name) {
    try {
      return module.getClass().getField(name).get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(module.getClass() + " has no public static " + name, e);
    }
  }

  /** Canonical types of ABI JSON parameters; tuples from their components. */
  private static String jsonTypes(JsonNode params, boolean withIndexed) {
    List<String> t = new ArrayList<>();
    params.forEach(
        p -> t.add(jsonType(p) + (withIndexed && p.path("indexed").asBoolean() ? " indexed" : "")));
    return String.join(",", t);
  }

  private static String jsonType(JsonNode p) {
    String type = p.get("type").asText();
    if (type.startsWith("tuple")) {
      return "(" + jsonTypes(p.get("components"), false) + ")" + type.substring(5);
    }
    return type;
  }

  /** Canonical types of a Solidity parameter list; struct names become their tuples. */
  private static String solTypes(String params, Map<String, String> structs, boolean withIndexed) {
    List<String> types = new ArrayList<>();
    for (String p : params.split(",")) {
      if (!p.isBlank()) {
        String[] words = p.strip().split("\\s+");
        boolean indexed = words.length > 1 && words[1].equals("indexed");
        types.add(solType(words[0], structs) + (withIndexed && indexed ? " indexed" : ""));
      }
    }
    return String.join(",", types);
  }

  private static String solType(String word, Map<String, String> structs) {
    String base = word.replace("[]", "");
    String suffix = word.substring(base.length());
    return structs.getOrDefault(base, base) + suffix;
  }

  /** {@code struct Name { T a; U b; }} as Name -> (T,U). */
  private static Map<String, String> structs(String sol) {
    Map<String, String> out = new HashMap<>();
    Matcher m = Pattern.compile("struct\\s+(\\w+)\\s*\\{([^}]*)\\}").matcher(sol);
    while (m.find()) {
      List<String> fields = new ArrayList<>();
      for (String f : m.group(2).split(";")) {
        if (!f.isBlank()) {
          fields.add(solType(f.strip().split("\\s+")[0], out));
        }
      }
      out.put(m.group(1), "(" + String.join(",", fields) + ")");
    }
    return out;
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("contracts"))) {
      p = p.getParent();
    }
    return p;
  }
}
