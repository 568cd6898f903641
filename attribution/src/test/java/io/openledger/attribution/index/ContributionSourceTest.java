package io.openledger.attribution.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.attribution.AttributionException.InvalidInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContributionSourceTest {
  @TempDir Path dir;

  private static List<Contribution> all(ContributionSource s) {
    List<Contribution> out = new ArrayList<>();
    s.iterator().forEachRemaining(out::add);
    return out;
  }

  @Test
  void directoryGivesOneContributionPerFileInNameOrder() throws IOException {
    Path d = Files.createDirectory(dir.resolve("corpus"));
    Files.writeString(d.resolve("b.txt"), "second");
    Files.writeString(d.resolve("a.txt"), "first");
    Files.writeString(d.resolve(".hidden"), "skipped");
    ContributionSource s = ContributionSource.of(d);
    assertThat(s.count()).isEqualTo(2);
    assertThat(all(s))
        .containsExactly(new Contribution("a.txt", "first"), new Contribution("b.txt", "second"));
    Files.write(d.resolve("c.bin"), new byte[] {'o', 'k', (byte) 0x80});
    assertThatThrownBy(() -> all(ContributionSource.of(d)))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("contribution c.bin is not valid UTF-8");
    Files.delete(d.resolve("c.bin"));
    Files.createDirectory(d.resolve("sub"));
    assertThatThrownBy(() -> ContributionSource.of(d))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("is not a regular file");
  }

  @Test
  void jsonlGivesOneContributionPerLine() throws IOException {
    Path f = dir.resolve("c.jsonl");
    Files.writeString(
        f,
        "{\"id\":\"x\",\"text\":\"hello \\u00e9\",\"meta\":{\"a\":[1]}}\n\n{\"text\":\"t\",\"id\":\"y\"}\n");
    ContributionSource s = ContributionSource.of(f);
    assertThat(s.count()).isEqualTo(2);
    assertThat(all(s))
        .containsExactly(new Contribution("x", "hello é"), new Contribution("y", "t"));
  }

  @Test
  void badJsonlLinesAreNamed() throws IOException {
    Path f = dir.resolve("c.jsonl");
    String[][] cases = {
      {"{\"id\":\"x\",\"text\":\"ok\"}\n[1,2]\n", "line 2: is not a JSON object"},
      {"{\"id\":\"x\"}\n", "line 1: needs string fields"},
      {"{\"id\":3,\"text\":\"t\"}\n", "line 1: field \"id\" must be a string"},
      {"{\"id\":\"x\",\"text\":\"t\"\n", "line 1: is not valid JSON"},
      {"{\"id\":\"\",\"text\":\"t\"}\n", "line 1: contribution id is empty"},
    };
    for (String[] c : cases) {
      Files.writeString(f, c[0]);
      assertThatThrownBy(() -> all(ContributionSource.of(f)))
          .as(c[0])
          .isInstanceOf(InvalidInput.class)
          .hasMessageContaining(c[1]);
    }
    Files.write(f, new byte[] {'{', '"', (byte) 0xFF, '"', '}', '\n'});
    assertThatThrownBy(() -> all(ContributionSource.of(f)))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("line 1 is not valid UTF-8");
    assertThatThrownBy(() -> ContributionSource.of(dir.resolve("missing.jsonl")))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("does not exist");
  }
}
