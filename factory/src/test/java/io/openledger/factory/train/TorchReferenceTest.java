package io.openledger.factory.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.openlora.json.JsonMaps;
import io.openledger.openlora.kernels.KernelPool;
import io.openledger.openlora.safetensors.SafetensorsFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole training step against PyTorch (fixtures written once by
 * src/test/python/make_reference.py with transformers' LlamaForCausalLM and PEFT): per-sequence
 * loss sums, every gradient at the initial parameters, and every parameter after 5 steps of AdamW
 * with global-norm clipping and the warm-up cosine schedule.
 *
 * <p>Tolerances (both sides compute in float32, in different orders): a loss sum carries ~1e-6
 * relative error per logit over 4..11 positions, so 2e-5 relative; a gradient tensor is compared by
 * its largest deviation relative to its largest element, 1e-4 (float32 sums over at most a few
 * hundred terms); parameters after AdamW by 1e-4 absolute on weights of order 0.1..1 — Adam divides
 * by √v, so a relative gradient error of 1e-5 moves a step by about as much, times 5 steps of lr
 * 1e-2.
 */
class TorchReferenceTest {
  static KernelPool pool;

  @BeforeAll
  static void start() {
    pool = new KernelPool(2);
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  static Path dir(String name) {
    try {
      return Path.of(TorchReferenceTest.class.getResource("/reference/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Path file) throws IOException {
    return JsonMaps.parseObject(Files.readString(file));
  }

  static Trainable open(String name) {
    Path d = dir(name);
    return Files.isDirectory(d.resolve("adapter"))
        ? LoraTrainable.load(d.resolve("model"), d.resolve("adapter"), pool)
        : ScratchTrainable.load(d.resolve("model"), pool);
  }

  @SuppressWarnings("unchecked")
  static List<int[]> sequences(Path d) throws IOException {
    List<int[]> out = new ArrayList<>();
    for (Object s : (List<Object>) json(d.resolve("batch.json")).get("sequences")) {
      out.add(((List<Object>) s).stream().mapToInt(o -> ((Number) o).intValue()).toArray());
    }
    return out;
  }

  static double[] doubles(Object list) {
    return ((List<?>) list).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest
  @ValueSource(strings = {"full-gqa-untied", "full-tied", "lora", "lora-rslora"})
  void lossesAndGradientsMatchPyTorch(String name) throws IOException {
    Path d = dir(name);
    Map<String, Object> expected = json(d.resolve("expected.json"));
    double[] sums = doubles(expected.get("lossSums"));
    List<int[]> seqs = sequences(d);
    try (Trainable t = open(name)) {
      assertThat(t.parameters().segments())
          .extracting(Parameters.Segment::name)
          .containsExactlyInAnyOrderElementsOf((List<String>) expected.get("trainable"));
      float[] grad = new float[t.parameters().size()];
      for (int i = 0; i < seqs.size(); i++) {
        double loss = t.lossAndGradient(seqs.get(i), grad);
        assertThat(Math.abs(loss - sums[i]))
            .as("%s loss sum of sequence %d: %s vs %s", name, i, loss, sums[i])
            .isLessThanOrEqualTo(2e-5 * Math.abs(sums[i]));
      }
      compareTensors(t.parameters(), grad, d.resolve("grads.safetensors"), 1e-4, true, name);
    }
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest
  @ValueSource(strings = {"full-gqa-untied", "full-tied", "lora", "lora-rslora"})
  void fiveAdamWStepsMatchPyTorch(String name) throws IOException {
    Path d = dir(name);
    Map<String, Object> a = (Map<String, Object>) json(d.resolve("expected.json")).get("adamw");
    List<int[]> seqs = sequences(d);
    double[] betas = doubles(a.get("betas"));
    double[] lrs = doubles(a.get("lrPerStep"));
    double[] losses = doubles(a.get("lossesPerStep"));
    double[] norms = doubles(a.get("gradNormsPerStep"));
    int total = ((Number) a.get("totalSteps")).intValue();
    CosineSchedule schedule =
        new CosineSchedule(
            ((Number) a.get("lr")).doubleValue(),
            ((Number) a.get("warmupSteps")).intValue(),
            total,
            ((Number) a.get("minLrRatio")).doubleValue());
    try (Trainable t = open(name)) {
      Parameters p = t.parameters();
      AdamW opt =
          new AdamW(
              p,
              betas[0],
              betas[1],
              ((Number) a.get("eps")).doubleValue(),
              ((Number) a.get("weightDecay")).doubleValue(),
              s -> true); // the fixture decays every tensor ("decayAll")
      int targets = 0;
      for (int[] s : seqs) {
        targets += t.targets(s);
      }
      for (int step = 0; step < total; step++) {
        float[] grad = new float[p.size()];
        double sum = 0;
        for (int[] s : seqs) {
          sum += t.lossAndGradient(s, grad);
        }
        float inv = 1f / targets;
        for (int i = 0; i < grad.length; i++) {
          grad[i] *= inv;
        }
        assertThat(sum / targets)
            .as("loss before step %d", step)
            .isCloseTo(losses[step], within(2e-5 * losses[step]));
        double norm = GradientClipping.clip(grad, ((Number) a.get("clipNorm")).doubleValue());
        assertThat(norm)
            .as("gradient norm at step %d", step)
            .isCloseTo(norms[step], within(1e-4 * norms[step]));
        double lr = schedule.lr(step);
        assertThat(lr).as("lr of step %d", step).isCloseTo(lrs[step], within(1e-12));
        opt.update(p.values(), grad, lr);
      }
      compareTensors(p, p.values(), d.resolve("after.safetensors"), 1e-4, false, name);
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double v) {
    return org.assertj.core.data.Offset.offset(v);
  }

  /**
   * Each tensor of {@code file} against the same segment of {@code values}: max deviation relative
   * to the tensor's largest element (relative) or absolute.
   */
  static void compareTensors(
      Parameters p, float[] values, Path file, double tol, boolean relative, String what) {
    List<String> failures = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.tensors().keySet())
          .containsExactlyInAnyOrderElementsOf(
              p.segments().stream().map(Parameters.Segment::name).toList());
      for (Parameters.Segment s : p.segments()) {
        float[] ref = f.tensor(s.name()).toFloatArray();
        double scale = 0;
        double dev = 0;
        for (int i = 0; i < ref.length; i++) {
          scale = Math.max(scale, Math.abs(ref[i]));
          dev = Math.max(dev, Math.abs(values[s.offset() + i] - ref[i]));
        }
        double bound = relative ? tol * scale : tol;
        if (dev > bound) {
          failures.add(s.name() + ": max deviation " + dev + " > " + bound);
        }
      }
    }
    assertThat(failures).as(what).isEmpty();
  }
}
