package io.openledger.openlora.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.json.JsonMaps;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** RoPE frequencies, including Llama 3.1's rope_scaling, against values computed by hand. */
class RopeTableTest {
  static LlamaConfig config(String scaling) {
    return LlamaConfig.parse(
        JsonMaps.parseObject(
            "{\"model_type\":\"llama\",\"hidden_size\":4096,\"intermediate_size\":14336,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":32,\"num_key_value_heads\":8,"
                + "\"vocab_size\":128256,\"max_position_embeddings\":131072,\"rope_theta\":500000.0"
                + scaling
                + "}"));
  }

  @Test
  void llama3ScalingKeepsHighFrequenciesDividesLowOnesAndBlendsBetween() {
    LlamaConfig plain = config("");
    LlamaConfig scaled =
        config(
            ",\"rope_scaling\":{\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                + "\"original_max_position_embeddings\":8192,\"rope_type\":\"llama3\"}");
    double[] f = RopeTable.inverseFrequencies(plain);
    double[] g = RopeTable.inverseFrequencies(scaled);
    assertThat(f).hasSize(64);
    for (int i = 0; i < f.length; i++) {
      assertThat(f[i]).isEqualTo(1 / Math.pow(500000, 2.0 * i / 128));
      double wavelen = 2 * Math.PI / f[i];
      if (wavelen < 8192 / 4.0) {
        assertThat(g[i]).as("high frequency %d kept", i).isEqualTo(f[i]);
      } else if (wavelen > 8192 / 1.0) {
        assertThat(g[i])
            .as("low frequency %d divided", i)
            .isCloseTo(f[i] / 8, Offset.offset(1e-18));
      } else {
        double smooth = (8192 / wavelen - 1) / (4 - 1);
        assertThat(g[i])
            .as("blend %d", i)
            .isCloseTo((1 - smooth) * f[i] / 8 + smooth * f[i], Offset.offset(1e-15));
        assertThat(g[i]).isBetween(f[i] / 8, f[i]);
      }
    }
  }

  @Test
  void tablesHoldCosAndSinOfPositionTimesFrequency() {
    LlamaConfig c = config("");
    RopeTable t = new RopeTable(c, 100);
    double[] f = RopeTable.inverseFrequencies(c);
    for (int p : new int[] {0, 1, 57, 99}) {
      for (int i = 0; i < 64; i += 9) {
        assertThat((double) t.cos[t.offset(p) + i])
            .isCloseTo(Math.cos(p * f[i]), Offset.offset(1e-7));
        assertThat((double) t.sin[t.offset(p) + i])
            .isCloseTo(Math.sin(p * f[i]), Offset.offset(1e-7));
      }
    }
  }
}
