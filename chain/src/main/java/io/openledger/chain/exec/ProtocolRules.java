package io.openledger.chain.exec;

import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.types.Address;

/**
 * Everything consensus-relevant that is not in a block: the chain id, the gas table, the fee rules,
 * the system modules and where fees go. Built from the genesis file ({@code Genesis.rules()}).
 *
 * @param version protocol version (a rule change makes a new version; see {@link ProtocolSchedule})
 * @param chainId EIP-155 chain id (1337 devnet, 161201 testnet, 1612 mainnet)
 * @param gasSchedule prices of operations
 * @param feeMarket base fee rule
 * @param modules the system modules
 * @param treasury receives base fee x gas used of every transaction
 * @param lockedBalances for the "spends locked OPEN" message; {@link LockedBalances#NONE} if none
 * @param maxTransactionSize largest encoded transaction accepted, bytes (geth: 128 KiB)
 */
public record ProtocolRules(
    int version,
    long chainId,
    GasSchedule gasSchedule,
    FeeMarket feeMarket,
    ModuleRegistry modules,
    Address treasury,
    LockedBalances lockedBalances,
    int maxTransactionSize) {

  /** These rules with {@code gas} as the gas table (a scheduled gas table upgrade). */
  public ProtocolRules withGasSchedule(GasSchedule gas) {
    return gas == gasSchedule
        ? this
        : new ProtocolRules(
            version,
            chainId,
            gas,
            feeMarket,
            modules,
            treasury,
            lockedBalances,
            maxTransactionSize);
  }

  /** geth's txMaxSize: 4 slots of 32 KiB. */
  public static final int DEFAULT_MAX_TRANSACTION_SIZE = 128 * 1024;
}
