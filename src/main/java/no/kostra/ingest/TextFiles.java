package no.kostra.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How every submitted text file is read, whatever the form: its encoding, its lines as an editor
 * numbers them, its content hash.
 */
public final class TextFiles {

  private TextFiles() {}

  public record Decoded(String text, String encoding) {}

  /** A local file's bytes; an unreadable file is an error naming it. */
  public static byte[] readAll(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /** UTF-8 if the bytes are valid UTF-8 (a BOM is dropped), otherwise ISO-8859-1 (SSB's portal). */
  public static Decoded decode(byte[] bytes) {
    int offset = 0;
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      offset = 3;
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
          .toString();
      return new Decoded(text, "UTF-8");
    } catch (CharacterCodingException e) {
      return new Decoded(new String(bytes, StandardCharsets.ISO_8859_1), "ISO-8859-1");
    }
  }

  /**
   * The physical lines (line i is number i + 1), carriage returns stripped at both ends as the
   * reference does (CRLF files are accepted). A final newline ends the last line; it does not
   * start another.
   */
  public static String[] lines(String text) {
    return linesOf(text);
  }

  /**
   * The lines a parser reads: the non-blank ones, each with its line number in the file (from 1),
   * and how many were blank (counted, never parsed: every line is a row, a rejected line or blank).
   */
  public record NonBlankLines(String[] lines, int[] numbers, int blank) {
    public int size() {
      return lines.length;
    }
  }

  public static NonBlankLines nonBlankLines(String text) {
    String[] all = linesOf(text);
    List<String> lines = new ArrayList<>();
    int[] numbers = new int[all.length];
    for (int i = 0; i < all.length; i++) {
      if (!all[i].isBlank()) {
        numbers[lines.size()] = i + 1;
        lines.add(all[i]);
      }
    }
    return new NonBlankLines(lines.toArray(String[]::new),
        java.util.Arrays.copyOf(numbers, lines.size()), all.length - lines.size());
  }

  private static String[] linesOf(String text) {
    String[] lines = text.split("\n", -1);
    int last = lines.length;
    if (last > 0 && lines[last - 1].isEmpty()) {
      last--;
    }
    String[] out = new String[last];
    for (int i = 0; i < last; i++) {
      out[i] = stripCarriageReturns(lines[i]);
    }
    return out;
  }

  private static String stripCarriageReturns(String line) {
    int start = 0;
    int end = line.length();
    while (start < end && line.charAt(start) == '\r') {
      start++;
    }
    while (end > start && line.charAt(end - 1) == '\r') {
      end--;
    }
    return line.substring(start, end);
  }

  /**
   * The id of a submission: SHA-256 of what the file declares to be (form, year, region, ... as
   * text; null when nothing is declared) and its bytes. The same file sent again is the same
   * submission (a rerun skips it); the same bytes declared for another municipality — the empty
   * or one-space "nothing to report" file many send — are a submission of their own.
   */
  public static String submissionHash(String declaration, byte[] bytes) {
    if (declaration == null) {
      return sha256(bytes);
    }
    byte[] head = (declaration + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = java.util.Arrays.copyOf(head, head.length + bytes.length);
    System.arraycopy(bytes, 0, all, head.length, bytes.length);
    return sha256(all);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
