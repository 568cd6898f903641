package io.openledger.chain.tx;

import io.openledger.chain.crypto.Signature;
import io.openledger.chain.rlp.Rlp;
import io.openledger.chain.rlp.RlpException;
import io.openledger.chain.rlp.RlpReader;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A deposit from L1, carried in an L2 block as a transaction of type {@code 0x7e} (the OP Stack's
 * deposit type): a call of a system module made by a reserved system sender, unsigned, without fee
 * or nonce. Only the sequencer puts it in a block, ahead of every signed transaction; the RPC
 * decoder refuses the type, so nobody can submit one. Encoding: {@code 0x7e ‖ rlp([from, to, gas,
 * data])}; the hash is keccak-256 of the encoding (the data names the L1 deposit nonce, so no two
 * deposits share a hash).
 *
 * @param from the reserved system sender ({@code msg.sender} of the call)
 * @param module the system module called
 * @param gasLimit gas the call may use (not counted against the block's gas limit)
 * @param data the calldata
 */
public record DepositTransaction(Address from, Address module, long gasLimit, byte[] data)
    implements Transaction {
  public static final int TYPE = 0x7e;

  private static final Signature NO_SIGNATURE = new Signature(BigInteger.ZERO, BigInteger.ZERO, 0);

  public DepositTransaction {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(module, "module");
    if (gasLimit < 0) {
      throw new IllegalArgumentException("gas limit must not be negative: " + gasLimit);
    }
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public TransactionType type() {
    return TransactionType.DEPOSIT;
  }

  @Override
  public OptionalLong chainId() {
    return OptionalLong.empty();
  }

  @Override
  public long nonce() {
    return 0;
  }

  @Override
  public Amount maxFeePerGas() {
    return Amount.ZERO;
  }

  @Override
  public Amount maxPriorityFeePerGas() {
    return Amount.ZERO;
  }

  /** Zero: a deposit pays no fee. */
  @Override
  public Amount effectiveGasPrice(Amount baseFee) {
    return Amount.ZERO;
  }

  /** Zero: a deposit pays no fee. */
  @Override
  public Amount effectivePriorityFee(Amount baseFee) {
    return Amount.ZERO;
  }

  @Override
  public Optional<Address> to() {
    return Optional.of(module);
  }

  @Override
  public Amount value() {
    return Amount.ZERO;
  }

  @Override
  public Signature signature() {
    return NO_SIGNATURE;
  }

  @Override
  public BigInteger v() {
    return BigInteger.ZERO;
  }

  @Override
  public Hash hash() {
    return Hash.keccak256(encode());
  }

  @Override
  public Hash signingHash() {
    return hash();
  }

  @Override
  public byte[] encode() {
    return Rlp.concat(
        new byte[] {TYPE},
        Rlp.encodeList(
            Rlp.encodeBytes(from.toArray()),
            Rlp.encodeBytes(module.toArray()),
            Rlp.encodeLong(gasLimit),
            Rlp.encodeBytes(data)));
  }

  @Override
  public int size() {
    return encode().length;
  }

  @Override
  public Address sender() {
    return from;
  }

  /** Parses {@code 0x7e ‖ rlp([from, to, gas, data])}. */
  static DepositTransaction parse(byte[] raw) throws RlpException {
    RlpReader top = RlpReader.of(raw, 1, raw.length - 1);
    RlpReader f = top.readList("types.DepositTx", "");
    Address from =
        Address.wrap(f.readFixed(Address.SIZE, "common.Address", "(types.DepositTx).From"));
    Address to = Address.wrap(f.readFixed(Address.SIZE, "common.Address", "(types.DepositTx).To"));
    long gas = f.readUint64("(types.DepositTx).Gas");
    byte[] data = f.readBytes("[]uint8", "(types.DepositTx).Data");
    f.requireEnd();
    top.requireEnd();
    if (gas < 0) {
      throw new RlpException("rlp: deposit gas too high");
    }
    return new DepositTransaction(from, to, gas, data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DepositTransaction t
        && from.equals(t.from)
        && module.equals(t.module)
        && gasLimit == t.gasLimit
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return hash().hashCode();
  }

  @Override
  public String toString() {
    return "DepositTransaction[" + hash() + "]";
  }
}
