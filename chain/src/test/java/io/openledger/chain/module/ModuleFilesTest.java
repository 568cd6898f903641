package io.openledger.chain.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openledger.chain.types.Address;
import io.openledger.chain.vesting.VestingModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped ABI JSON and Solidity interface describe exactly what the module answers. */
class ModuleFilesTest {
  private final VestingModule vesting = new VestingModule();

  @Test
  void abiJsonListsEveryFunctionAndEventOfTheModule() throws IOException {
    JsonNode abi = new ObjectMapper().readTree(vesting.abiJson());
    TreeSet<String> functions = new TreeSet<>();
    TreeSet<String> views = new TreeSet<>();
    TreeSet<String> events = new TreeSet<>();
    for (JsonNode e : abi) {
      String sig = e.get("name").asText() + "(" + types(e.get("inputs")) + ")";
      switch (e.get("type").asText()) {
        case "function" -> {
          functions.add(sig + ":" + types(e.get("outputs")));
          if (e.get("stateMutability").asText().equals("view")) {
            views.add(sig);
          }
        }
        case "event" -> events.add(sig);
        default -> {}
      }
    }
    assertThat(functions)
        .isEqualTo(
            VestingModule.FUNCTIONS.stream()
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
            VestingModule.FUNCTIONS.stream()
                .filter(AbiFunction::view)
                .map(AbiFunction::signature)
                .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(events).containsExactly(VestingModule.CLAIMED.signature());
  }

  @Test
  void solidityInterfaceDeclaresTheSameFunctionsAndEvent() throws IOException {
    String sol = Files.readString(repoRoot().resolve("contracts/IVesting.sol"));
    Matcher m = Pattern.compile("function\\s+(\\w+)\\s*\\(([^)]*)\\)").matcher(sol);
    TreeSet<String> declared = new TreeSet<>();
    while (m.find()) {
      List<String> types = new ArrayList<>();
      for (String p : m.group(2).split(",")) {
        if (!p.isBlank()) {
          types.add(p.strip().split("\\s+")[0]);
        }
      }
      declared.add(m.group(1) + "(" + String.join(",", types) + ")");
    }
    assertThat(declared)
        .isEqualTo(
            VestingModule.FUNCTIONS.stream()
                .map(AbiFunction::signature)
                .collect(Collectors.toCollection(TreeSet::new)));
    assertThat(sol).contains("event Claimed(address indexed beneficiary, uint256 amount);");
    assertThat(sol).contains(VestingModule.ADDRESS.toHex());
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

  private static String types(JsonNode params) {
    List<String> t = new ArrayList<>();
    params.forEach(p -> t.add(p.get("type").asText()));
    return String.join(",", t);
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("contracts"))) {
      p = p.getParent();
    }
    return p;
  }
}
