package no.kostra.ingest;

/**
 * An ingest's table writes, run on a thread of their own while the control rules are planned and
 * run on the same checkpointed rows. Planning the compiled rules keeps the driver busy for seconds
 * while the executors would idle; writing at the same time uses them. The writes must be done
 * before the run's outcome is committed ({@link #await}); {@link #close} also waits, so a failure
 * elsewhere never leaves a write running behind the caller's back.
 *
 * <p>A new thread, not a pool: it inherits the Spark session and job properties of the caller.
 */
public final class ConcurrentWrites implements AutoCloseable {

  private final Thread thread;
  private volatile Throwable failure;
  private boolean reported;

  private ConcurrentWrites(Runnable writes) {
    this.thread = new Thread(() -> {
      try {
        writes.run();
      } catch (Throwable t) {
        failure = t;
      }
    }, "kostra-table-writes");
  }

  public static ConcurrentWrites start(Runnable writes) {
    ConcurrentWrites w = new ConcurrentWrites(writes);
    w.thread.start();
    return w;
  }

  /** Waits for the writes; rethrows their failure. */
  public void await() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // the writes cannot be abandoned half-way: wait, then re-interrupt
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure;
    if (t != null && !reported) {
      reported = true;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException("writing the ingested rows failed", t);
    }
  }

  @Override
  public void close() {
    await();
  }
}
