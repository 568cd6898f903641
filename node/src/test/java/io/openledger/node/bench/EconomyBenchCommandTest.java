package io.openledger.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.openledger.node.cli.OpenLedgerCommand;
import io.openledger.node.rpc.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code openledger bench economy} as a user runs it, with tiny options: it sets up a node with its
 * economy, measures, and prints one JSON object whose figures are there, consistent and explained.
 */
class EconomyBenchCommandTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = OpenLedgerCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void tinyRunPrintsEveryFigureWithItsMeaning() throws Exception {
    Run r =
        run(
            "bench",
            "economy",
            "--json",
            "--contributions",
            "12",
            "--contributors",
            "3",
            "--prompts",
            "2",
            "--concurrency",
            "4",
            "--max-tokens",
            "8",
            "--warmup",
            "0",
            "--duration",
            "1",
            "--rounds",
            "1",
            "--traces",
            "20",
            "--gas-records",
            "5,20",
            "--gas-key-payers",
            "2",
            "--gas-signed-payers",
            "1",
            "--gas-credited",
            "3",
            "--block-time",
            "200");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = Json.MAPPER.readTree(r.out());

    assertThat(o.get("unpaid_twin_same_answers").asBoolean()).isTrue();
    assertThat(o.get("contributions").asInt()).isEqualTo(12);
    for (String run : List.of("paid", "unpaid")) {
      assertThat(o.get(run + "_requests_per_s").asDouble()).as(run).isPositive();
      assertThat(o.get(run + "_tokens_per_s").asDouble()).as(run).isPositive();
      assertThat(o.get(run + "_errors").asInt()).as(run).isZero();
      assertThat(o.get(run + "_latency_p99_ms").asDouble())
          .isGreaterThanOrEqualTo(o.get(run + "_latency_p50_ms").asDouble());
      assertThat(o.get(run + "_node_cpu_us_per_request").asDouble()).as(run).isPositive();
    }
    double ratio =
        o.get("paid_requests_per_s").asDouble() / o.get("unpaid_requests_per_s").asDouble();
    assertThat(o.get("paid_to_unpaid_ratio").asDouble())
        .isBetween(ratio * 0.98 - 0.01, ratio * 1.02 + 0.01);
    assertThat(o.get("meets_target").isBoolean()).isTrue();
    long measured = o.get("records_measured").asLong();
    assertThat(measured).isPositive();
    // the checks before measuring wrote one record per prompt
    assertThat(o.get("records_written").asLong()).isGreaterThanOrEqualTo(measured + 2);
    assertThat(o.get("batcher_error").asText()).isEmpty();

    assertThat(o.get("traces").asInt()).isEqualTo(20);
    assertThat(o.get("trace_p50_us").asDouble()).isPositive();
    assertThat(o.get("trace_p99_us").asDouble())
        .isGreaterThanOrEqualTo(o.get("trace_p50_us").asDouble());
    assertThat(o.get("trace_cpu_p50_us").asDouble()).isPositive();

    // an auditor recomputes every record the honest node wrote and confirms each
    assertThat(o.get("audit_records").asLong()).isEqualTo(o.get("records_written").asLong());
    assertThat(o.get("audit_records_per_s").asDouble()).isPositive();
    assertThat(o.get("audit_not_rejected").asLong()).isZero();
    assertThat(o.get("audit_to_paid_ratio").asDouble()).isPositive();

    JsonNode batches = o.get("batches");
    assertThat(batches).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode b = batches.get(i);
      assertThat(b.get("records").asInt()).isEqualTo(i == 0 ? 5 : 20);
      assertThat(b.get("refused").asText()).isEmpty();
      assertThat(b.get("success").asBoolean()).isTrue();
      // three payers at most, each charged once; the owner, operator and treasury at least paid
      assertThat(b.get("charges").asInt()).isBetween(1, 3);
      assertThat(b.get("payouts").asInt()).isBetween(3, 3 + 3);
      long gas = b.get("gas_used").asLong();
      assertThat(gas).isGreaterThan(21_000);
      assertThat(b.get("gas_per_record").asDouble())
          .isCloseTo((double) gas / b.get("records").asInt(), offset(0.1));
      assertThat(b.get("fits_in_one_block").asBoolean()).isTrue();
      assertThat(b.get("batcher_gas_limit_enough").asBoolean()).isTrue();
    }

    List<String> unexplained = new ArrayList<>();
    o.fieldNames()
        .forEachRemaining(
            k -> {
              if (!k.equals("meaning") && !o.get("meaning").has(k)) {
                unexplained.add(k);
              }
            });
    assertThat(unexplained).as("figures without a meaning").isEmpty();
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    Run r = run("bench", "economy", "--gas-records", "0");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("--gas-records");
  }
}
