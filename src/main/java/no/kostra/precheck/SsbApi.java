package no.kostra.precheck;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import no.kostra.validate.Severity;
import no.kostra.validate.ValidationReport;

/**
 * SSB's pre-check API (kostra-kontrollprogram, {@code web} module, its view models), so that a
 * client written against it can use this service: the request's {@code kostraFormAsJson}, the
 * answer of {@code POST /api/kontroller-skjema}, {@code GET /api/ui-data} and the error body.
 * Field names and shapes are SSB's; the values are ours.
 */
public final class SsbApi {

  private SsbApi() {}

  /** The form part of the request ({@code kostraFormAsJson}) and the answer's echo of it. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record KostraForm(Integer aar, String skjema, String region, String navn,
      String orgnrForetak, String filnavn) {}

  /** One finding; SSB groups equal findings and lists their lines together. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record FileReportEntry(Severity severity, String caseworker, String journalId,
      String individId, String contextId, String ruleName, String messageText,
      List<Integer> lineNumbers) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record FileReport(KostraForm innparametere, long antallKontroller, Severity severity,
      List<FileReportEntry> feil) {}

  public record FormType(String id, String tittel, String kvartal, String labelOrgnr) {}

  public record UiData(String releaseVersion, List<Integer> years, List<FormType> formTypes) {}

  /** SSB's error body; {@code validationErrors} per field of the request. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ApiError(long timestamp, int httpStatusCode, String errorType, String url,
      Map<String, String> validationErrors) {}

  /**
   * A report in SSB's shape. Our record key carries, for 11F/11CF, the journal and caseworker
   * pseudonyms ({@code journal=… saksbehandler=…}); they go to {@code journalId} and
   * {@code caseworker}; for other forms the record key is the finding's context
   * ({@code contextId}). Findings that differ only by line are one entry with all their lines.
   */
  public static FileReport report(KostraForm form, ValidationReport report) {
    Map<List<Object>, TreeSet<Integer>> grouped = new LinkedHashMap<>();
    Map<List<Object>, FileReportEntry> first = new LinkedHashMap<>();
    for (ValidationReport.Entry e : report.reportEntries()) {
      String key = e.recordKey() == null ? "" : e.recordKey();
      String journal = "";
      String caseworker = "";
      String context = key;
      if (key.startsWith("journal=")) {
        int at = key.indexOf(" saksbehandler=");
        journal = at < 0 ? key.substring(8) : key.substring(8, at);
        caseworker = at < 0 ? "" : key.substring(at + " saksbehandler=".length());
        context = "";
      }
      String ruleName = "Kontroll " + e.ruleId() + " : " + e.ruleName(); // SSB: "Kontroll 003 : Skjema"
      FileReportEntry entry = new FileReportEntry(e.severity(), caseworker, journal, "", context,
          ruleName, e.messageText(), List.of());
      List<Object> id = List.of(entry.severity(), caseworker, journal, context, ruleName,
          e.messageText());
      first.putIfAbsent(id, entry);
      grouped.computeIfAbsent(id, k -> new TreeSet<>()).addAll(e.lineNumbers());
    }
    List<FileReportEntry> feil = new ArrayList<>();
    first.forEach((id, e) -> feil.add(new FileReportEntry(e.severity(), e.caseworker(),
        e.journalId(), e.individId(), e.contextId(), e.ruleName(), e.messageText(),
        List.copyOf(grouped.get(id)))));
    Severity worst = feil.stream().map(FileReportEntry::severity)
        .max(Comparator.naturalOrder()).orElse(Severity.OK);
    return new FileReport(form, report.validationSummary().numberOfControls(), worst, feil);
  }

  public static UiData uiData(String version, PreCheckService service) {
    return new UiData(version, service.years(), service.formTypes().stream()
        .map(t -> new FormType(t.id(), t.title(), t.quarter(), t.orgnrLabel())).toList());
  }
}
