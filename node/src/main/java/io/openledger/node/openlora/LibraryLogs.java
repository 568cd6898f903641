package io.openledger.node.openlora;

/**
 * Keeps the web server's and tokenizer's start-up chatter (Jetty, Javalin, DJL at INFO) out of the
 * terminal, so {@code serve} prints its own few lines and {@code generate} only the answer. A user
 * who sets these slf4j-simple properties keeps their own levels.
 */
public final class LibraryLogs {
  private LibraryLogs() {}

  public static void quiet() {
    for (String logger : new String[] {"org.eclipse.jetty", "io.javalin", "ai.djl"}) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, "error");
      }
    }
  }
}
