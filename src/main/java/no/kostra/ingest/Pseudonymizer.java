package no.kostra.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms for personal identifiers: HMAC-SHA-256 over "domain:value", the first 128 bits
 * in hex. The same value gives the same pseudonym in every year and municipality as long as the key
 * is the same; without the key a pseudonym cannot be reversed or recomputed from a guess.
 *
 * <p>The key is never in the repository or the warehouse. It is read from the file named by
 * {@code KOSTRA_PSEUDONYM_KEY_FILE} (or the system property {@code kostra.pseudonymKeyFile}), else
 * from {@code KOSTRA_PSEUDONYM_KEY} (the key text itself), else from
 * {@code ~/.config/kostra/pseudonym.key}. Losing it means new pseudonyms: keep it like a password.
 */
public final class Pseudonymizer implements Serializable {

  public static final String KEY_FILE_ENV = "KOSTRA_PSEUDONYM_KEY_FILE";
  public static final String KEY_ENV = "KOSTRA_PSEUDONYM_KEY";
  public static final String KEY_FILE_PROPERTY = "kostra.pseudonymKeyFile";
  /** Shorter keys are refused: 32 characters of text or more. */
  private static final int MIN_KEY_LENGTH = 32;

  private final byte[] key;
  private final String origin;
  private final String keyFile; // null when the key did not come from a file
  private transient Mac mac;

  private Pseudonymizer(byte[] key, String origin) {
    this(key, origin, null);
  }

  private Pseudonymizer(byte[] key, String origin, Path keyFile) {
    if (key.length < MIN_KEY_LENGTH) {
      throw new IllegalArgumentException("pseudonymisation key from " + origin + " is too short ("
          + key.length + " bytes; at least " + MIN_KEY_LENGTH + ")");
    }
    this.key = key.clone();
    this.origin = origin;
    this.keyFile = keyFile == null ? null : keyFile.toAbsolutePath().normalize().toString();
  }

  /** The key of the environment (see the class comment), or an error saying how to provide one. */
  public static Pseudonymizer fromEnvironment() {
    Path file = configuredKeyFile();
    if (file != null) {
      return fromFile(file);
    }
    String text = System.getenv(KEY_ENV);
    if (text != null && !text.isBlank()) {
      return new Pseudonymizer(text.trim().getBytes(StandardCharsets.UTF_8), "$" + KEY_ENV);
    }
    if (Files.isRegularFile(defaultKeyFile())) {
      return fromFile(defaultKeyFile());
    }
    throw new IllegalStateException("no pseudonymisation key: set " + KEY_FILE_ENV
        + " to a key file (bin/kostra keygen creates one) or " + KEY_ENV + " to the key");
  }

  /** Whether a key is configured (a file, the variable, or the default file). */
  public static boolean configured() {
    String text = System.getenv(KEY_ENV);
    return configuredKeyFile() != null || (text != null && !text.isBlank())
        || Files.isRegularFile(defaultKeyFile());
  }

  public static Pseudonymizer fromFile(Path file) {
    try {
      return new Pseudonymizer(Files.readString(file, StandardCharsets.UTF_8).trim()
          .getBytes(StandardCharsets.UTF_8), file.toString(), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the pseudonymisation key " + file, e);
    }
  }

  /** A key given as text (as $KOSTRA_PSEUDONYM_KEY holds it). */
  public static Pseudonymizer fromText(String keyText) {
    return new Pseudonymizer(keyText.trim().getBytes(StandardCharsets.UTF_8), "key text");
  }

  /** A key known only to this process: pseudonyms that mean something within one report only. */
  public static Pseudonymizer ephemeral() {
    return new Pseudonymizer(randomKeyText().getBytes(StandardCharsets.UTF_8), "a one-off key");
  }

  /** Writes a new random key (64 hex characters) readable by its owner only. */
  public static Path createKeyFile(Path file) {
    try {
      if (Files.exists(file)) {
        throw new IllegalStateException(file + " exists: a new key would change every pseudonym");
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = Files.createFile(file.resolveSibling(file.getFileName() + ".tmp"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, randomKeyText() + "\n", StandardCharsets.UTF_8);
      return Files.move(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the key file " + file, e);
    }
  }

  public static Path defaultKeyFile() {
    return Path.of(System.getProperty("user.home"), ".config", "kostra", "pseudonym.key");
  }

  private static Path configuredKeyFile() {
    String file = System.getProperty(KEY_FILE_PROPERTY);
    if (file == null || file.isBlank()) {
      file = System.getenv(KEY_FILE_ENV);
    }
    return file == null || file.isBlank() ? null : Path.of(file);
  }

  private static String randomKeyText() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Refuses a key kept in the given folder (the warehouse): whoever can read the data must not be
   * able to read the key beside it.
   */
  public Pseudonymizer notInside(String folder) {
    if (keyFile != null && !folder.contains("://")) {
      Path dir = Path.of(folder.replaceFirst("^file:", "")).toAbsolutePath().normalize();
      if (Path.of(keyFile).startsWith(dir)) {
        throw new IllegalStateException("the pseudonymisation key " + keyFile
            + " is inside the warehouse " + dir + ": keep it elsewhere");
      }
    }
    return this;
  }

  /** Where the key came from (a path or a variable name; never the key). */
  public String origin() {
    return origin;
  }

  /** The pseudonym of a value within a domain ("fnr", "journal:0301", ...); null for blank. */
  public String pseudonym(String domain, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (mac == null) {
      try {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    byte[] digest = mac.doFinal((domain + ":" + value.trim()).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  @Override
  public String toString() {
    return "Pseudonymizer(key from " + origin + ")"; // never the key
  }
}
