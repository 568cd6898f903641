package io.openledger.openlora.engine;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds adapter bundles by the adapter hash a model registers on chain: an adapter id {@code 0x<64
 * lowercase hex>} is the keccak-256 of an adapter bundle's bytes ({@code AdapterBundle} of the
 * adapter package). The node's blob store implements it; this module has no keccak of its own and
 * trusts the resolver's check.
 *
 * <p>Called on the request thread each time a request names such an adapter (the catalog then
 * remembers its check per file fingerprint), so it should be cheap: verify the hash when a blob is
 * stored, not on every call. Thread-safe.
 */
@FunctionalInterface
public interface BundleResolver {

  /**
   * The local file holding the bundle whose keccak-256 is {@code adapterHash}, or empty when the
   * store does not have it (the request is answered 404). Throwing means the store itself failed
   * (the request is answered 500 and nothing is remembered).
   *
   * @param adapterHash {@code 0x} and 64 lowercase hex digits
   */
  Optional<Path> resolve(String adapterHash);
}
