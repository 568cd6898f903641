package io.openledger.openlora.server;

import io.openledger.openlora.engine.GenerationRequest.AdapterChoice;

/**
 * What a request's {@code model} field names: the base ({@code tiny-llama}), the base with an
 * adapter ({@code tiny-llama:support-bot}), or, as LoRAX's OpenAI endpoint allows, an adapter id
 * alone ({@code support-bot}). A different base before the colon is an unknown model (404).
 */
final class ModelName {
  private ModelName() {}

  /**
   * @param param the request field, for the error ({@code model})
   * @param model the field's value
   * @param baseId the served base's id
   */
  static AdapterChoice resolve(String param, String model, String baseId) {
    if (model.isBlank()) {
      throw ApiError.badParameter(param, param + " must not be empty").toException();
    }
    if (model.equals(baseId)) {
      return new AdapterChoice.Base();
    }
    String prefix = baseId + ":";
    if (model.startsWith(prefix)) {
      String adapter = model.substring(prefix.length());
      if (adapter.isBlank()) {
        throw ApiError.badParameter(param, "adapter id after '" + prefix + "' is empty")
            .toException();
      }
      return new AdapterChoice.Single(adapter);
    }
    if (model.indexOf(':') > 0 && !model.startsWith("sha256:")) {
      throw ApiError.unknownModel(param, model.substring(0, model.indexOf(':'))).toException();
    }
    return new AdapterChoice.Single(model);
  }

  /** The name {@code /v1/models} lists and responses echo for a choice. */
  static String of(String baseId, AdapterChoice choice) {
    return switch (choice) {
      case AdapterChoice.Base b -> baseId;
      case AdapterChoice.Single s -> baseId + ":" + s.adapterId();
      case AdapterChoice.Ensemble e ->
          baseId
              + ":"
              + String.join(
                  "+", e.members().stream().map(AdapterChoice.Weighted::adapterId).toList());
    };
  }
}
