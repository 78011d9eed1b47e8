package no.kostra.ingest;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import no.kostra.warehouse.Sql;
import no.kostra.warehouse.Tables;
import no.kostra.warehouse.Warehouse;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Crash recovery of ingest runs. A run is complete when its files are committed to
 * {@code ingested_files}, its last commit; a run that dies before that leaves rows in the tables
 * it wrote, which the next run removes.
 *
 * <p>Which runs to look for is written down before they write: each run leaves a marker
 * {@code _ingest_runs/<ingest id>} under the warehouse before its first write and removes it after
 * its last commit. Recovery then reads only the markers (and, for those, whether
 * {@code ingested_files} has the run) instead of the {@code ingest_id} column of every table: that
 * scan cost 4–5 s per ingest even on a warehouse of a few rows, and grows with the warehouse.
 * A warehouse without the marker folder (made before the markers, or never ingested into) is
 * scanned in full once; the folder is made after that scan. As before the markers, an ingest must
 * not run while another ingests into the same warehouse: its recovery would take the other's
 * rows for a dead run's.
 */
public final class UnfinishedRuns {

  /** Under the warehouse root: one empty file per run that has begun and not finished. */
  static final String MARKERS = "_ingest_runs";

  private UnfinishedRuns() {}

  /** Before a run's first write: from now on a crash leaves a marker the next run finds. */
  public static void begin(Warehouse warehouse, String ingestId) {
    try {
      FileSystem fs = fs(warehouse);
      if (!fs.exists(markers(warehouse))) {
        remove(warehouse); // the full scan of a warehouse without markers; makes the folder
      }
      fs.create(marker(warehouse, ingestId), true).close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the start of ingest run " + ingestId, e);
    }
  }

  /** After a run's last commit ({@code ingested_files}). */
  public static void finish(Warehouse warehouse, String ingestId) {
    try {
      fs(warehouse).delete(marker(warehouse, ingestId), false);
    } catch (IOException e) {
      // the run is complete: a marker left behind is harmless, the next recovery finds the run in
      // ingested_files, deletes nothing of it and removes the marker
    }
  }

  /**
   * Removes the rows of every run that began and never committed its files, from every table with
   * an {@code ingest_id} column, whatever the form. Idempotent: a recovery that dies is redone.
   */
  public static void remove(Warehouse warehouse) {
    try {
      FileSystem fs = fs(warehouse);
      Path dir = markers(warehouse);
      if (!fs.exists(dir)) {
        removeRuns(warehouse, null);
        fs.mkdirs(dir);
        return;
      }
      List<String> begun = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        begun.add(s.getPath().getName());
      }
      if (begun.isEmpty()) {
        return;
      }
      removeRuns(warehouse, begun);
      for (String id : begun) {
        fs.delete(new Path(dir, id), false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ingest run markers of " + warehouse.root(), e);
    }
  }

  /**
   * Deletes the rows of the runs among {@code begun} (null: any run) that have no row in
   * {@code ingested_files}.
   */
  private static void removeRuns(Warehouse warehouse, List<String> begun) {
    var files = warehouse.exists(Tables.INGESTED_FILES)
        ? warehouse.read(Tables.INGESTED_FILES) : null;
    if (files != null && begun != null) {
      files = files.where("ingest_id IN (" + Sql.literals(begun) + ")");
    }
    Set<String> finished = files == null ? Set.of() : files.select("ingest_id").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
    Set<String> unfinished = begun == null ? null : new TreeSet<>(begun);
    if (unfinished != null) {
      unfinished.removeAll(finished);
      if (unfinished.isEmpty()) {
        return;
      }
    }
    for (String table : warehouse.tableNames()) {
      if (table.equals(Tables.INGESTED_FILES)
          || !List.of(warehouse.read(table).columns()).contains("ingest_id")) {
        continue;
      }
      Set<String> orphans = unfinished;
      if (orphans == null) {
        orphans = warehouse.read(table).select("ingest_id").distinct().collectAsList().stream()
            .map(r -> r.getString(0)).filter(id -> !finished.contains(id))
            .collect(Collectors.toCollection(TreeSet::new));
      }
      if (!orphans.isEmpty()) {
        DeltaTable.forPath(warehouse.spark(), warehouse.path(table))
            .delete("ingest_id IN (" + Sql.literals(orphans) + ")");
      }
    }
  }

  private static Path markers(Warehouse warehouse) {
    return new Path(warehouse.root(), MARKERS);
  }

  private static Path marker(Warehouse warehouse, String ingestId) {
    return new Path(markers(warehouse), ingestId);
  }

  private static FileSystem fs(Warehouse warehouse) throws IOException {
    return new Path(warehouse.root()).getFileSystem(
        warehouse.spark().sparkContext().hadoopConfiguration());
  }
}
