package no.kostra.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import no.kostra.keyfigures.KeyFigureDefinitions.Indicator;
import no.kostra.keyfigures.KeyFigureExport;
import org.apache.spark.sql.Row;

/**
 * The StatBank load format of a release (publishing.md §3.1–3.3): one main table of the level 1
 * key figures with two subtables — {@code kommuner1.dat} (municipalities, Oslo's districts, county
 * authorities) and {@code grupper1.dat} (EKA, EKG, ASSS, EAKUO, EAK, EAB, EAFKUO, EAFK) — each a positional
 * {@code ;}-separated file without header: region; year; one value per key figure; one suppression
 * code per key figure. Values have a decimal comma and exactly the key figure's stored decimals;
 * a symbol leaves the value empty and puts its load code (01 {@code .}, 02 {@code ..}, 04
 * {@code :}) in the code column. Beside them: the extraction description
 * ({@code uttrekksbeskrivelse.json}, the fields the dapla-statbank-client reads), and the transfer
 * (the multipart body with CRLF line ends and its query parameters) ready to post. The years' own
 * borders only, as in the PX files.
 *
 * <p>Before anything is written, the subtables are checked as the client checks them (columns,
 * codes in their code lists, decimals, no literal symbols, one row per region and year): a
 * failure stops the release rather than leave a file StatBank refuses on the day.
 */
final class StatbankExport {

  /** Load codes of the symbols (publishing.md §1.1). */
  static final Map<String, String> LOAD_CODES = Map.of(".", "01", "..", "02", ":", "04");
  static final String BOUNDARY = "12345";
  private static final List<String> MUNICIPAL_LEVELS = List.of("kommune", "bydel", "fylkeskommune");
  private static final Set<String> FORBIDDEN = Set.of("nan", "na", "none", ".", "<na>", "..", ":");

  private StatbankExport() {}

