package no.kostra.spark;

import java.util.List;

/**
 * Work run on a thread of its own beside the caller's: an ingest's table writes while the control
 * rules run on the same in-memory rows, the validators of one rule file side by side. On two cores
 * most of a small job's time is the driver planning it; the other thread's Spark jobs fill the
 * executors meanwhile.
 *
 * <p>{@link #await} waits and rethrows the work's failure; {@link #close} waits too, so a failure
 * elsewhere never leaves work running behind the caller's back. A new thread rather than a pool:
 * it inherits the caller's active Spark session and job properties.
 */
public final class SideBySide implements AutoCloseable {

  private final Thread thread;
  private volatile Throwable failure;
  private boolean reported;

  private SideBySide(String name, Runnable work) {
    this.thread = new Thread(() -> {
      try {
        work.run();
      } catch (Throwable t) {
        failure = t;
      }
    }, name);
  }

  public static SideBySide start(String name, Runnable work) {
    SideBySide s = new SideBySide(name, work);
    s.thread.start();
    return s;
  }

  /** Waits for the work; rethrows its failure (once). */
  public void await() {
    waitUninterruptibly();
    Throwable t = failure;
    if (t != null && !reported) {
      reported = true;
      throw unchecked(t);
    }
  }

  /** Waits for all of them, then rethrows the first failure. */
  public static void awaitAll(List<SideBySide> all) {
    all.forEach(SideBySide::waitUninterruptibly);
    for (SideBySide s : all) {
      s.await();
    }
  }

  @Override
  public void close() {
    await();
  }

  private void waitUninterruptibly() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // the work cannot be abandoned half-way: wait, then re-interrupt
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t.getMessage(), t);
  }
}
