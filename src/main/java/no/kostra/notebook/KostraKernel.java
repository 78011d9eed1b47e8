package no.kostra.notebook;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * The project's Jupyter kernel: Java cells evaluated by JShell inside this JVM (the "local"
 * execution engine), with the project's classes, Spark and Delta on the classpath, so a notebook
 * works on the warehouse through {@link Notebook}. A cell's snippets run in order; the value of
 * the last expression is the cell's result; a compile error or an exception fails the cell (and
 * {@code jupyter nbconvert --execute} with it). Installed by {@code bin/kostra notebook-kernel}.
 */
public final class KostraKernel extends BaseKernel {

  private static volatile KostraKernel current;
  /** The protocol library logs every message at INFO; kept referenced so the level holds. */
  private static final java.util.logging.Logger PROTOCOL_LOG =
      java.util.logging.Logger.getLogger("io.github.spencerpark");
  private final JShell shell;

  private KostraKernel() {
    this.shell = JShell.builder().executionEngine("local").build();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        shell.addToClasspath(entry);
      }
    }
    current = this;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: KostraKernel <connection file>");
    }
    PROTOCOL_LOG.setLevel(java.util.logging.Level.WARNING);
    KernelConnectionProperties props = KernelConnectionProperties.parse(
        Files.readString(Path.of(args[0])));
    JupyterConnection connection = new JupyterConnection(props);
    KostraKernel kernel = new KostraKernel();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
  }

  /** Shows rich output (HTML, SVG) from inside a cell; outside a kernel it does nothing. */
  static void show(DisplayData data) {
    KostraKernel k = current;
    if (k != null) {
      k.display(data);
    }
  }

  @Override
  public DisplayData eval(String code) throws Exception {
    String remaining = code;
    String last = null;
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      String source = info.completeness().isComplete() ? info.source() : remaining;
      remaining = info.completeness().isComplete() ? info.remaining() : "";
      last = null;
      for (SnippetEvent event : shell.eval(source)) {
        if (event.exception() != null) {
          String type = event.exception() instanceof EvalException e ? e.getExceptionClassName()
              : event.exception().getClass().getName();
          throw new IllegalStateException(type + ": " + event.exception().getMessage(),
              event.exception());
        }
        if (event.status() == Snippet.Status.REJECTED) {
          List<Diag> diags = shell.diagnostics(event.snippet()).toList();
          throw new IllegalArgumentException("does not compile: " + diags.stream()
              .map(d -> d.getMessage(null)).collect(Collectors.joining("; ")) + "\n" + source);
        }
        if (event.value() != null && event.causeSnippet() == null
            && (event.snippet().kind() == Snippet.Kind.EXPRESSION
                || event.snippet().subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)) {
          last = event.value();
        }
      }
    }
    return last == null ? null : new DisplayData(last);
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return new LanguageInfo("java", System.getProperty("java.version"), "text/x-java", ".jshell",
        "java", "java", null);
  }

  @Override
  public void onShutdown(boolean restart) {
    shell.close();
  }
}
