package io.openledger.openlora.safetensors;

/** Tensor element types the engine reads and writes. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2),
  I8(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /**
   * The dtype named in a safetensors header.
   *
   * @throws SafetensorsFormatException for types the engine does not compute in (F64, I64, ...)
   */
  public static DType fromHeader(String name, String tensor) {
    return switch (name) {
      case "F32" -> F32;
      case "F16" -> F16;
      case "BF16" -> BF16;
      case "I8" -> I8;
      default ->
          throw new SafetensorsFormatException(
              "tensor " + tensor + " has dtype " + name + "; supported: F32, F16, BF16, I8");
    };
  }

  /** bfloat16 bits (upper half of an f32) to float. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** float to bfloat16 bits, rounding to nearest even (NaN stays NaN). */
  public static short floatToBf16(float f) {
    int x = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((x >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((x >>> 16) & 1);
    return (short) ((x + rounding) >>> 16);
  }
}
