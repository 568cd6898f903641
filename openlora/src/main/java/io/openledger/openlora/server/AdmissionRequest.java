package io.openledger.openlora.server;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A generation request as {@link InferenceGate#admit} sees it: checked, its prompt tokenized, not
 * yet run.
 *
 * @param route the path, e.g. {@code /v1/chat/completions} or {@code /generate_stream}
 * @param streaming whether the answer is streamed (SSE)
 * @param model the model name the response echoes: {@code base}, {@code base:adapter} or {@code
 *     base:a+b} (an ensemble)
 * @param adapterIds the adapter ids the engine will use, in order (empty: the base alone); e.g.
 *     {@code 0x<keccak-256>} for an adapter named by its on-chain hash
 * @param body the request body's bytes exactly as received (the input of a request hash)
 * @param headers the request's headers, first value of each, names case-insensitive
 * @param promptTokens prompt tokens the engine will process (BOS included), as usage reports them
 * @param maxNewTokens the most tokens the answer can have (usage's completion_tokens is at most
 *     this), so the most the request can cost is known before it runs
 */
public record AdmissionRequest(
    String route,
    boolean streaming,
    String model,
    List<String> adapterIds,
    byte[] body,
    Map<String, String> headers,
    int promptTokens,
    int maxNewTokens) {

  public AdmissionRequest {
    adapterIds = List.copyOf(adapterIds);
    body = body.clone();
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    headers = Collections.unmodifiableMap(h);
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /**
   * A header's first value, the name in any case: {@code Authorization}, {@code
   * X-OpenLedger-Spend}.
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
