package io.openledger.openlora.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request body as a JSON object, read field by field with types checked: a field of the wrong
 * type is a 400 naming the field ({@code param}), never a silent default. Unknown fields are
 * ignored, as OpenAI's API does, so clients that send extra options keep working.
 */
final class JsonBody {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final ObjectNode node;
  private final String prefix;

  private JsonBody(ObjectNode node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  /** Parses a request body; anything but one JSON object is a 400. */
  static JsonBody parse(byte[] body) {
    if (body.length == 0) {
      throw ApiError.malformedJson("the body is empty; send a JSON object").toException();
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw ApiError.malformedJson(e.getOriginalMessage()).toException();
    } catch (java.io.IOException e) {
      throw ApiError.malformedJson(e.getMessage()).toException();
    }
    if (!(tree instanceof ObjectNode object)) {
      throw ApiError.malformedJson("expected a JSON object, got " + kind(tree)).toException();
    }
    return new JsonBody(object, "");
  }

  /** An object with no fields (a request that left out an optional object). */
  static JsonBody empty() {
    return new JsonBody(MAPPER.createObjectNode(), "");
  }

  /** The name a client sees for a field of this object, e.g. {@code parameters.top_p}. */
  String path(String field) {
    return prefix + field;
  }

  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  JsonNode raw(String field) {
    return node.get(field);
  }

  Optional<String> string(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    return Optional.of(v.textValue());
  }

  String requiredString(String field) {
    return string(field)
        .orElseThrow(
            () -> ApiError.badParameter(path(field), path(field) + " is required").toException());
  }

  Optional<Boolean> bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw wrongType(field, "a boolean", v);
    }
    return Optional.of(v.booleanValue());
  }

  Optional<Double> number(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isNumber()) {
      throw wrongType(field, "a number", v);
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw ApiError.badParameter(path(field), path(field) + " must be finite").toException();
    }
    return Optional.of(d);
  }

  /** An integer field; a number with a fraction or beyond the long range is a 400. */
  Optional<Long> integer(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      if (v.isNumber() && !v.isIntegralNumber() && v.doubleValue() == Math.rint(v.doubleValue())) {
        return Optional.of(v.longValue()); // 16.0 is accepted as 16, as Python clients send it
      }
      throw wrongType(field, "an integer", v);
    }
    return Optional.of(v.longValue());
  }

  /** A string or a list of strings (OpenAI's {@code stop}, {@code prompt}). */
  Optional<List<String>> stringOrStrings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isTextual()) {
      return Optional.of(List.of(v.textValue()));
    }
    if (!v.isArray()) {
      throw wrongType(field, "a string or an array of strings", v);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        throw ApiError.badParameter(
                path(field), path(field) + "[" + i + "] must be a string, got " + kind(e))
            .toException();
      }
      out.add(e.textValue());
    }
    return Optional.of(List.copyOf(out));
  }

  /** A nested object, read with the same checks; its fields are named {@code field.x}. */
  Optional<JsonBody> object(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!(v instanceof ObjectNode o)) {
      throw wrongType(field, "an object", v);
    }
    return Optional.of(new JsonBody(o, path(field) + "."));
  }

  /** An array of objects (chat {@code messages}). */
  List<JsonBody> objects(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw wrongType(field, "an array", v);
    }
    List<JsonBody> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!(v.get(i) instanceof ObjectNode o)) {
        throw ApiError.badParameter(
                path(field), path(field) + "[" + i + "] must be an object, got " + kind(v.get(i)))
            .toException();
      }
      out.add(new JsonBody(o, path(field) + "[" + i + "]."));
    }
    return out;
  }

  private ApiException wrongType(String field, String expected, JsonNode got) {
    return ApiError.badParameter(
            path(field), path(field) + " must be " + expected + ", got " + kind(got))
        .toException();
  }

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NULL, MISSING -> "null";
      case BINARY -> "binary";
    };
  }
}
