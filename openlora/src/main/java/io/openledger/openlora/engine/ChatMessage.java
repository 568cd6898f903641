package io.openledger.openlora.engine;

/** One chat turn: role is system, user or assistant. */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("role is required");
    }
    if (content == null) {
      throw new IllegalArgumentException("content is required");
    }
  }
}
