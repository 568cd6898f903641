package io.openledger.node.economy.cli;

import io.openledger.chain.datanet.DataType;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The media type a contribution's metadata records when the user gives none: from the file's
 * extension by a fixed table (not the platform's guess, so every machine writes the same metadata
 * and the same metadata hash), else from the datanet's data type.
 */
final class MediaTypes {
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("txt", "text/plain"),
          Map.entry("md", "text/markdown"),
          Map.entry("csv", "text/csv"),
          Map.entry("json", "application/json"),
          Map.entry("jsonl", "application/jsonl"),
          Map.entry("html", "text/html"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("wav", "audio/wav"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("flac", "audio/flac"),
          Map.entry("ogg", "audio/ogg"));

  private MediaTypes() {}

  static String guess(Path file, DataType type) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String known = BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (known != null) {
        return known;
      }
    }
    return type == DataType.TEXT ? "text/plain" : "application/octet-stream";
  }
}
