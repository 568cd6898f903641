package io.openledger.node.attribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openledger.attribution.AttributionException;
import io.openledger.node.cli.CliException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** What the attribution commands share: error translation and JSON printing. */
final class Cli {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Cli() {}

  /** Runs {@code body}, turning errors the user can fix into {@link CliException}s. */
  static <T> T userErrors(Callable<T> body) throws Exception {
    try {
      return body.call();
    } catch (AttributionException e) {
      throw new CliException(e.getMessage());
    } catch (UncheckedIOException e) {
      throw new CliException(e.getMessage());
    }
  }

  /** A JSON object with its keys in the order given: key, value, key, value, ... */
  static Map<String, Object> fields(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
