package no.kostra.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How one ingest stage tells its files from the others: by the name the file was given, and by
 * what its lines are. Names are what respondents get wrong (wrong case, another extension, SSB's
 * naming, any name at all); the content is what decides how a line must be treated (a person-level
 * record is never handled as accounting). {@link SubmittedFiles} weighs the two.
 */
public abstract class FileRecogniser implements Serializable {

  private final String stage;
  private final boolean personal;

  protected FileRecogniser(String stage, boolean personal) {
    this.stage = stage;
    this.personal = personal;
  }

  /** The stage (what {@link SubmittedFiles#of} is asked for): regnskap, sosial, csvforms. */
  public final String stage() {
    return stage;
  }

  /** Whether the stage's records hold personal data (ties in content go to such a stage). */
  public final boolean personal() {
    return personal;
  }

  /** What a file's name declares, or null when the name is not one of this stage's. */
  public abstract Declared byName(String fileName);

  /**
   * How many of these lines (the non-blank lines at the head of the file, in order) are records of
   * each of the stage's forms; forms without a matching line may be left out.
   */
  public abstract Map<String, Integer> matchingLines(List<String> lines);

  /**
   * What the matching lines say the submission is (form, year, region), or null when they do not
   * say it (e.g. no readable region): such a file is not ingested by content.
   */
  public abstract Declared byContent(String form, List<String> lines);

  /**
   * A submission as a file declares it: stage and form always; year and region where the name or
   * the content tells them (null: the stage reads them from the file's records).
   */
  public record Declared(String stage, String form, Integer year, String region) implements Serializable {}
}
