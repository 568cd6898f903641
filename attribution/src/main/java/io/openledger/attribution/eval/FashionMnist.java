package io.openledger.attribution.eval;

import io.openledger.attribution.AttributionException.MissingResource;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) as Debian's {@code dataset-fashion-mnist} package
 * installs it: gzipped IDX files under {@code /usr/share/datasets/fashion-mnist/}. Classes: 0
 * T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle
 * boot.
 */
public final class FashionMnist {
  /** Where the Debian package puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The package that provides them. */
  public static final String PACKAGE = "dataset-fashion-mnist";

  /** One split: images of 28x28 pixels, 0..255, row-major, and their labels 0..9. */
  public record Split(byte[][] images, int[] labels) {}

  private final Split train;
  private final Split test;

  private FashionMnist(Split train, Split test) {
    this.train = train;
    this.test = test;
  }

  public Split train() {
    return train;
  }

  public Split test() {
    return test;
  }

  /**
   * Loads the data set from {@link #DEBIAN_DIR}, installing the Debian package first when it is
   * missing and this process can (running as root with apt-get).
   *
   * @throws MissingResource with the command to run when the files are absent and cannot be
   *     installed from here
   */
  public static FashionMnist load() {
    ensureInstalled(DEBIAN_DIR);
    return load(DEBIAN_DIR);
  }

  /**
   * Loads the four gzipped IDX files from {@code dir}.
   *
   * @throws MissingResource if they are not there
   */
  public static FashionMnist load(Path dir) {
    if (!present(dir)) {
      throw new MissingResource(
          "Fashion-MNIST files (train-images-idx3-ubyte.gz, ...) not found in " + dir);
    }
    return new FashionMnist(
        new Split(
            images(dir.resolve("train-images-idx3-ubyte.gz")),
            labels(dir.resolve("train-labels-idx1-ubyte.gz"))),
        new Split(
            images(dir.resolve("t10k-images-idx3-ubyte.gz")),
            labels(dir.resolve("t10k-labels-idx1-ubyte.gz"))));
  }

  static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
        && Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  /**
   * Installs {@value #PACKAGE} with apt-get when the files are absent from {@code dir} (which the
   * package fills only if it is {@link #DEBIAN_DIR}), if running as root; else explains what to do.
   */
  static void ensureInstalled(Path dir) {
    DebianPackage.ensureInstalled(PACKAGE, "Fashion-MNIST", dir, () -> present(dir));
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(in, 1 << 16)));
  }

  static byte[][] images(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new MissingResource(file + " is not an IDX image file (magic " + magic + ")");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      byte[][] out = new byte[n][rows * cols];
      for (byte[] img : out) {
        in.readFully(img);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static int[] labels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != 0x00000801) {
        throw new MissingResource(file + " is not an IDX label file (magic " + magic + ")");
      }
      int n = in.readInt();
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = in.readUnsignedByte();
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A binary task: the first {@code trainSize} training images and the first {@code testSize} test
   * images of classes {@code negative} and {@code positive}, as 14x14 features (2x2 average
   * pooling, scaled to 0..1), labels -1 and +1.
   */
  public BinaryTask binaryTask(int negative, int positive, int trainSize, int testSize) {
    return new BinaryTask(
        select(train, negative, positive, trainSize), select(test, negative, positive, testSize));
  }

  /** Training and test examples of a two-class problem. */
  public record BinaryTask(Examples train, Examples test) {}

  /** Feature rows and labels in {-1, +1}. */
  public record Examples(double[][] x, int[] y) {
    public int size() {
      return y.length;
    }
  }

  private static Examples select(Split s, int negative, int positive, int count) {
    List<double[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int i = 0; i < s.labels().length && xs.size() < count; i++) {
      int l = s.labels()[i];
      if (l == negative || l == positive) {
        xs.add(pool(s.images()[i]));
        ys.add(l == positive ? 1 : -1);
      }
    }
    if (xs.size() < count) {
      throw new IllegalArgumentException("only " + xs.size() + " examples of those classes");
    }
    return new Examples(
        xs.toArray(new double[0][]), ys.stream().mapToInt(Integer::intValue).toArray());
  }

  // 28x28 bytes -> 14x14 means of 2x2 blocks, scaled to [0, 1]
  static double[] pool(byte[] img) {
    double[] out = new double[196];
    for (int r = 0; r < 14; r++) {
      for (int c = 0; c < 14; c++) {
        int a = 2 * r * 28 + 2 * c;
        int sum =
            (img[a] & 0xff) + (img[a + 1] & 0xff) + (img[a + 28] & 0xff) + (img[a + 29] & 0xff);
        out[r * 14 + c] = sum / (4 * 255.0);
      }
    }
    return out;
  }
}
