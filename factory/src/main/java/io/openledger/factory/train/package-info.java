/**
 * Training Llama-family models in Java: trainable parameters in one flat array with named segments,
 * a forward pass that keeps its activations and a hand-written backward pass, AdamW, gradient
 * clipping, a cosine schedule with warm-up and the trainer loop with checkpoints.
 */
package io.openledger.factory.train;
