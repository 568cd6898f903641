package io.openledger.chain.governance;

import io.openledger.chain.module.AbiEvent;
import io.openledger.chain.module.AbiFunction;
import io.openledger.chain.module.AbiType;
import io.openledger.chain.module.MeteredStateReader;
import io.openledger.chain.module.ModuleContext;
import io.openledger.chain.module.ModuleRegistry;
import io.openledger.chain.module.ModuleRevert;
import io.openledger.chain.module.SystemModule;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import java.math.BigInteger;
import java.util.List;

/**
 * The treasury at {@code 0x0000000000000000000000000000000000001000} (docs/governance.md): the
 * module account that devnet and testnet genesis files name as {@code treasury}, so base fees, the
 * platform's share of inference fees and the rewards of pools nobody holds accrue here. Anyone may
 * add to it ({@code deposit()}, or a plain transfer with empty data); only the governance module,
 * executing a proposal, spends from it.
 */
public final class TreasuryModule implements SystemModule {
  public static final Address ADDRESS = ModuleRegistry.moduleAddress(0);
  public static final String NAME = "treasury";

  public static final AbiFunction SPEND = AbiFunction.of("spend(address,uint256)", "", false);
  public static final AbiFunction DEPOSIT = AbiFunction.payable("deposit()", "");
  public static final AbiFunction BALANCE = AbiFunction.of("balance()", "uint256", true);

  /** Every function, in ABI file order. */
  public static final List<AbiFunction> FUNCTIONS = List.of(SPEND, DEPOSIT, BALANCE);

  public static final AbiEvent SPENT =
      new AbiEvent(
          "Spent",
          List.of(
              new AbiEvent.Parameter("to", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false),
              new AbiEvent.Parameter("proposalId", AbiType.UINT256, false)));
  public static final AbiEvent DEPOSITED =
      new AbiEvent(
          "Deposited",
          List.of(
              new AbiEvent.Parameter("from", AbiType.ADDRESS, true),
              new AbiEvent.Parameter("amount", AbiType.UINT256, false)));

  /** Every event, in ABI file order. */
  public static final List<AbiEvent> EVENTS = List.of(SPENT, DEPOSITED);

  private final Identity identity = Identity.of(ADDRESS, NAME, "/modules/Treasury.abi.json");

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public byte[] call(ModuleContext ctx, byte[] calldata, Amount value) {
    if (calldata.length == 0) { // a plain transfer, as Solidity's receive()
      deposited(ctx, value);
      return new byte[0];
    }
    AbiFunction f = SystemModule.select(NAME, FUNCTIONS, calldata, value);
    List<Object> a = f.decodeArguments(calldata);
    return switch (f.name()) {
      case "spend" -> {
        spend(ctx, (Address) a.get(0), Amount.of((BigInteger) a.get(1)));
        yield new byte[0];
      }
      case "deposit" -> {
        deposited(ctx, value);
        yield new byte[0];
      }
      case "balance" -> {
        ctx.charge(ctx.gasSchedule().accountRead());
        yield BALANCE.encodeResult(ctx.state().account(ADDRESS).balance().value());
      }
      default -> throw new IllegalStateException("no handler for " + f.signature());
    };
  }

  private static void deposited(ModuleContext ctx, Amount value) {
    if (value.isZero()) {
      throw new ModuleRevert("treasury: deposit of zero");
    }
    ctx.emit(DEPOSITED, ctx.caller(), value.value());
  }

  private static void spend(ModuleContext ctx, Address to, Amount amount) {
    if (!ctx.caller().equals(GovernanceModule.ADDRESS)) {
      throw new ModuleRevert(
          "treasury: only the governance module "
              + GovernanceModule.ADDRESS
              + " spends, through an executed proposal");
    }
    if (amount.isZero()) {
      throw new ModuleRevert("treasury: spend of zero");
    }
    if (to.equals(Address.ZERO) || ModuleRegistry.isModuleAddress(to)) {
      throw new ModuleRevert(
          "treasury: cannot pay " + to + " (the zero address or a module; call the module)");
    }
    ctx.charge(ctx.gasSchedule().balanceTransfer());
    Amount held = ctx.state().account(ADDRESS).balance();
    if (held.lessThan(amount)) {
      throw new ModuleRevert(
          "treasury: spend of "
              + amount.toOpenString()
              + " OPEN but the treasury holds "
              + held.toOpenString()
              + " OPEN");
    }
    ctx.state().transfer(ADDRESS, to, amount);
    ctx.emit(SPENT, to, amount.value(), GovernanceModule.executing(new MeteredStateReader(ctx)));
  }
}
