package no.kostra.sosial;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import no.kostra.layout.FixedWidthLayout;
import no.kostra.layout.FixedWidthLayout.Field;
import no.kostra.schemas.SchemaDir;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The person-level forms 11F and 11CF as described in data-schemas/formats/sosial/forms.yaml: their
 * layout per reporting year, the table each is written to and that table's declared schema, and
 * the code lists of each year for the control rules.
 *
 * <p>Layout changes between years (the 2024 → 2025 birth date and 8-digit dates, DISTRIKTSNR,
 * KVP_OSLO, renamed fields) are data: the table has the union of the years' fields, a field a
 * year's layout lacks is null, and the parser cuts each record by its own year's layout.
 */
public final class SosialForms implements Serializable {

  public static final String FILE = "formats/sosial/forms.yaml";
  public static final List<String> FORMS = List.of("11F", "11CF");

  /** Identifier roles (forms.yaml `identifiers`). */
  public static final String FODSELSNUMMER = "fodselsnummer";
  public static final String DUF = "duf";
  public static final String BIRTH_DATE = "birth_date";
  public static final String JOURNAL = "journal";
  public static final String CASEWORKER = "caseworker";

  record FormConfig(String table, String title, String layout, List<Integer> years)
      implements Serializable {}

  record Config(Map<String, FormConfig> forms, Map<String, String> identifiers,
      Map<String, String> renames) implements Serializable {}

  /** A table column from the layouts: its name and type, and the layout field it is read from. */
  public record LayoutColumn(String name, DataType type, String dataType) implements Serializable {}

  private final Config config;
  private final Map<String, TreeMap<Integer, FixedWidthLayout>> layouts = new LinkedHashMap<>();
  private final Map<String, List<LayoutColumn>> columns = new LinkedHashMap<>();

  private SosialForms(Config config, SchemaDir schemas) {
    this.config = config;
    for (var e : config.forms().entrySet()) {
      TreeMap<Integer, FixedWidthLayout> byYear = new TreeMap<>();
      for (int year : e.getValue().years()) {
        String file = "formats/sosial/" + e.getValue().layout().replace("{year}", Integer.toString(year));
        FixedWidthLayout layout = schemas.readSsbYaml(file, FixedWidthLayout.class);
        if (!e.getKey().equals(layout.id()) || layout.reportingYear() != year) {
          throw new IllegalStateException(file + " describes " + layout.id() + " "
              + layout.reportingYear() + ", not " + e.getKey() + " " + year);
        }
        byYear.put(year, layout);
      }
      layouts.put(e.getKey(), byYear);
      columns.put(e.getKey(), unionOfFields(byYear));
    }
  }

  public static SosialForms load(SchemaDir schemas) {
    return new SosialForms(schemas.readYaml(FILE, Config.class), schemas);
  }

  public boolean isForm(String skjema) {
    return skjema != null && config.forms().containsKey(skjema);
  }

  public String table(String form) {
    return formConfig(form).table();
  }

  public String title(String form) {
    return formConfig(form).title();
  }

  /** The layout year used for a reporting year: itself, else the nearest year with a layout. */
  public int layoutYear(String form, int year) {
    TreeMap<Integer, FixedWidthLayout> byYear = layouts.get(form);
    if (byYear.containsKey(year)) {
      return year;
    }
    return year < byYear.firstKey() ? byYear.firstKey() : byYear.floorKey(year);
  }

  public FixedWidthLayout layout(String form, int year) {
    return layouts.get(form).get(layoutYear(form, year));
  }

  public List<Integer> years(String form) {
    return List.copyOf(layouts.get(form).keySet());
  }

  /** The identifier role of a layout field (forms.yaml), or null for an ordinary field. */
  public String identifierRole(String field) {
    return config.identifiers().get(field);
  }

  /** The table column a layout field is written to (renames applied, lower case). */
  public String columnName(String field) {
    return config.renames().getOrDefault(field, field).toLowerCase(Locale.ROOT);
  }

  /** The layout columns of the form's table, in order. */
  public List<LayoutColumn> layoutColumns(String form) {
    return columns.get(form);
  }

  /** Columns every record carries before the layout's: the submission it belongs to. */
  private static final StructType HEAD = new StructType()
      .add("skjema", StringType, false) // 11F or 11CF
      .add("aargang", IntegerType, false) // the submission's reporting year
      .add("region", StringType, false); // the submitting municipality or Oslo district (6 digits)

