package io.openledger.openlora.server;

import io.openledger.openlora.engine.GenerationResult.FinishReason;
import java.util.List;

/**
 * A finished generation as {@link InferenceGate#settle} sees it, before the client does.
 *
 * @param route the path, as in {@link AdmissionRequest#route()}
 * @param streaming whether the answer is streamed
 * @param model the model name the response echoes
 * @param adapterIds the adapter ids used (empty: the base alone)
 * @param promptTokens exactly the response's {@code usage.prompt_tokens}
 * @param completionTokens exactly the response's {@code usage.completion_tokens} (a final
 *     end-of-sequence token included)
 * @param text the completion's text (stop sequence excluded; without the prompt even when LoRAX's
 *     {@code return_full_text} asks for it in the response)
 * @param finishReason why it stopped; {@code CANCELLED} when a streaming client hung up
 * @param engineReceiptId the server's own receipt id for this answer (SHA-256 over the request as
 *     run and its output; docs/openlora-api.md), which the response carries when no gate is set
 */
public record Completed(
    String route,
    boolean streaming,
    String model,
    List<String> adapterIds,
    int promptTokens,
    int completionTokens,
    String text,
    FinishReason finishReason,
    String engineReceiptId) {

  public Completed {
    adapterIds = List.copyOf(adapterIds);
  }
}
