package io.openledger.openlora.adapter;

/** What resolving an adapter id gave: a checked manifest, nothing, or the reason it is unusable. */
public sealed interface AdapterLookup {
  record Found(AdapterManifest manifest) implements AdapterLookup {}

  record NotFound(String id) implements AdapterLookup {}

  record Invalid(String id, String reason) implements AdapterLookup {}
}
