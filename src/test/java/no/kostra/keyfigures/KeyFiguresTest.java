package no.kostra.keyfigures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.kostra.EndToEnd;
import no.kostra.TestBase;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key figures on a small warehouse written directly as the ingest stages would leave it (accepted,
 * superseded and rejected submissions and their rows), with every expected value computed by hand
 * in the comments. Population at 31.12.2025 (1 January 2026, classifications/population.csv.gz):
 * Utsira 1151: 219 (18-24: 15, 20-66: 132, 25-66: 120, 18-66: 135, 18+: 184); Kvitsøy 1144: 579;
 * Modalen 4629: 397, Fedje 4633: 529, Røyrvik 5043: 439, Leka 5052: 596 — the six of KOSTRA
 * group EKG16 (2 759 in all).
 */
@EndToEnd
class KeyFiguresTest extends TestBase {

  private static Warehouse wh;
  private static Map<String, Row> figures;

  private static final StructType SOSIAL = new StructType()
      .add("skjema", DataTypes.StringType).add("aargang", DataTypes.IntegerType)
      .add("region", DataTypes.StringType).add("age", DataTypes.IntegerType)
      .add("stonadsmaneder", DataTypes.IntegerType).add("BIDRAG", DataTypes.IntegerType)
      .add("LAAN", DataTypes.IntegerType).add("VKLO", DataTypes.StringType)
      .add("FAAT_INDIVIDUELL_PLAN", DataTypes.StringType)
      .add("GITT_OKONOMIRAD", DataTypes.StringType).add("file_sha256", DataTypes.StringType);

  private static final StructType FORM_ROWS = new StructType()
      .add("skjema", DataTypes.StringType).add("aargang", DataTypes.IntegerType)
      .add("region", DataTypes.StringType).add("funksjon", DataTypes.StringType)
      .add("post", DataTypes.StringType).add("verdi", DataTypes.createDecimalType(14, 2))
      .add("file_sha256", DataTypes.StringType);

  private final List<Row> submissions = new ArrayList<>();
  private final List<Row> regnskap = new ArrayList<>();
  private final List<Row> sosialhjelp = new ArrayList<>();
  private final List<Row> kvalifisering = new ArrayList<>();
  private final List<Row> staffing = new ArrayList<>();
  private final List<Row> rates = new ArrayList<>();

