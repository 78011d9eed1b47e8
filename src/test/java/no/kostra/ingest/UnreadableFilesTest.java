package no.kostra.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.form.IngestAll;
import no.kostra.regnskap.generate.RegnskapGenerator;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Found by {@code bin/fuzz-ingest} (issue 23): a symbolic link to nothing in the input folder was
 * left out of the listing without a word, and a named pipe would have blocked the reader for
 * ever. Both are now rejected whole as not readable, with a row in ingested_files, and the other
 * files go on.
 */
@EndToEnd
class UnreadableFilesTest extends TestBase {

  @Test
  void aBrokenLinkAndAPipeAreRejectedWholeAndTheOtherFilesGoOn() throws Exception {
    Path generated = tempDir("unreadable-gen");
    RegnskapGenerator.forYear(2025, SCHEMAS).seed(5).faults(0).only(Set.of("1103"))
        .writeTo(generated);
    Path in = tempDir("unreadable-in");
    Files.copy(generated.resolve("0A_2025_110300.dat"), in.resolve("0A_2025_110300.dat"));
    Files.createSymbolicLink(in.resolve("0M_2025_110300.dat"), in.resolve("gone.dat"));
    Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("0B_2025_110300.dat").toString())
        .inheritIO().start();
    assertEquals(0, mkfifo.waitFor(), "mkfifo");

    Path wh = tempDir("unreadable-wh");
    List<String> messages = new ArrayList<>();
    var result = IngestAll.run(warehouse(wh), SCHEMAS, in.toString(), Pseudonymizer::ephemeral,
        messages::add);
    Assertions.assertTrue(result.reconciles(), String.join("\n", messages));
    List<Row> rows = sql(warehouse(wh), "SELECT regexp_extract(source_file, '[^/]+$', 0), "
        + "lines_read, rows_accepted, lines_rejected FROM ingested_files ORDER BY 1");
    assertEquals(3, rows.size(), rows.toString());
    assertEquals(row("0B_2025_110300.dat", 0, 0, 0), rows.get(1));
    assertEquals(row("0M_2025_110300.dat", 0, 0, 0), rows.get(2));
    Assertions.assertTrue(rows.get(0).getInt(2) > 100, "the good file is ingested: " + rows);
    for (String name : List.of("0B_2025_110300.dat", "0M_2025_110300.dat")) {
      Assertions.assertTrue(messages.stream().anyMatch(m -> m.contains(name + ": "
          + SubmittedFiles.UNREADABLE)), name + " is named with the reason: " + messages);
    }
    assertEquals(List.of(row("0A", "accepted"), row("0B", "rejected"), row("0M", "rejected")),
        sql(warehouse(wh), "SELECT skjema, status FROM submissions ORDER BY skjema"));
  }
}
