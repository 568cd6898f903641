package io.openledger.openlora.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A gate as the node's would be, driven by request headers so that tests can run side by side:
 * {@code X-OpenLedger-Case} names the test case, {@code X-OpenLedger-Mode} picks what the gate does
 * ({@code pay} by default; {@code 401}, {@code 402}, {@code 503} refuse; {@code admit-throws},
 * {@code settle-throws} fail). It records every call per case.
 */
final class RecordingGate implements InferenceGate<RecordingGate.Ticket> {
  static final String CASE = "X-OpenLedger-Case";
  static final String MODE = "X-OpenLedger-Mode";

  /** The gate's own ticket: what it needs to settle. */
  record Ticket(String caseId, String mode, int maxNewTokens) {}

  final Map<String, List<AdmissionRequest>> admitted = new ConcurrentHashMap<>();
  final Map<String, List<Completed>> settled = new ConcurrentHashMap<>();
  final Map<String, List<String>> abandoned = new ConcurrentHashMap<>();

  static Map<String, String> headers(String caseId, String mode) {
    return Map.of(CASE, caseId, MODE, mode, "Authorization", "Bearer sk-" + caseId);
  }

  static ObjectNode openledger(String caseId) {
    ObjectNode o = ApiClient.JSON.createObjectNode();
    o.put("record", 41);
    o.put("fee", "1234567890123456789"); // base units: a string, as the node writes amounts
    o.put("case", caseId);
    return o;
  }

  static String receiptOf(String caseId) {
    return "0x" + Integer.toHexString(caseId.hashCode()) + "-" + caseId;
  }

  @Override
  public Admission<Ticket> admit(AdmissionRequest r) {
    String caseId = r.header(CASE.toLowerCase()).orElseThrow();
    String mode = r.header(MODE.toUpperCase()).orElse("pay");
    list(admitted, caseId).add(r);
    return switch (mode) {
      case "401" -> Admission.unauthorized("no API key: send Authorization: Bearer <key>");
      case "402" ->
          Admission.paymentRequired(
              "escrow exhausted: 12 OPEN needed, 3 left (case " + caseId + ")");
      case "503" -> Admission.unavailable("the chain is not synced yet", 7);
      case "admit-throws" -> throw new IllegalStateException("chain RPC down");
      default -> Admission.admit(new Ticket(caseId, mode, r.maxNewTokens()));
    };
  }

  @Override
  public Settlement settle(Ticket t, Completed c) {
    list(settled, t.caseId()).add(c);
    if (t.mode().equals("settle-throws")) {
      throw new IllegalStateException("disk full writing the record");
    }
    return new Settlement(receiptOf(t.caseId()), openledger(t.caseId()));
  }

  @Override
  public void abandon(Ticket t, String reason) {
    list(abandoned, t.caseId()).add(reason);
  }

  List<AdmissionRequest> admitted(String caseId) {
    return admitted.getOrDefault(caseId, List.of());
  }

  List<Completed> settled(String caseId) {
    return settled.getOrDefault(caseId, List.of());
  }

  List<String> abandoned(String caseId) {
    return abandoned.getOrDefault(caseId, List.of());
  }

  private static <V> List<V> list(Map<String, List<V>> m, String key) {
    return m.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
  }
}
