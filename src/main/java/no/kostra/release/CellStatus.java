package no.kostra.release;

/**
 * What disclosure control decided for one cell of a protection problem ({@link GaussSuppression}).
 * Withheld cells are published as ':'; the others with their value.
 */
enum CellStatus {
  /** Withheld for itself: a count of persons at or below the threshold (or a part that is one). */
  PRIMARY,
  /** Withheld so that no primary cell can be derived from the published ones. */
  SECONDARY,
  /** Published by this release. */
  PUBLISHED,
  /** Published by an earlier release of the year: public, fixed. */
  PUBLISHED_BEFORE,
  /** A primary cell the earlier releases' cells already give: nothing withheld now protects it. */
  EXPOSED,
  /** A part of a family that is not published itself (the audit's level 2 bounds it). */
  PART;

  boolean withheld() {
    return this == PRIMARY || this == SECONDARY;
  }

  boolean published() {
    return this == PUBLISHED || this == PUBLISHED_BEFORE;
  }
}
