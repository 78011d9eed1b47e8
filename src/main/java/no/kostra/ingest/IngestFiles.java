package no.kostra.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What every ingest stage shares: finding the files under a folder (any Hadoop file system),
 * reading one on an executor, knowing which contents were ingested before (and, through
 * {@link UnfinishedRuns}, removing the rows of a run that died before its last commit).
 */
public final class IngestFiles {

  private IngestFiles() {}

  /**
   * The files under {@code dir} that {@code accepts} takes, sorted. When there are any, the rows of
   * runs that died before their last commit are removed first (nothing to ingest, nothing to clean).
   */
  public static List<String> filesToIngest(Warehouse warehouse, String dir,
      java.util.function.Predicate<String> accepts) {
    List<String> files = listFiles(dir, warehouse.spark()).stream().filter(accepts).toList();
    if (!files.isEmpty()) {
      UnfinishedRuns.remove(warehouse);
    }
    return files;
  }

  /** Partitions for parsing files: several files per task, a few tasks per core. */
  public static int partitions(JavaSparkContext jsc, int files) {
    return Math.max(1, Math.min(files, 4 * jsc.defaultParallelism()));
  }

  /** Content hashes of every file an earlier run ingested completely. */
  public static Set<String> knownHashes(Warehouse warehouse) {
    if (!warehouse.exists(Tables.INGESTED_FILES)) {
      return Set.of();
    }
    return warehouse.read(Tables.INGESTED_FILES).select("file_sha256").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  /** Every regular file under the folder, recursively, except hidden ones; sorted. */
  public static List<String> listFiles(String dir, org.apache.spark.sql.SparkSession spark) {
    if (dir == null) {
      throw new IllegalStateException("no input folder given");
    }
    return listFiles(dir, JavaSparkContext.fromSparkContext(spark.sparkContext()));
  }

  /** Every regular file under the folder, recursively, except hidden ones; sorted. */
  public static List<String> listFiles(String dir, JavaSparkContext jsc) {
    try {
      Path root = new Path(dir);
      FileSystem fs = root.getFileSystem(jsc.hadoopConfiguration());
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("input folder does not exist: " + dir);
      }
      List<String> files = new ArrayList<>();
      FileStatus status = fs.getFileStatus(root);
      if (status.isFile()) {
        files.add(status.getPath().toString());
        return files;
      }
      // listStatus, not listFiles: on a local disk listFiles builds LocatedFileStatus objects,
      // which fork a shell per file to read permissions (11 s for 4 000 files)
      java.util.ArrayDeque<Path> folders = new java.util.ArrayDeque<>(List.of(root));
      while (!folders.isEmpty()) {
        for (FileStatus f : fs.listStatus(folders.pop())) {
          String name = f.getPath().getName();
          if (name.startsWith(".") || name.startsWith("_")) {
            continue;
          }
          if (f.isDirectory()) {
            folders.push(f.getPath());
          } else {
            files.add(f.getPath().toString());
          }
        }
      }
      files.addAll(unlisted(root, fs, files));
      files.sort(String::compareTo);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One Hadoop configuration per executor JVM: building one reads XML resources (slow per file). */
  private static volatile org.apache.hadoop.conf.Configuration executorConf;

  public static byte[] readFully(String file) throws IOException {
    if (executorConf == null) {
      executorConf = new org.apache.hadoop.conf.Configuration();
    }
    Path path = new Path(file);
    try (var in = path.getFileSystem(executorConf).open(path)) {
      return in.readAllBytes();
    }
  }

  /**
   * On a local disk, what the listing above leaves out and must not vanish: a symbolic link to
   * nothing, a pipe or a device among the submissions. They are passed on, to be rejected whole as
   * not readable ({@link #readable}), rather than ignored without a word.
   */
  private static List<String> unlisted(Path root, FileSystem fs, List<String> listed)
      throws java.io.IOException {
    if (!"file".equals(fs.getUri().getScheme())) {
      return List.of();
    }
    java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(root).toUri());
    java.util.Set<String> seen = new java.util.HashSet<>();
    listed.forEach(f -> seen.add(java.nio.file.Path.of(new Path(f).toUri()).toString()));
    List<String> out = new ArrayList<>();
    try (var walk = java.nio.file.Files.walk(local)) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk::iterator) {
        boolean hidden = false;
        for (java.nio.file.Path part : local.relativize(p)) {
          hidden |= part.toString().startsWith(".") || part.toString().startsWith("_");
        }
        if (!hidden && !java.nio.file.Files.isDirectory(p) && !seen.contains(p.toString())
            && !java.nio.file.Files.isRegularFile(p)) {
          out.add(new Path(p.toUri()).toString());
        }
      }
    }
    return out;
  }

  /**
   * Whether a listed file can be read as a submission: on a local disk, a regular file (a link to
   * one included); a broken link, a pipe (which would block the reader for ever) or a device is
   * not. Elsewhere (HDFS, object stores) every listed file is.
   */
  public static boolean readable(String file) {
    Path path = new Path(file);
    String scheme = path.toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      return true;
    }
    java.nio.file.Path local = scheme == null ? java.nio.file.Path.of(file)
        : java.nio.file.Path.of(path.toUri());
    return java.nio.file.Files.isRegularFile(local) && java.nio.file.Files.isReadable(local);
  }

  /** The first bytes of a file; {@code whole}: the file has no more. */
  public record Head(byte[] bytes, boolean whole) {}

  /** Up to {@code max} bytes from the start of a file (on an executor, as {@link #readFully}). */
  public static Head readHead(String file, int max) throws IOException {
    if (executorConf == null) {
      executorConf = new org.apache.hadoop.conf.Configuration();
    }
    Path path = new Path(file);
    try (var in = path.getFileSystem(executorConf).open(path)) {
      byte[] bytes = in.readNBytes(max + 1);
      return bytes.length > max ? new Head(java.util.Arrays.copyOf(bytes, max), false)
          : new Head(bytes, true);
    }
  }

  /** The file's name without its folders ('/' or '\\'), as a name-based declaration reads it. */
  public static String baseName(String path) {
    return path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  }

  /** A submitting unit's 6-digit code: a municipality's 4 digits + "00", else as it is. */
  public static String sixDigitRegion(String region) {
    return region.length() == 4 ? region + "00" : region;
  }

  /** Local paths are shown without the file: scheme, so reports name the file as the user knows it. */
  public static String displayName(String path) {
    return path.startsWith("file:") ? path.replaceFirst("^file:(//)?", "") : path;
  }
}
