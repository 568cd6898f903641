package io.openledger.node.blob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Range headers as RFC 9110 section 14 reads them, against a 100-byte blob unless said. */
class ByteRangeTest {
  private static ByteRange parse(String header) {
    return ByteRange.parse(header, 100);
  }

  @Test
  void theThreeFormsSelectTheirBytes() {
    assertThat(parse("bytes=0-9")).isEqualTo(new ByteRange.Slice(0, 9));
    assertThat(parse("bytes=10-10")).isEqualTo(new ByteRange.Slice(10, 10));
    assertThat(parse("bytes=90-")).isEqualTo(new ByteRange.Slice(90, 99));
    assertThat(parse("bytes=-10")).isEqualTo(new ByteRange.Slice(90, 99));
    assertThat(((ByteRange.Slice) parse("bytes=-10")).length()).isEqualTo(10);
  }

  @Test
  void rangesRunningPastTheEndAreCut() {
    assertThat(parse("bytes=50-1000")).isEqualTo(new ByteRange.Slice(50, 99));
    assertThat(parse("bytes=-1000")).isEqualTo(new ByteRange.Slice(0, 99));
    assertThat(parse("bytes=0-99999999999999999999999")).isEqualTo(new ByteRange.Slice(0, 99));
  }

  @Test
  void rangesStartingPastTheEndAreUnsatisfiable() {
    assertThat(parse("bytes=100-")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(parse("bytes=100-200")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(parse("bytes=99999999999999999999999-")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(parse("bytes=-0")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(ByteRange.parse("bytes=0-", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(ByteRange.parse("bytes=-5", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
  }

  @Test
  void whatIsNotOneByteRangeIsIgnored() {
    for (String h :
        new String[] {
          null,
          "",
          "items=0-1",
          "bytes=",
          "bytes=5",
          "bytes=9-3",
          "bytes=a-b",
          "bytes=-",
          "bytes=0-1,5-6",
          "bytes=+1-2",
          "bytes=1--2"
        }) {
      assertThat(parse(h)).as(h).isInstanceOf(ByteRange.Whole.class);
    }
  }

  @Test
  void theUnitIsCaseInsensitive() {
    assertThat(parse("Bytes=1-2")).isEqualTo(new ByteRange.Slice(1, 2));
  }
}