  @BeforeEach
  void warehouseOnce() {
    if (wh != null) {
      return;
    }
    wh = warehouse(tempDir("kf-fixture"));
    // ---- accounting (0M = konsern, kontoklasse 3 = drift) ----
    // Utsira's first 0M is superseded by the second; only the second counts
    String old = submit("0M", 2025, "115100", "accepted", 1);
    acc(old, "0M", "115100", "3", "242", "010", 9_999);
    String u = submit("0M", 2025, "115100", "accepted_with_warnings", 2);
    acc(u, "0M", "115100", "3", "242", "010", 500);
    acc(u, "0M", "115100", "3", "242", "729", -20); // income (VAT compensation): subtracted
    acc(u, "0M", "115100", "3", "243", "010", 200);
    acc(u, "0M", "115100", "3", "243", "010", 5); // a repeated key is summed
    acc(u, "0M", "115100", "3", "281", "010", 40);
    acc(u, "0M", "115100", "3", "281", "710", -5); // sick-pay refund
    acc(u, "0M", "115100", "3", "281", "470", 300);
    acc(u, "0M", "115100", "3", "281", "700", -30); // refund from the state (grant)
    acc(u, "0M", "115100", "3", "281", "810", -50); // other state transfers (grant)
    acc(u, "0M", "115100", "3", "276", "590", 10); // depreciation counts
    acc(u, "0M", "115100", "3", "120", "010", 999); // administration: only in the total
    acc(u, "0M", "115100", "3", "800", "870", -1_000); // financial function: in no total
    acc(u, "0M", "115100", "4", "242", "230", 777); // investering: not operating
    String k = submit("0M", 2025, "114400", "accepted", 1);
    acc(k, "0M", "114400", "3", "242", "010", 1_000);
    acc(k, "0M", "114400", "3", "281", "470", 200);
    // Leka's 0M was rejected by the control rules: Leka is missing, not 5 000 000
    String leka = submit("0M", 2025, "505200", "rejected", 1);
    acc(leka, "0M", "505200", "3", "242", "010", 5_000_000);
    String bergen = submit("0M", 2025, "460100", "accepted", 1);
    acc(bergen, "0M", "460100", "3", "242", "010", 100_000);
    // Utsira's kasse (0A) — ND 242 only
    String ua = submit("0A", 2025, "115100", "accepted", 1);
    acc(ua, "0A", "115100", "1", "242", "010", 300);

    // ---- 11F: four Utsira cases; Kvitsøy reported nobody (a one-space file: no rows);
    //      Oslo: district 01 reported, district 02 did not ----
    String f = submit("11F", 2025, "115100", "accepted", 1);
    sosial(sosialhjelp, f, "11F", "115100", 19, 12, 100_000, 0, "5", "1", "2");
    sosial(sosialhjelp, f, "11F", "115100", 30, 3, 20_000, 5_000, "1", "2", "1");
    sosial(sosialhjelp, f, "11F", "115100", 70, 6, 30_000, null, "5", "2", "2");
    sosial(sosialhjelp, f, "11F", "115100", null, 1, 1_000, 0, "3", "2", "2");
    submit("11F", 2025, "114400", "accepted", 1);
    String d1 = submit("11F", 2025, "030101", "accepted", 1);
    sosial(sosialhjelp, d1, "11F", "030101", 40, 2, 8_000, 0, "5", "2", "2");
    sosial(sosialhjelp, d1, "11F", "030101", 41, 4, 9_000, 0, "1", "2", "2");
    String cf = submit("11CF", 2025, "115100", "accepted", 1);
    sosial(kvalifisering, cf, "11CF", "115100", 25, 12, null, null, null, null, null);

    // ---- skjema 7 and 12 (Utsira) ----
    String s7 = submit("7", 2025, "115100", "accepted", 1);
    form(staffing, s7, "7", "115100", "242", "01", "0.5");
    form(staffing, s7, "7", "115100", "242", "02", "1.0");
    form(staffing, s7, "7", "115100", "281", "02", "0.3");
    form(staffing, s7, "7", "115100", "276", "01", "0.4"); // KVP: not SSB's social services
    form(staffing, s7, "7", "115100", "281", "07", "0.2"); // debt counselling, part of 01-06
    form(staffing, s7, "7", "115100", "281", "08", "3"); // cases
    String s12 = submit("12", 2025, "115100", "accepted", 1);
    form(rates, s12, "12", "115100", null, "01", "7000");
    form(rates, s12, "12", "115100", null, "02", "12000");

    // ---- 2023, before the 2024 renumbering and split: Ålesund 1507 (later 1508 Ålesund and
    //      1580 Haram) and Bærum 3024 (later 3201) ----
    String al = submit("11F", 2023, "150700", "accepted", 1);
    for (int i = 0; i < 3; i++) {
      sosial(sosialhjelp, 2023, al, "11F", "150700", 30 + i, 2, 10_000, 0, "5", "2", "2");
    }
    String bae = submit("11F", 2023, "302400", "accepted", 1);
    sosial(sosialhjelp, 2023, bae, "11F", "302400", 50, 4, 20_000, 0, "3", "2", "2");
    sosial(sosialhjelp, 2023, bae, "11F", "302400", 51, 4, 20_000, 0, "3", "2", "2");
    String bodo = submit("11F", 2023, "180400", "accepted", 1);
    sosial(sosialhjelp, 2023, bodo, "11F", "180400", 22, 1, 5_000, 0, "1", "2", "2");

    var spark = session();
    wh.append(spark.createDataFrame(submissions, Tables.SUBMISSIONS_SCHEMA), Tables.SUBMISSIONS);
    wh.append(spark.createDataFrame(regnskap, Tables.REGNSKAP_SCHEMA), Tables.REGNSKAP);
    wh.append(spark.createDataFrame(sosialhjelp, SOSIAL), "sosialhjelp");
    wh.append(spark.createDataFrame(kvalifisering, SOSIAL), "kvalifisering");
    wh.append(spark.createDataFrame(staffing, FORM_ROWS), "staffing");
    wh.append(spark.createDataFrame(rates, FORM_ROWS), "benefit_rates");

    var result = KeyFigures.in(wh, SCHEMAS).years(List.of(2025, 2023)).run();
    figures = new HashMap<>();
    for (Row r : result.rows()) {
      if (r.<Integer>getAs("year") == 2025 && r.<Integer>getAs("structure_year") == 2025) {
        figures.put(r.getAs("indicator") + "@" + r.getAs("region"), r);
      }
      if (r.<Integer>getAs("year") == 2023) {
        figures.put(r.getAs("indicator") + "@" + r.getAs("region") + "@2023/"
            + r.getAs("structure_year"), r);
      }
    }
  }

