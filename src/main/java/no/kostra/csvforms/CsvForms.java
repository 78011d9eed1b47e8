package no.kostra.csvforms;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.kostra.schemas.SchemaDir;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * The forms submitted as CSV (skjema 7 staffing, skjema 12 benefit rates), as defined in
 * data-schemas/formats/csvforms: columns, and per version (first reporting year) the posts and the
 * functions they may be reported on. Serializable: the parser runs on the executors.
 */
public final class CsvForms implements Serializable {

  public static final List<String> FORMS = List.of("7", "12");
  public static final String STAFFING = no.kostra.warehouse.Tables.STAFFING;
  public static final String BENEFIT_RATES = no.kostra.warehouse.Tables.BENEFIT_RATES;
  /** verdi: årsverk with two decimals, counts and kroner whole. */
  public static final DecimalType VALUE_TYPE = DataTypes.createDecimalType(14, 2);

  public record Post(String post, String nameNo, String unit, List<String> functions,
      Boolean partOfTotal, String guideline, List<String> codes) implements Serializable {
    public Post {
      functions = functions == null ? null : List.copyOf(functions);
      codes = codes == null ? null : List.copyOf(codes);
    }
  }

  public record Version(int validFrom, String nameNo, List<String> functions, List<Post> posts)
      implements Serializable {
    public Version {
      functions = List.copyOf(functions);
      posts = List.copyOf(posts);
    }

    /** The FTE posts that add up to the total (not those that are part of it, such as 07). */
    public List<String> totalPosts() {
      return posts.stream().filter(p -> p.unit().equals("aarsverk")
          && !Boolean.TRUE.equals(p.partOfTotal())).map(Post::post).toList();
    }

    public Post post(String code) {
      return posts.stream().filter(p -> p.post().equals(code)).findFirst().orElse(null);
    }
  }

  public record Form(String form, String table, String filePrefix, List<String> columns,
      List<Version> versions) implements Serializable {
    public Form {
      columns = List.copyOf(columns);
      versions = List.copyOf(versions);
    }

    /** The version in force in the year (the latest that began in or before it). */
    public Version version(int year) {
      Version v = null;
      for (Version candidate : versions) {
        if (candidate.validFrom() <= year && (v == null || candidate.validFrom() > v.validFrom())) {
          v = candidate;
        }
      }
      if (v == null) {
        throw new IllegalArgumentException("skjema " + form + " has no version for " + year);
      }
      return v;
    }

    public boolean hasFunction() {
      return columns.contains("funksjon");
    }
  }

  private final Map<String, Form> forms = new LinkedHashMap<>();

  private CsvForms() {}

  public static CsvForms load(SchemaDir schemas) {
    CsvForms f = new CsvForms();
    for (String form : FORMS) {
      Form def = schemas.readYaml("formats/csvforms/skjema" + form + ".yaml", Form.class);
      if (!def.form().equals(form)) {
        throw new IllegalStateException("formats/csvforms/skjema" + form + ".yaml declares form "
            + def.form());
      }
      f.forms.put(form, def);
    }
    return f;
  }

  public Form form(String form) {
    Form f = forms.get(form);
    if (f == null) {
      throw new IllegalArgumentException("unknown form " + form + " (7 or 12)");
    }
    return f;
  }

  /** One table per form, the same columns: analysts pivot on post. */
  public static final StructType TABLE_SCHEMA = new StructType()
      .add("skjema", DataTypes.StringType, false)
      .add("aargang", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType, false) // as declared: kkkk00 or 0301dd
      .add("funksjon", DataTypes.StringType, true) // null for skjema 12
      .add("post", DataTypes.StringType, false)
      .add("verdi", VALUE_TYPE, false)
      .add("unit", DataTypes.StringType, true) // aarsverk, antall, kr_per_maaned, kode; null = unknown post
      .add("source_file", DataTypes.StringType, false)
      .add("line_number", DataTypes.IntegerType, false)
      .add("file_sha256", DataTypes.StringType, false)
      .add("ingest_id", DataTypes.StringType, false)
      .add("ingested_at", DataTypes.TimestampType, false);
}
