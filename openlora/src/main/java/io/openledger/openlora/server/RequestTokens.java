package io.openledger.openlora.server;

import io.openledger.openlora.engine.InferenceEngine;

/**
 * The token counts the server gives a request body: its exact prompt tokens (BOS included, as
 * {@code usage.prompt_tokens} reports them) and the most completion tokens it may generate. It runs
 * the routes' own planning ({@code CompletionsRoute.plan}, {@code ChatCompletionsRoute.plan}), so a
 * recount of a published request cannot drift from what the server counted when it served it.
 *
 * <p>A body names its API by its fields: {@code messages} is a chat completion, {@code prompt} a
 * text completion. LoRAX's {@code inputs} (and a body with both) cannot be told apart by the body
 * alone and is refused.
 *
 * @param api {@code /v1/chat/completions} or {@code /v1/completions}
 * @param promptTokens the prompt's tokens as the model sees them
 * @param maxTokens the most tokens the completion may have
 */
public record RequestTokens(String api, int promptTokens, int maxTokens) {

  /**
   * @throws IllegalArgumentException naming why the body cannot be counted here (malformed, another
   *     model, an API that cannot be told from the body, a prompt the context cannot hold)
   */
  public static RequestTokens of(InferenceEngine engine, byte[] body) {
    try {
      JsonBody json = JsonBody.parse(body);
      boolean chat = json.has("messages");
      boolean completion = json.has("prompt");
      if (chat == completion) {
        throw new IllegalArgumentException(
            chat
                ? "the request has both messages and prompt: its API cannot be told from the body"
                : "the request has neither messages nor prompt (only /v1/completions and"
                    + " /v1/chat/completions requests can be recounted)");
      }
      GenerationPlan plan =
          chat ? ChatCompletionsRoute.plan(engine, json) : CompletionsRoute.plan(engine, json);
      return new RequestTokens(
          chat ? "/v1/chat/completions" : "/v1/completions",
          plan.promptIds().length,
          plan.sampling().maxTokens());
    } catch (ApiException e) {
      throw new IllegalArgumentException(
          "the server would refuse this request: " + e.getMessage(), e);
    }
  }
}