  private String submit(String skjema, int year, String region, String status, int version) {
    String id = skjema + "-" + region + "-v" + version;
    submissions.add(RowFactory.create(id, "/in/" + id + ".dat", skjema, year, null, region, null,
        new Timestamp(1_700_000_000_000L + version * 1000L), 1, 1L, 1L,
        status.equals("rejected") ? "ERROR" : "OK", 0L, status.equals("rejected") ? 1L : 0L, 0L, 0L,
        status, "ingest-1"));
    return id;
  }

  private void acc(String submission, String skjema, String region, String kk, String funksjon,
      String art, int belop) {
    String kontotype = kk.equals("3") || kk.equals("1") ? "drift" : "investering";
    regnskap.add(RowFactory.create(skjema, 2025, null, region, null, null, kk,
        String.format("%-4s", funksjon), art, belop, kontotype, funksjon, art, null, null,
        "/in/" + submission, regnskap.size() + 1, submission, "ingest-1",
        new Timestamp(1_700_000_000_000L)));
  }

  private static void sosial(List<Row> into, String submission, String skjema, String region,
      Integer age, int months, Integer bidrag, Integer laan, String vklo, String plan,
      String rad) {
    sosial(into, 2025, submission, skjema, region, age, months, bidrag, laan, vklo, plan, rad);
  }

  private static void sosial(List<Row> into, int year, String submission, String skjema,
      String region, Integer age, int months, Integer bidrag, Integer laan, String vklo,
      String plan, String rad) {
    into.add(RowFactory.create(skjema, year, region, age, months, bidrag, laan, vklo, plan, rad,
        submission));
  }

  private static void form(List<Row> into, String submission, String skjema, String region,
      String funksjon, String post, String verdi) {
    into.add(RowFactory.create(skjema, 2025, region, funksjon, post, new BigDecimal(verdi),
        submission));
  }

  /** The unrounded value at 4 decimals, or the status symbol. */
  private static String value(String indicator, String region) {
    Row r = figures.get(indicator + "@" + region);
    if (r == null) {
      return "no row";
    }
    if (r.getAs("status") != null) {
      return r.getAs("status");
    }
    return r.<BigDecimal>getAs("value").setScale(4, RoundingMode.HALF_UP).toPlainString();
  }

  @Test
  void accountingAggregatesFollowTheSignedArtHierarchies() {
    // ND 242 = 500 - 20 = 480; 243 = 205; 281 = 40 - 5 + 300 - 30 - 50 = 255; 276 = 10;
    // sosialtjenesten 950; all service functions 950 + 999 (120) = 1 949 (800/870 is financial)
    assertEquals("480.0000", value("nd_242", "1151"));
    assertEquals("205.0000", value("nd_243", "1151"));
    assertEquals("255.0000", value("nd_281", "1151"));
    assertEquals("10.0000", value("nd_276", "1151"));
    assertEquals("950.0000", value("nd_sosial", "1151"));
    assertEquals("1949.0000", value("nd_tjenester", "1151"));
    // BD 281 konsern = (010..370) 40 + (400..470) 300 - 710 5 = 335 (700 and 810 are not deducted)
    assertEquals("335.0000", value("bd_281", "1151"));
    // KBD = (010..285) 745 + 590 10 - 710 5 - 729 20 = 730 (470 is not own production)
    assertEquals("730.0000", value("kbd_sosial", "1151"));
    // wages (010..099) - 710: 745 - 5 = 740; per function 500, 205, 35, 0
    assertEquals("740.0000", value("lonn_sosial", "1151"));
    assertEquals("35.0000", value("lonn_281", "1151"));
    // grants: 700 30 + 810 50 = 80, all on 281
    assertEquals("80.0000", value("tilskudd_sosial", "1151"));
    assertEquals("80.0000", value("tilskudd_281", "1151"));
    assertEquals("0.0000", value("tilskudd_242", "1151"));
    // kasse: 300 from 0A
    assertEquals("300.0000", value("nd_sosial_kasse", "1151"));
    // per inhabitant: 950 000 / 219 = 4 337.8995; share 950 / 1 949 = 48.7429 %;
    // share 281: 255 / 950 = 26.8421 %; grants 80 000 / 219 = 365.2968
    assertEquals("4337.8995", value("nd_sosial_per_innbygger", "1151"));
    assertEquals("48.7429", value("andel_nd_sosial_av_samlede", "1151"));
    assertEquals("26.8421", value("andel_nd_281", "1151"));
    assertEquals("365.2968", value("tilskudd_sosial_per_innbygger", "1151"));
    assertEquals("1369.8630", value("nd_sosial_per_innbygger_kasse", "1151"));
    // Kvitsøy 1 200 000 / 579 = 2 072.5389; Leka's rejected 0M counts for nothing; Bergen sent
    // no 0A: missing, never zero
    assertEquals("2072.5389", value("nd_sosial_per_innbygger", "1144"));
    assertEquals("..", value("nd_sosial_per_innbygger", "5052"));
    assertEquals("..", value("nd_sosial_per_innbygger_kasse", "4601"));
    // Oslo sent no 0M
    assertEquals("..", value("nd_sosial_per_innbygger", "0301"));
  }

