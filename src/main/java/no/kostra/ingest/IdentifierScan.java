package no.kostra.ingest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import no.kostra.layout.FixedWidthLayout;

/**
 * The identifiers of person-level input files (fødselsnummer, DUF number, birth date, journal
 * number, caseworker), and a search for any of them in a text: what the personal-data tests and
 * the fuzzing harness look for in every table, byte, message and report.
 */
public final class IdentifierScan {

  /** The fields whose values must never be found anywhere. */
  public static final List<String> FIELDS = List.of("PERSON_FODSELSNR", "PERSON_DUF",
      "FODSELSDATO", "PERSON_JOURNALNR", "SAKSBEHANDLER");

  private final Set<String> secrets = new HashSet<>();

  /** Collects the identifiers of every record of the layout's length in {@code content}. */
  public void collect(FixedWidthLayout layout, String content) {
    for (String line : content.split("\r\n|\r|\n")) {
      if (line.length() != layout.recordLength()) {
        continue;
      }
      for (String field : FIELDS) {
        if (layout.fields().stream().anyMatch(f -> f.name().equals(field))) {
          String value = layout.field(field).cut(line).trim();
          if (value.length() >= 6) { // shorter values are found anywhere by chance
            secrets.add(value);
            lengths.clear();
          }
        }
      }
    }
  }

  /**
   * Collects the fødselsnumre, D-numbers and DUF numbers anywhere in {@code content}, whatever its
   * layout (a mutated or misnamed file's records are no longer where a layout says).
   */
  public void collectIdentityNumbers(String content) {
    secrets.addAll(PersonalData.identityNumbers(content, false));
    lengths.clear();
  }

  public Set<String> secrets() {
    return Set.copyOf(secrets);
  }

  /**
   * The first identifier (of {@code shortest} characters or more) found in {@code text}, or null.
   * Every substring of a secret's length at every letter or digit is looked up in the set of
   * secrets (one pass over the text, not one per secret). Pseudonyms and hashes (runs of 32 or
   * more hexadecimal characters with a letter among them) are passed over: among thousands of
   * 8-digit birth dates and journal numbers, one turns up in random hex by chance.
   */
  public String findIn(String text, int shortest) {
    // the secrets' lengths, once per threshold (a scan row by row calls this millions of times)
    Set<Integer> lengths = lengths(shortest);
    int n = text.length();
    for (int i = 0; i < n; i++) {
      if (!Character.isLetterOrDigit(text.charAt(i))) {
        continue;
      }
      if (i == 0 || !isHex(text.charAt(i - 1))) { // a run of hex characters starts here
        int hexEnd = i;
        boolean letter = false;
        while (hexEnd < n && isHex(text.charAt(hexEnd))) {
          letter |= Character.isLetter(text.charAt(hexEnd));
          hexEnd++;
        }
        if (hexEnd - i >= 32 && letter) {
          i = hexEnd - 1; // a pseudonym or a hash
          continue;
        }
      }
      for (int length : lengths) {
        if (i + length <= n && secrets.contains(text.substring(i, i + length))) {
          return text.substring(i, i + length);
        }
      }
    }
    return null;
  }

  private final java.util.Map<Integer, Set<Integer>> lengths = new java.util.HashMap<>();

  private Set<Integer> lengths(int shortest) {
    return lengths.computeIfAbsent(shortest, k -> {
      Set<Integer> out = new TreeSet<>();
      secrets.stream().filter(s -> s.length() >= k).forEach(s -> out.add(s.length()));
      return out;
    });
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0 && !Character.isUpperCase(c);
  }
}
