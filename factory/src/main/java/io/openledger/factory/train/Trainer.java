package io.openledger.factory.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The training loop over already-tokenized sequences: each step takes the next {@code
 * batchSequences} sequences of a seeded shuffle (a new permutation each epoch), accumulates the
 * gradient of their summed loss, divides by their loss terms (the batch mean), clips the global
 * norm, and takes an AdamW step at the cosine schedule's learning rate. The batch of step s is a
 * pure function of (seed, s), so a resumed run continues exactly where the checkpoint left off, and
 * every result is the same for any thread count.
 */
public final class Trainer {
  private static final int TRAIN_EVAL_SEQUENCES = 64;

  private final Trainable model;
  private final TrainingConfig cfg;
  private final TrainingListener listener;

  public Trainer(Trainable model, TrainingConfig cfg, TrainingListener listener) {
    this.model = model;
    this.cfg = cfg;
    this.listener = listener;
  }

  /** Steps of the run: cfg.steps, or epochs × ⌈sequences / batch⌉. */
  public static long totalSteps(TrainingConfig cfg, int trainSequences) {
    if (cfg.steps() > 0) {
      return cfg.steps();
    }
    return (long) cfg.epochs()
        * ((trainSequences + cfg.batchSequences() - 1) / cfg.batchSequences());
  }

  /**
   * Trains on {@code train}, evaluates on {@code heldOut}; with a checkpoint directory, resumes
   * from it when it holds a checkpoint of the same config and writes one every checkpointEvery
   * steps and at the end.
   */
  public TrainingResult run(List<int[]> train, List<int[]> heldOut, Optional<Path> checkpoints) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no training sequences");
    }
    for (int[] s : train) {
      if (s.length < 2 || s.length > cfg.seqLen()) {
        throw new IllegalArgumentException(
            "a training sequence has " + s.length + " tokens; expected 2.." + cfg.seqLen());
      }
    }
    Parameters p = model.parameters();
    AdamW opt = AdamW.standard(p, cfg.weightDecay(), model::decays);
    long total = totalSteps(cfg, train.size());
    CosineSchedule schedule =
        new CosineSchedule(cfg.learningRate(), cfg.warmupSteps(), (int) total, cfg.minLrRatio());
    long start = 0;
    if (checkpoints.isPresent()) {
      start = Checkpoint.restore(checkpoints.get(), p, opt, cfg.hash()).orElse(0L);
      if (start > 0) {
        listener.onResume(start);
      }
    }
    long began = System.nanoTime();
    long tokens = 0;
    float[] grad = new float[p.size()];
    int[] order = null;
    long orderEpoch = -1;
    for (long step = start; step < total; step++) {
      List<int[]> batch = new ArrayList<>(cfg.batchSequences());
      for (int b = 0; b < cfg.batchSequences(); b++) {
        long k = step * cfg.batchSequences() + b; // position in the endless shuffled stream
        long epoch = k / train.size();
        if (epoch != orderEpoch) {
          order = permutation(train.size(), cfg.seed(), epoch);
          orderEpoch = epoch;
        }
        int[] seq = train.get(order[(int) (k % train.size())]);
        batch.add(seq);
        tokens += seq.length;
      }
      StepLoss done = step(model, batch, grad, opt, schedule.lr(step), cfg.clipNorm());
      double seconds = (System.nanoTime() - began) / 1e9;
      double perStep = seconds / (step + 1 - start);
      listener.onStep(
          new TrainingListener.Step(
              step + 1,
              total,
              done.loss(),
              done.gradNorm(),
              schedule.lr(step),
              tokens / Math.max(seconds, 1e-9),
              perStep * (total - step - 1)));
      boolean last = step + 1 == total;
      if (checkpoints.isPresent()
          && (last || (cfg.checkpointEvery() > 0 && (step + 1) % cfg.checkpointEvery() == 0))) {
        Checkpoint.write(checkpoints.get(), p, opt, step + 1, cfg.hash());
        listener.onCheckpoint(step + 1, checkpoints.get());
      }
    }
    double[] held = meanLoss(heldOut, heldOut.size());
    double[] trainEval = meanLoss(train, TRAIN_EVAL_SEQUENCES);
    return new TrainingResult(
        total,
        trainEval[0],
        held[0],
        Math.exp(held[0]),
        (long) held[1],
        tokens,
        (System.nanoTime() - began) / 1e9,
        start);
  }

  /**
   * The loss and gradient norm of one optimizer step.
   *
   * @param loss the batch's mean loss per predicted token
   * @param gradNorm the global gradient norm before clipping
   */
  public record StepLoss(double loss, double gradNorm) {}

  /**
   * One optimizer step on {@code batch}: the gradient of the batch's summed loss (into {@code
   * grad}, cleared first), divided by its predicted tokens, clipped to {@code clipNorm} (0: none),
   * then an AdamW step at {@code lr}. The training loop and the training benchmark both step here.
   */
  public static StepLoss step(
      Trainable model, List<int[]> batch, float[] grad, AdamW opt, double lr, double clipNorm) {
    java.util.Arrays.fill(grad, 0f);
    double sum = 0;
    long targets = 0;
    for (int[] seq : batch) {
      sum += model.lossAndGradient(seq, grad);
      targets += model.targets(seq);
    }
    float inv = 1f / targets;
    for (int i = 0; i < grad.length; i++) {
      grad[i] *= inv;
    }
    double norm =
        clipNorm > 0 ? GradientClipping.clip(grad, clipNorm) : GradientClipping.norm(grad);
    opt.update(model.parameters().values(), grad, lr);
    return new StepLoss(sum / targets, norm);
  }

  /** [mean loss per target, targets] over the first {@code limit} sequences. */
  private double[] meanLoss(List<int[]> seqs, int limit) {
    double sum = 0;
    long targets = 0;
    for (int i = 0; i < Math.min(limit, seqs.size()); i++) {
      sum += model.loss(seqs.get(i));
      targets += model.targets(seqs.get(i));
    }
    return new double[] {targets == 0 ? Double.NaN : sum / targets, targets};
  }

  /** The order of epoch {@code epoch}: Fisher–Yates from a generator seeded by (seed, epoch). */
  static int[] permutation(int n, long seed, long epoch) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
