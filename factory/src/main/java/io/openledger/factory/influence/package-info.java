/**
 * Influence at training time: which contributions made the trained model better, measured from
 * per-example gradients and used to split the training licence fee.
 *
 * <p>At the end of training the trainer hands {@link
 * io.openledger.factory.influence.InfluenceRecorder} two {@link
 * io.openledger.factory.influence.ExampleGradients} (training and held-out examples). The recorder
 * writes {@code influence/sketches.safetensors} ({@link
 * io.openledger.factory.influence.InfluenceRecord}: per-layer gradient sketches, squared norms,
 * DataInf dampings and each example's helpfulness on the held-out loss). {@link
 * io.openledger.factory.influence.InfluenceReport} turns a record into per-contribution influence
 * (only positive net helpfulness earns; its share goes to training.json) and scores any output's
 * gradient against the sketches. {@link io.openledger.factory.influence.LinearDatamodelingScore}
 * checks the estimates against models actually retrained without random subsets.
 *
 * <p>The mathematics (DataInf, the projection, the TRAK kernel) lives in {@code
 * io.openledger.attribution.influence}, a pure library.
 */
package io.openledger.factory.influence;
