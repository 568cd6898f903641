package io.openledger.chain.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Bytes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;

class AbiTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void selectorsAndTopicsMatchKnownAnswers() {
    assertThat(HEX.formatHex(Abi.selector("transfer(address,uint256)"))).isEqualTo("a9059cbb");
    assertThat(HEX.formatHex(Abi.selector("balanceOf(address)"))).isEqualTo("70a08231");
    assertThat(HEX.formatHex(Abi.errorSelector())).isEqualTo("08c379a0");
    assertThat(Abi.eventTopic("Transfer(address,address,uint256)").toHex())
        .isEqualTo("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    assertThat(AbiFunction.of("transfer(address,uint)", "bool", false).signature())
        .isEqualTo("transfer(address,uint256)");
  }

  @Test
  void transferCalldataMatchesTheWellKnownEncoding() {
    AbiFunction transfer = AbiFunction.of("transfer(address,uint256)", "bool", false);
    byte[] data =
        transfer.encodeCall(
            Address.fromHex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), BigInteger.TEN);
    assertThat(Bytes.toHex(data))
        .isEqualTo(
            "0xa9059cbb"
                + "0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
                + "000000000000000000000000000000000000000000000000000000000000000a");
    assertThat(transfer.decodeArguments(data))
        .containsExactly(
            Address.fromHex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), BigInteger.TEN);
  }

  @Test
  void revertDataIsErrorStringAsSolidityEncodesIt() {
    // The example from the Solidity documentation ("Error handling: Assert, Require, Revert").
    String expected =
        "0x08c379a0"
            + "0000000000000000000000000000000000000000000000000000000000000020"
            + "000000000000000000000000000000000000000000000000000000000000001a"
            + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000";
    assertThat(Bytes.toHex(Abi.encodeError("Not enough Ether provided."))).isEqualTo(expected);
    assertThat(Abi.decodeError(Bytes.fromHex(expected))).contains("Not enough Ether provided.");
    assertThat(Abi.decodeError(new byte[] {1, 2, 3, 4})).isEmpty();
  }

  @Test
  void encodingAgreesWithWeb3jOnRandomValues() {
    SplittableRandom rnd = new SplittableRandom(161201);
    List<AbiType> types =
        List.of(
            AbiType.ADDRESS,
            AbiType.UINT256,
            AbiType.STRING,
            AbiType.BOOL,
            AbiType.BYTES,
            AbiType.UINT64,
            AbiType.BYTES32,
            AbiType.parse("uint256[]"));
    for (int i = 0; i < 2_000; i++) {
      byte[] addr = randomBytes(rnd, 20);
      BigInteger u256 = new BigInteger(rnd.nextInt(257), new java.util.Random(rnd.nextLong()));
      String s = randomString(rnd);
      boolean flag = rnd.nextBoolean();
      byte[] bytes = randomBytes(rnd, rnd.nextInt(100));
      BigInteger u64 = new BigInteger(64, new java.util.Random(rnd.nextLong()));
      byte[] b32 = randomBytes(rnd, 32);
      List<BigInteger> arr = new ArrayList<>();
      for (int k = rnd.nextInt(5); k > 0; k--) {
        arr.add(BigInteger.valueOf(rnd.nextLong(0, Long.MAX_VALUE)));
      }
      List<Object> values = List.of(Address.wrap(addr), u256, s, flag, bytes, u64, b32, arr);
      byte[] ours = Abi.encode(types, values);
      List<Type> theirs =
          List.of(
              new org.web3j.abi.datatypes.Address(Bytes.toHex(addr)),
              new Uint256(u256),
              new Utf8String(s),
              new Bool(flag),
              new DynamicBytes(bytes),
              new Uint64(u64),
              new Bytes32(b32),
              new DynamicArray<>(Uint256.class, arr.stream().map(Uint256::new).toList()));
      assertThat(HEX.formatHex(ours))
          .as("case %d", i)
          .isEqualTo(FunctionEncoder.encodeConstructor(theirs));
      List<Object> back = Abi.decode(types, ours);
      assertThat(((Address) back.get(0)).toArray()).as("case %d", i).isEqualTo(addr);
      assertThat(back.get(1)).as("case %d", i).isEqualTo(u256);
      assertThat(back.get(2)).as("case %d", i).isEqualTo(s);
      assertThat(back.get(3)).as("case %d", i).isEqualTo(flag);
      assertThat((byte[]) back.get(4)).as("case %d", i).isEqualTo(bytes);
      assertThat(back.get(5)).as("case %d", i).isEqualTo(u64);
      assertThat(back.get(7)).as("case %d", i).isEqualTo(arr);
    }
  }

  @Test
  void arraysOfStringsAndSmallIntegersAgreeWithWeb3j() {
    // the shapes of the datanet and model modules: string[], uint64[], uint32[], uint8, uint32
    List<AbiType> types =
        List.of(
            AbiType.STRING,
            AbiType.parse("string[]"),
            AbiType.parse("uint8"),
            AbiType.parse("uint32"),
            AbiType.parse("uint64[]"),
            AbiType.parse("uint32[]"));
    SplittableRandom rnd = new SplittableRandom(1002);
    for (int i = 0; i < 1_000; i++) {
      String name = randomString(rnd);
      List<String> tags = new ArrayList<>();
      for (int k = rnd.nextInt(4); k > 0; k--) {
        tags.add(randomString(rnd));
      }
      BigInteger u8 = BigInteger.valueOf(rnd.nextInt(256));
      BigInteger u32 = BigInteger.valueOf(rnd.nextLong(1L << 32));
      List<BigInteger> ids = new ArrayList<>();
      List<BigInteger> versions = new ArrayList<>();
      for (int k = rnd.nextInt(4); k > 0; k--) {
        ids.add(new BigInteger(64, new java.util.Random(rnd.nextLong())));
        versions.add(BigInteger.valueOf(rnd.nextLong(1L << 32)));
      }
      List<Object> values = List.of(name, tags, u8, u32, ids, versions);
      byte[] ours = Abi.encode(types, values);
      List<Type> theirs =
          List.of(
              new Utf8String(name),
              new DynamicArray<>(Utf8String.class, tags.stream().map(Utf8String::new).toList()),
              new Uint8(u8),
              new Uint32(u32),
              new DynamicArray<>(Uint64.class, ids.stream().map(Uint64::new).toList()),
              new DynamicArray<>(Uint32.class, versions.stream().map(Uint32::new).toList()));
      assertThat(HEX.formatHex(ours))
          .as("case %d", i)
          .isEqualTo(FunctionEncoder.encodeConstructor(theirs));
      assertThat(Abi.decode(types, ours)).as("case %d", i).isEqualTo(values);
    }
    assertThat(
            Bytes.toHex(
                AbiFunction.of(
                        "createDatanet(string,string,string[],uint8,uint32,string)", "", false)
                    .selector()))
        .isEqualTo(
            org.web3j.crypto.Hash.sha3String(
                    "createDatanet(string,string,string[],uint8,uint32,string)")
                .substring(0, 10));
    // a uint8 with a ninth bit set is not canonical
    byte[] bad = Abi.encode(List.of(AbiType.parse("uint8")), List.of(BigInteger.ONE));
    bad[30] = 1;
    assertThatThrownBy(() -> Abi.decode(List.of(AbiType.parse("uint8")), bad))
        .isInstanceOf(AbiDecodingException.class)
        .hasMessageContaining("value out of range for uint8");
  }

  @Test
  void strictDecodingRefusesNonCanonicalInput() {
    List<AbiType> t = List.of(AbiType.ADDRESS, AbiType.UINT64);
    byte[] good = Abi.encode(t, List.of(Address.ZERO, BigInteger.ONE));
    byte[] dirtyAddress = good.clone();
    dirtyAddress[0] = 1;
    assertThatThrownBy(() -> Abi.decode(t, dirtyAddress))
        .isInstanceOf(AbiDecodingException.class)
        .hasMessageContaining("canonical");
    byte[] bigUint64 = good.clone();
    bigUint64[32 + 23] = 1; // bit 64 set
    assertThatThrownBy(() -> Abi.decode(t, bigUint64))
        .hasMessageContaining("out of range for uint64");
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 32);
    assertThatThrownBy(() -> Abi.decode(t, trailing)).hasMessageContaining("canonical");
    assertThatThrownBy(() -> Abi.decode(t, java.util.Arrays.copyOf(good, 40)))
        .hasMessageContaining("data too short");
    byte[] hugeOffset = new byte[64];
    hugeOffset[0] = 0x7f;
    assertThatThrownBy(() -> Abi.decode(List.of(AbiType.STRING), hugeOffset))
        .hasMessageContaining("too large");
    byte[] badBool = Abi.encode(List.of(AbiType.BOOL), List.of(true));
    badBool[31] = 2;
    assertThatThrownBy(() -> Abi.decode(List.of(AbiType.BOOL), badBool))
        .hasMessageContaining("bool");
  }

  @Test
  void randomGarbageNeverEscapesAsAnythingButAbiDecodingException() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<AbiType> t =
        List.of(AbiType.STRING, AbiType.parse("uint256[]"), AbiType.BYTES, AbiType.ADDRESS);
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = randomBytes(rnd, rnd.nextInt(300));
      // sprinkle small words so offsets and lengths sometimes point inside the data
      for (int w = 0; w + 32 <= garbage.length; w += 32) {
        if (rnd.nextInt(3) > 0) {
          java.util.Arrays.fill(garbage, w, w + 31, (byte) 0);
          garbage[w + 31] = (byte) (rnd.nextInt(8) * 32);
        }
      }
      try {
        Abi.decode(t, garbage);
      } catch (AbiDecodingException expected) {
        // fine: refused with a reason
      }
    }
  }

  private static byte[] randomBytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) rnd.nextInt(256);
    }
    return b;
  }

  private static String randomString(SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder();
    for (int k = rnd.nextInt(70); k > 0; k--) {
      int cp = rnd.nextInt(10) == 0 ? 0x4e00 + rnd.nextInt(500) : 0x20 + rnd.nextInt(95);
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }
}
