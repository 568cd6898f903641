package io.openledger.chain.trie;

import io.openledger.chain.types.Hash;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The nodes one update creates, in creation order: appended to lists on the hot path; the hash
 * index that {@link #get} needs is built only when someone looks a node up (proofs at an
 * uncommitted root).
 */
final class NewNodes extends AbstractMap<Hash, byte[]> {
  private final List<Hash> hashes = new ArrayList<>();
  private final List<byte[]> encodings = new ArrayList<>();
  private Map<Hash, byte[]> index;

  void add(Hash hash, byte[] encoding) {
    hashes.add(hash);
    encodings.add(encoding);
    index = null;
  }

  @Override
  public int size() {
    return hashes.size();
  }

  @Override
  public byte[] get(Object key) {
    return index().get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return index().containsKey(key);
  }

  @Override
  public void forEach(BiConsumer<? super Hash, ? super byte[]> action) {
    for (int i = 0; i < hashes.size(); i++) {
      action.accept(hashes.get(i), encodings.get(i));
    }
  }

  @Override
  public Set<Map.Entry<Hash, byte[]>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<Hash, byte[]>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < hashes.size();
          }

          @Override
          public Map.Entry<Hash, byte[]> next() {
            if (!hasNext()) {
              throw new java.util.NoSuchElementException();
            }
            Map.Entry<Hash, byte[]> e = Map.entry(hashes.get(i), encodings.get(i));
            i++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return hashes.size();
      }
    };
  }

  private Map<Hash, byte[]> index() {
    if (index == null) {
      index = new HashMap<>(2 * hashes.size());
      forEach(index::put);
    }
    return index;
  }
}
