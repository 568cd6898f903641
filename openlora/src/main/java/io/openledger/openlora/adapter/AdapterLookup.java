package io.openledger.openlora.adapter;

import io.openledger.openlora.engine.BundleResolver;

/**
 * What resolving an adapter id gave: a checked manifest, nothing, the reason it is unusable, or the
 * failure of the store that should have had it.
 */
public sealed interface AdapterLookup {
  record Found(AdapterManifest manifest) implements AdapterLookup {}

  record NotFound(String id) implements AdapterLookup {}

  record Invalid(String id, String reason) implements AdapterLookup {}

  /** The {@link BundleResolver} failed; nothing is known about the adapter (not remembered). */
  record Unavailable(String id, String reason) implements AdapterLookup {}
}
