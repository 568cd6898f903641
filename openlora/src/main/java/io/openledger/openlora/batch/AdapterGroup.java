package io.openledger.openlora.batch;

import io.openledger.openlora.adapter.AdapterManifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a sequence's rows add to the base: its adapters (by id and file fingerprint, so a replaced
 * adapter is another group) with their ensemble weights. Sequences of one group are kept adjacent
 * in the batch and share one segment per member; the base alone is the empty group.
 */
record AdapterGroup(List<Member> members) implements Comparable<AdapterGroup> {
  record Member(String id, String fingerprint, double weight) {}

  private static final Comparator<Member> MEMBER_ORDER =
      Comparator.comparing(Member::id)
          .thenComparing(Member::fingerprint)
          .thenComparingDouble(Member::weight);

  AdapterGroup {
    members = List.copyOf(members);
  }

  static AdapterGroup of(List<AdapterManifest> adapters, double[] weights) {
    List<Member> m = new ArrayList<>();
    for (int i = 0; i < adapters.size(); i++) {
      m.add(new Member(adapters.get(i).id(), adapters.get(i).fingerprint(), weights[i]));
    }
    return new AdapterGroup(m);
  }

  /** A total order (members in turn, then fewer first): equal groups end up adjacent. */
  @Override
  public int compareTo(AdapterGroup o) {
    for (int i = 0; i < Math.min(members.size(), o.members.size()); i++) {
      int c = MEMBER_ORDER.compare(members.get(i), o.members.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(members.size(), o.members.size());
  }
}