  /** The StatBank settings of a job: the table id (five digits) and the main table's name. */
  record Settings(String tableId, String mainTable) {
    static Settings of(Map<String, Object> job, String where) {
      String id = String.valueOf(job.getOrDefault("table", ""));
      if (!id.matches("\\d{5}")) {
        throw new IllegalArgumentException(where + "statbank.table must be StatBank's 5-digit "
            + "table id (a string, e.g. \"12345\"), not " + (id.isEmpty() ? "nothing" : id));
      }
      Object main = job.getOrDefault("main_table", "KostraSosial" + id);
      if (!String.valueOf(main).matches("[A-Za-z0-9]+")) {
        throw new IllegalArgumentException(where + "statbank.main_table: letters and digits");
      }
      Set<String> unknown = new TreeSet<>(job.keySet());
      unknown.removeAll(Set.of("table", "main_table"));
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(where + "statbank: unknown keys " + unknown);
      }
      return new Settings(id, String.valueOf(main));
    }
  }

  /** File name (under {@code statbank/}) → bytes. */
  static Map<String, byte[]> write(Settings settings, List<Indicator> indicators,
      List<Row> published, LocalDate releaseDate, String kind) {
    // region -> name and kind; region|year|indicator -> row
    Map<String, String> names = new TreeMap<>();
    Map<String, String> levels = new TreeMap<>();
    Map<String, Row> cells = new TreeMap<>();
    TreeSet<Integer> years = new TreeSet<>();
    Set<String> wanted = new HashSet<>();
    indicators.forEach(i -> wanted.add(i.id()));
    for (Row r : published) {
      if (!r.getAs("structure_year").equals(r.getAs("year"))
          || !wanted.contains(r.<String>getAs("indicator"))) {
        continue;
      }
      String region = r.getAs("region");
      names.putIfAbsent(region, r.getAs("region_name"));
      levels.putIfAbsent(region, r.getAs("region_level"));
      years.add(r.getAs("year"));
      cells.put(region + "|" + r.getAs("year") + "|" + r.getAs("indicator"), r);
    }
    Map<String, byte[]> files = new TreeMap<>();
    List<Map<String, Object>> subtables = new ArrayList<>();
    List<Map<String, Object>> titles = new ArrayList<>();
    List<Map<String, Object>> codelists = new ArrayList<>();
    String timeText = "År, enhet = år, format = åååå";
    for (boolean municipal : List.of(true, false)) {
      String file = municipal ? "kommuner1.dat" : "grupper1.dat";
      String codelist = municipal ? "KOKregion0000" : "KOKgruppe0000";
      List<String> regions = names.keySet().stream()
          .filter(c -> MUNICIPAL_LEVELS.contains(levels.get(c)) == municipal)
          .sorted(Comparator.comparing((String c) -> KeyFigureExport.levelOrder(levels.get(c)))
              .thenComparing(c -> c))
          .toList();
      StringBuilder dat = new StringBuilder();
      for (String region : regions) {
        for (int year : years) {
          List<String> values = new ArrayList<>();
          List<String> codes = new ArrayList<>();
          for (Indicator ind : indicators) {
            Row r = cells.get(region + "|" + year + "|" + ind.id());
            String status = r == null ? "." : r.getAs("status");
            BigDecimal v = r == null ? null : r.getAs("value");
            if (status == null && v != null) {
              values.add(number(v, ind.decimals()));
              codes.add("");
            } else {
              values.add("");
              codes.add(LOAD_CODES.getOrDefault(status == null ? ".." : status, "02"));
            }
          }
          dat.append(region).append(';').append(year).append(';')
              .append(String.join(";", values)).append(';').append(String.join(";", codes))
              .append('\n');
        }
      }
      String text = dat.toString();
      check(file, text, regions, years, indicators);
      files.put(file, text.getBytes(StandardCharsets.UTF_8));

      titles.add(ordered("Filnavn", file, "Filtext", municipal
          ? "Kommuner, bydeler i Oslo og fylkeskommuner" : "KOSTRA-grupper, fylker og landet"));
      List<Map<String, Object>> variables = List.of(
          ordered("kolonnenummer", "1", "Klassifikasjonsvariabel", codelist, "Variabeltext",
              "region", "Kodeliste_id", codelist, "Kodeliste_text", municipal ? "Region"
                  : "Regiongruppe"),
          ordered("kolonnenummer", "2", "Klassifikasjonsvariabel", "Tid", "Variabeltext", "år",
              "Kodeliste_id", "-", "Kodeliste_text", timeText));
      List<Map<String, Object>> statistics = new ArrayList<>();
      List<Map<String, Object>> suppression = new ArrayList<>();
      for (int i = 0; i < indicators.size(); i++) {
        Indicator ind = indicators.get(i);
        String valueColumn = String.valueOf(3 + i);
        statistics.add(ordered("kolonnenummer", valueColumn, "Text", ind.nameNo(), "Enhet",
            ind.unit(), "Antall_lagrede_desimaler", String.valueOf(ind.decimals()),
            "Antall_viste_desimaler", String.valueOf(ind.decimals())));
        suppression.add(ordered("kolonnenummer", String.valueOf(3 + indicators.size() + i),
            "gjelder_for_text", ind.nameNo(), "gjelder_for__kolonner_nummer", valueColumn));
      }
      Map<String, Object> subtable = ordered("deltabell", file, "variabler", variables,
          "statistikkvariabler", statistics, "null_prikk_missing", suppression);
      subtable.put("eksempel_linje", text.isEmpty() ? "" : text.substring(0, text.indexOf('\n')));
      subtables.add(subtable);
      List<Map<String, Object>> codes = regions.stream()
          .map(c -> ordered("kode", c, "text", names.get(c))).toList();
      codelists.add(ordered("kodeliste", codelist, "koder", codes));
    }
    Map<String, Object> description = ordered(
        "Uttaksbeskrivelse_lagd", releaseDate.format(DateTimeFormatter.ofPattern("dd.MM.yyyy"))
            + " klokka 08:00",
        "TabellId", settings.tableId(),
        "Huvudtabell", settings.mainTable(),
        "DeltabellTitler", titles);
    description.put("deltabller", subtables); // sic: the client's spelling
    description.put("kodelister", codelists);
    description.put("IRkodelister", List.of());
    description.put("null_prikk_missing_kodeliste", List.of(
        ordered("Kode", "01", "Vises_som", ".", "Beskrivelse", "Ikke mulig å oppgi tall"),
        ordered("Kode", "02", "Vises_som", "..", "Beskrivelse", "Tallgrunnlag mangler"),
        ordered("Kode", "04", "Vises_som", ":", "Beskrivelse",
            "Vises ikke av konfidensialitetshensyn")));
    files.put("uttrekksbeskrivelse.json", json(description));

    // the transfer: one part per subtable, the whole body with CRLF (§3.3)
    StringBuilder body = new StringBuilder();
    for (String file : List.of("kommuner1.dat", "grupper1.dat")) {
      body.append("--").append(BOUNDARY).append('\n')
          .append("Content-Disposition:form-data; filename=").append(file).append('\n')
          .append("Content-type:text/plain\n\n")
          .append(new String(files.get(file), StandardCharsets.UTF_8));
    }
    body.append("--").append(BOUNDARY).append("--\n");
    files.put("transfer.body", body.toString().replace("\n", "\r\n")
        .getBytes(StandardCharsets.UTF_8));
    // initialier and fagansvarlig are the statistician's, given at transfer
    // the current load codes (01, 02, 04) have none for a preliminary figure, so the status is
    // the table's: the footnote the statistician attaches at transfer, in the settings
    files.put("transfer.json", json(ordered("hovedtabell", settings.mainTable(),
        "publiseringsdato", releaseDate.toString(), "auto_overskriv_data", "1",
        "auto_godkjenn_data", "2", "content_type", "multipart/form-data; boundary=" + BOUNDARY,
        "tallstatus", kind.equals("final") ? "endelige" : "foreløpige",
        "fotnote", PxExport.statusNote(kind, releaseDate))));
    return files;
  }

  /** Decimal comma, exactly {@code decimals} digits after it, rounded half away from zero. */
  static String number(BigDecimal v, int decimals) {
    return v.setScale(decimals, RoundingMode.HALF_UP).toPlainString().replace('.', ',');
  }

  /** The client's checks of a subtable, before it leaves us (publishing.md §3.2). */
  static void check(String file, String text, List<String> regions, Set<Integer> years,
      List<Indicator> indicators) {
    int columns = 2 + 2 * indicators.size();
    Set<String> codes = new HashSet<>(regions);
    Set<String> keys = new HashSet<>();
    String[] lines = text.isEmpty() ? new String[0] : text.split("\n", -1);
    int n = 0;
    for (String line : lines) {
      if (line.isEmpty() && n == lines.length - 1) {
        break;
      }
      n++;
      String where = "statbank/" + file + " line " + n + ": ";
      String[] f = line.split(";", -1);
      if (f.length != columns) {
        throw new IllegalStateException(where + f.length + " columns, the description has "
            + columns);
      }
      if (!codes.contains(f[0])) {
        throw new IllegalStateException(where + "region " + f[0] + " is not in the code list");
      }
      if (!f[1].matches("\\d{4}") || !years.contains(Integer.parseInt(f[1]))) {
        throw new IllegalStateException(where + "year " + f[1] + " is not åååå of the release");
      }
      if (!keys.add(f[0] + ";" + f[1])) {
        throw new IllegalStateException(where + "a second row for " + f[0] + " " + f[1]);
      }
      for (int i = 0; i < indicators.size(); i++) {
        String value = f[2 + i];
        String code = f[2 + indicators.size() + i];
        int d = indicators.get(i).decimals();
        Pattern number = Pattern.compile(d == 0 ? "-?\\d+" : "-?\\d+,\\d{" + d + "}");
        if (FORBIDDEN.contains(value.toLowerCase())) {
          throw new IllegalStateException(where + "literal " + value + " in column " + (3 + i));
        }
        boolean ok = value.isEmpty() ? LOAD_CODES.containsValue(code)
            : code.isEmpty() && number.matcher(value).matches();
        if (!ok) {
          throw new IllegalStateException(where + "column " + (3 + i) + " ("
              + indicators.get(i).id() + "): value '" + value + "' with code '" + code
              + "' (a number with " + d + " decimals and no code, or empty with 01/02/04)");
        }
      }
    }
  }

  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static byte[] json(Object value) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
