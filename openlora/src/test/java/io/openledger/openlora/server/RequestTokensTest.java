package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recount of a request body gives exactly the {@code usage.prompt_tokens} the server reported
 * when it served that body, for text and chat completions, and the completion cap it ran with.
 */
class RequestTokensTest {
  @TempDir static Path dir;
  static TinyServer s;

  @BeforeAll
  static void start() {
    s = TinyServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void aRecountMatchesWhatTheServerCounted() throws Exception {
    ObjectNode completion = ApiClient.JSON.createObjectNode();
    completion.put("model", s.base() + ":adapter-0001");
    completion.put("prompt", "The ledger pays whoever wrote the answer");
    completion.put("max_tokens", 7);
    completion.put("temperature", 0);
    check(completion, "/v1/completions", 7);

    ObjectNode chat = ApiClient.JSON.createObjectNode();
    chat.put("model", s.base() + ":adapter-0002");
    chat.put("temperature", 0);
    var msgs = chat.putArray("messages");
    msgs.addObject().put("role", "system").put("content", "You are terse.");
    msgs.addObject().put("role", "user").put("content", "Who pays contributors?");
    RequestTokens t = RequestTokens.of(s.engine, bytes(chat));
    assertThat(t.api()).isEqualTo("/v1/chat/completions");
    chat.put("max_tokens", 5);
    check(chat, "/v1/chat/completions", 5);
  }

  @Test
  void aBodyThatCannotBeToldOrServedIsRefused() {
    ObjectNode both = ApiClient.JSON.createObjectNode();
    both.put("model", s.base());
    both.put("prompt", "a");
    both.putArray("messages").addObject().put("role", "user").put("content", "b");
    assertThatThrownBy(() -> RequestTokens.of(s.engine, bytes(both)))
        .hasMessageContaining("both messages and prompt");
    ObjectNode lorax = ApiClient.JSON.createObjectNode();
    lorax.put("inputs", "a");
    assertThatThrownBy(() -> RequestTokens.of(s.engine, bytes(lorax)))
        .hasMessageContaining("neither messages nor prompt");
    assertThatThrownBy(() -> RequestTokens.of(s.engine, "{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the server would refuse this request");
  }

  private static void check(ObjectNode body, String path, int cap) throws Exception {
    ApiClient.Reply r = s.client.post(path, body.toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    RequestTokens t = RequestTokens.of(s.engine, bytes(body));
    assertThat(t.api()).isEqualTo(path);
    assertThat(t.promptTokens()).isEqualTo(r.json().get("usage").get("prompt_tokens").asInt());
    assertThat(t.maxTokens()).isEqualTo(cap);
    assertThat(r.json().get("usage").get("completion_tokens").asInt()).isLessThanOrEqualTo(cap);
  }

  private static byte[] bytes(ObjectNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }
}
