package io.openledger.chain.module;

import io.openledger.chain.types.Address;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The system modules of a protocol version, by address. Immutable once built; iteration is in
 * address order so anything derived from it is deterministic.
 */
public final class ModuleRegistry {
  /**
   * Modules live at {@code 0x00000000000000000000000000000000000010xx}: 18 zero bytes, then 0x10,
   * then the module's number. No private key can control these addresses.
   */
  public static final int RESERVED_PREFIX = 0x10;

  /**
   * Multicall3's canonical address, the same on every EVM chain, where viem, wagmi and ethers look
   * for it: the one module deliberately outside the reserved range (see docs/modules.md). Nobody
   * holds its key either: it comes from a one-time deployment transaction signed with a throwaway
   * key.
   */
  public static final Address MULTICALL3 =
      Address.fromHex("0xcA11bde05977b3631167028862bE2a173976CA11");

  private final SortedMap<Address, SystemModule> modules;

  private ModuleRegistry(SortedMap<Address, SystemModule> modules) {
    this.modules = Collections.unmodifiableSortedMap(modules);
  }

  /**
   * @throws IllegalArgumentException if two modules share an address or a module sits outside the
   *     reserved range (Multicall3's canonical address aside)
   */
  public static ModuleRegistry of(SystemModule... modules) {
    SortedMap<Address, SystemModule> map = new TreeMap<>();
    for (SystemModule m : modules) {
      if (!isModuleAddress(m.address())) {
        throw new IllegalArgumentException(
            "module " + m.name() + " is outside the reserved range: " + m.address());
      }
      if (map.putIfAbsent(m.address(), m) != null) {
        throw new IllegalArgumentException("two modules at " + m.address());
      }
    }
    return new ModuleRegistry(map);
  }

  /** The reserved address of module number {@code n} (0..255): {@code 0x...10nn}. */
  public static Address moduleAddress(int n) {
    if (n < 0 || n > 0xff) {
      throw new IllegalArgumentException("module number out of range: " + n);
    }
    return Address.ofLowBytes(RESERVED_PREFIX << 8 | n);
  }

  /** True for addresses in the reserved module range, whether or not a module lives there. */
  public static boolean isReserved(Address a) {
    byte[] b = a.toArray();
    for (int i = 0; i < 18; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[18] == RESERVED_PREFIX;
  }

  /** Where a module may live: the reserved range, or Multicall3's canonical address. */
  public static boolean isModuleAddress(Address a) {
    return isReserved(a) || a.equals(MULTICALL3);
  }

  public Optional<SystemModule> get(Address address) {
    return Optional.ofNullable(modules.get(address));
  }

  public boolean isModule(Address address) {
    return modules.containsKey(address);
  }

  /** All modules in address order. */
  public Collection<SystemModule> all() {
    return modules.values();
  }
}
