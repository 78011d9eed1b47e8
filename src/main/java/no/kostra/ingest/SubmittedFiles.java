package no.kostra.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import no.kostra.ingest.FileRecogniser.Declared;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Every file of an input folder, recognised by its name and its content, so that each goes to the
 * stage of its form whatever it is called, and a person-level record is never handled as anything
 * else. One pass reads the head of every file on the executors ({@value #HEAD_BYTES} bytes, whole
 * lines only).
 *
 * <p>How name and content are weighed ({@link #decide}):
 * <ul>
 *   <li>The content is the non-blank lines of the head; each stage counts the lines that are records
 *       of one of its forms (length and layout). The form with the most such lines is the file's
 *       form by content; a tie goes to a person-level form (the stage that keeps least of a line).
 *   <li>Name and content agree, or the content is of no form: the name decides (its stage reads the
 *       file and judges every line; a file named as a form whose lines fit no layout is that form's
 *       problem, reported by its control rules).
 *   <li>Name and content disagree, or the name is of no form: the content decides, with the form,
 *       year and region its records say. If they do not say year and region, or no form has a
 *       matching line, the file is <em>rejected whole</em>: every line counted as rejected, nothing
 *       of its content kept ({@link #rejectedWhole}).
 * </ul>
 */
public final class SubmittedFiles implements Serializable {

  /** Why a listed file that cannot be read is rejected whole. */
  static final String UNREADABLE = "the file cannot be read (a link to nothing, a pipe or a "
      + "device, or no permission): nothing of it is kept";

  /** How much of each file is read to recognise it. */
  public static final int HEAD_BYTES = 64 * 1024;
  /** At most this many non-blank lines of the head are weighed. */
  static final int HEAD_LINES = 200;

  /**
   * One file: its path (as listed), its name as reports show it, what it was recognised as (null:
   * rejected whole), how ("name", "content", or "none") and, where name and content disagreed or
   * nothing was recognised, why.
   */
  public record Submitted(String path, String name, Declared declared, String by, String note)
      implements Serializable {}

  private final List<Submitted> files;

  private SubmittedFiles(List<Submitted> files) {
    this.files = List.copyOf(files);
  }

  /** Recognises every file under {@code dir} (hidden files excepted, as every stage lists them). */
  public static SubmittedFiles recognise(SparkSession spark, String dir,
      List<FileRecogniser> recognisers) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> paths = IngestFiles.listFiles(dir, jsc);
    if (paths.isEmpty()) {
      return new SubmittedFiles(List.of());
    }
    List<Submitted> files = new ArrayList<>(jsc.parallelize(paths,
            IngestFiles.partitions(jsc, paths.size()))
        .map(path -> {
          String name = IngestFiles.displayName(path);
          if (!IngestFiles.readable(path)) {
            return new Submitted(path, name, null, "none", UNREADABLE);
          }
          IngestFiles.Head head;
          try {
            head = IngestFiles.readHead(path, HEAD_BYTES);
          } catch (java.io.IOException e) {
            return new Submitted(path, name, null, "none", UNREADABLE + " (" + e.getMessage()
                + ")");
          }
          return decide(path, name, headLines(head), recognisers);
        }).collect());
    files.sort(Comparator.comparing(Submitted::path));
    return new SubmittedFiles(files);
  }

  /** One file held in memory (the pre-check of a folder), weighed as {@link #recognise} does. */
  public static Submitted recogniseOne(String name, byte[] content,
      List<FileRecogniser> recognisers) {
    boolean whole = content.length <= HEAD_BYTES;
    byte[] head = whole ? content : Arrays.copyOf(content, HEAD_BYTES);
    return decide(name, name, headLines(new IngestFiles.Head(head, whole)), recognisers);
  }

  /** The non-blank lines at the head of a file (whole lines only). */
  static List<String> headLines(IngestFiles.Head head) {
    byte[] bytes = head.bytes();
    if (!head.whole()) {
      // the last line may be cut: it is left out (and so is a multi-byte character cut with it)
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      bytes = end == 0 ? bytes : Arrays.copyOf(bytes, end);
    }
    return Arrays.stream(TextFiles.lines(TextFiles.decode(bytes).text()))
        .filter(l -> !l.isBlank()).limit(HEAD_LINES).toList();
  }

  /** Name and content weighed (see the class comment). */
  static Submitted decide(String path, String name, List<String> lines,
      List<FileRecogniser> recognisers) {
    String fileName = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    Declared named = null;
    for (FileRecogniser r : recognisers) {
      named = r.byName(fileName);
      if (named != null) {
        break;
      }
    }
    FileRecogniser bestStage = null;
    String bestForm = null;
    int best = 0;
    for (FileRecogniser r : recognisers) {
      for (var e : new TreeMap<>(r.matchingLines(lines)).entrySet()) {
        int count = e.getValue();
        boolean better = count > best
            || (count == best && count > 0 && r.personal() && !bestStage.personal());
        if (better) {
          bestStage = r;
          bestForm = e.getKey();
          best = count;
        }
      }
    }
    if (bestStage == null) {
      return named != null ? new Submitted(path, name, named, "name", null)
          : new Submitted(path, name, null, "none", "the file is not recognised as any form: its "
              + "name is not one of a form and its lines are records of none ("
              + describeLengths(lines) + "); nothing of its content is kept");
    }
    if (named != null && named.stage().equals(bestStage.stage())
        && named.form().equals(bestForm)) {
      return new Submitted(path, name, named, "name", null);
    }
    Declared content = bestStage.byContent(bestForm, lines);
    String what = best + " of its first " + lines.size() + " lines are " + label(bestForm)
        + " records";
    if (content == null) {
      return new Submitted(path, name, null, "none", what + ", but they do not say which region "
          + "and year they are of" + (named != null ? " (the name says " + label(named.form())
          + ")" : "") + "; nothing of its content is kept");
    }
    return new Submitted(path, name, content, "content", named == null ? null
        : "named as " + label(named.form()) + ", but " + what + ": read as " + label(bestForm));
  }

  private static String label(String form) {
    return form.equals("regnskap") ? "accounting" : "skjema " + form;
  }

  private static String describeLengths(List<String> lines) {
    if (lines.isEmpty()) {
      return "no non-blank line";
    }
    Map<Integer, Long> byLength = lines.stream()
        .collect(Collectors.groupingBy(String::length, TreeMap::new, Collectors.counting()));
    return lines.size() + " lines, of lengths " + byLength.entrySet().stream()
        .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()).limit(3)
        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
        + (byLength.size() > 3 ? ", ..." : "");
  }

  public List<Submitted> files() {
    return files;
  }

  /** The files of one stage with what they declare, by the name reports show. */
  public Map<String, Declared> of(String stage) {
    Map<String, Declared> out = new LinkedHashMap<>();
    for (Submitted s : files) {
      if (s.declared() != null && s.declared().stage().equals(stage)) {
        out.put(s.name(), s.declared());
      }
    }
    return out;
  }

  /** The files rejected whole, with the reason, by the name reports show. */
  public Map<String, String> rejectedWhole() {
    return files.stream().filter(s -> s.declared() == null)
        .collect(Collectors.toMap(Submitted::name, Submitted::note, (a, b) -> a, TreeMap::new));
  }

  /** The files whose content decided against (or in the absence of) their name. */
  public List<Submitted> byContent() {
    return files.stream().filter(s -> s.by().equals("content")).toList();
  }

  /** For a stage's file filter: whether a listed path is one of these names. */
  public static java.util.function.Predicate<String> named(Map<String, ?> byName) {
    Function<String, String> name = IngestFiles::displayName;
    return path -> byName.containsKey(name.apply(path));
  }
}
