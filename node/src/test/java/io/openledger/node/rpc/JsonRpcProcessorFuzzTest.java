package io.openledger.node.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.rpc.methods.EthChainId;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated JSON-RPC messages: the processor never throws, always answers valid
 * JSON-RPC (a result or an error object with an integer code), and runs a method only for a
 * well-formed request naming it.
 */
class JsonRpcProcessorFuzzTest {
  private static final String[] SEEDS = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test_echo\",\"params\":[\"0x1f\",true,{\"a\":[1,2]}]}",
    "[{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"eth_chainId\"},{\"jsonrpc\":\"2.0\",\"method\":\"test_echo\"}]",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"test_echo\",\"params\":[]}",
  };
  private static final String ALPHABET = "{}[]\",:0123456789abcdefx.-eE truefalsnul\\\u00e9\u0000";

  @Test
  void randomAndMutatedMessagesAlwaysGetWellFormedAnswers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    JsonRpcMethod echo =
        new JsonRpcMethod() {
          @Override
          public String name() {
            return "test_echo";
          }

          @Override
          public JsonRpcResponse response(JsonRpcRequest request) {
            calls.incrementAndGet();
            request.params().atMost(3);
            if (request.params().has(0)) {
              request.params().longQuantity(0);
            }
            return success(request, request.rawParams());
          }
        };
    JsonRpcProcessor processor =
        new JsonRpcProcessor(new JsonRpcMethods(List.of(echo, new EthChainId(1337))), 50);
    SplittableRandom random = new SplittableRandom(20261122);
    int cases = 20_000;
    for (int i = 0; i < cases; i++) {
      String message = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
      Optional<String> answer;
      try {
        answer = processor.handle(message, null);
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + " threw on: " + message, e);
      }
      if (answer.isEmpty()) {
        continue; // only notifications
      }
      JsonNode reply = Json.MAPPER.readTree(answer.get());
      for (JsonNode r : reply.isArray() ? reply : List.of(reply)) {
        assertThat(r.get("jsonrpc").asText()).as("case %d: %s", i, message).isEqualTo("2.0");
        assertThat(r.has("id")).as("case %d", i).isTrue();
        assertThat(r.has("result") ^ r.has("error")).as("case %d: %s", i, r).isTrue();
        if (r.has("error")) {
          assertThat(r.get("error").get("code").isInt()).as("case %d", i).isTrue();
          assertThat(r.get("error").get("message").asText()).as("case %d", i).isNotEmpty();
        }
      }
    }
    assertThat(calls.get()).as("some mutations stay well-formed").isPositive();
  }

  /** Deletes, inserts or replaces a few characters, or truncates. */
  private static String mutate(String seed, SplittableRandom random) {
    StringBuilder s = new StringBuilder(seed);
    int edits = random.nextInt(4);
    for (int e = 0; e < edits && !s.isEmpty(); e++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 2 -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        default -> s.setLength(at);
      }
    }
    return s.toString();
  }
}
