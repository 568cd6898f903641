package io.openledger.chain.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.types.Address;
import io.openledger.chain.vesting.VestingModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped Inference ABI JSON and IInference.sol describe exactly what the module answers. */
class InferenceModuleFilesTest {
  private final InferenceModule module = new InferenceModule(InferenceParameters.DEVNET, 1337);

  /** The Solidity structs of IInference.sol, as the ABI's tuple types. */
  private static final Map<String, String> STRUCTS =
      Map.of(
          "Charge", "(address,bytes32,uint256,uint256,bytes)",
          "Payout", "(address,uint256)");

  @Test
  void abiJsonListsEveryFunctionAndEventOfTheModule() throws IOException {
    JsonNode abi = new ObjectMapper().readTree(module.abiJson());
    TreeSet<String> functions = new TreeSet<>();
    TreeSet<String> views = new TreeSet<>();
    TreeSet<String> payable = new TreeSet<>();
    TreeSet<String> events = new TreeSet<>();
    for (JsonNode e : abi) {
      String sig = e.get("name").asText() + "(" + types(e.get("inputs")) + ")";
      switch (e.get("type").asText()) {
        case "function" -> {
          functions.add(sig + ":" + types(e.get("outputs")));
          switch (e.get("stateMutability").asText()) {
            case "view" -> views.add(sig);
            case "payable" -> payable.add(sig);
            default -> {}
          }
        }
        case "event" -> events.add(sig + ":" + indexed(e.get("inputs")));
        default -> {}
      }
    }
    assertThat(functions)
        .isEqualTo(
            InferenceModule.FUNCTIONS.stream()
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
            signatures(InferenceModule.FUNCTIONS.stream().filter(AbiFunction::view).toList()));
    assertThat(payable).isEqualTo(signatures(InferenceModule.PAYABLE));
    assertThat(events)
        .isEqualTo(
            InferenceModule.EVENTS.stream()
                .map(
                    ev ->
                        ev.signature()
                            + ":"
                            + ev.parameters().stream()
                                .map(p -> p.indexed() ? "i" : "-")
                                .collect(Collectors.joining()))
                .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void solidityInterfaceDeclaresTheSameFunctionsAndEvents() throws IOException {
    String sol = Files.readString(repoRoot().resolve("contracts/IInference.sol"));
    assertThat(declared(sol, "function")).isEqualTo(signatures(InferenceModule.FUNCTIONS));
    assertThat(declared(sol, "event"))
        .isEqualTo(
            InferenceModule.EVENTS.stream()
                .map(AbiEvent::signature)
                .collect(Collectors.toCollection(TreeSet::new)));
    String flat = sol.replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")");
    for (AbiEvent ev : InferenceModule.EVENTS) {
      String params =
          ev.parameters().stream()
              .map(p -> p.type().canonical() + (p.indexed() ? " indexed " : " ") + p.name())
              .collect(Collectors.joining(", "));
      assertThat(flat).contains("event " + ev.name() + "(" + params + ");");
    }
    assertThat(sol).contains("function deposit() external payable returns (uint256 balance);");
    assertThat(sol).contains(InferenceModule.ADDRESS.toHex());
  }

  @Test
  void moduleSitsAtItsReservedAddressBesideVesting() {
    assertThat(InferenceModule.ADDRESS)
        .isEqualTo(Address.fromHex("0x0000000000000000000000000000000000001004"));
    ModuleRegistry r = ModuleRegistry.of(new VestingModule(), module);
    assertThat(r.get(InferenceModule.ADDRESS)).contains(module);
    assertThat(module.name()).isEqualTo("inference");
  }

  private static TreeSet<String> declared(String sol, String kind) {
    Matcher m = Pattern.compile(kind + "\\s+(\\w+)\\s*\\(([^)]*)\\)").matcher(sol);
    TreeSet<String> out = new TreeSet<>();
    while (m.find()) {
      List<String> types = new ArrayList<>();
      for (String p : m.group(2).split(",")) {
        if (!p.isBlank()) {
          String t = p.strip().split("\\s+")[0];
          String base = t.replace("[]", "");
          types.add(STRUCTS.getOrDefault(base, base) + (t.endsWith("[]") ? "[]" : ""));
        }
      }
      out.add(m.group(1) + "(" + String.join(",", types) + ")");
    }
    return out;
  }

  private static TreeSet<String> signatures(List<AbiFunction> fs) {
    return fs.stream().map(AbiFunction::signature).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Canonical types of ABI JSON parameters; tuples from their components. */
  private static String types(JsonNode params) {
    List<String> t = new ArrayList<>();
    params.forEach(p -> t.add(type(p)));
    return String.join(",", t);
  }

  private static String type(JsonNode p) {
    String t = p.get("type").asText();
    if (t.startsWith("tuple")) {
      return "(" + types(p.get("components")) + ")" + t.substring("tuple".length());
    }
    return t;
  }

  private static String indexed(JsonNode params) {
    StringBuilder b = new StringBuilder();
    params.forEach(p -> b.append(p.get("indexed").asBoolean() ? "i" : "-"));
    return b.toString();
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("contracts"))) {
      p = p.getParent();
    }
    return p;
  }
}
