package io.openledger.openlora.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link OpenLoraBenchmark} measured. Units are in the names.
 *
 * @param model the model's name
 * @param parameters base parameters
 * @param threads kernel threads used
 * @param baseBytesResident bytes of base weights
 * @param decodeTokensPerSecondBase single-stream greedy decode, no adapter
 * @param decodeTokensPerSecondLora single-stream greedy decode with one rank-16 adapter (unmerged)
 * @param batches batch throughput per (rank, distinct adapters), with the merged reference
 * @param coldLoadP50Millis rank-16 adapter load from the page cache, median
 * @param coldLoadP99Millis rank-16 adapter load from the page cache, 99th percentile
 * @param coldLoadCpuP50Millis the same loads in thread CPU time (not inflated by other processes
 *     taking the cores), median
 * @param coldLoadCpuP99Millis the same in thread CPU time, 99th percentile
 * @param adapterBytesByRank bytes resident per adapter, by rank
 * @param adaptersRegistered adapters registered and used in the budget run
 * @param adapterBudgetBytes the budget
 * @param adapterBytesResidentMax most adapter bytes held at any sample during the budget run
 * @param int8DecodeTokensPerSecond single-stream decode with int8 base weights
 * @param int8Top1Agreement fraction of positions where int8 and f32 agree on the argmax token
 * @param int8MaxLogitError largest absolute logit difference int8 vs f32 over the probe
 */
public record OpenLoraFigures(
    String model,
    long parameters,
    int threads,
    long baseBytesResident,
    double decodeTokensPerSecondBase,
    double decodeTokensPerSecondLora,
    List<BatchFigure> batches,
    double coldLoadP50Millis,
    double coldLoadP99Millis,
    double coldLoadCpuP50Millis,
    double coldLoadCpuP99Millis,
    Map<Integer, Long> adapterBytesByRank,
    int adaptersRegistered,
    long adapterBudgetBytes,
    long adapterBytesResidentMax,
    double int8DecodeTokensPerSecond,
    double int8Top1Agreement,
    double int8MaxLogitError) {

  public OpenLoraFigures {
    batches = List.copyOf(batches);
    adapterBytesByRank = Map.copyOf(adapterBytesByRank);
  }

  /**
   * Batch throughput with {@code distinctAdapters} adapters of one rank spread over the batch.
   *
   * @param tokensPerSecond generated tokens per second, adapters unmerged (SGMV)
   * @param oneAdapterTokensPerSecond the same batch where every sequence uses one adapter, unmerged
   * @param mergedTokensPerSecond the same batch with one adapter merged into the weights
   */
  public record BatchFigure(
      int rank,
      int distinctAdapters,
      int batchSize,
      double tokensPerSecond,
      double oneAdapterTokensPerSecond,
      double mergedTokensPerSecond) {

    /** tokensPerSecond / oneAdapterTokensPerSecond (target: at least 0.8 at 100 adapters). */
    public double ratioToOneAdapter() {
      return tokensPerSecond / oneAdapterTokensPerSecond;
    }
  }

  /** decodeTokensPerSecondLora / decodeTokensPerSecondBase (target: at least 0.8). */
  public double loraDecodeRatio() {
    return decodeTokensPerSecondLora / decodeTokensPerSecondBase;
  }

  /**
   * Flat figures for {@code --json}: every key names the figure and its unit (e.g. {@code
   * decode_tokens_per_s_base}, {@code batch_r16_a100_tokens_per_s}).
   */
  public Map<String, Object> asFlatMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("parameters", parameters);
    m.put("threads", threads);
    m.put("base_bytes_resident", baseBytesResident);
    m.put("decode_tokens_per_s_base", decodeTokensPerSecondBase);
    m.put("decode_tokens_per_s_lora", decodeTokensPerSecondLora);
    m.put("decode_lora_ratio", loraDecodeRatio());
    for (BatchFigure b : batches) {
      String k = "batch_r" + b.rank() + "_a" + b.distinctAdapters() + "_";
      m.put(k + "tokens_per_s", b.tokensPerSecond());
      m.put(k + "one_adapter_tokens_per_s", b.oneAdapterTokensPerSecond());
      m.put(k + "merged_tokens_per_s", b.mergedTokensPerSecond());
      m.put(k + "ratio_to_one_adapter", b.ratioToOneAdapter());
    }
    m.put("adapter_cold_load_p50_ms", coldLoadP50Millis);
    m.put("adapter_cold_load_p99_ms", coldLoadP99Millis);
    m.put("adapter_cold_load_cpu_p50_ms", coldLoadCpuP50Millis);
    m.put("adapter_cold_load_cpu_p99_ms", coldLoadCpuP99Millis);
    adapterBytesByRank.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> m.put("adapter_bytes_resident_r" + e.getKey(), e.getValue()));
    m.put("adapters_registered", adaptersRegistered);
    m.put("adapter_budget_bytes", adapterBudgetBytes);
    m.put("adapter_bytes_resident_max", adapterBytesResidentMax);
    m.put("int8_decode_tokens_per_s", int8DecodeTokensPerSecond);
    m.put("int8_top1_agreement", int8Top1Agreement);
    m.put("int8_max_logit_error", int8MaxLogitError);
    return m;
  }
}