  @Test
  void recipientsDurationAndAmountsFromTheIndividualRecords() {
    assertEquals("4.0000", value("antall_mottakere", "1151"));
    // 1 of 15 aged 18-24; 1 of 132 aged 20-66 (the 30-year-old); 2 of 135 aged 18-66; the case of
    // unknown age is in no band
    assertEquals("6.6667", value("andel_mottakere_18_24", "1151"));
    assertEquals("0.7576", value("andel_mottakere_20_66", "1151"));
    assertEquals("0.8333", value("andel_mottakere_25_66", "1151"));
    assertEquals("1.4815", value("andel_mottakere_18_66", "1151"));
    assertEquals("1.8265", value("andel_mottakere", "1151"));
    // months 12 + 3 + 6 + 1 = 22 over 4 cases = 5.5; paid 100 000 + 25 000 + 30 000 + 1 000
    // = 156 000: 7 090.9091 per month, 39 000 per case
    assertEquals("5.5000", value("stonadstid", "1151"));
    assertEquals("7090.9091", value("stonad_per_maned", "1151"));
    assertEquals("39000.0000", value("stonad_per_mottaker", "1151"));
    // main income assistance (VKLO 5): 2; >= 6 months: 2; both: 2; earnings: 1; plan 1; counselling 1
    assertEquals("50.0000", value("andel_hovedinntekt_sosialhjelp", "1151"));
    assertEquals("50.0000", value("andel_6_mnd_hovedinntekt", "1151"));
    assertEquals("25.0000", value("andel_arbeidsinntekt", "1151"));
    assertEquals("25.0000", value("andel_individuell_plan", "1151"));
    assertEquals("25.0000", value("andel_okonomiradgivning", "1151"));
    // accounting per case: BD 281 335 000 / 4 = 83 750; KBD 730 000 / 4 = 182 500
    assertEquals("83750.0000", value("bd_281_per_mottaker", "1151"));
    assertEquals("182500.0000", value("kbd_sosial_per_mottaker", "1151"));
    // KVP: 1 participant per 135 aged 18-66 = 7.4074 per 1 000
    assertEquals("7.4074", value("kvp_deltakere_per_1000_innbyggere_18_66", "1151"));
    // Kvitsøy reported "nothing to report": zero cases, a real zero; the duration is undefined
    assertEquals("0.0000", value("antall_mottakere", "1144"));
    assertEquals(".", value("stonadstid", "1144"));
    // Bergen did not send 11F: missing
    assertEquals("..", value("antall_mottakere", "4601"));
    // Oslo reports per district: district 01 has its figures, the city is missing while
    // district 02 has not reported
    assertEquals("2.0000", value("antall_mottakere", "030101"));
    assertEquals("3.0000", value("stonadstid", "030101"));
    assertEquals("..", value("antall_mottakere", "030102"));
    assertEquals("..", value("antall_mottakere", "0301"));
    // districts have no population in the reference data: no per-inhabitant rows for them
    assertEquals("no row", value("andel_mottakere", "030101"));
  }

