package io.openledger.node.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openledger.chain.crypto.KeyPair;
import io.openledger.node.rpc.Json;
import java.io.File;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.WalletUtils;

/** V3 keystores: the spec's published vectors, and files interchangeable with web3j. */
class V3KeystoreTest {
  private static final String VECTOR_KEY =
      "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

  // Web3 Secret Storage Definition, test vectors (password "testpassword").
  private static final String PBKDF2_VECTOR =
      """
      {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
      "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
      "kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256",
      "salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
      "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
      "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
      """;

  // The spec's scrypt vector uses r = 1 with N = 2^18, which BouncyCastle (and so web3j) refuses;
  // scrypt is checked below against web3j's own files instead.
  private static final String SCRYPT_VECTOR_R1 =
      """
      {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
      "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
      "kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,
      "salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
      "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
      "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}
      """;

  @Test
  void decryptsTheSpecVectors() throws Exception {
    KeyPair key = V3Keystore.decrypt(Json.MAPPER.readTree(PBKDF2_VECTOR), "testpassword");
    assertThat(key.privateKeyHex()).isEqualTo(VECTOR_KEY);
    assertThatThrownBy(
            () -> V3Keystore.decrypt(Json.MAPPER.readTree(SCRYPT_VECTOR_R1), "testpassword"))
        .isInstanceOf(V3Keystore.KeystoreException.class)
        .hasMessageContaining("unsupported scrypt parameters");
  }

  @Test
  void wrongPasswordIsRefusedClearly() throws Exception {
    assertThatThrownBy(
            () -> V3Keystore.decrypt(Json.MAPPER.readTree(PBKDF2_VECTOR), "testpassword!"))
        .isInstanceOf(V3Keystore.KeystoreException.class)
        .hasMessageContaining("wrong password");
  }

  @Test
  void web3jReadsOurFilesAndWeReadWeb3js(@TempDir Path dir) throws Exception {
    KeyPair key = KeyPair.random(new SecureRandom());
    KeystoreDirectory.Entry ours =
        new KeystoreDirectory(dir).save(key, "correct horse", V3Keystore.Strength.LIGHT);
    Credentials read = WalletUtils.loadCredentials("correct horse", ours.file().toFile());
    assertThat(read.getAddress()).isEqualTo(key.address().toHex());
    assertThat(read.getEcKeyPair().getPrivateKey()).isEqualTo(new BigInteger(1, key.privateKey()));

    ECKeyPair theirs =
        ECKeyPair.create(new BigInteger(1, KeyPair.random(new SecureRandom()).privateKey()));
    File web3jDir = Files.createDirectories(dir.resolve("web3j")).toFile();
    String name = WalletUtils.generateWalletFile("battery staple", theirs, web3jDir, false);
    KeyPair back = KeystoreDirectory.unlock(web3jDir.toPath().resolve(name), "battery staple");
    assertThat(new BigInteger(1, back.privateKey())).isEqualTo(theirs.getPrivateKey());
  }

  @Test
  void directoryListsAndFindsKeysAndIgnoresOtherFiles(@TempDir Path dir) throws Exception {
    KeystoreDirectory ks = new KeystoreDirectory(dir);
    assertThat(new KeystoreDirectory(dir.resolve("missing")).list()).isEmpty();
    KeyPair a = KeyPair.random(new SecureRandom());
    KeyPair b = KeyPair.random(new SecureRandom());
    ks.save(a, "pw", V3Keystore.Strength.LIGHT);
    ks.save(b, "pw", V3Keystore.Strength.LIGHT);
    Files.writeString(dir.resolve("notes.txt"), "not a key");
    assertThat(ks.list())
        .extracting(KeystoreDirectory.Entry::address)
        .containsExactly(a.address(), b.address());
    assertThat(KeystoreDirectory.unlock(ks.find(b.address()).orElseThrow().file(), "pw"))
        .isEqualTo(b);
  }
}
