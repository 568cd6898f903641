package io.openledger.node.blob;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A look at an upload after its bytes are verified and before they become visible: the node uses it
 * to check a submission for a datanet ({@code PUT /v1/blobs/{hash}?datanet=7}: UTF-8, data type,
 * near-duplicates of accepted contributions) and to add what it found to the response. A refusal
 * discards the bytes, so the store is as it was.
 */
@FunctionalInterface
public interface UploadInspector {

  /** Adds nothing and refuses nothing. */
  UploadInspector NONE = upload -> Verdict.accept();

  Verdict inspect(Upload upload) throws IOException;

  /**
   * The upload under inspection.
   *
   * @param alreadyStored whether the store held this blob before the upload
   * @param query the request's query parameters, as sent
   */
  record Upload(
      Hash hash,
      long size,
      Address uploader,
      boolean alreadyStored,
      Map<String, List<String>> query,
      StagedBlob content) {

    /** The verified bytes, from the start; close the stream. */
    public InputStream open() throws IOException {
      return content.open();
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
      List<String> values = query.get(name);
      return values == null || values.isEmpty() ? null : values.getFirst();
    }
  }

  /** What the inspector decided. */
  sealed interface Verdict {
    /**
     * Store the blob and add {@code fields} to the JSON response (values are anything Jackson
     * writes: strings, numbers, lists, maps). They may not replace the response's own fields.
     */
    record Accept(Map<String, Object> fields) implements Verdict {
      public Accept {
        fields = Map.copyOf(fields);
      }
    }

    /**
     * Refuse the upload: answered with {@code status} (4xx) and the API's error object {@code
     * {"error": {"code": code, "message": message}}}.
     */
    record Refuse(int status, String code, String message) implements Verdict {
      public Refuse {
        if (status < 400 || status > 499) {
          throw new IllegalArgumentException("an upload refusal is a 4xx status, got " + status);
        }
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
      }
    }

    static Verdict accept() {
      return new Accept(Map.of());
    }

    static Verdict accept(Map<String, Object> fields) {
      return new Accept(fields);
    }

    static Verdict refuse(int status, String code, String message) {
      return new Refuse(status, code, message);
    }
  }
}