  @Test
  void staffingJoinedWithAccountingByFunction() {
    // FTEs (posts 01-06) 0.5 + 1.0 + 0.3 = 1.8; on 242 1.5; on 281 0.3; debt counselling 0.2;
    // the 0.4 on 276 (the qualification programme) are not SSB's social services, and only
    // where 276 is in the accounting too (ND 950 000 over 2.2 FTEs)
    assertEquals("1.8000", value("aarsverk_sosial", "1151"));
    assertEquals("2.2000", value("aarsverk_sosial_med_kvp", "1151"));
    assertEquals("0.4000", value("aarsverk_276", "1151"));
    assertEquals("431818.1818", value("nd_per_aarsverk", "1151"));
    assertEquals("0.2000", value("aarsverk_gjeldsradgivning", "1151"));
    assertEquals("3.0000", value("saker_gjeldsradgivning", "1151"));
    // 1.8 / 219 × 10 000 = 82.1918; wages 740 000 / 1.8 = 411 111.1111; 242: 500 000 / 1.5;
    // 281: 35 000 / 0.3; ND 243 per FTE: no FTE on 243 -> undefined, not infinite
    assertEquals("82.1918", value("aarsverk_per_10000_innbyggere", "1151"));
    assertEquals("411111.1111", value("lonn_per_aarsverk", "1151"));
    assertEquals("333333.3333", value("lonn_per_aarsverk_242", "1151"));
    assertEquals("116666.6667", value("lonn_per_aarsverk_281", "1151"));
    assertEquals(".", value("nd_per_aarsverk_243", "1151"));
    assertEquals("11.1111", value("andel_aarsverk_gjeldsradgivning", "1151"));
    // Kvitsøy sent accounting but no skjema 7: the joined figure is missing
    assertEquals("..", value("lonn_per_aarsverk", "1144"));
    // the 2025 guideline rates are placeholders (the circular is not in our sources): no figure
    // is computed against them (7 000 / 8 100 would be 86.4198 %); missing, and flagged so
    assertEquals("7000.0000", value("sats_enslige", "1151"));
    for (String rate : List.of("sats_enslige_prosent_av_veiledende",
        "sats_ektepar_prosent_av_veiledende", "veiledende_sats_enslige")) {
      assertEquals("..", value(rate, "1151"), rate);
      assertEquals("reference_missing:benefit-guideline-rates",
          figures.get(rate + "@1151").getAs("flags"), rate);
    }
  }

  @Test
  void anAggregateWithMissingMunicipalitiesIsEstimatedWithinItsKostraGroup() {
    // EKG16: Utsira 950 and Kvitsøy 1 200 reported (population 219 + 579 = 798); the other four
    // (1 961 inhabitants) are estimated at 2 150 / 798 per inhabitant:
    // total = 2 150 × 2 759 / 798 = 7 433.395990; per inhabitant 2 150 000 / 798 = 2 694.2356
    Row ekg16 = figures.get("nd_sosial_per_innbygger@EKG16");
    assertEquals(new BigDecimal("7433.395990"), ekg16.getAs("numerator"));
    assertEquals(new BigDecimal("2759.000000"), ekg16.getAs("denominator"));
    assertEquals("2694.2356", value("nd_sosial_per_innbygger", "EKG16"));
    assertEquals("estimated", ekg16.getAs("flags"));
    assertEquals(2, (int) ekg16.getAs("members_reported"));
    assertEquals(6, (int) ekg16.getAs("members_expected"));
    assertEquals("EKG", ekg16.getAs("region_level"));
    // a group where nobody reported rests on nothing of its own: missing
    assertEquals("..", value("nd_sosial_per_innbygger", "EKG01"));
    // a missing municipality in a group where nobody reported is estimated at the ratio of all
    // reporters: Oslo (EKG13 alone, no 0M) at (950 + 1 200 + 100 000) / (219 + 579 + 294 860)
    // per inhabitant, so EAK - EAKUO = 728 714 × 102 150 / 295 658 = 251 771.083820 (each
    // total is rounded to 6 decimals on its own: within 0.000002)
    BigDecimal eak = figures.get("nd_sosial@EAK").getAs("numerator");
    BigDecimal eakuo = figures.get("nd_sosial@EAKUO").getAs("numerator");
    BigDecimal oslo = eak.subtract(eakuo).subtract(new BigDecimal("251771.083820")).abs();
    org.junit.jupiter.api.Assertions.assertTrue(oslo.compareTo(new BigDecimal("0.000002")) <= 0,
        eak + " - " + eakuo);
    assertEquals(3, (int) figures.get("nd_sosial@EAK").getAs("members_reported"));
    // benefit rates are not estimated: the sum covers the reporters only ("partial")
    Row rate = figures.get("sats_enslige@EAK");
    assertEquals("7000.0000", value("sats_enslige", "EAK"));
    assertEquals("partial", rate.getAs("flags"));
    assertEquals(1, (int) rate.getAs("members_reported"));
    // and the share of the guideline rate is missing in aggregates too, for the same reason
    assertEquals("..", value("sats_enslige_prosent_av_veiledende", "EAK"));
    assertEquals("partial,reference_missing:benefit-guideline-rates",
        figures.get("sats_enslige_prosent_av_veiledende@EAK").getAs("flags"));
    // a municipality's own cell carries no aggregate bookkeeping
    assertNull(figures.get("nd_sosial_per_innbygger@1151").getAs("members_expected"));
  }

