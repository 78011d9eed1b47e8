package no.kostra.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.kostra.TestBase;
import no.kostra.warehouse.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

/** A file whose submission hash is known is read and hashed, never parsed. */
class ParsedFilesTest extends TestBase {

  @Test
  void knownFilesAreSkippedBeforeParsing() throws Exception {
    Path dir = tempDir("parsed-files");
    Files.writeString(dir.resolve("a.dat"), "known content");
    Files.writeString(dir.resolve("b.dat"), "new content");
    List<String> files = List.of(dir.resolve("a.dat").toString(), dir.resolve("b.dat").toString());
    ParsedFiles.Hasher hasher = (file, bytes) -> TextFiles.sha256(bytes);
    Set<String> known = Set.of(TextFiles.sha256("known content".getBytes()));
    try (ParsedFiles parsed = ParsedFiles.parse(session(), files, hasher, known, (file, bytes) -> {
      if (file.endsWith("a.dat")) {
        throw new IllegalStateException("a known file was parsed");
      }
      Object[] summary = new Object[Tables.INGESTED_FILES_SCHEMA.size()];
      summary[0] = file;
      summary[1] = TextFiles.sha256(bytes);
      return new ParsedFiles.ParsedFile(Map.of(), List.of(),
          new GenericRowWithSchema(summary, Tables.INGESTED_FILES_SCHEMA), List.of());
    })) {
      List<Row> summaries = parsed.summaries();
      assertEquals(1, summaries.size());
      assertEquals(IngestFiles.displayName(files.get(1)), summaries.get(0).getString(0));
      assertEquals(List.of(IngestFiles.displayName(files.get(0))), parsed.known());
    }
  }
}
