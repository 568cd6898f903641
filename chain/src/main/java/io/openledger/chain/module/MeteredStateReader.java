package io.openledger.chain.module;

import io.openledger.chain.state.Account;
import io.openledger.chain.state.StateReader;
import io.openledger.chain.state.Supply;
import io.openledger.chain.types.Address;
import java.util.Optional;

/**
 * The state as a module call may read it beyond its own storage, every read charged to the call: a
 * storage slot of any module costs {@code storageRead} (as {@link ModuleContext#load}), an account
 * {@code accountRead}, the supply counters {@code storageRead}. It lets a module use another
 * module's gas-free static readers (e.g. {@code DatanetModule.readVersion}) and still pay for them.
 *
 * @param ctx the call being charged
 */
public record MeteredStateReader(ModuleContext ctx) implements StateReader {

  @Override
  public Account account(Address address) {
    ctx.charge(ctx.gasSchedule().accountRead());
    return ctx.state().account(address);
  }

  @Override
  public Optional<byte[]> storage(Address module, byte[] slot) {
    ctx.charge(ctx.gasSchedule().storageRead());
    return ctx.state().storage(module, slot);
  }

  @Override
  public Supply supply() {
    ctx.charge(ctx.gasSchedule().storageRead());
    return ctx.state().supply();
  }
}
