package io.openledger.openlora.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events response written straight to the socket, one {@code data:} event per token,
 * flushed at once so a client sees each token as it is made. Used for POST streams (OpenAI {@code
 * stream: true}, TGI {@code /generate_stream}), which the browser-style GET SSE helpers do not
 * cover.
 */
final class SseStream {
  private final OutputStream out;
  private boolean clientGone;

  private SseStream(OutputStream out) {
    this.out = out;
  }

  /** Sends the status line and headers now, so the client's first byte waits for nothing else. */
  static SseStream open(HttpServletResponse res) {
    res.setStatus(200);
    res.setContentType("text/event-stream");
    res.setCharacterEncoding("UTF-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    try {
      OutputStream out = res.getOutputStream();
      res.flushBuffer();
      return new SseStream(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code data: <json>} followed by a blank line. */
  void data(JsonNode json) {
    try {
      send("data: " + JsonBody.MAPPER.writeValueAsString(json) + "\n\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /** OpenAI's end-of-stream marker, {@code data: [DONE]}. */
  void done() {
    send("data: [DONE]\n\n");
  }

  /** False once a write failed: the client went away and generation may stop. */
  boolean clientConnected() {
    return !clientGone;
  }

  private void send(String event) {
    if (clientGone) {
      return;
    }
    try {
      out.write(event.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      clientGone = true;
    }
  }
}
