package io.openledger.chain.rlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Bytes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RlpTest {

  @Test
  void encodesTheYellowPaperAndEthereumTestsExamples() {
    // ethereum/tests RLPTests/rlptest.json and the RLP page of ethereum.org
    assertThat(hex(Rlp.encodeBytes("dog".getBytes()))).isEqualTo("0x83646f67");
    assertThat(
            hex(
                Rlp.encodeList(
                    Rlp.encodeBytes("cat".getBytes()), Rlp.encodeBytes("dog".getBytes()))))
        .isEqualTo("0xc88363617483646f67");
    assertThat(hex(Rlp.encodeBytes(new byte[0]))).isEqualTo("0x80");
    assertThat(hex(Rlp.encodeList())).isEqualTo("0xc0");
    assertThat(hex(Rlp.encodeLong(0))).isEqualTo("0x80");
    assertThat(hex(Rlp.encodeBytes(new byte[] {0}))).isEqualTo("0x00");
    assertThat(hex(Rlp.encodeLong(15))).isEqualTo("0x0f");
    assertThat(hex(Rlp.encodeLong(1024))).isEqualTo("0x820400");
    assertThat(hex(Rlp.encodeBigInteger(new BigInteger("83729609699884896815286331701780722"))))
        .isEqualTo("0x8f102030405060708090a0b0c0d0e0f2");
    // [ [], [[]], [ [], [[]] ] ]: the set-theoretic representation of three
    byte[] e = Rlp.EMPTY_LIST;
    assertThat(hex(Rlp.encodeList(e, Rlp.encodeList(e), Rlp.encodeList(e, Rlp.encodeList(e)))))
        .isEqualTo("0xc7c0c1c0c3c0c1c0");
    String lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
    assertThat(hex(Rlp.encodeBytes(lorem.getBytes())))
        .isEqualTo("0xb838" + Bytes.toHex(lorem.getBytes()).substring(2));
  }

  @Test
  void rejectsEveryInvalidExampleOfEthereumTests() {
    // ethereum/tests RLPTests/invalidRLPTest.json, all cases
    String[] invalid = {
      "bf0f000000000000021111",
      "ff0f000000000000021111",
      "f80180",
      "f80100",
      "b9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df0",
      "f861f83eb9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df027b90015002d5ef8325ae4d034df55d4b58d0dfba64d61ddd17be00000b9001a00dae30907045a2f66fa36f2bb8aa9029cbb0b8a7b3b5c435ab331",
      "8100",
      "8101",
      "817f",
      "b90040000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
      "b800",
      "fb00000040000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
      "f800",
      "b81000112233445566778899aabbccddeeff",
      "b801ff",
      "f810000102030405060708090a0b0c0d0e0f",
      "f803112233"
    };
    for (String h : invalid) {
      assertThatThrownBy(() -> walk(RlpReader.of(Bytes.fromHex(h))))
          .as(h)
          .isInstanceOf(RlpException.class)
          .hasMessageStartingWith("rlp: ");
    }
  }

  @Test
  void errorsUseGethWording() {
    assertThatThrownBy(() -> RlpReader.of(Bytes.fromHex("0x8100")).readBytes("[]uint8", "(x).Data"))
        .hasMessage("rlp: non-canonical size information for []uint8, decoding into (x).Data");
    assertThatThrownBy(() -> RlpReader.of(Bytes.fromHex("0x820001")).readUint64("(x).Nonce"))
        .hasMessage(
            "rlp: non-canonical integer (leading zero bytes) for uint64, decoding into (x).Nonce");
    assertThatThrownBy(() -> RlpReader.of(Bytes.fromHex("0x00")).readUint64("(x).Nonce"))
        .hasMessageContaining("non-canonical integer");
    assertThatThrownBy(
            () -> RlpReader.of(Bytes.fromHex("0x89010203040506070809")).readUint64("(x).Nonce"))
        .hasMessage("rlp: input string too long for uint64, decoding into (x).Nonce");
    assertThatThrownBy(() -> RlpReader.of(Bytes.fromHex("0xc0")).readUint64("(x).Nonce"))
        .hasMessage("rlp: expected input string or byte for uint64, decoding into (x).Nonce");
    assertThatThrownBy(() -> RlpReader.of(Bytes.fromHex("0x80")).readList("types.LegacyTx", ""))
        .hasMessage("rlp: expected input list for types.LegacyTx");
    assertThatThrownBy(
            () -> {
              RlpReader r = RlpReader.of(Bytes.fromHex("0xc180"));
              r.readList("types.LegacyTx", "").requireEnd();
            })
        .hasMessage("rlp: input list has too many elements for types.LegacyTx");
    assertThatThrownBy(
            () ->
                RlpReader.of(Bytes.fromHex("0xc0")).readList("types.LegacyTx", "").readUint64("n"))
        .hasMessage("rlp: too few elements for types.LegacyTx");
    assertThatThrownBy(
            () -> {
              RlpReader r = RlpReader.of(Bytes.fromHex("0x8080"));
              r.readBytes("[]uint8", "");
              r.requireEnd();
            })
        .hasMessage("rlp: input contains more than one value");
    assertThatThrownBy(() -> RlpReader.of(Bytes.fromHex("0x83aabb")).readBytes("[]uint8", ""))
        .hasMessage("rlp: value size exceeds available input length");
    assertThatThrownBy(
            () -> RlpReader.of(Bytes.fromHex("0xc283aabb")).readList("l", "").readBytes("b", ""))
        .hasMessage("rlp: element is larger than containing list");
  }

  @Test
  void integersRoundTripAtEveryWidth() throws RlpException {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      long v = rnd.nextLong() >>> (1 + rnd.nextInt(63));
      byte[] enc = Rlp.encodeLong(v);
      RlpReader r = RlpReader.of(enc);
      assertThat(r.readUint64("")).as("case %d", i).isEqualTo(v);
      r.requireEnd();
      assertThat(Rlp.encodeBigInteger(BigInteger.valueOf(v))).as("case %d", i).isEqualTo(enc);
      BigInteger big = new BigInteger(rnd.nextInt(257), new java.util.Random(i));
      RlpReader rb = RlpReader.of(Rlp.encodeBigInteger(big));
      assertThat(rb.readUint256("")).as("case %d", i).isEqualTo(big);
    }
  }

  @Test
  void randomNestedStructuresRoundTrip() throws RlpException {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 3_000; i++) {
      Object tree = randomTree(rnd, 0);
      byte[] enc = encode(tree);
      RlpReader r = RlpReader.of(enc);
      Object back = read(r);
      r.requireEnd();
      assertThat(encode(back)).as("case %d", i).isEqualTo(enc);
      assertThat(deepEquals(tree, back)).as("case %d", i).isTrue();
    }
  }

  /** Reads any structure, checking every item. */
  static void walk(RlpReader r) throws RlpException {
    read(r);
    r.requireEnd();
  }

  private static Object read(RlpReader r) throws RlpException {
    if (r.nextIsList("list", "")) {
      RlpReader inner = r.readList("list", "");
      List<Object> items = new ArrayList<>();
      while (inner.hasNext()) {
        items.add(read(inner));
      }
      return items;
    }
    return r.readBytes("[]uint8", "");
  }

  private static Object randomTree(SplittableRandom rnd, int depth) {
    if (depth < 4 && rnd.nextInt(3) == 0) {
      List<Object> items = new ArrayList<>();
      int n = rnd.nextInt(6);
      for (int k = 0; k < n; k++) {
        items.add(randomTree(rnd, depth + 1));
      }
      return items;
    }
    int[] sizes = {0, 1, 1, 2, 55, 56, 57, 200, 1100};
    byte[] b = new byte[sizes[rnd.nextInt(sizes.length)]];
    rnd.nextBytes(b);
    return b;
  }

  private static byte[] encode(Object tree) {
    if (tree instanceof byte[] b) {
      return Rlp.encodeBytes(b);
    }
    List<byte[]> items = new ArrayList<>();
    for (Object o : (List<?>) tree) {
      items.add(encode(o));
    }
    return Rlp.encodeList(items);
  }

  private static boolean deepEquals(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y && x.size() == y.size()) {
      for (int i = 0; i < x.size(); i++) {
        if (!deepEquals(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static String hex(byte[] b) {
    return Bytes.toHex(b);
  }
}