  @Test
  void theLinearFormsOfDisclosureControlRebuildThePublishedAggregates() {
    // disclosure control states the estimation rule again, as coefficients over the submitting
    // units; evaluated with the units' own values it must give what key figures published
    KeyFigureDefinitions defs = KeyFigureDefinitions.load(SCHEMAS);
    LinearForms forms = LinearForms.load(SCHEMAS, defs);
    Map<String, BigDecimal> units = Map.of("115100", new BigDecimal("950"), "114400",
        new BigDecimal("1200"), "460100", new BigDecimal("100000"));
    java.util.Set<String> reported = new java.util.TreeSet<>();
    figures.forEach((k, r) -> {
      if (k.startsWith("nd_sosial@") && r.getAs("numerator") != null) {
        reported.add(r.getAs("region"));
      }
    });
    var byRegion = forms.of("nd_sosial", 2025, 2025, reported);
    int checked = 0;
    for (String aggregate : List.of("EKG16", "EKG12", "EKA11", "EKA46", "EAK", "EAKUO", "ASSS")) {
      BigDecimal sum = BigDecimal.ZERO;
      for (var c : byRegion.get(aggregate).entrySet()) {
        sum = sum.add(units.get(c.getKey()).multiply(new BigDecimal(c.getValue().num()))
            .divide(new BigDecimal(c.getValue().den()), 20, RoundingMode.HALF_UP));
      }
      BigDecimal published = figures.get("nd_sosial@" + aggregate).getAs("numerator");
      assertEquals(published, sum.setScale(6, RoundingMode.HALF_UP), aggregate);
      checked++;
    }
    assertEquals(7, checked);
  }