  /**
   * Derived at ingest, before the identifiers are dropped. Pseudonyms are keyed hashes; age is the
   * age reached in the reporting year (year − birth year), null when unknown (never −1).
   */
  private static final StructType DERIVED = new StructType()
      .add("person_pseudonym", StringType, true) // from the fødselsnummer, else the DUF number
      .add("id_type", StringType, false) // fnr, dnr, synthetic, adapted, invalid, duf, none
      .add("fnr_valid", BooleanType, false) // rule 05: valid or adapted fødselsnummer
      .add("fnr_mod11_valid", BooleanType, false) // strictly valid check digits (rule 05A)
      .add("duf_valid", BooleanType, true) // null when there is no DUF number
      .add("birth_date_valid", BooleanType, true) // null when the layout has no birth date
      .add("age", IntegerType, true)
      .add("age_source", StringType, true) // fodselsdato or fodselsnummer
      .add("id_sex", StringType, true) // 1 male, 2 female, from the identity number
      .add("journal_pseudonym", StringType, true)
      .add("saksbehandler_pseudonym", StringType, true)
      .add("stonadsmaneder", IntegerType, false) // months flagged with their own month code
      // fields whose value the layout does not allow: "FIELD: problem" (no values, rule 002)
      .add("format_problems", createArrayType(StringType, false), false);

  private static final StructType LINEAGE = new StructType()
      .add("source_file", StringType, false)
      .add("line_number", IntegerType, false)
      // the submission's id: SHA-256 of its declaration (form|year|region) and the file's bytes
      .add("file_sha256", StringType, false)
      .add("ingest_id", StringType, false)
      .add("ingested_at", TimestampType, false);

  /** The declared schema of the form's table. */
  public StructType tableSchema(String form) {
    StructType schema = HEAD;
    for (LayoutColumn c : layoutColumns(form)) {
      schema = schema.add(c.name(), c.type(), true);
    }
    for (var f : DERIVED.fields()) {
      schema = schema.add(f);
    }
    for (var f : LINEAGE.fields()) {
      schema = schema.add(f);
    }
    return schema;
  }

  /**
   * Code lists per layout year: field name → codes, from the layouts. A year whose layout gives no
   * list for a field that another year's layout lists borrows the nearest later year's (the 2022
   * 11F description lacks the VKLO, TRYGDESIT and ARBSIT lists although the layout is the 2023 one:
   * social-assistance.md §2.1).
   */
  public Map<Integer, Map<String, List<String>>> codeLists(String form) {
    TreeMap<Integer, FixedWidthLayout> byYear = layouts.get(form);
    Map<Integer, Map<String, List<String>>> out = new TreeMap<>();
    for (var e : byYear.entrySet()) {
      Map<String, List<String>> lists = new TreeMap<>();
      for (Field f : e.getValue().fields()) {
        List<String> codes = f.codeList().stream().map(FixedWidthLayout.Code::code).toList();
        if (codes.isEmpty()) {
          codes = borrowed(byYear, e.getKey(), f.name());
        }
        if (!codes.isEmpty()) {
          lists.put(columnName(f.name()).toUpperCase(Locale.ROOT), codes);
        }
      }
      out.put(e.getKey(), lists);
    }
    return out;
  }

  private static List<String> borrowed(TreeMap<Integer, FixedWidthLayout> byYear, int year,
      String field) {
    List<Integer> order = new ArrayList<>(byYear.tailMap(year, false).keySet());
    order.addAll(byYear.headMap(year, false).descendingKeySet());
    for (int other : order) {
      for (Field f : byYear.get(other).fields()) {
        if (f.name().equals(field) && !f.codeList().isEmpty()) {
          return f.codeList().stream().map(FixedWidthLayout.Code::code).toList();
        }
      }
    }
    return List.of();
  }

  private FormConfig formConfig(String form) {
    FormConfig c = config.forms().get(form);
    if (c == null) {
      throw new IllegalArgumentException("unknown form " + form + "; known: " + config.forms().keySet());
    }
    return c;
  }

  /**
   * Union of the fields of every year, newest layout first; a field only older layouts have goes
   * after the field it follows there. Identifier fields are not columns.
   */
  private List<LayoutColumn> unionOfFields(TreeMap<Integer, FixedWidthLayout> byYear) {
    List<String> names = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (FixedWidthLayout layout : byYear.descendingMap().values()) {
      String previous = null;
      for (Field f : layout.fields()) {
        String name = columnName(f.name());
        if (!types.containsKey(name)) {
          names.add(previous == null ? 0 : names.indexOf(previous) + 1, name);
          types.put(name, f.dataType());
        } else if (!types.get(name).equals(f.dataType())) {
          throw new IllegalStateException("field " + f.name() + " changes type between layouts");
        }
        previous = name;
      }
    }
    List<LayoutColumn> out = new ArrayList<>();
    for (String name : names) {
      if (identifierColumn(name)) {
        continue;
      }
      String dataType = types.get(name);
      DataType type = switch (dataType) {
        case "INTEGER_TYPE" -> IntegerType;
        case "DATE_TYPE" -> DateType;
        default -> StringType;
      };
      out.add(new LayoutColumn(name, type, dataType));
    }
    return out;
  }

  private boolean identifierColumn(String column) {
    return config.identifiers().keySet().stream().anyMatch(f -> columnName(f).equals(column));
  }
}
