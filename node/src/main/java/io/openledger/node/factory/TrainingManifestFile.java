package io.openledger.node.factory;

import io.openledger.chain.types.Hash;
import io.openledger.factory.out.TrainingManifest;
import io.openledger.node.cli.CliException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained directory's {@code training.json} as a registration reads it: the manifest, read
 * strictly by {@link TrainingManifest#parse} (the one reader of the file), and the keccak-256 of
 * the file's exact bytes, the report hash the chain records with the model.
 *
 * @param file the file read, {@code DIR/training.json}
 * @param manifest what it says
 * @param hash keccak-256 of its bytes as they are on disk
 */
public record TrainingManifestFile(Path file, TrainingManifest manifest, Hash hash) {
  /** The file's name in a trained directory. */
  public static final String NAME = "training.json";

  /**
   * Reads {@code dir/training.json}.
   *
   * @throws CliException naming the file, and the key at fault when the manifest is refused
   */
  public static TrainingManifestFile read(Path dir) {
    Path file = dir.resolve(NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(file + " is not UTF-8 text");
    }
    TrainingManifest manifest;
    try {
      manifest = TrainingManifest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(file + ": " + e.getMessage());
    }
    return new TrainingManifestFile(file, manifest, Hash.keccak256(bytes));
  }
}
