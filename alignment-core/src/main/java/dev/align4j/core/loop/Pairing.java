package dev.align4j.core.loop;

/** Which pairs of a prompt's N samples become candidates. */
public enum Pairing {
  /** Every pair i &lt; j: N(N−1)/2 candidates per prompt. */
  ALL,
  /** Neighbours (i, i+1): N−1 candidates per prompt, each sample in at most two. */
  ADJACENT
}
