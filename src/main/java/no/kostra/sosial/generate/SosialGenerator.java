package no.kostra.sosial.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import no.kostra.generate.Draws;
import no.kostra.generate.GeneratedFiles;
import no.kostra.generate.UnitNoise;
import no.kostra.ingest.PersonalData;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.layout.FixedWidthLayout.Field;
import no.kostra.reference.Classifications;
import no.kostra.reference.Classifications.Municipality;
import no.kostra.reference.Population;
import no.kostra.schemas.SchemaDir;
import no.kostra.sosial.SosialForms;

/**
 * Writes realistic synthetic 11F and 11CF submissions of a year in the layout of that year, for every
 * municipality and for each of Oslo's 15 districts: recipients in proportion to the real adult
 * population at a rate that varies by municipality (about 130 000 social-assistance cases and 8 000
 * qualification-programme participants a year nationally), plausible ages, months (many short
 * spells, a peak at 12), amounts, income sources and labour situations that agree with each other.
 * A municipality with nobody to report sends the one-space file.
 *
 * <p>Identity numbers are synthetic by construction (the population register's test convention:
 * month + 80, valid check digits), so none can belong to a real person; D-numbers and DUF numbers
 * occur too. With faults on, one record per fault kind breaks exactly one control rule, and
 * {@code _manifest_sosial.csv} lists file, line, fault and the rule expected to catch it.
 */
public final class SosialGenerator {

  /** National rates per inhabitant 18+ / 18-66 (SSB: ~130 000 cases; ~8 000 KVP participants). */
  private static final double ASSISTANCE_RATE = 0.0295;
  private static final double KVP_RATE = 0.0024;

  /** Below this many adults, half the municipalities have 0-3 recipients in a year. */
  private static final long SMALL_MUNICIPALITY_ADULTS = 1500;

  private final int year;
  private final SosialForms forms;
  private final Classifications classifications;
  private final Population population;
  private long seed = 2025;
  private boolean faults = true;
  private boolean oddNames = true;
  private Set<String> only;
  /** Every identity number drawn this run: no two persons share one unless a fault says so. */
  private final Set<String> usedIds = new HashSet<>();

  private SosialGenerator(int year, SchemaDir schemas) {
    this.year = year;
    this.forms = SosialForms.load(schemas);
    this.classifications = Classifications.load(schemas);
    this.population = Population.load(schemas);
  }

  public static SosialGenerator forYear(int year, SchemaDir schemas) {
    return new SosialGenerator(year, schemas);
  }

  public SosialGenerator seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Inject one record per fault kind (default on). */
  public SosialGenerator faults(boolean faults) {
    this.faults = faults;
    return this;
  }

  /**
   * Now and then a file under a name of the respondent's own (default on), as real files arrive:
   * lower case, SSB's naming, a name of their own, no extension, a folder of their own.
   */
  public SosialGenerator oddNames(boolean oddNames) {
    this.oddNames = oddNames;
    return this;
  }

  /** Only these municipalities (4-digit codes); null = all. */
  public SosialGenerator only(Set<String> municipalities) {
    this.only = municipalities;
    return this;
  }

  /** What was written; {@code notInjected} says why faults were left out, if any were. */
  public record Result(Path dir, int files, long records11F, long records11CF, List<String> faults,
      List<String> notInjected) {}

  public Result writeTo(Path dir) {
    int calyear = population.hasCalendarYear(year + 1) ? year : year - 1; // 2026: latest count
    Map<String, Long> adults = population.atEndOfYear(calyear, 18, null, classifications);
    Map<String, Long> working = population.atEndOfYear(calyear, 18, 66, classifications);
    Map<String, List<Map<String, String>>> files = new TreeMap<>();
    usedIds.clear();
    for (Municipality m : classifications.municipalities(year)) {
      if (only != null && !only.contains(m.code())) {
        continue;
      }
      SplittableRandom rnd = random("rate", m.code());
      // municipal rates vary around the national one (log-normal, as SSB's tables show) and
      // persist from year to year: the anchor year's draws, moved by about 5 % a year
      UnitNoise noise = UnitNoise.own(rnd);
      if (year != UnitNoise.ANCHOR_YEAR) {
        UnitNoise replay = UnitNoise.recording(
            Draws.stream(seed * 1_000_003L + UnitNoise.ANCHOR_YEAR, "rate", m.code()));
        replay.gaussianBoxMuller("rate");
        replay.uniform("kvp");
        noise = UnitNoise.around(replay, rnd, 0.15);
      }
      double level = Math.exp(0.35 * noise.gaussianBoxMuller("rate"));
      long cases = Math.round(adults.getOrDefault(m.code(), 0L) * ASSISTANCE_RATE * level);
      long kvp = Math.round(working.getOrDefault(m.code(), 0L) * KVP_RATE * level
          * (0.6 + 0.8 * noise.uniform("kvp")));
      // the smallest municipalities (island and mountain ones of a few hundred adults) have
      // years with no recipient at all, or one to three: every small-count path of the
      // disclosure control must see them (a stream of its own: the others' figures stay as
      // they were)
      SplittableRandom small = random("small", m.code());
      // whether it is one of those persists (the anchor year's draw); the count is the year's
      double smallDraw = small.nextDouble();
      if (year != UnitNoise.ANCHOR_YEAR) {
        smallDraw = Draws.stream(seed * 1_000_003L + UnitNoise.ANCHOR_YEAR, "small", m.code())
            .nextDouble();
      }
      if (adults.getOrDefault(m.code(), 0L) < SMALL_MUNICIPALITY_ADULTS && smallDraw < 0.5) {
        cases = small.nextInt(4);
        kvp = Math.min(kvp, small.nextInt(3));
      }
      if (m.code().equals("0301")) {
        // Oslo reports per district: split the city's cases over the 15 bydeler
        double[] weights = new double[15];
        double total = 0;
        for (int d = 0; d < 15; d++) {
          weights[d] = 0.5 + rnd.nextDouble();
          total += weights[d];
        }
        for (int d = 0; d < 15; d++) {
          String district = String.format("%02d", d + 1);
          String region = "0301" + district;
          files.put(fileName("11F", region), persons("11F", region, district,
              Math.round(cases * weights[d] / total)));
          files.put(fileName("11CF", region), persons("11CF", region, district,
              Math.round(kvp * weights[d] / total)));
        }
      } else {
        String region = m.code() + "00";
        files.put(fileName("11F", region), persons("11F", region, null, cases));
        files.put(fileName("11CF", region), persons("11CF", region, null, kvp));
      }
    }
    return write(dir, files);
  }

