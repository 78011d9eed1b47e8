package no.kostra.schemas;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's {@code data-schemas/} folder: layouts, classifications, indicator definitions. They
 * are data, read at run time, so a definition changes without a code change. Located by the system
 * property {@code kostra.schemas}, else the environment variable {@code KOSTRA_SCHEMAS}, else
 * {@code ./data-schemas}.
 */
public final class SchemaDir {

  /** The project's own files use snake_case keys. */
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  /** SSB's file descriptions (kostra-kontrollprogram) use camelCase keys. */
  private static final ObjectMapper SSB_YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private final Path root;

  private SchemaDir(Path root) {
    this.root = root;
  }

  public static SchemaDir at(Path root) {
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("data-schemas folder not found: " + root.toAbsolutePath()
          + " (set -Dkostra.schemas=DIR or KOSTRA_SCHEMAS)");
    }
    return new SchemaDir(root.toAbsolutePath().normalize());
  }

  public static SchemaDir locate() {
    String dir = System.getProperty("kostra.schemas");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("KOSTRA_SCHEMAS");
    }
    return at(Path.of(dir == null || dir.isBlank() ? "data-schemas" : dir));
  }

  public Path root() {
    return root;
  }

  public Path resolve(String relative) {
    Path p = root.resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("missing schema file " + p);
    }
    return p;
  }

  /** Reads a project YAML file (snake_case keys) into a record; unknown keys are an error. */
  public <T> T readYaml(String relative, Class<T> type) {
    return read(YAML, relative, type);
  }

  /**
   * Reads a project YAML file outside data-schemas (a release job in jobs/), with the same rules:
   * snake_case keys, unknown keys an error naming the file.
   */
  public static <T> T readYamlFile(Path file, Class<T> type) {
    try {
      return YAML.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads one of SSB's YAML file descriptions (camelCase keys), as copied into data-schemas. */
  public <T> T readSsbYaml(String relative, Class<T> type) {
    return read(SSB_YAML, relative, type);
  }

  private <T> T read(ObjectMapper mapper, String relative, Class<T> type) {
    Path p = resolve(relative);
    try {
      return mapper.readValue(p.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }
}
