package dev.align4j.core.train;

/** How a trainer treats a run folder that already exists. */
public enum RunMode {
  /** Resume from its newest checkpoint if it has one; refuse a folder holding anything else. */
  RESUME_OR_NEW,
  /** Delete whatever the folder holds and start fresh. */
  OVERWRITE
}
