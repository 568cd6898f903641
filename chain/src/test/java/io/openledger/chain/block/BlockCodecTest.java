package io.openledger.chain.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.chain.tx.Transaction;
import io.openledger.chain.tx.TransactionBuilder;
import io.openledger.chain.tx.TransactionType;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Bytes;
import io.openledger.chain.types.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockCodecTest {
  @Test
  void receiptConsensusEncodingFollowsEip2718() {
    Receipt legacy =
        Receipt.of(TransactionType.LEGACY, true, 21_000, 21_000, Amount.of(7), List.of());
    // rlp([0x01, 0x5208, bloom (256 zero bytes), []]): payload 1 + 3 + 259 + 1 = 264 = 0x0108
    String expected = "0xf90108" + "01" + "825208" + "b90100" + "00".repeat(256) + "c0";
    assertThat(Bytes.toHex(legacy.encode())).isEqualTo(expected);
    Receipt typedFailed =
        Receipt.of(TransactionType.EIP1559, false, 21_000, 21_000, Amount.of(7), List.of());
    assertThat(Bytes.toHex(typedFailed.encode()))
        .isEqualTo("0x02f90108" + "80" + "825208" + "b90100" + "00".repeat(256) + "c0");
    Receipt accessList =
        Receipt.of(TransactionType.EIP2930, true, 21_000, 21_000, Amount.of(7), List.of());
    assertThat(Bytes.toHex(accessList.encode()))
        .isEqualTo("0x01f90108" + "01" + "825208" + "b90100" + "00".repeat(256) + "c0");
  }

  @Test
  void receiptsRoundTripInBothEncodings() {
    SplittableRandom rnd = new SplittableRandom(9);
    for (int i = 0; i < 2_000; i++) {
      Receipt r = randomReceipt(rnd);
      assertThat(Receipt.decodeFromStorage(r.encodeForStorage())).as("case %d", i).isEqualTo(r);
      assertThat(Receipt.decode(r.encode(), r.gasUsed(), r.effectiveGasPrice()))
          .as("case %d", i)
          .isEqualTo(r);
      assertThat(r.bloom()).isEqualTo(LogsBloom.of(r.logs()));
    }
    assertThatThrownBy(() -> Receipt.decodeFromStorage(new byte[] {(byte) 0xc0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed stored receipt: rlp: ");
  }

  @Test
  void headersAndBlocksRoundTripAndHashByEncoding() {
    SplittableRandom rnd = new SplittableRandom(10);
    KeyPair key = KeyPair.fromPrivateKeyHex("0x" + "33".repeat(32));
    for (int i = 0; i < 300; i++) {
      List<Transaction> txs = new ArrayList<>();
      List<Receipt> receipts = new ArrayList<>();
      int n = rnd.nextInt(6);
      for (int t = 0; t < n; t++) {
        TransactionBuilder b =
            rnd.nextBoolean() ? TransactionBuilder.eip1559(1337) : TransactionBuilder.legacy(1337);
        txs.add(
            b.nonce(t)
                .gasPrice(Amount.of(rnd.nextInt(1, 1000)))
                .to(Address.wrap(bytes(rnd, 20)))
                .sign(key));
        receipts.add(randomReceipt(rnd));
      }
      BlockHeader header =
          new BlockHeader(
              Hash.wrap(bytes(rnd, 32)),
              rnd.nextLong(1L << 40),
              1_700_000_000L + rnd.nextInt(1 << 30),
              Hash.wrap(bytes(rnd, 32)),
              Block.transactionsRoot(txs),
              Block.receiptsRoot(receipts),
              Block.logsBloom(receipts),
              rnd.nextLong(30_000_000),
              30_000_000,
              Amount.of(rnd.nextLong(1L << 50)),
              Address.wrap(bytes(rnd, 20)),
              bytes(rnd, rnd.nextInt(33)));
      assertThat(BlockHeader.decode(header.encode())).as("case %d", i).isEqualTo(header);
      assertThat(header.hash()).isEqualTo(Hash.keccak256(header.encode()));

      Block block = new Block(header, txs);
      byte[] enc = block.encode();
      Block back = Block.decode(enc);
      assertThat(back).as("case %d", i).isEqualTo(block);
      assertThat(back.encode()).isEqualTo(enc);
      assertThat(back.hash()).isEqualTo(block.hash());
      for (Transaction t : back.transactions()) {
        assertThat(t.sender()).isEqualTo(key.address());
      }
      assertThat(Block.transactionsRoot(back.transactions())).isEqualTo(header.transactionsRoot());
    }
  }

  @Test
  void changingAnyHeaderFieldChangesTheHash() {
    BlockHeader h =
        new BlockHeader(
            Hash.ZERO,
            1,
            2,
            Hash.ZERO,
            OrderedMerkleRoot.EMPTY,
            OrderedMerkleRoot.EMPTY,
            LogsBloom.EMPTY,
            0,
            30_000_000,
            Amount.of(1_000_000_000),
            Address.ZERO,
            new byte[0]);
    BlockHeader other =
        new BlockHeader(
            Hash.ZERO,
            2,
            2,
            Hash.ZERO,
            OrderedMerkleRoot.EMPTY,
            OrderedMerkleRoot.EMPTY,
            LogsBloom.EMPTY,
            0,
            30_000_000,
            Amount.of(1_000_000_000),
            Address.ZERO,
            new byte[0]);
    assertThat(h.hash()).isNotEqualTo(other.hash());
    assertThatThrownBy(
            () ->
                new BlockHeader(
                    Hash.ZERO,
                    1,
                    2,
                    Hash.ZERO,
                    Hash.ZERO,
                    Hash.ZERO,
                    LogsBloom.EMPTY,
                    0,
                    1,
                    Amount.ZERO,
                    Address.ZERO,
                    new byte[33]))
        .hasMessageContaining("32 bytes");
  }

  @Test
  void malformedBlocksAreRefusedWithAReason() {
    BlockHeader h =
        new BlockHeader(
            Hash.ZERO,
            1,
            2,
            Hash.ZERO,
            OrderedMerkleRoot.EMPTY,
            OrderedMerkleRoot.EMPTY,
            LogsBloom.EMPTY,
            0,
            30_000_000,
            Amount.of(1),
            Address.ZERO,
            new byte[0]);
    byte[] enc = new Block(h, List.of()).encode();
    assertThatThrownBy(() -> Block.decode(Arrays.copyOf(enc, enc.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed block: rlp: ");
    assertThatThrownBy(() -> Block.decode(Arrays.copyOf(enc, enc.length + 1)))
        .hasMessage("malformed block: rlp: input contains more than one value");
  }

  @Test
  void mutatedBlocksAndReceiptsFailOnlyWithIllegalArgumentAndAcceptedOnesAreCanonical() {
    SplittableRandom rnd = new SplittableRandom(11);
    KeyPair key = KeyPair.fromPrivateKeyHex("0x" + "33".repeat(32));
    List<Transaction> txs =
        List.of(
            TransactionBuilder.eip1559(1337).to(Address.ZERO).sign(key),
            TransactionBuilder.legacy(1337).nonce(1).to(Address.ZERO).sign(key));
    BlockHeader h =
        new BlockHeader(
            Hash.ZERO,
            7,
            1_700_000_000,
            Hash.ZERO,
            Block.transactionsRoot(txs),
            OrderedMerkleRoot.EMPTY,
            LogsBloom.EMPTY,
            42_000,
            30_000_000,
            Amount.of(7),
            Address.ZERO,
            new byte[] {1, 2});
    byte[] block = new Block(h, txs).encode();
    byte[] receipt = randomReceipt(rnd).encodeForStorage();
    int tried = 0;
    for (int i = 0; i < 100_000; i++) {
      boolean isBlock = (i & 1) == 0;
      byte[] b = (isBlock ? block : receipt).clone();
      int flips = 1 + rnd.nextInt(3);
      for (int k = 0; k < flips; k++) {
        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
      }
      if (rnd.nextInt(4) == 0) {
        b = Arrays.copyOf(b, rnd.nextInt(b.length + 4));
      }
      tried++;
      try {
        byte[] again =
            isBlock ? Block.decode(b).encode() : Receipt.decodeFromStorage(b).encodeForStorage();
        assertThat(again).as("case %d", i).isEqualTo(b);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).as("case %d", i).startsWith("malformed ");
      }
    }
    assertThat(tried).isEqualTo(100_000);
  }

  static Receipt randomReceipt(SplittableRandom rnd) {
    List<Log> logs = new ArrayList<>();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      List<Hash> topics = new ArrayList<>();
      int t = rnd.nextInt(5);
      for (int k = 0; k < t; k++) {
        topics.add(Hash.wrap(bytes(rnd, 32)));
      }
      logs.add(new Log(Address.wrap(bytes(rnd, 20)), topics, bytes(rnd, rnd.nextInt(100))));
    }
    long gas = rnd.nextLong(1_000_000);
    return Receipt.of(
        TransactionType.values()[rnd.nextInt(TransactionType.values().length)],
        rnd.nextBoolean(),
        gas + rnd.nextLong(1_000_000),
        gas,
        Amount.of(rnd.nextLong(1L << 40)),
        logs);
  }

  static byte[] bytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
