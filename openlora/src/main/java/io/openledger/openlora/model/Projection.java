package io.openledger.openlora.model;

/** The seven linear layers of a decoder layer, by their Hugging Face module names. */
public enum Projection {
  Q_PROJ("q_proj", "self_attn"),
  K_PROJ("k_proj", "self_attn"),
  V_PROJ("v_proj", "self_attn"),
  O_PROJ("o_proj", "self_attn"),
  GATE_PROJ("gate_proj", "mlp"),
  UP_PROJ("up_proj", "mlp"),
  DOWN_PROJ("down_proj", "mlp");

  private final String module;
  private final String block;

  Projection(String module, String block) {
    this.module = module;
    this.block = block;
  }

  /** "q_proj", as in target_modules. */
  public String module() {
    return module;
  }

  /** "self_attn" or "mlp". */
  public String block() {
    return block;
  }

  /** The weight's tensor name in model.safetensors for layer {@code layer}. */
  public String weightName(int layer) {
    return "model.layers." + layer + "." + block + "." + module + ".weight";
  }

  /** The projection with this module name, or null. */
  public static Projection ofModule(String name) {
    for (Projection p : values()) {
      if (p.module.equals(name)) {
        return p;
      }
    }
    return null;
  }
}