  private String fileName(String form, String region) {
    return form + "_" + year + "_" + region + ".dat";
  }

  private List<Map<String, String>> persons(String form, String region, String district, long n) {
    SplittableRandom rnd = random(form, region);
    List<Map<String, String>> records = new ArrayList<>();
    Set<String> journals = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> r = form.equals("11F") ? recipient(rnd, region, district)
          : participant(rnd, region, district);
      String journal;
      do {
        journal = String.format("%02d%06d", year % 100, rnd.nextInt(1_000_000));
      } while (!journals.add(journal));
      r.put("PERSON_JOURNALNR", journal);
      r.put("SAKSBEHANDLER", "NAV" + String.format("%04d", rnd.nextInt(1, 40)));
      records.add(r);
    }
    return records;
  }

  // ---- one 11F recipient ---------------------------------------------------------------------

  private Map<String, String> recipient(SplittableRandom rnd, String region, String district) {
    Map<String, String> r = head(region, district);
    int age = pick(rnd, new int[] {18, 25, 35, 45, 55, 67, 80}, new double[] {20, 27, 22, 15, 12, 3, 1});
    String sex = rnd.nextDouble() < 0.55 ? "1" : "2";
    identity(rnd, r, age, sex, true);
    String ektstat = pickCode(rnd, new String[] {"1", "2", "3", "4", "5"}, new double[] {55, 10, 8, 24, 3});
    r.put("EKTSTAT", ektstat);
    boolean children = age < 60 && rnd.nextDouble() < 0.25;
    r.put("BU18", children ? "1" : "2");
    if (children) {
      r.put("ANTBU18", Integer.toString(1 + rnd.nextInt(4)));
    }
    // main income source, labour situation and benefits that agree (rules 15-25)
    String vklo;
    String arbsit;
    String trygdesit = "12";
    if (age >= 67) {
      vklo = "3";
      trygdesit = rnd.nextBoolean() ? "07" : "09";
      arbsit = "04";
    } else {
      vklo = pickCode(rnd, new String[] {"5", "3", "1", "6", "8", "2", "4", "7", "9"},
          new double[] {45, 25, 12, 4, 3, 3, 3, 3, 2});
      switch (vklo) {
        case "1" -> arbsit = rnd.nextBoolean() ? "01" : "02";
        case "2" -> arbsit = "05";
        case "4" -> arbsit = "03";
        case "6" -> arbsit = "09";
        case "8" -> arbsit = "10";
        case "3" -> {
          trygdesit = pickCode(rnd, new String[] {"01", "02", "04", "11", "10"},
              new double[] {10, 20, 20, 40, 10});
          if (children && rnd.nextDouble() < 0.3) {
            trygdesit = "05";
          }
          arbsit = trygdesit.equals("04") ? "04" : trygdesit.equals("02") ? "07" : "04";
        }
        case "5" -> arbsit = pickCode(rnd, new String[] {"04", "07", "08", "02", "03", "06"},
            new double[] {40, 25, 15, 8, 7, 5});
        default -> arbsit = "04";
      }
      if (trygdesit.equals("12") && children && year >= 2024 && rnd.nextDouble() < 0.2) {
        trygdesit = "13";
      }
    }
    r.put("VKLO", vklo);
    r.put("TRYGDESIT", trygdesit);
    r.put("ARBSIT", arbsit);
    // months: many short spells, a peak at 12
    int months = pick(rnd, new int[] {1, 2, 3, 5, 8, 11, 12}, new double[] {18, 12, 10, 22, 12, 8, 18});
    int start = 1 + rnd.nextInt(13 - months);
    long bidrag = 0;
    long laan = 0;
    int base = 3000 + rnd.nextInt(9000) + (children ? 3000 : 0);
    boolean loan = rnd.nextDouble() < 0.06;
    int loanMonth = start + rnd.nextInt(months);
    String[] suffixes = {"JAN", "FEB", "MARS", "APRIL", "MAI", "JUNI", "JULI", "AUG", "SEPT", "OKT",
        "NOV", "DES"};
    for (int m = start; m < start + months; m++) {
      r.put("STMND_" + m, String.format("%02d", m));
      int amount = (int) Math.round(base * (0.7 + 0.6 * rnd.nextDouble()));
      r.put("BIDRAG_" + suffixes[m - 1], Integer.toString(amount));
      bidrag += amount;
      if (loan && m == loanMonth) {
        int l = 2000 + rnd.nextInt(18000);
        r.put("LAAN_" + suffixes[m - 1], Integer.toString(l));
        laan += l;
      }
    }
    r.put("BIDRAG", Long.toString(bidrag));
    r.put("LAAN", Long.toString(laan));
    r.put("GITT_OKONOMIRAD", rnd.nextDouble() < 0.25 ? "1" : "2");
    r.put("FAAT_INDIVIDUELL_PLAN", rnd.nextDouble() < 0.08 ? "1" : "2");
    r.put("BOSIT", pickCode(rnd, new String[] {"1", "2", "3", "4", "5", "6"},
        new double[] {60, 20, 5, 5, 8, 2}));
    boolean conditions = rnd.nextDouble() < 0.5;
    r.put("VILKARSOSLOV", conditions ? "1" : "2");
    r.put("VILKARSAMEKT", conditions && ektstat.matches("[23]") && rnd.nextBoolean() ? "1" : "2");
    if (conditions) {
      LocalDate from = LocalDate.of(year, start, 1).plusDays(rnd.nextInt(20));
      r.put("UTBETDATO", date(from));
      r.put("UTBETTOMDATO", date(from.plusMonths(Math.max(1, months))));
      String[][] kinds = {{"VILKARARBEID", "16"}, {"VILKARKURS", "17"}, {"VILKARJOBBLOG", "06"},
          {"VILKARSAMT", "08"}, {"VILKAROKRETT", "10"}, {"VILKARHELSE", "14"}, {"VILKARANNET", "15"}};
      String[] first = kinds[rnd.nextInt(kinds.length)];
      r.put(first[0], first[1]);
      if (rnd.nextDouble() < 0.3) {
        r.put("VILKARJOBBTILB", "07");
      }
    }
    return r;
  }

  // ---- one 11CF participant ------------------------------------------------------------------

  private Map<String, String> participant(SplittableRandom rnd, String region, String district) {
    Map<String, String> r = head(region, district);
    int age = 20 + (int) Math.min(46, Math.abs(gaussian(rnd) * 10) + rnd.nextInt(15));
    String sex = rnd.nextDouble() < 0.55 ? "1" : "2";
    identity(rnd, r, age, sex, false);
    r.put("EKTSTAT", pickCode(rnd, new String[] {"1", "2", "3", "4"}, new double[] {60, 15, 10, 15}));
    boolean children = rnd.nextDouble() < 0.3;
    r.put("BU18", children ? "1" : "2");
    if (children) {
      r.put("ANTBU18", Integer.toString(1 + rnd.nextInt(3)));
    }
    LocalDate begun = LocalDate.of(year - (rnd.nextDouble() < 0.45 ? 1 : 0), 1, 1)
        .plusDays(rnd.nextInt(330));
    LocalDate decided = begun.minusDays(rnd.nextInt(5, 30));
    LocalDate registered = decided.minusDays(rnd.nextInt(10, 60));
    r.put("REG_DATO", date(registered));
    r.put("VEDTAK_DATO", date(decided));
    r.put("BEGYNT_DATO", date(begun));
    boolean elsewhere = rnd.nextDouble() < 0.04;
    r.put("KVP_KOMM", elsewhere ? "1" : "2");
    if (elsewhere) {
      List<String> all = forms.layout("11CF", year).field("KOMMNR_KVP_KOMM").codeList().stream()
          .map(FixedWidthLayout.Code::code).filter(c -> !c.equals("9999")).toList();
      r.put("KOMMNR_KVP_KOMM", all.get(rnd.nextInt(all.size())));
    }
    if (rnd.nextDouble() < 0.6) {
      r.put("YTELSE_SOSHJELP", "1");
      r.put("YTELSE_TYPE_SOSHJ", rnd.nextBoolean() ? "2" : "3");
    }
    if (rnd.nextDouble() < 0.05) {
      r.put("YTELSE_INTRO", "4");
    }
    boolean extra = rnd.nextDouble() < 0.4;
    r.put("KVP_MED_ASTONAD", extra ? "1" : "2");
    if (extra) {
      String[][] kinds = {{"KVP_MED_KOMMBOS", "4"}, {"KVP_MED_HUSBANKBOS", "5"},
          {"KVP_MED_SOSHJ_ENGANG", "9"}, {"KVP_MED_SOSHJ_PGM", "8"}, {"KVP_MED_SOSHJ_SUP", "7"}};
      String[] k = kinds[rnd.nextInt(kinds.length)];
      r.put(k[0], k[1]);
    }
    List<String> statuses = forms.layout("11CF", year).field("STATUS").codeList().stream()
        .map(FixedWidthLayout.Code::code).filter(c -> !c.equals("6")).toList();
    String status = pickCode(rnd, new String[] {"1", "2", "3", "4", "5", "7"},
        new double[] {55, 5, 20, 8, 4, 8});
    if (!statuses.contains(status)) {
      status = "3";
    }
    r.put("STATUS", status);
    int firstMonth = begun.getYear() < year ? 1 : begun.getMonthValue();
    int lastMonth = 12;
    if (!status.equals("1") && !status.equals("2")) {
      lastMonth = firstMonth + rnd.nextInt(13 - firstMonth);
      LocalDate end = LocalDate.of(year, lastMonth, 1).plusDays(rnd.nextInt(27));
      r.put("AVSL_DATO", date(end));
      if (status.equals("3") || status.equals("7")) {
        String[][] after = {{"AVSL_ORDINAERTARB", "01"}, {"AVSL_ARBLONNSTILS", "11"},
            {"AVSL_ARBMARK", "03"}, {"AVSL_SKOLE", "04"}, {"AVSL_AAP", "14"},
            {"AVSL_OK_AVKLAR", "15"}, {"AVSL_ANNET", "10"}};
        String[] a = after[rnd.nextInt(after.length)];
        r.put(a[0], a[1]);
      }
      if (status.equals("3")) {
        r.put("AVSL_VIKTIGSTE_INNTEKT", pickCode(rnd, new String[] {"01", "03", "04", "11", "14", "15"},
            new double[] {35, 15, 10, 15, 15, 10}));
      }
    }
    if (!status.equals("2")) {
      for (int m = firstMonth; m <= lastMonth; m++) {
        r.put("STMND_" + m, String.format("%02d", m));
      }
      int months = lastMonth - firstMonth + 1;
      r.put("KVP_STONAD", Long.toString(Math.round(months * (15000 + rnd.nextInt(8000)))));
    }
    return r;
  }

  // ---- shared pieces ---------------------------------------------------------------------------

  private Map<String, String> head(String region, String district) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("KOMMUNE_NR", region.substring(0, 4));
    r.put("VERSION", String.format("%02d", year % 100));
    if (district != null) {
      r.put("BYDELSNR", district);
    }
    return r;
  }

  /** A synthetic fødselsnummer (or D-number, or a DUF number instead) for a person of that age. */
  private void identity(SplittableRandom rnd, Map<String, String> r, int age, String sex,
      boolean dufAllowed) {
    LocalDate birth = LocalDate.of(year - age, 1, 1).plusDays(rnd.nextInt(365));
    r.put("KJONN", sex);
    r.put("FODSELSDATO", birth.format(DDMMYYYY));
    double kind = rnd.nextDouble();
    if (dufAllowed && kind < 0.02) {
      String duf;
      do {
        duf = duf(rnd, birth.getYear());
      } while (!usedIds.add(duf));
      r.put("PERSON_DUF", duf);
      return;
    }
    r.put("PERSON_FODSELSNR", newFodselsnummer(rnd, birth, sex, kind < 0.1));
  }

  /** A synthetic number no other person of this run has. */
  private String newFodselsnummer(SplittableRandom rnd, LocalDate birth, String sex, boolean dNumber) {
    String fnr;
    do {
      fnr = fodselsnummer(rnd, birth, sex, dNumber);
    } while (fnr == null || !usedIds.add(fnr));
    return fnr;
  }

  /** Synthetic (month + 80) number with valid check digits, or null when the draw has none. */
  static String fodselsnummer(SplittableRandom rnd, LocalDate birth, String sex, boolean dNumber) {
    int y = birth.getYear();
    int individual = y >= 2000 ? 500 + rnd.nextInt(500) : rnd.nextInt(500);
    if ((individual % 2 == 1) != sex.equals("1")) {
      individual = individual % 2 == 0 ? individual + 1 : individual - 1;
    }
    int day = birth.getDayOfMonth() + (dNumber ? 40 : 0);
    String nine = String.format("%02d%02d%02d%03d", day, birth.getMonthValue() + 80, y % 100,
        individual);
    int[] d = nine.chars().map(c -> c - '0').toArray();
    int k1 = PersonalData.fnrCheckDigit(d);
    if (k1 == 10) {
      return null;
    }
    int[] ten = java.util.Arrays.copyOf(d, 10);
    ten[9] = k1;
    int k2 = PersonalData.fnrCheckDigit(ten);
    return k2 == 10 ? null : nine + k1 + k2;
  }

  static String duf(SplittableRandom rnd, int birthYear) {
    String ten = String.format("%04d%06d", Math.max(1990, Math.min(2025, birthYear + 20)),
        rnd.nextInt(1_000_000));
    return ten + String.format("%02d",
        PersonalData.dufCheckNumber(ten.chars().map(c -> c - '0').toArray()));
  }

  private static final DateTimeFormatter DDMMYYYY = DateTimeFormatter.ofPattern("ddMMyyyy");
  private static final DateTimeFormatter DDMMYY = DateTimeFormatter.ofPattern("ddMMyy");

  private String date(LocalDate d) {
    return d.format(year >= 2025 ? DDMMYYYY : DDMMYY);
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** fault, form, rule it must raise. Each modifies one record of a file of that form. */
  private static final String[][] FAULTS = {
      {"tab", "both", "001"}, {"short_line", "both", "001"}, {"empty_file", "both", "000"},
      {"bad_code", "11F", "002"}, {"bad_kommune", "both", "03"}, {"bydel_outside_oslo", "both", "03B"},
      {"wrong_version", "both", "04"}, {"bad_birth_date", "both", "04A"},
      {"invalid_fnr", "both", "05"}, {"duplicate_fnr", "both", "05A"},
      {"duplicate_journal", "both", "05B"}, {"under_18", "both", "06"}, {"old", "both", "07"},
      {"bad_kjonn", "both", "08"}, {"bad_ektstat", "both", "09"}, {"bad_bu18", "both", "10"},
      {"children_without_count", "both", "11"}, {"count_without_children", "both", "12"},
      {"many_children", "both", "13"},
      {"bad_vklo", "11F", "14"}, {"work_income_not_working", "11F", "15"},
      {"course_pay_wrong_arbsit", "11F", "16"}, {"student_loan_not_student", "11F", "17"},
      {"intro_wrong_arbsit", "11F", "18"}, {"kvp_wrong_arbsit", "11F", "19"},
      {"benefit_without_benefit", "11F", "20B"}, {"assistance_full_time_work", "11F", "21"},
      {"bad_trygdesit", "11F", "22"}, {"pension_under_62", "11F", "23A"},
      {"transition_benefit_no_children", "11F", "23B"}, {"child_benefit_no_children", "11F", "23C"},
      {"disability_full_time_work", "11F", "24"}, {"aap_unregistered", "11F", "24B"},
      {"bad_arbsit", "11F", "25"}, {"no_months", "11F", "26"}, {"no_amount", "11F", "27"},
      {"amount_over_1m", "11F", "30"}, {"amount_under_200", "11F", "31"},
      {"bad_counselling", "11F", "32"}, {"bad_plan", "11F", "33"}, {"bad_housing", "11F", "35"},
      {"grant_months_mismatch", "11F", "36"}, {"loan_months_mismatch", "11F", "37"},
      {"bad_duf", "11F", "38"}, {"bad_conditions", "11F", "39"},
      {"bad_partner_conditions", "11F", "40"}, {"conditions_no_from_date", "11F", "41"},
      {"conditions_no_to_date", "11F", "42"}, {"conditions_no_type", "11F", "43"},
      {"old_registration", "11CF", "14"}, {"old_decision", "11CF", "15"},
      {"start_after_year", "11CF", "16"}, {"bad_kvp_komm", "11CF", "19"},
      {"bad_kvp_kommnr", "11CF", "20"}, {"assistance_type_missing", "11CF", "21"},
      {"bad_astonad", "11CF", "26"}, {"astonad_without_type", "11CF", "27"},
      {"kvp_no_months", "11CF", "28"}, {"kvp_no_amount", "11CF", "29"},
      {"kvp_months_no_amount", "11CF", "30"}, {"kvp_amount_no_months", "11CF", "31"},
      {"kvp_over_600k", "11CF", "32"}, {"bad_status", "11CF", "36"},
      {"ended_without_date", "11CF", "37"}, {"ended_without_situation", "11CF", "38"},
      {"completed_without_income", "11CF", "39"}};

  /**
   * Whether a fault applies to the year: a field or code it needs exists, and the year's rule set
   * has a rule that finds it (data-schemas/rules/sosial/rules.yaml, valid_from / valid_to).
   */
  private boolean applicable(String fault) {
    return switch (fault) {
      case "bad_birth_date" -> year >= 2025;
      case "empty_file" -> year >= 2024; // rule 000 from 2024
      case "child_benefit_no_children" -> year >= 2026; // 23C
      case "bad_trygdesit" -> year >= 2024; // 20A (2024-2025), 22 (2026)
      default -> true;
    };
  }

  /** The rule that finds a fault in the year's rule set (rules renumbered or replaced by year). */
  private String ruleOf(String fault, String rule) {
    return switch (fault) {
      case "benefit_without_benefit" -> year >= 2024 ? "20B" : "20";
      case "bad_trygdesit" -> year >= 2026 ? "22" : "20A";
      case "pension_under_62" -> year >= 2026 ? "23A" : "22";
      case "transition_benefit_no_children" -> year >= 2026 ? "23B" : "23";
      default -> rule;
    };
  }

  /** Changes a record so that it breaks the fault's rule (and, by design, no other rule). */
  private void breakRecord(String fault, Map<String, String> r, List<Map<String, String>> all,
      int index, SplittableRandom rnd) {
    Map<String, String> other = all.get(index == 0 ? 1 : 0);
    switch (fault) {
      case "bad_code" -> r.put("VEDTAKARB", "99");
      case "bad_kommune" -> r.put("KOMMUNE_NR", r.get("KOMMUNE_NR").equals("1103") ? "1106" : "1103");
      case "bydel_outside_oslo" -> r.put("BYDELSNR", "03");
      case "wrong_version" -> r.put("VERSION", String.format("%02d", (year - 1) % 100));
      case "bad_birth_date" -> r.put("FODSELSDATO", "3102" + r.get("FODSELSDATO").substring(4));
      case "invalid_fnr" -> {
        r.remove("PERSON_DUF");
        String fnr = r.getOrDefault("PERSON_FODSELSNR", other.get("PERSON_FODSELSNR"));
        r.put("PERSON_FODSELSNR", fnr.substring(0, 10) + (char) ('0' + (fnr.charAt(10) - '0' + 1) % 10));
      }
      case "duplicate_fnr" -> {
        r.remove("PERSON_DUF");
        r.put("PERSON_FODSELSNR", other.get("PERSON_FODSELSNR"));
        r.put("FODSELSDATO", other.get("FODSELSDATO"));
        r.put("KJONN", other.get("KJONN"));
      }
      case "duplicate_journal" -> r.put("PERSON_JOURNALNR", other.get("PERSON_JOURNALNR"));
      case "under_18", "old" -> {
        LocalDate birth = LocalDate.of(year - (fault.equals("old") ? 97 : 16), 6, 15);
        r.remove("PERSON_DUF");
        r.put("PERSON_FODSELSNR", newFodselsnummer(rnd, birth, r.get("KJONN"), false));
        r.put("FODSELSDATO", birth.format(DDMMYYYY));
        if (r.containsKey("VKLO")) { // keep 11F's income rules quiet for this age
          r.put("VKLO", "5");
          r.put("ARBSIT", "04");
          r.put("TRYGDESIT", "12");
        }
      }
      case "bad_kjonn" -> r.put("KJONN", "3");
      case "bad_ektstat" -> r.put("EKTSTAT", "7");
      case "bad_bu18" -> {
        r.put("BU18", "0");
        r.remove("ANTBU18");
        if ("05".equals(r.get("TRYGDESIT")) || "13".equals(r.get("TRYGDESIT"))) {
          r.put("TRYGDESIT", "12");
          r.put("VKLO", "5");
          r.put("ARBSIT", "04");
        }
      }
      case "children_without_count" -> {
        r.put("BU18", "1");
        r.remove("ANTBU18");
        if ("05".equals(r.get("TRYGDESIT")) || "13".equals(r.get("TRYGDESIT"))) {
          r.put("TRYGDESIT", "12");
          r.put("VKLO", "5");
          r.put("ARBSIT", "04");
        }
      }
      case "count_without_children" -> {
        r.put("BU18", "2");
        r.put("ANTBU18", "2");
        if ("05".equals(r.get("TRYGDESIT")) || "13".equals(r.get("TRYGDESIT"))) {
          r.put("TRYGDESIT", "12");
          r.put("VKLO", "5");
          r.put("ARBSIT", "04");
        }
      }
      case "many_children" -> {
        r.put("BU18", "1");
        r.put("ANTBU18", "15");
      }
      case "bad_vklo" -> r.put("VKLO", "0");
      case "work_income_not_working" -> work(r, "1", "04", "12");
      case "course_pay_wrong_arbsit" -> work(r, "2", "01", "12");
      case "student_loan_not_student" -> work(r, "4", "04", "12");
      case "intro_wrong_arbsit" -> work(r, "6", "04", "12");
      case "kvp_wrong_arbsit" -> work(r, "8", "04", "12");
      case "benefit_without_benefit" -> work(r, "3", "04", "12");
      case "assistance_full_time_work" -> work(r, "5", "01", "12");
      case "bad_trygdesit" -> work(r, "5", "04", "03");
      case "pension_under_62" -> {
        r.remove("PERSON_DUF");
        LocalDate birth = LocalDate.of(year - 40, 3, 3);
        r.put("PERSON_FODSELSNR", newFodselsnummer(rnd, birth, r.get("KJONN"), false));
        r.put("FODSELSDATO", birth.format(DDMMYYYY));
        work(r, "3", "04", "07");
      }
      case "transition_benefit_no_children" -> {
        noChildren(r);
        work(r, "3", "04", "05");
      }
      case "child_benefit_no_children" -> {
        noChildren(r);
        work(r, "5", "04", "13");
      }
      case "disability_full_time_work" -> work(r, "1", "01", "04");
      case "aap_unregistered" -> work(r, "3", "08", "11");
      case "bad_arbsit" -> work(r, "7", "11", "12");
      case "no_months" -> r.keySet().removeIf(k -> k.startsWith("STMND_"));
      case "no_amount" -> {
        r.keySet().removeIf(k -> k.startsWith("BIDRAG_") || k.startsWith("LAAN_"));
        r.put("BIDRAG", "0");
        r.put("LAAN", "0");
      }
      case "amount_over_1m", "amount_under_200" -> {
        r.keySet().removeIf(k -> k.startsWith("BIDRAG_") || k.startsWith("LAAN_"));
        String amount = fault.equals("amount_over_1m") ? "1200000" : "150";
        String month = r.keySet().stream().filter(k -> k.startsWith("STMND_")).findFirst()
            .map(k -> MONTH_SUFFIX[Integer.parseInt(k.substring(6)) - 1]).orElseThrow();
        r.put("BIDRAG_" + month, amount);
        r.put("BIDRAG", amount);
        r.put("LAAN", "0");
      }
      case "bad_counselling" -> r.put("GITT_OKONOMIRAD", "3");
      case "bad_plan" -> r.put("FAAT_INDIVIDUELL_PLAN", "0");
      case "bad_housing" -> r.put("BOSIT", "9");
      case "grant_months_mismatch" -> r.put("BIDRAG", Long.toString(Long.parseLong(r.get("BIDRAG")) + 500));
      case "loan_months_mismatch" -> r.put("LAAN", Long.toString(Long.parseLong(r.get("LAAN")) + 700));
      case "bad_duf" -> {
        r.remove("PERSON_FODSELSNR");
        r.put("PERSON_DUF", "199012345678");
      }
      case "bad_conditions" -> {
        clearConditions(r);
        r.put("VILKARSOSLOV", "5");
      }
      case "bad_partner_conditions" -> r.put("VILKARSAMEKT", "4");
      case "conditions_no_from_date", "conditions_no_to_date", "conditions_no_type" -> {
        if (!"1".equals(r.get("VILKARSOSLOV"))) {
          r.put("VILKARSOSLOV", "1");
          r.put("UTBETDATO", date(LocalDate.of(year, 2, 1)));
          r.put("UTBETTOMDATO", date(LocalDate.of(year, 8, 1)));
          r.put("VILKARSAMT", "08");
        }
        switch (fault) {
          case "conditions_no_from_date" -> r.remove("UTBETDATO");
          case "conditions_no_to_date" -> r.remove("UTBETTOMDATO");
          default -> r.keySet().removeIf(k -> k.startsWith("VILKAR") && !k.equals("VILKARSOSLOV")
              && !k.equals("VILKARSAMEKT"));
        }
      }
      // 11CF
      case "old_registration" -> r.put("REG_DATO", date(LocalDate.of(year - 6, 5, 5)));
      case "old_decision" -> r.put("VEDTAK_DATO", date(LocalDate.of(year - 6, 5, 5)));
      case "start_after_year" -> r.put("BEGYNT_DATO", date(LocalDate.of(year + 1, 1, 10)));
      case "bad_kvp_komm" -> {
        r.put("KVP_KOMM", "3");
        r.remove("KOMMNR_KVP_KOMM");
      }
      case "bad_kvp_kommnr" -> {
        r.put("KVP_KOMM", "1");
        r.put("KOMMNR_KVP_KOMM", "0000");
      }
      case "assistance_type_missing" -> {
        r.put("YTELSE_SOSHJELP", "1");
        r.remove("YTELSE_TYPE_SOSHJ");
      }
      case "bad_astonad" -> {
        r.keySet().removeIf(k -> k.startsWith("KVP_MED_"));
        r.put("KVP_MED_ASTONAD", "3");
      }
      case "astonad_without_type" -> {
        r.keySet().removeIf(k -> k.startsWith("KVP_MED_"));
        r.put("KVP_MED_ASTONAD", "1");
      }
      case "kvp_no_months", "kvp_no_amount", "kvp_months_no_amount", "kvp_amount_no_months",
          "kvp_over_600k", "bad_status", "ended_without_date", "ended_without_situation",
          "completed_without_income" -> {
        // from a participant still in the programme with November and December paid
        r.put("STATUS", "1");
        r.keySet().removeIf(k -> k.startsWith("AVSL_"));
        r.keySet().removeIf(k -> k.startsWith("STMND_"));
        r.put("STMND_11", "11");
        r.put("STMND_12", "12");
        r.put("KVP_STONAD", "40000");
        switch (fault) {
          case "kvp_no_months" -> {
            r.put("STATUS", "4");
            r.put("AVSL_DATO", date(LocalDate.of(year, 3, 3)));
            r.keySet().removeIf(k -> k.startsWith("STMND_"));
            r.remove("KVP_STONAD");
          }
          case "kvp_no_amount" -> r.put("KVP_STONAD", "0");
          case "kvp_months_no_amount" -> {
            r.put("STATUS", "4");
            r.put("AVSL_DATO", date(LocalDate.of(year, 12, 3)));
            r.remove("KVP_STONAD");
          }
          // rule 28 fires too: a participant in the programme without months
          case "kvp_amount_no_months" -> r.keySet().removeIf(k -> k.startsWith("STMND_"));
          case "kvp_over_600k" -> r.put("KVP_STONAD", "650000");
          case "bad_status" -> r.put("STATUS", "8");
          case "ended_without_date" -> r.put("STATUS", "4");
          case "ended_without_situation" -> {
            r.put("STATUS", "7");
            r.put("AVSL_DATO", date(LocalDate.of(year, 12, 1)));
          }
          default -> { // completed_without_income
            r.put("STATUS", "3");
            r.put("AVSL_DATO", date(LocalDate.of(year, 12, 1)));
            r.put("AVSL_ANNET", "10");
          }
        }
      }
      default -> throw new IllegalArgumentException("no record fault " + fault);
    }
  }

  private static final String[] MONTH_SUFFIX = {"JAN", "FEB", "MARS", "APRIL", "MAI", "JUNI", "JULI",
      "AUG", "SEPT", "OKT", "NOV", "DES"};

  private static void work(Map<String, String> r, String vklo, String arbsit, String trygdesit) {
    r.put("VKLO", vklo);
    r.put("ARBSIT", arbsit);
    r.put("TRYGDESIT", trygdesit);
  }

  private static void noChildren(Map<String, String> r) {
    r.put("BU18", "2");
    r.remove("ANTBU18");
  }

  private static void clearConditions(Map<String, String> r) {
    r.keySet().removeIf(k -> k.startsWith("VILKAR") && !k.equals("VILKARSAMEKT"));
    r.remove("UTBETDATO");
    r.remove("UTBETTOMDATO");
  }

  // ---- writing ---------------------------------------------------------------------------------

  private Result write(Path dir, Map<String, List<Map<String, String>>> files) {
    try {
      Files.createDirectories(dir);
      List<String> manifest = new ArrayList<>();
      manifest.add("file,records,line,fault,rule");
      List<String> faultLines = new ArrayList<>();
      // which file takes which fault: drawn once from the seed among files outside Oslo with
      // enough records (duplicates need two); the FATAL and file-level faults get a file each
      Map<String, List<String[]>> faultsByFile = new TreeMap<>();
      List<String> skipped = new ArrayList<>();
      if (faults) {
        SplittableRandom pick = new SplittableRandom(seed * 41 + year);
        for (String form : SosialForms.FORMS) {
          List<String[]> recordFaults = java.util.Arrays.stream(FAULTS)
              .filter(f -> (f[1].equals("both") || f[1].equals(form)) && applicable(f[0]))
              .filter(f -> !List.of("tab", "short_line", "empty_file").contains(f[0])).toList();
          // one file outside Oslo (rules 14-16 skip Oslo) takes every record fault, one per record
          List<String> large = files.entrySet().stream()
              .filter(e -> e.getKey().startsWith(form + "_") && !e.getKey().contains("_0301")
                  && e.getValue().size() >= recordFaults.size() + 2)
              .map(Map.Entry::getKey).toList();
          List<String> pool = new ArrayList<>(files.entrySet().stream()
              .filter(e -> e.getKey().startsWith(form + "_") && !e.getKey().contains("_0301")
                  && e.getValue().size() >= 1)
              .map(Map.Entry::getKey).toList());
          if (large.isEmpty() || pool.size() < 4) {
            // a handful of small municipalities cannot carry every fault: say so, inject none
            skipped.add(form + ": no faults (needs 4 submissions outside Oslo, one with "
                + (recordFaults.size() + 2) + "+ records)");
            continue;
          }
          String semantic = large.get(pick.nextInt(large.size()));
          pool.remove(semantic);
          // records 0 and 1 are the originals the duplicate faults copy: they need a fødselsnummer
          for (Map<String, String> original : files.get(semantic).subList(0, 2)) {
            if (!original.containsKey("PERSON_FODSELSNR")) {
              original.remove("PERSON_DUF");
              LocalDate birth = LocalDate.parse(original.get("FODSELSDATO"), DDMMYYYY);
              original.put("PERSON_FODSELSNR", newFodselsnummer(new SplittableRandom(seed),
                  birth, original.get("KJONN"), false));
            }
          }
          for (String[] f : FAULTS) {
            if (!(f[1].equals("both") || f[1].equals(form)) || !applicable(f[0])) {
              continue;
            }
            String file = switch (f[0]) {
              case "tab", "short_line", "empty_file" -> pool.remove(pick.nextInt(pool.size()));
              default -> semantic;
            };
            faultsByFile.computeIfAbsent(file, k -> new ArrayList<>()).add(f);
          }
        }
      }
      long records11F = 0;
      long records11CF = 0;
      for (var e : files.entrySet()) {
        String name = e.getKey();
        String form = name.startsWith("11CF") ? "11CF" : "11F";
        FixedWidthLayout layout = forms.layout(form, year);
        List<Map<String, String>> records = e.getValue();
        List<String[]> fileFaults = faultsByFile.getOrDefault(name, List.of());
        SplittableRandom fr = random("fault", name);
        Map<Integer, String[]> lineFaults = new TreeMap<>();
        boolean empty = false;
        int next = 2; // records 0 and 1 stay intact: duplicate faults copy from them
        for (String[] f : fileFaults) {
          if (f[0].equals("empty_file")) {
            empty = true;
            continue;
          }
          int index = f[0].equals("tab") || f[0].equals("short_line") ? fr.nextInt(records.size())
              : next++;
          if (index >= records.size()) {
            throw new IllegalStateException(name + " has too few records for its faults");
          }
          if (!f[0].equals("tab") && !f[0].equals("short_line")) {
            breakRecord(f[0], records.get(index), records, index, fr);
          }
          lineFaults.put(index, f);
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
          String line = formatRecord(layout, records.get(i));
          String[] f = lineFaults.get(i);
          if (f != null && f[0].equals("tab")) {
            line = line.substring(0, 60) + "\t" + line.substring(61);
          } else if (f != null && f[0].equals("short_line")) {
            line = line.substring(0, line.length() - 3);
          }
          lines.add(line);
        }
        for (var lf : lineFaults.entrySet()) {
          manifest.add(name + "," + lines.size() + "," + (lf.getKey() + 1) + "," + lf.getValue()[0]
              + "," + ruleOf(lf.getValue()[0], lf.getValue()[2]));
          faultLines.add(name + ":" + (lf.getKey() + 1) + ":" + lf.getValue()[0]);
        }
        String text;
        String submitted = submittedName(name, lines.size(), lineFaults.isEmpty() && !empty);
        if (empty) {
          text = "";
          manifest.add(name + ",0,,empty_file,000");
          faultLines.add(name + ":empty_file");
        } else if (lines.isEmpty()) {
          text = " "; // nothing to report: the agreed one-space file
          manifest.add(name + ",0,,,");
        } else {
          if (lineFaults.isEmpty()) {
            manifest.add(submitted + "," + lines.size() + ",,,");
          }
          boolean crlf = Math.floorMod(name.hashCode() + seed, 10) == 0;
          String nl = crlf ? "\r\n" : "\n";
          text = String.join(nl, lines) + nl;
          if (form.equals("11F")) {
            records11F += lines.size();
          } else {
            records11CF += lines.size();
          }
        }
        Path target = dir.resolve(submitted);
        Files.createDirectories(target.getParent());
        writeAtomically(target, text);
      }
      writeAtomically(dir.resolve("_manifest_sosial.csv"), String.join("\n", manifest) + "\n");
      return new Result(dir, files.size(), records11F, records11CF, faultLines, skipped);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A record as its year's layout writes it: strings left-aligned, integers right-aligned, dates
   * given as ddMMyyyy shortened to ddMMyy where the layout has 6 positions.
   */
  public static String formatRecord(FixedWidthLayout layout, Map<String, String> values) {
    StringBuilder line = new StringBuilder(layout.recordLength());
    for (Field f : layout.fields()) {
      String v = values.getOrDefault(f.name(), "");
      if (f.name().equals("YTELSE_TILTAKSPENGER") || f.name().equals("YTELSE_INDIVIDSTONAD")) {
        v = values.getOrDefault("YTELSE_TILTAKSPENGER", "");
      }
      if (f.dataType().equals("DATE_TYPE") && v.length() == 8 && f.size() == 6) {
        v = v.substring(0, 4) + v.substring(6); // ddMMyyyy → ddMMyy for the older layouts
      }
      if (v.length() > f.size()) {
        throw new IllegalStateException(f.name() + " value '" + v + "' exceeds " + f.size());
      }
      String pad = " ".repeat(f.size() - v.length());
      line.append(f.dataType().equals("INTEGER_TYPE") ? pad + v : v + pad);
    }
    return line.toString();
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    GeneratedFiles.writeAtomically(target, text, StandardCharsets.ISO_8859_1);
  }

  /**
   * The name a respondent gave the file: mostly the agreed one; about one file in fifty (with three
   * records or more and no planted fault) under a name of their own, which the ingest must
   * recognise by its content.
   */
  private String submittedName(String name, int records, boolean clean) {
    if (!oddNames || !clean || records < 3) {
      return name;
    }
    SplittableRandom r = random("filename", name);
    if (r.nextInt(50) != 0) {
      return name;
    }
    String form = name.startsWith("11CF") ? "11CF" : "11F";
    String region = name.substring(form.length() + 6, form.length() + 12);
    return switch (r.nextInt(5)) {
      case 0 -> name.toLowerCase(java.util.Locale.ROOT);
      case 1 -> form + "_V" + year + "_R" + region + ".dat";
      case 2 -> (form.equals("11F") ? "sosialhjelp_" : "kvalifisering_") + region + "_" + year
          + ".txt";
      case 3 -> form + region + year;
      default -> "innsending-" + region + "/" + name;
    };
  }

  private SplittableRandom random(String what, String region) {
    return Draws.stream(seed * 1_000_003L + year, what, region);
  }

  private static double gaussian(SplittableRandom rnd) {
    return Draws.gaussian(1 - rnd.nextDouble(), rnd.nextDouble());
  }

  /** A value from one of the ranges [starts[i], starts[i + 1]), the range drawn by weight. */
  private static int pick(SplittableRandom rnd, int[] starts, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = rnd.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        int to = i + 1 < starts.length ? starts[i + 1] : starts[i] + 1;
        return starts[i] + rnd.nextInt(Math.max(1, to - starts[i]));
      }
    }
    return starts[starts.length - 1];
  }

  private static String pickCode(SplittableRandom rnd, String[] codes, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = rnd.nextDouble() * total;
    for (int i = 0; i < codes.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return codes[i];
      }
    }
    return codes[codes.length - 1];
  }
}
