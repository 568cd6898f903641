package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openledger.openlora.engine.GenerationEvent;
import io.openledger.openlora.engine.GenerationResult;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The request fields and response parts that OpenAI's completions and chat APIs share. */
final class OpenAiFields {
  private OpenAiFields() {}

  /** Most stop sequences a request may give (as OpenAI: 4; the engine allows 16). */
  static final int MAX_STOP = 16;

  /**
   * temperature (default 1, at least 0), top_p (default 1, in (0, 1]), top_k (extension; 0 or -1:
   * off), seed, stop, and the completion length under {@code maxTokensField}. Also rejects {@code
   * n} other than 1 and penalties other than 0, which this server does not implement, rather than
   * silently ignoring them.
   */
  static GenerationPlan.Sampling sampling(JsonBody body, String... maxTokensFields) {
    double temperature = body.number("temperature").orElse(1.0);
    if (temperature < 0 || temperature > 2) {
      throw ApiError.badParameter(
              "temperature", "temperature must be between 0 and 2, got " + temperature)
          .toException();
    }
    double topP = body.number("top_p").orElse(1.0);
    if (!(topP > 0 && topP <= 1)) {
      throw ApiError.badParameter("top_p", "top_p must be in (0, 1], got " + topP).toException();
    }
    long topK = body.integer("top_k").orElse(0L);
    if (topK == -1) {
      topK = 0; // vLLM's "off"
    }
    if (topK < 0 || topK > Integer.MAX_VALUE) {
      throw ApiError.badParameter("top_k", "top_k must be -1, 0 (off) or positive, got " + topK)
          .toException();
    }
    OptionalLong seed = body.integer("seed").map(OptionalLong::of).orElse(OptionalLong.empty());
    List<String> stop = body.stringOrStrings("stop").orElse(List.of());
    if (stop.size() > MAX_STOP) {
      throw ApiError.badParameter("stop", "at most " + MAX_STOP + " stop sequences").toException();
    }
    if (stop.stream().anyMatch(String::isEmpty)) {
      throw ApiError.badParameter("stop", "stop sequences must not be empty").toException();
    }
    Optional<Integer> maxTokens = Optional.empty();
    for (String f : maxTokensFields) {
      Optional<Long> v = body.integer(f);
      if (v.isPresent()) {
        if (v.get() < 1) {
          throw ApiError.badParameter(f, f + " must be at least 1, got " + v.get()).toException();
        }
        maxTokens = Optional.of((int) Math.min(v.get(), Integer.MAX_VALUE));
        break;
      }
    }
    long n = body.integer("n").orElse(1L);
    if (n != 1) {
      throw ApiError.badParameter("n", "only n = 1 is supported, got " + n).toException();
    }
    for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
      double p = body.number(penalty).orElse(0.0);
      if (p != 0) {
        throw ApiError.badParameter(penalty, penalty + " is not supported (must be 0)")
            .toException();
      }
    }
    return new GenerationPlan.Sampling(temperature, (int) topK, topP, seed, stop, maxTokens);
  }

  static ObjectNode usage(GenerationResult r) {
    ObjectNode u = JsonNodeFactory.instance.objectNode();
    u.put("prompt_tokens", r.promptTokens());
    u.put("completion_tokens", r.completionTokens());
    u.put("total_tokens", r.promptTokens() + r.completionTokens());
    return u;
  }

  /** Text a token adds to the visible output: special tokens (EOS) add none. */
  static String visibleText(GenerationEvent.Token t) {
    return t.special() ? "" : t.text();
  }

  /** Chat's {@code logprobs.content[]} entry for one token. */
  static ObjectNode chatLogprob(GenerationEvent.Token t) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("token", t.text());
    n.put("logprob", t.logprob());
    n.set("bytes", bytes(t.text()));
    ArrayNode top = n.putArray("top_logprobs");
    for (GenerationEvent.TopLogprob alt : t.top()) {
      ObjectNode a = top.addObject();
      a.put("token", alt.text());
      a.put("logprob", alt.logprob());
      a.set("bytes", bytes(alt.text()));
    }
    return n;
  }

  /**
   * Completions' legacy {@code logprobs} object: parallel arrays of token texts, their
   * log-probabilities, the top alternatives as {text: logprob} maps, and character offsets into the
   * completion.
   */
  static ObjectNode completionLogprobs(List<GenerationEvent.Token> tokens) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    ArrayNode texts = n.putArray("tokens");
    ArrayNode lps = n.putArray("token_logprobs");
    ArrayNode tops = n.putArray("top_logprobs");
    ArrayNode offsets = n.putArray("text_offset");
    int offset = 0;
    for (GenerationEvent.Token t : tokens) {
      texts.add(t.text());
      lps.add(t.logprob());
      ObjectNode top = tops.addObject();
      for (GenerationEvent.TopLogprob alt : t.top()) {
        top.put(alt.text(), alt.logprob());
      }
      offsets.add(offset);
      offset += visibleText(t).length();
    }
    return n;
  }

  private static ArrayNode bytes(String s) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      a.add(b & 0xff);
    }
    return a;
  }
}
