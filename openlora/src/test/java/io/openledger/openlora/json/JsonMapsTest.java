package io.openledger.openlora.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module's JSON files through Jackson: value types, strictness, Hugging Face's layout. */
class JsonMapsTest {
  @Test
  void integersAreLongsFloatsDoublesAndKeyOrderIsKept() {
    Map<String, Object> m =
        JsonMaps.parseObject(
            "{\"z\": 1, \"a\": [2, 2.5, true, null, \"s\"], \"model_max_length\":"
                + " 1000000000000000019884624838656}");
    assertThat(m.keySet()).containsExactly("z", "a", "model_max_length");
    assertThat(m.get("z")).isEqualTo(1L);
    assertThat(m.get("a")).isEqualTo(java.util.Arrays.asList(2L, 2.5, true, null, "s"));
    assertThat(m.get("model_max_length"))
        .isEqualTo(new BigInteger("1000000000000000019884624838656"));
    assertThatThrownBy(() -> JsonMaps.getLong(m, "model_max_length", 0))
        .hasMessageContaining("model_max_length must be a 64-bit integer");
  }

  @Test
  void duplicateKeysTrailingTextAndNonObjectsAreRefused() {
    assertThatThrownBy(() -> JsonMaps.parse("{\"a\": 1, \"a\": 2}"))
        .hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> JsonMaps.parse("{} {}")).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> JsonMaps.parseObject("[1]")).hasMessage("expected a JSON object");
  }

  @Test
  void prettyOutputIsPythonsIndentTwoLayoutAndRoundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("r", 4L);
    m.put("target_modules", List.of("q_proj", "v_proj"));
    m.put("empty", List.of());
    m.put("theta", 10000.0);
    assertThat(JsonMaps.writePretty(m))
        .isEqualTo(
            "{\n  \"r\": 4,\n  \"target_modules\": [\n    \"q_proj\",\n    \"v_proj\"\n  ],\n"
                + "  \"empty\": [],\n  \"theta\": 10000.0\n}\n");
    assertThat(JsonMaps.parse(JsonMaps.writePretty(m))).isEqualTo(m);
    assertThat(JsonMaps.write(m))
        .isEqualTo(
            "{\"r\":4,\"target_modules\":[\"q_proj\",\"v_proj\"],\"empty\":[],\"theta\":10000.0}");
  }
}
