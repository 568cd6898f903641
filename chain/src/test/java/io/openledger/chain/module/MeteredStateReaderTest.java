package io.openledger.chain.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.exec.GasSchedule;
import io.openledger.chain.exec.GasScheduleV1;
import io.openledger.chain.state.StateDatabase;
import io.openledger.chain.state.WorldState;
import io.openledger.chain.store.InMemoryKeyValueStore;
import io.openledger.chain.types.Address;
import io.openledger.chain.types.Amount;
import io.openledger.chain.types.Hash;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading another module's storage costs what reading one's own does. */
class MeteredStateReaderTest {
  private static final GasSchedule GAS = GasScheduleV1.INSTANCE;
  private static final Address OTHER = ModuleRegistry.moduleAddress(9);

  /** A context with only a gas meter and a state. */
  private static final class Meter implements ModuleContext {
    final WorldState state = new StateDatabase(new InMemoryKeyValueStore()).open(Hash.ZERO, -1);
    long gas;

    Meter(long gas) {
      this.gas = gas;
    }

    @Override
    public Address caller() {
      return Address.ZERO;
    }

    @Override
    public Address self() {
      return ModuleRegistry.moduleAddress(8);
    }

    @Override
    public long blockNumber() {
      return 1;
    }

    @Override
    public long blockTimestamp() {
      return 0;
    }

    @Override
    public boolean simulation() {
      return false;
    }

    @Override
    public GasSchedule gasSchedule() {
      return GAS;
    }

    @Override
    public void charge(long amount) {
      if (amount > gas) {
        gas = 0;
        throw new OutOfGasException(amount, gas);
      }
      gas -= amount;
    }

    @Override
    public long gasRemaining() {
      return gas;
    }

    @Override
    public WorldState state() {
      return state;
    }

    @Override
    public Optional<byte[]> load(byte[] slot) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void store(byte[] slot, byte[] value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void emit(List<Hash> topics, byte[] data) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void eachReadIsChargedFromTheSchedule() {
    Meter m = new Meter(1_000_000);
    m.state.putStorage(OTHER, new byte[] {7}, new byte[] {42});
    m.state.credit(OTHER, Amount.of(5));
    MeteredStateReader r = new MeteredStateReader(m);
    assertThat(r.storage(OTHER, new byte[] {7}))
        .hasValueSatisfying(v -> assertThat(v).containsExactly(42));
    assertThat(m.gasRemaining()).isEqualTo(1_000_000 - GAS.storageRead());
    assertThat(r.storage(OTHER, new byte[] {8})).isEmpty();
    assertThat(r.balance(OTHER)).isEqualTo(Amount.of(5));
    assertThat(m.gasRemaining()).isEqualTo(1_000_000 - 2 * GAS.storageRead() - GAS.accountRead());
    r.supply();
    assertThat(m.gasRemaining()).isEqualTo(1_000_000 - 3 * GAS.storageRead() - GAS.accountRead());
  }

  @Test
  void aReadBeyondTheGasLeftRunsOutOfGas() {
    MeteredStateReader r = new MeteredStateReader(new Meter(GAS.storageRead() - 1));
    assertThatThrownBy(() -> r.storage(OTHER, new byte[] {1}))
        .isInstanceOf(OutOfGasException.class);
  }
}