  @Test
  void everyRegionAndIndicatorOnceAndTheTableIsQueryableByLevel() {
    // 357 municipalities, 15 districts, 15 county authorities (14 and Oslo's, 0300, which are
    // the city's) and the aggregates: 15 EKA, the KOSTRA groups, EAK, EAKUO, ASSS, EAB, EAFK,
    // EAFKUO
    List<Row> counts = sql(wh, "SELECT region_level, count(DISTINCT region) FROM key_figures "
        + "WHERE year = 2025 AND structure_year = year GROUP BY region_level ORDER BY region_level");
    Map<String, Long> byLevel = new HashMap<>();
    counts.forEach(r -> byLevel.put(r.getString(0), r.getLong(1)));
    assertEquals(357L, byLevel.get("kommune"));
    assertEquals(15L, byLevel.get("bydel"));
    assertEquals(15L, byLevel.get("fylkeskommune"));
    assertEquals(1L, byLevel.get("EAFK"));
    assertEquals(1L, byLevel.get("EAFKUO"));
    assertEquals(15L, byLevel.get("EKA"));
    assertEquals(1L, byLevel.get("EAK"));
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM (SELECT year, structure_year, "
        + "region, indicator FROM key_figures GROUP BY 1, 2, 3, 4 HAVING count(*) > 1)"));
    // level views round half away from zero at publication: 4 337.8995 -> 4 338; 5.5 stays
    List<Row> published = sql(wh, "SELECT indicator, value FROM key_figures_level1 WHERE "
        + "year = 2025 AND region = '1151' AND indicator IN ('nd_sosial_per_innbygger', "
        + "'stonadstid') ORDER BY indicator");
    assertEquals(0, new BigDecimal("4338").compareTo(published.get(0).getDecimal(1)));
    assertEquals(0, new BigDecimal("5.5").compareTo(published.get(1).getDecimal(1)));
    assertEquals(List.of(row(3L)), sql(wh, "SELECT count(DISTINCT level) FROM key_figures"));
  }

  @Test
  void osloIsACountyAuthorityTooInEafkAndNotInEafkuo() {
    // SSB copies the city to county authority 0300: its county figures are the city's own
    // accounts (Oslo sent no 0M here: missing, not absent), its population the city's
    BigDecimal oslo = figures.get("innbyggere@0301").getAs("numerator");
    assertEquals(oslo, figures.get("innbyggere@0300").getAs("numerator"));
    assertEquals("..", value("nd_tjenester", "0300"));
    assertEquals("fylkeskommune", figures.get("innbyggere@0300").getAs("region_level"));
    BigDecimal all = figures.get("innbyggere@EAFK").getAs("numerator");
    BigDecimal withoutOslo = figures.get("innbyggere@EAFKUO").getAs("numerator");
    assertEquals(oslo, all.subtract(withoutOslo));
    assertEquals(15, (int) figures.get("innbyggere@EAFK").getAs("members_expected"));
    assertEquals(14, (int) figures.get("innbyggere@EAFKUO").getAs("members_expected"));
  }

  @Test
  void aYearIsAlsoPublishedOnTodaysBorders() {
    // on its own borders 2023 has 1507 Ålesund and 3024 Bærum
    assertEquals(new BigDecimal("3.000000"),
        figures.get("mottakere@1507@2023/2023").getAs("numerator"));
    assertEquals(new BigDecimal("2.000000"),
        figures.get("mottakere@3024@2023/2023").getAs("numerator"));
    // on 2026's: Bærum is 3201; the old Ålesund is comparable only with Ålesund and Haram
    // together, "1508+1580", whose population is the two's (1 January 2024)
    assertEquals(new BigDecimal("2.000000"),
        figures.get("mottakere@3201@2023/2026").getAs("numerator"));
    Row joined = figures.get("andel_mottakere@1508+1580@2023/2026");
    assertEquals(new BigDecimal("3.000000"), joined.getAs("numerator"));
    assertEquals(figures.get("innbyggere@1507@2023/2023").<BigDecimal>getAs("numerator"),
        joined.getAs("denominator"));
    assertEquals("Ålesund + Haram", joined.getAs("region_name"));
    assertNull(figures.get("mottakere@1508@2023/2026"));
    // Ålesund (EKG11) and Haram (EKG01) are in different KOSTRA groups: the joined region enters
    // neither, so EKG11's 2023 figure on today's borders (Bodø reported, the rest estimated) is a
    // series break; on 2023's own borders it is not. Both parts are in county 15: EKA15 takes the
    // joined region whole
    assertEquals("estimated,series_break",
        figures.get("mottakere@EKG11@2023/2026").getAs("flags"));
    assertEquals("estimated", figures.get("mottakere@EKG11@2023/2023").getAs("flags"));
    assertEquals(2, (int) figures.get("mottakere@EKG11@2023/2023").getAs("members_reported"));
    Row eka15 = figures.get("mottakere@EKA15@2023/2026");
    assertEquals("estimated", eka15.getAs("flags"));
    assertEquals(1, (int) eka15.getAs("members_reported"));
    // recomputing one year replaces that year only
    List<Row> before = sql(wh, "SELECT year, count(*) FROM key_figures GROUP BY year ORDER BY year");
    KeyFigures.in(wh, SCHEMAS).year(2025).run();
    assertEquals(before, sql(wh, "SELECT year, count(*) FROM key_figures GROUP BY year ORDER BY year"));
    // 2025 data are on 2026 borders unchanged
    assertEquals(List.of(row(0L)), sql(wh, "SELECT count(*) FROM key_figures a JOIN key_figures b "
        + "USING (year, region, indicator) WHERE a.year = 2025 AND a.structure_year = 2025 AND "
        + "b.structure_year = 2026 AND NOT (a.value <=> b.value)"));
  }

  @Test
  void publishedAveragesOf2007And2013Reproduce() {
    // key-figures.md §5: recipients by number of months 1..12 in 2007 -> "5,3"
    long[] byMonths = {22_821, 14_909, 10_758, 8_423, 7_082, 6_299, 5_251, 4_986, 4_875, 5_274,
        6_084, 12_846};
    Warehouse w = warehouse(tempDir("kf-2007"));
    List<Row> subs = new ArrayList<>();
    subs.add(RowFactory.create("11F-460100", "/in/11F.dat", "11F", 2025, null, "460100", null,
        new Timestamp(1_700_000_000_000L), 1, 1L, 1L, "OK", 0L, 0L, 0L, 0L, "accepted", "i"));
    subs.add(RowFactory.create("11F-500100", "/in/11F-2.dat", "11F", 2025, null, "500100", null,
        new Timestamp(1_700_000_000_000L), 1, 1L, 1L, "OK", 0L, 0L, 0L, 0L, "accepted", "i"));
    w.append(session().createDataFrame(subs, Tables.SUBMISSIONS_SCHEMA), Tables.SUBMISSIONS);
    StringBuilder months = new StringBuilder("CASE");
    long upTo = 0;
    for (int m = 0; m < 12; m++) {
      upTo += byMonths[m];
      months.append(" WHEN id < ").append(upTo).append(" THEN ").append(m + 1);
    }
    months.append(" END");
    w.append(session().range(upTo).selectExpr("'11F' AS skjema", "2025 AS aargang",
        "'460100' AS region", "40 AS age", "CAST(" + months + " AS INT) AS stonadsmaneder",
        "1000 AS BIDRAG", "0 AS LAAN", "'5' AS VKLO", "'2' AS FAAT_INDIVIDUELL_PLAN",
        "'2' AS GITT_OKONOMIRAD", "'11F-460100' AS file_sha256"), "sosialhjelp");
    // key-figures.md §5, 2013: 5 122 169 (1000 NOK) paid over 613 801 months to 120 775
    // recipients -> 8 345 NOK per month and 5.08 months: as Trondheim's year here, 9 926 of the
    // recipients with 6 months and the rest with 5; 42 410 NOK each, the remainder on the first
    w.append(session().range(120_775).selectExpr("'11F' AS skjema", "2025 AS aargang",
        "'500100' AS region", "40 AS age", "CAST(CASE WHEN id < 9926 THEN 6 ELSE 5 END AS INT) "
            + "AS stonadsmaneder", "CAST(CASE WHEN id = 0 THEN 143660 ELSE 42410 END AS INT) "
            + "AS BIDRAG", "0 AS LAAN", "'5' AS VKLO", "'2' AS FAAT_INDIVIDUELL_PLAN",
        "'2' AS GITT_OKONOMIRAD", "'11F-500100' AS file_sha256"), "sosialhjelp");
    var result = KeyFigures.in(w, SCHEMAS).year(2025).compute();
    Row bergen = result.rows().stream().filter(r -> r.getAs("region").equals("4601")
        && r.getAs("indicator").equals("stonadstid") && r.<Integer>getAs("structure_year") == 2025)
        .findFirst().orElseThrow();
    // 586 145 months / 109 608 cases = 5.3476 -> published with one decimal: 5.3
    assertEquals(new BigDecimal("109608.000000"), bergen.getAs("denominator"));
    assertEquals(new BigDecimal("586145.000000"), bergen.getAs("numerator"));
    assertEquals("5.3", bergen.<BigDecimal>getAs("value").setScale(1, RoundingMode.HALF_UP)
        .toPlainString());
    Map<String, BigDecimal> trondheim = new HashMap<>();
    result.rows().stream().filter(r -> r.getAs("region").equals("5001")
            && r.<Integer>getAs("structure_year") == 2025 && r.getAs("value") != null)
        .forEach(r -> trondheim.put(r.getAs("indicator"), r.getAs("value")));
    assertEquals(new BigDecimal("5122169000.0000000000"), trondheim.get("stonad_kr"));
    assertEquals(new BigDecimal("613801.0000000000"), trondheim.get("stonadsmaneder"));
    assertEquals("8345", trondheim.get("stonad_per_maned").setScale(0, RoundingMode.HALF_UP)
        .toPlainString());
    assertEquals("5.1", trondheim.get("stonadstid").setScale(1, RoundingMode.HALF_UP)
        .toPlainString());
  }
}
