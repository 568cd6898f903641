package io.openledger.openlora.engine;

import java.util.Optional;

/**
 * The base model as clients see it.
 *
 * @param id the model directory's name (what {@code /v1/models} lists and {@code model} names)
 * @param architecture config.json's model_type (llama, mistral, qwen2)
 * @param vocabSize tokens in the vocabulary (rows of the embedding)
 * @param contextLength tokens per sequence the engine accepts (prompt + completion)
 * @param hiddenSize model width
 * @param layers decoder layers
 * @param parameters parameters of the base, embeddings included
 * @param weightBytes bytes the base's weights take (mapped or quantized)
 * @param weightFormat F32, F16, BF16 or INT8
 * @param bosTokenId beginning-of-sequence token, or -1
 * @param eosTokenIds end-of-sequence tokens (generation stops on any)
 * @param chatTemplate tokenizer_config.json's chat_template (Jinja), if any
 * @param chatTemplateRefusal why chat messages cannot be rendered (the template uses Jinja that
 *     OpenLoRA does not reproduce exactly, or there is none); empty when chat works
 */
public record ModelInfo(
    String id,
    String architecture,
    int vocabSize,
    int contextLength,
    int hiddenSize,
    int layers,
    long parameters,
    long weightBytes,
    String weightFormat,
    int bosTokenId,
    int[] eosTokenIds,
    Optional<String> chatTemplate,
    Optional<String> chatTemplateRefusal) {}
