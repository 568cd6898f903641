package io.openledger.node.devnet;

import io.openledger.factory.out.TrainingManifest;
import io.openledger.openlora.testmodel.AdapterSpec;
import io.openledger.openlora.testmodel.ModelSpec;
import io.openledger.openlora.testmodel.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A demo model for tests that must not depend on the shipped one: the generated tiny model and a
 * random adapter, with a stand-in training.json so the demo can register it.
 */
final class GeneratedDemoModel {
  private GeneratedDemoModel() {}

  /** The tiny model and one adapter under {@code root}, the adapter's training.json for texts. */
  static DevnetCommand.DemoModel write(Path root, List<DemoCorpus.Text> texts) {
    Path dir = root.resolve(ModelSpec.tiny().name());
    Path adapter = root.resolve("adapter");
    if (!Files.exists(dir.resolve("config.json"))) {
      TestModels.writeModel(dir, ModelSpec.tiny());
    }
    if (!Files.exists(adapter.resolve("adapter_config.json"))) {
      TestModels.writeAdapter(adapter, ModelSpec.tiny(), AdapterSpec.of(8, 1));
    }
    standInManifest(texts, ModelSpec.tiny().name()).write(adapter);
    return new DevnetCommand.DemoModel(dir, Optional.of(adapter));
  }

  /**
   * A stand-in training.json for an adapter that was NOT trained on the demo datanet (the generated
   * tiny model's random adapter): it names the version the demo publishes on a fresh chain ({@link
   * DemoSetup#freshChainVersion}) and splits the training fee by token share, counting a text's
   * bytes as its tokens.
   *
   * @param base the base model's directory name
   */
  static TrainingManifest standInManifest(List<DemoCorpus.Text> texts, String base) {
    TrainingManifest.DatanetUsed v = DemoSetup.freshChainVersion(texts);
    List<TrainingManifest.ContributionUsed> used = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      used.add(
          new TrainingManifest.ContributionUsed(
              i + 1, v.id(), texts.get(i).bytes().length, OptionalDouble.empty()));
    }
    return new TrainingManifest(
        TrainingManifest.Mode.LORA,
        Optional.of(base),
        List.of(v),
        used,
        TrainingManifest.InfluenceMethod.TOKEN_SHARE,
        Optional.empty(),
        Map.of(),
        0);
  }
}
