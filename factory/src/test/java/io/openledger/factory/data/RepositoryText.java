package io.openledger.factory.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real text that every checkout has: the repository's own documentation (English prose with code,
 * numbers, tables and a few non-ASCII characters), one document per paragraph.
 */
final class RepositoryText {
  private RepositoryText() {}

  /** The paragraphs of docs/*.md, in file order, as documents of datanet 1 version 1. */
  static List<Document> paragraphs() {
    Path docs = Path.of("..", "docs");
    List<Document> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(docs)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        for (String para : Files.readString(f).split("\n\n")) {
          if (!para.isBlank()) {
            out.add(new Document(1, 1, out.size() + 1, para));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(out).as("paragraphs under %s", docs.toAbsolutePath()).hasSizeGreaterThan(500);
    return out;
  }
}
