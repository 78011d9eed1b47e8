package no.kostra.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.kostra.form.Forms;
import no.kostra.schemas.SchemaDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the compiled code (what {@code jdeps -verbose:package} reads from the class
 * files, the same as the command in docs/architecture.md): no cycle, and the shared stages name no
 * form, so that a new form is one package and one line in the registry.
 */
class ImportGraphTest {

  /** The packages of the forms: their own code and nothing else may name them. */
  private static final List<String> FORM_PACKAGES = List.of("no.kostra.regnskap",
      "no.kostra.sosial", "no.kostra.csvforms");

  private static final List<String> SHARED = List.of("no.kostra.ingest", "no.kostra.validate",
      "no.kostra.warehouse", "no.kostra.release", "no.kostra.keyfigures", "no.kostra.form",
      "no.kostra.reference", "no.kostra.spark", "no.kostra.sql", "no.kostra.schemas",
      "no.kostra.layout", "no.kostra.generate", "no.kostra.cli", "no.kostra.notebook",
      "no.kostra.charts", "no.kostra.precheck", "no.kostra.edit");

  private static Map<String, Set<String>> graph;

  @BeforeAll
  static void readTheClassFiles() {
    Path classes = Path.of("target/classes");
    assertTrue(Files.isDirectory(classes), "compiled classes in " + classes.toAbsolutePath());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package",
        "-filter:none", classes.toString());
    assertEquals(0, rc, out.toString());
    graph = new TreeMap<>();
    Matcher m = Pattern.compile("^\\s+(no\\.kostra[\\w.]*)\\s+->\\s+(no\\.kostra[\\w.]*)\\s",
        Pattern.MULTILINE).matcher(out.toString());
    while (m.find()) {
      if (!m.group(1).equals(m.group(2))) {
        graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    assertTrue(graph.size() > 10, "jdeps read the packages: " + graph.keySet());
  }

  private static boolean within(String pkg, String root) {
    return pkg.equals(root) || pkg.startsWith(root + ".");
  }

  @Test
  void noSharedStageImportsAForm() {
    List<String> arrows = new ArrayList<>();
    graph.forEach((from, tos) -> tos.forEach(to -> {
      if (SHARED.stream().anyMatch(s -> within(from, s))
          && FORM_PACKAGES.stream().anyMatch(f -> within(to, f))) {
        arrows.add(from + " -> " + to);
      }
    }));
    assertEquals(List.of(), arrows);
  }

  @Test
  void thePackageGraphHasNoCycle() {
    List<List<String>> cycles = new ArrayList<>();
    Map<String, Integer> state = new TreeMap<>(); // 1 on the path, 2 done
    for (String start : graph.keySet()) {
      visit(start, new ArrayList<>(), state, cycles);
    }
    assertEquals(List.of(), cycles);
  }

  private static void visit(String pkg, List<String> path, Map<String, Integer> state,
      List<List<String>> cycles) {
    Integer s = state.get(pkg);
    if (s != null) {
      if (s == 1) {
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
        cycle.add(pkg);
        cycles.add(cycle);
      }
      return;
    }
    state.put(pkg, 1);
    path.add(pkg);
    for (String next : graph.getOrDefault(pkg, Set.of())) {
      visit(next, path, state, cycles);
    }
    path.remove(path.size() - 1);
    state.put(pkg, 2);
  }

  @Test
  void everyFormIsRegisteredOnceAndEverySkjemaHasOneForm() {
    SchemaDir schemas = SchemaDir.locate();
    assertEquals(List.of("regnskap", "sosial", "csvforms"),
        Forms.all().stream().map(f -> f.stage()).toList());
    for (String skjema : List.of("0A", "0M", "0AK1", "11F", "11CF", "7", "12")) {
      assertEquals(1, Forms.all().stream().filter(f -> f.handles(schemas, skjema)).count(), skjema);
    }
  }
}
