package io.openledger.openlora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values a gate exchanges with the server refuse what could not be sent to a client. */
class GateValuesTest {
  @Test
  void refusalsCarryAClientErrorAndAMessage() {
    Admission.Refused<String> r = Admission.unauthorized("send a key");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("invalid_api_key");
    assertThat(r.headers()).containsEntry("WWW-Authenticate", "Bearer");
    assertThat(Admission.<String>paymentRequired("empty").status()).isEqualTo(402);
    assertThat(Admission.<String>unavailable("later", 3).headers())
        .containsEntry("Retry-After", "3");
    assertThat(Admission.<String>refuse(429, "rate_limited", "slow down").withHeader("X-A", "1"))
        .satisfies(x -> assertThat(x.headers()).containsEntry("X-A", "1"));

    assertThatThrownBy(() -> Admission.refuse(200, "ok", "fine"))
        .hasMessageContaining("400-599, got 200");
    assertThatThrownBy(() -> Admission.refuse(402, "payment_required", " "))
        .hasMessageContaining("needs a message");
    assertThatThrownBy(() -> Admission.refuse(402, "Not A Code", "m"))
        .hasMessageContaining("[a-z0-9_]");
    assertThatThrownBy(() -> Admission.refuse(503, "unavailable", "m"))
        .hasMessageContaining("Retry-After");
    assertThatThrownBy(() -> Admission.unauthorized("m").withHeader("X-Evil", "a\r\nSet-Cookie: x"))
        .hasMessageContaining("control character");
    assertThatThrownBy(() -> Admission.unauthorized("m").withHeader("Bad Name", "v"))
        .hasMessageContaining("not a header name");
    assertThatThrownBy(() -> Admission.admit(null)).hasMessageContaining("ticket");
  }

  @Test
  void settlementsCarryAHeaderSafeReceiptAndAnObject() {
    Settlement s = new Settlement("0xabc", ApiClient.JSON.createObjectNode().put("fee", "1"));
    s.openledger().put("fee", "changed");
    assertThat(s.openledger().path("fee").asText()).as("a copy is handed out").isEqualTo("1");
    for (String bad : new String[] {"", "a b", "a\nb", "x".repeat(257)}) {
      assertThatThrownBy(() -> new Settlement(bad, ApiClient.JSON.createObjectNode()))
          .as(bad)
          .hasMessageContaining("receipt id");
    }
    assertThatThrownBy(() -> new Settlement("r", null)).hasMessageContaining("openledger");
  }

  @Test
  void headersAreLookedUpInAnyCaseAndTheBodyIsACopy() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    AdmissionRequest r =
        new AdmissionRequest(
            "/v1/completions",
            false,
            "tiny",
            List.of(),
            body,
            Map.of("Authorization", "Bearer k", "x-openledger-spend", "s"),
            3,
            16);
    assertThat(r.header("AUTHORIZATION")).contains("Bearer k");
    assertThat(r.header("X-OpenLedger-Spend")).contains("s");
    assertThat(r.header("Cookie")).isEmpty();
    body[0] = 'x';
    r.body()[1] = 'y';
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
  }
}
