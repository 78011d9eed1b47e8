package no.kostra.sosial.generate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import no.kostra.generate.PlantedErrors;
import no.kostra.generate.PlantedErrors.Planted;
import no.kostra.generate.PlantedErrors.Text;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;

/**
 * The 11F mistake the control rules let through, planted in a generated year: {@code
 * repeated_month}, a case system's export that repeated each recipient's first month into every
 * month of the year, amounts and the year's total included (they agree, so no rule fires; the
 * months and the amount paid about double).
 */
public final class SosialMistakes {

  private static final String[] MONTHS = {"JAN", "FEB", "MARS", "APRIL", "MAI", "JUNI", "JULI",
      "AUG", "SEPT", "OKT", "NOV", "DES"};

  private SosialMistakes() {}

  public static List<Planted> plant(Path dir, int year, long seed, SchemaDir schemas) {
    java.util.Set<String> taken = PlantedErrors.taken(dir, "sosial");
    List<String> mid = PlantedErrors.municipalities(schemas, year, 20_000, 150_000,
        m -> !taken.contains(m) && Files.exists(dir.resolve(name(year, m))));
    String chosen = PlantedErrors.draw(mid, PlantedErrors.picks(seed, year, "sosial"));
    List<Planted> planted = new ArrayList<>();
    if (chosen != null) {
      Path f = dir.resolve(name(year, chosen));
      repeatMonth(f, SosialForms.load(schemas).layout("11F", year));
      planted.add(new Planted(chosen, "repeated_month", List.of(f.getFileName().toString()),
          List.of("stonadsmaneder", "stonad_kr", "mottakere_6_mnd")));
    }
    PlantedErrors.record(dir, "sosial", planted);
    return planted;
  }

  private static String name(int year, String municipality) {
    return "11F_" + year + "_" + municipality + "00.dat";
  }

  private static void repeatMonth(Path f, FixedWidthLayout layout) {
    Text t = Text.read(f);
    List<String> out = new ArrayList<>();
    for (String l : t.lines()) {
      String first = null;
      if (l.length() == layout.recordLength()) {
        for (String m : MONTHS) {
          String v = layout.field("BIDRAG_" + m).cut(l).trim();
          if (v.matches("\\d+") && Long.parseLong(v) > 0) {
            first = v;
            break;
          }
        }
      }
      if (first == null) {
        out.add(l);
        continue;
      }
      String line = l;
      for (int m = 1; m <= 12; m++) {
        line = splice(line, layout.field("STMND_" + m), String.format("%02d", m));
        line = splice(line, layout.field("BIDRAG_" + MONTHS[m - 1]), first);
      }
      out.add(splice(line, layout.field("BIDRAG"), Long.toString(12 * Long.parseLong(first))));
    }
    t.with(out).write(f);
  }

  private static String splice(String line, FixedWidthLayout.Field field, String value) {
    String pad = " ".repeat(Math.max(0, field.size() - value.length()));
    String v = "INTEGER_TYPE".equals(field.dataType()) ? pad + value : value + pad;
    return line.substring(0, field.from() - 1) + v + line.substring(field.to());
  }
}
