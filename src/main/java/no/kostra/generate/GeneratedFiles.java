package no.kostra.generate;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writing what the generators make. A file appears whole or not at all (written beside its target
 * under a hidden name, then moved), so an ingest watching the folder never reads half a
 * submission, and a rerun of the generator replaces a file in one step.
 */
public final class GeneratedFiles {

  private GeneratedFiles() {}

  public static void writeAtomically(Path target, String text, Charset charset)
      throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, text.getBytes(charset));
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
