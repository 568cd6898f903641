/**
 * Training Llama-family models in Java.
 *
 * <ul>
 *   <li>{@link io.openledger.factory.train.Parameters}: the trainable tensors in one flat array,
 *       named as Hugging Face / PEFT save them; gradients and moments use the same layout.
 *   <li>{@link io.openledger.factory.train.Trainable}: loss and gradient of one token sequence (SUM
 *       of next-token cross-entropy; gradient added); {@link
 *       io.openledger.factory.train.ScratchTrainable} (every tensor) and {@link
 *       io.openledger.factory.train.LoraTrainable} (PEFT lora_A / lora_B on a frozen base).
 *   <li>{@link io.openledger.factory.train.TrainingPass}: the forward pass keeping its activations
 *       and the hand-written backward pass; {@link io.openledger.factory.train.TrainingKernels}:
 *       the matmul, RMSNorm, SwiGLU, cross-entropy and attention backward kernels.
 *   <li>{@link io.openledger.factory.train.AdamW}, {@link
 *       io.openledger.factory.train.GradientClipping}, {@link
 *       io.openledger.factory.train.CosineSchedule}: as torch and transformers define them.
 *   <li>{@link io.openledger.factory.train.Trainer}: the loop over tokenized sequences, with {@link
 *       io.openledger.factory.train.Checkpoint}s and a {@link
 *       io.openledger.factory.train.TrainingListener}.
 * </ul>
 *
 * Checked against finite differences (GradientCheckTest), openlora's serving pass
 * (ServingParityTest) and PyTorch fixtures (TorchReferenceTest).
 */
package io.openledger.factory.train;
