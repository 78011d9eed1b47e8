package no.kostra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The respondent's pre-check: exit codes, JSON shaped like the reference's, a Norwegian page. */
@EndToEnd
class ValidateCommandTest extends TestBase {

  private record Run(int exitCode, String stdout) {}

  private static Run validate(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "validate";
    System.arraycopy(args, 0, all, 1, args.length);
    int exitCode = KostraCli.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), System.err,
        all);
    return new Run(exitCode, buffer.toString(StandardCharsets.UTF_8));
  }

  private static String rec(String f, String a, long belop) {
    return String.format("0A2025 115100%18s1%-4s%3s%9d", "", f, a, belop);
  }

  @Test
  void exitCodesFollowTheWorstFinding() throws Exception {
    Path dir = tempDir("validate");
    Path ok = dir.resolve("ok.dat");
    Files.writeString(ok, String.join("\n", rec("242", "010", 100), rec("800", "870", -60),
        rec("840", "800", -40)) + "\n");
    Path warning = dir.resolve("warning.dat"); // a duplicate key: rule 015
    Files.writeString(warning, String.join("\n", rec("242", "010", 60), rec("242", "010", 40),
        rec("800", "870", -60), rec("840", "800", -40)) + "\n");
    Path error = dir.resolve("error.dat"); // does not balance: rule 110
    Files.writeString(error, String.join("\n", rec("242", "010", 500), rec("800", "870", -60),
        rec("840", "800", -40)) + "\n");
    String[] key = {"--skjema", "0A", "--year", "2025", "--region", "115100"};

    assertEquals(0, validate(concat(ok, key)).exitCode());
    assertEquals(1, validate(concat(warning, key)).exitCode());
    Run run = validate(concat(error, key));
    assertEquals(2, run.exitCode());

    JsonNode json = new ObjectMapper().readTree(run.stdout());
    JsonNode summary = json.get("validationSummary");
    assertEquals("115100", summary.get("region").asText());
    assertEquals("0A", summary.get("skjema").asText());
    assertEquals(2025, summary.get("year").asInt());
    assertEquals("ERROR", summary.get("severity").asText());
    assertEquals(1, summary.get("numErrors").asInt());
    Assertions.assertTrue(summary.get("numberOfControls").asLong() > 3);
    JsonNode entry = json.get("reportEntries").get(0);
    assertEquals("110", entry.get("ruleId").asText());
    assertEquals("ERROR", entry.get("severity").asText());
    Assertions.assertTrue(entry.get("messageText").asText().startsWith("Korrigér driftsregnskapet"));

    Run html = validate(concat(error, key, "--format", "html"));
    assertEquals(2, html.exitCode());
    Assertions.assertTrue(html.stdout().contains("<h1>Kontrollrapport</h1>"));
    Assertions.assertTrue(html.stdout().contains("Filen må korrigeres før den kan sendes inn."));
    Assertions.assertTrue(html.stdout().contains("Driftsregnskapet, differanse"));
  }

  @Test
  void benefitRatesAndStaffingArePreCheckedTheSameWay() throws Exception {
    Path dir = tempDir("validate-csv");
    Path rates = dir.resolve("skjema12_2024_1151.csv");
    Files.writeString(rates, "aargang;region;post;verdi\n2024;1151;01;8100\n2024;1151;02;13500\n"
        + "2024;1151;03;6800\n2024;1151;04;3950\n2024;1151;05;4050\n2024;1151;06;5300\n"
        + "2024;1151;07;0\n");
    // the rates need no other source; the guideline of 2024 (published) comes from data-schemas
    String[] key = {"--skjema", "12", "--year", "2024", "--region", "1151"};
    assertEquals(0, validate(concat(rates, key)).exitCode());
    Files.writeString(rates, Files.readString(rates).replace("2024;1151;04;3950", "2024;1151;04;3800"));
    assertEquals(0, validate(concat(rates, key)).exitCode()); // INFO: below the guideline (3 850)
    Files.writeString(rates, Files.readString(rates).replace("2024;1151;07;0", "2024;1151;07;2"));
    Run run = validate(concat(rates, key));
    assertEquals(2, run.exitCode());
    JsonNode json = new ObjectMapper().readTree(run.stdout());
    assertEquals("12", json.get("validationSummary").get("skjema").asText());
    assertEquals(2, json.get("reportEntries").size()); // 023 INFO and 024 ERROR
    // against 2025's placeholder guideline, "below the state's rate" is no finding (023 silent)
    Path guess = dir.resolve("skjema12_2025_1151.csv");
    Files.writeString(guess, Files.readString(rates).replace("2024;", "2025;"));
    JsonNode placeholder = new ObjectMapper().readTree(validate(concat(guess, new String[] {
        "--skjema", "12", "--year", "2025", "--region", "1151"})).stdout());
    assertEquals(1, placeholder.get("reportEntries").size()); // 024 only
    assertEquals("024", placeholder.get("reportEntries").get(0).get("ruleId").asText());

    Path staffing = dir.resolve("skjema7_2025_1151.csv");
    Files.writeString(staffing, "aargang;region;funksjon;post;verdi\n2025;1151;242;02;0,4\n"
        + "2025;1151;281;02;-0,2\n");
    Run staff = validate(concat(staffing, new String[] {"--skjema", "7", "--year", "2025",
        "--region", "1151"}));
    assertEquals(2, staff.exitCode());
    Assertions.assertTrue(staff.stdout().contains("\"010\""), staff.stdout());
  }

  /** validate DIR: names (or content) say what each file is; one line and one report per file. */
  @Test
  void aFolderIsCheckedFileByFileAsThePipelineRecognisesThem() throws Exception {
    Path dir = tempDir("validate-dir");
    Files.writeString(dir.resolve("0A_2025_115100.dat"), String.join("\n", rec("242", "010", 100),
        rec("800", "870", -60), rec("840", "800", -40)) + "\n");
    // no usable name: its records say 0A 2025 Utsira; a duplicate key (rule 015, WARNING)
    Files.writeString(dir.resolve("regnskap utsira (2).txt"), String.join("\n",
        rec("242", "010", 60), rec("242", "010", 40), rec("800", "870", -60),
        rec("840", "800", -40)) + "\n");
    Files.writeString(dir.resolve("skjema12_2024_1151.csv"), "aargang;region;post;verdi\n"
        + "2024;1151;01;8100\n2024;1151;02;13500\n2024;1151;03;6800\n2024;1151;04;3950\n"
        + "2024;1151;05;4050\n2024;1151;06;5300\n2024;1151;07;0\n");
    Files.writeString(dir.resolve("notater.txt"), "husk å sende inn før fristen\n");
    Files.writeString(dir.resolve("_manifest.csv"), "generator bookkeeping: not a submission\n");
    Path out = tempDir("validate-reports");
    Run run = validate(dir.toString(), "--out", out.toString());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(4, lines.size(), run.stdout());
    assertEquals(2, run.exitCode(), "a file that cannot be checked counts as an error");
    Assertions.assertTrue(lines.get(0).matches(".*0A_2025_115100\\.dat: 0A 2025 115100: OK .*"),
        lines.get(0));
    Assertions.assertTrue(lines.get(1).contains("notater.txt: not checked: "), lines.get(1));
    Assertions.assertTrue(lines.get(2).matches(".*regnskap utsira \\(2\\)\\.txt: 0A 2025 115100 "
        + "\\(by its content\\): WARNING .*"), lines.get(2));
    Assertions.assertTrue(lines.get(3).matches(".*skjema12_2024_1151\\.csv: 12 2024 115100: OK .*"),
        lines.get(3));
    try (var reports = Files.list(out)) {
      assertEquals(List.of("0A_2025_115100.dat.json", "regnskap utsira (2).txt.json",
          "skjema12_2024_1151.csv.json"), reports.map(p -> p.getFileName().toString()).sorted()
          .toList());
    }
    JsonNode warned = new ObjectMapper().readTree(out.resolve("regnskap utsira (2).txt.json")
        .toFile());
    assertEquals("015", warned.get("reportEntries").get(0).get("ruleId").asText());
    // --skjema declares one file: not a folder
    Assertions.assertNotEquals(0, validate(dir.toString(), "--skjema", "0A", "--year", "2025",
        "--region", "115100").exitCode());
  }

  private static String[] concat(Path file, String[] key, String... more) {
    String[] all = new String[1 + key.length + more.length];
    all[0] = file.toString();
    System.arraycopy(key, 0, all, 1, key.length);
    System.arraycopy(more, 0, all, 1 + key.length, more.length);
    return all;
  }
}
