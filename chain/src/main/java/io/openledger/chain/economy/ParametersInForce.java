package io.openledger.chain.economy;

import io.openledger.chain.state.StateReader;
import java.util.Objects;

/**
 * The economy parameters a state is governed by: the parameter registry's current values over the
 * genesis ones ({@code ParameterRegistryModule.economy}). Modules read them from the state they
 * execute on, through their metered reader, at the moment they use them; the node reads them from
 * the head state for the computations that must agree with the chain.
 */
@FunctionalInterface
public interface ParametersInForce {

  /** The parameters in force in {@code state}. */
  EconomyParameters in(StateReader state);

  /** Parameters no proposal can change (tests and tools without a registry). */
  static ParametersInForce fixed(EconomyParameters parameters) {
    Objects.requireNonNull(parameters, "parameters");
    return state -> parameters;
  }
}
