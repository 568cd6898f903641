package io.openledger.factory.train;

/**
 * What a training run reports.
 *
 * @param steps optimizer steps taken in total (including those before a resume)
 * @param trainLoss mean next-token loss over (up to 64 of) the training sequences after training
 * @param heldOutLoss mean next-token loss over the held-out sequences (NaN when there are none)
 * @param perplexity e^heldOutLoss
 * @param heldOutTokens loss terms behind heldOutLoss
 * @param trainTokens tokens processed by training steps in this invocation
 * @param seconds wall time of this invocation
 * @param resumedFrom steps restored from a checkpoint (0 for a fresh run)
 */
public record TrainingResult(
    long steps,
    double trainLoss,
    double heldOutLoss,
    double perplexity,
    long heldOutTokens,
    long trainTokens,
    double seconds,
    long resumedFrom) {}
