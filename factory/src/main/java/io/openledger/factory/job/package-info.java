/**
 * The factory's entry points: {@link io.openledger.factory.job.TrainingJob} turns the documents of
 * datanet versions into a trained adapter or model directory with its training.json (tokenize,
 * train with checkpoints, write, measure influence), reporting to a {@link
 * io.openledger.factory.job.JobListener}; {@link io.openledger.factory.job.ModelInfluence} ranks
 * the contributions behind any text a trained model produces.
 */
package io.openledger.factory.job;
