package io.openledger.attribution.index;

import io.openledger.attribution.AttributionException;
import io.openledger.attribution.tokenize.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One data contribution as indexed: its id (a file name, a JSONL id, a content hash) and its text.
 *
 * @param id non-empty, unique within a shard, at most 1,024 UTF-8 bytes, no line breaks
 * @param text the contribution's text
 */
public record Contribution(String id, String text) {
  /** Longest id accepted, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 1024;

  public Contribution {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    if (id.isEmpty()) {
      throw new AttributionException.InvalidInput("contribution id is empty");
    }
    if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
      throw new AttributionException.InvalidInput("contribution id contains a line break: " + id);
    }
    if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new AttributionException.InvalidInput(
          "contribution id longer than " + MAX_ID_BYTES + " bytes: " + id.substring(0, 40) + "...");
    }
  }

  /**
   * A contribution from raw bytes: strict UTF-8 and at most {@link
   * Tokenizer#MAX_CONTRIBUTION_BYTES}, otherwise a clear error naming the contribution.
   */
  public static Contribution fromUtf8(String id, byte[] bytes) {
    if (bytes.length > Tokenizer.MAX_CONTRIBUTION_BYTES) {
      throw new AttributionException.InvalidInput(
          "contribution "
              + id
              + " is "
              + bytes.length
              + " bytes, over the limit of "
              + Tokenizer.MAX_CONTRIBUTION_BYTES
              + " bytes");
    }
    return new Contribution(id, Tokenizer.decodeUtf8(bytes, "contribution " + id));
  }
}
