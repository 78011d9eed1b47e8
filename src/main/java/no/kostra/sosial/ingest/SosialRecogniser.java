package no.kostra.sosial.ingest;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import no.kostra.ingest.FileRecogniser;
import no.kostra.sosial.SosialForms;

/**
 * 11F and 11CF files: named as {@link SosialFileName} reads names, or made of records of a length
 * one of the form's layouts has (11F 324/338, 11CF 136-152, by year) that start with a
 * municipality number and a two-digit year. By content, the submission is the municipality,
 * year and district most of the records give (KOMMUNE_NR, VERSION, BYDELSNR): the same
 * declaration the standard name would have given, so the same file under another name is the same
 * submission.
 */
public final class SosialRecogniser extends FileRecogniser {

  public static final String STAGE = "sosial";

  private final Map<String, Set<Integer>> lengths = new LinkedHashMap<>();

  public SosialRecogniser(SosialForms forms) {
    super(STAGE, true);
    for (String form : SosialForms.FORMS) {
      Set<Integer> l = new TreeSet<>();
      for (int year : forms.years(form)) {
        l.add(forms.layout(form, year).recordLength());
      }
      lengths.put(form, l);
    }
  }

  @Override
  public Declared byName(String fileName) {
    SosialFileName name = SosialFileName.of(fileName);
    return name == null ? null
        : new Declared(STAGE, name.skjema(), name.aargang(), name.region());
  }

  @Override
  public Map<String, Integer> matchingLines(List<String> lines) {
    Map<String, Integer> out = new HashMap<>();
    for (String line : lines) {
      for (var e : lengths.entrySet()) {
        if (matches(line, e.getValue())) {
          out.merge(e.getKey(), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  @Override
  public Declared byContent(String form, List<String> lines) {
    // the most frequent (KOMMUNE_NR, VERSION, BYDELSNR): one wrong record does not move the file
    Map<String, Integer> prefixes = new TreeMap<>();
    for (String line : lines) {
      if (matches(line, lengths.get(form))) {
        prefixes.merge(line.substring(0, 8), 1, Integer::sum);
      }
    }
    String prefix = prefixes.entrySet().stream()
        .max(Map.Entry.<String, Integer>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
        .map(Map.Entry::getKey).orElse(null);
    if (prefix == null) {
      return null;
    }
    String bydel = prefix.substring(6, 8);
    String region = prefix.substring(0, 4) + (bydel.matches("\\d\\d") ? bydel : "00");
    return new Declared(STAGE, form, 2000 + Integer.parseInt(prefix.substring(4, 6)), region);
  }

  private static boolean matches(String line, Set<Integer> lengths) {
    return lengths.contains(line.length()) && line.length() >= 8
        && line.substring(0, 6).chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
