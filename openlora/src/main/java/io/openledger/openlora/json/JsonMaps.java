package io.openledger.openlora.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;

/**
 * The JSON files a model directory holds (config.json, tokenizer_config.json, adapter_config.json,
 * safetensors headers), read and written with Jackson as plain Java values: LinkedHashMap (key
 * order kept), ArrayList, String, Long (BigInteger beyond 64 bits), Double, Boolean, null.
 * Duplicate keys and trailing text are errors. The typed getters name the key at fault.
 */
public final class JsonMaps {
  private JsonMaps() {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Python's json.dumps(indent=2) layout, as Hugging Face writes its files. */
  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator(""))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private static final TypeReference<Object> ANY = new TypeReference<>() {};

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException saying where the text is not JSON
   */
  public static Object parse(String text) {
    try {
      return longs(MAPPER.readValue(text, ANY));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "invalid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** Integers as Long (BigInteger beyond 64 bits, e.g. tokenizer_config's model_max_length). */
  @SuppressWarnings("unchecked")
  private static Object longs(Object v) {
    switch (v) {
      case Integer i -> {
        return (long) i;
      }
      case Map<?, ?> m -> {
        ((Map<Object, Object>) m).replaceAll((k, x) -> longs(x));
        return m;
      }
      case List<?> l -> {
        ((List<Object>) l).replaceAll(JsonMaps::longs);
        return l;
      }
      case null, default -> {
        return v;
      }
    }
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  /** Compact JSON. */
  public static String write(Object v) {
    try {
      return MAPPER.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + v + " as JSON: " + e.getMessage(), e);
    }
  }

  /** JSON indented by two spaces, one item per line, with a final newline. */
  public static String writePretty(Object v) {
    try {
      return PRETTY.writeValueAsString(v) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + v + " as JSON: " + e.getMessage(), e);
    }
  }

  // ---- typed access for config files ----

  /** An integer field, or {@code fallback} when absent or null. */
  public static long getLong(Map<String, Object> m, String key, long fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
      return d.longValue();
    }
    throw new IllegalArgumentException(key + " must be a 64-bit integer, got " + v);
  }

  /** A required integer field. */
  public static long requireLong(Map<String, Object> m, String key) {
    if (m.get(key) == null) {
      throw new IllegalArgumentException("missing \"" + key + "\"");
    }
    return getLong(m, key, 0);
  }

  /** A number field, or {@code fallback}. */
  public static double getDouble(Map<String, Object> m, String key, double fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(key + " must be a number, got " + v);
  }

  /** A string field, or {@code fallback}. */
  public static String getString(Map<String, Object> m, String key, String fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String str) {
      return str;
    }
    throw new IllegalArgumentException(key + " must be a string, got " + v);
  }

  /** A boolean field, or {@code fallback}. */
  public static boolean getBoolean(Map<String, Object> m, String key, boolean fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean bool) {
      return bool;
    }
    throw new IllegalArgumentException(key + " must be true or false, got " + v);
  }
}
