package io.openledger.chain.state;

import io.openledger.chain.types.Address;
import io.openledger.chain.types.Hash;
import java.nio.charset.StandardCharsets;

/**
 * Where each piece of state lives in the sparse Merkle tree. Every tree key is keccak-256 of a
 * domain tag byte followed by the logical key, so accounts, module storage and supply counters can
 * never collide:
 *
 * <ul>
 *   <li>account: {@code keccak256(0x01 ++ address)} (20-byte address)
 *   <li>module storage: {@code keccak256(0x02 ++ moduleAddress ++ slot)} (20-byte address, then the
 *       slot key bytes, any length)
 *   <li>supply counter: {@code keccak256(0x03 ++ ascii(name))}, names {@code "balances"}, {@code
 *       "locked"}, {@code "burned"}, {@code "bridged"}; value = 32-byte big-endian amount
 * </ul>
 *
 * A proof for an account (eth_getProof) is a proof for {@link #account(Address)}.
 */
public final class StateKeys {
  public static final byte ACCOUNT_TAG = 0x01;
  public static final byte STORAGE_TAG = 0x02;
  public static final byte SUPPLY_TAG = 0x03;

  /** Sum of all account balances. */
  public static final Hash TOTAL_BALANCES = supplyCounter("balances");

  /** OPEN allocated at genesis but not yet claimed from the vesting module. */
  public static final Hash LOCKED = supplyCounter("locked");

  /** OPEN destroyed. */
  public static final Hash BURNED = supplyCounter("burned");

  /** OPEN withdrawn to L1 through the bridge module minus deposits credited back. */
  public static final Hash BRIDGED = supplyCounter("bridged");

  private StateKeys() {}

  public static Hash account(Address address) {
    byte[] in = new byte[1 + Address.SIZE];
    in[0] = ACCOUNT_TAG;
    System.arraycopy(address.toArray(), 0, in, 1, Address.SIZE);
    return Hash.keccak256(in);
  }

  public static Hash storage(Address module, byte[] slot) {
    byte[] in = new byte[1 + Address.SIZE + slot.length];
    in[0] = STORAGE_TAG;
    System.arraycopy(module.toArray(), 0, in, 1, Address.SIZE);
    System.arraycopy(slot, 0, in, 1 + Address.SIZE, slot.length);
    return Hash.keccak256(in);
  }

  static Hash supplyCounter(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] in = new byte[1 + n.length];
    in[0] = SUPPLY_TAG;
    System.arraycopy(n, 0, in, 1, n.length);
    return Hash.keccak256(in);
  }
}
