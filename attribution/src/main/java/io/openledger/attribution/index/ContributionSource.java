package io.openledger.attribution.index;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.openledger.attribution.AttributionException.InvalidInput;
import io.openledger.attribution.PartsPerMillion;
import io.openledger.attribution.tokenize.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * Where contributions come from on disk: a directory whose regular files are one contribution each
 * (id = file name; files in code point order of their names; names starting with '.' skipped), or a
 * JSONL file of objects {@code {"id": "...", "text": "..."}} one per line (other fields ignored,
 * blank lines skipped). Bad input — a sub-directory, bytes that are not UTF-8, a contribution over
 * the size limit, a line that is not such an object — is an error naming the file and line.
 */
public final class ContributionSource {
  private static final JsonFactory JSON = new JsonFactory();

  private final Path path;
  private final boolean jsonl;
  private final List<Path> files;

  private ContributionSource(Path path, boolean jsonl, List<Path> files) {
    this.path = path;
    this.jsonl = jsonl;
    this.files = files;
  }

  /**
   * A source reading {@code path}: a directory, or a file (read as JSONL).
   *
   * @throws InvalidInput if the path does not exist or the directory holds a sub-directory
   */
  public static ContributionSource of(Path path) {
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        List<Path> files =
            s.filter(p -> !p.getFileName().toString().startsWith("."))
                .sorted(
                    (a, b) ->
                        PartsPerMillion.CODE_POINT.compare(
                            a.getFileName().toString(), b.getFileName().toString()))
                .toList();
        for (Path f : files) {
          if (!Files.isRegularFile(f)) {
            throw new InvalidInput(
                f + " is not a regular file: a corpus directory holds one file per contribution");
          }
        }
        return new ContributionSource(path, false, files);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
      }
    }
    if (Files.isRegularFile(path)) {
      return new ContributionSource(path, true, List.of());
    }
    throw new InvalidInput(
        path + " does not exist (give a directory of text files or a .jsonl file)");
  }

  /** The number of contributions, for progress: files, or non-blank lines of the JSONL file. */
  public long count() {
    if (!jsonl) {
      return files.size();
    }
    try (BufferedReader r = reader()) {
      return r.lines().filter(l -> !l.isBlank()).count();
    } catch (IOException | UncheckedIOException e) {
      return -1; // the real read reports the problem with its line number
    }
  }

  private BufferedReader reader() throws IOException {
    return new BufferedReader(
        new java.io.InputStreamReader(
            Files.newInputStream(path),
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)),
        1 << 16);
  }

  /** Reads the contributions one at a time; the iterator holds the source open until exhausted. */
  public Iterator<Contribution> iterator() {
    return jsonl
        ? jsonlIterator()
        : files.iterator().hasNext() ? fileIterator() : List.<Contribution>of().iterator();
  }

  private Iterator<Contribution> fileIterator() {
    Iterator<Path> it = files.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Contribution next() {
        Path f = it.next();
        String id = f.getFileName().toString();
        try {
          long size = Files.size(f);
          if (size > Tokenizer.MAX_CONTRIBUTION_BYTES) {
            throw new InvalidInput(
                "contribution "
                    + id
                    + " ("
                    + f
                    + ") is "
                    + size
                    + " bytes, over the limit of "
                    + Tokenizer.MAX_CONTRIBUTION_BYTES
                    + " bytes");
          }
          return Contribution.fromUtf8(id, Files.readAllBytes(f));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private Iterator<Contribution> jsonlIterator() {
    BufferedReader reader;
    try {
      reader = reader();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    return new Iterator<>() {
      private Contribution next;
      private long line;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = read();
        }
        return next != null;
      }

      @Override
      public Contribution next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Contribution c = next;
        next = null;
        return c;
      }

      private Contribution read() {
        try {
          String l;
          do {
            line++;
            l = reader.readLine();
          } while (l != null && l.isBlank());
          if (l == null) {
            done = true;
            reader.close();
            return null;
          }
          return parse(l);
        } catch (java.nio.charset.CharacterCodingException e) {
          close();
          throw new InvalidInput(path + " line " + line + " is not valid UTF-8");
        } catch (IOException e) {
          close();
          throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (InvalidInput e) {
          close();
          throw e;
        }
      }

      private void close() {
        done = true;
        try {
          reader.close();
        } catch (IOException ignored) {
          // already failing; the first error is the one to report
        }
      }

      private Contribution parse(String l) throws IOException {
        String id = null;
        String text = null;
        try (JsonParser p = JSON.createParser(l)) {
          if (p.nextToken() != JsonToken.START_OBJECT) {
            throw bad("is not a JSON object");
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("id") || field.equals("text")) {
              if (t != JsonToken.VALUE_STRING) {
                throw bad("field \"" + field + "\" must be a string");
              }
              if (field.equals("id")) {
                id = p.getText();
              } else {
                text = p.getText();
              }
            } else {
              p.skipChildren();
            }
          }
          if (p.nextToken() != null) {
            throw bad("has data after the JSON object");
          }
        } catch (JsonProcessingException e) {
          throw bad("is not valid JSON: " + e.getOriginalMessage());
        }
        if (id == null || text == null) {
          throw bad("needs string fields \"id\" and \"text\"");
        }
        long bytes = ShardWriter.utf8Length(text);
        if (bytes > Tokenizer.MAX_CONTRIBUTION_BYTES) {
          throw bad(
              "contribution "
                  + id
                  + " is "
                  + bytes
                  + " bytes, over the limit of "
                  + Tokenizer.MAX_CONTRIBUTION_BYTES
                  + " bytes");
        }
        try {
          return new Contribution(id, text);
        } catch (InvalidInput e) {
          throw bad(e.getMessage());
        }
      }

      private InvalidInput bad(String why) {
        return new InvalidInput(path + " line " + line + ": " + why);
      }
    };
  }

  /** Opens a stream of the given path's bytes; for callers that read single output files. */
  public static String readText(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Tokenizer.decodeUtf8(in.readAllBytes(), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
