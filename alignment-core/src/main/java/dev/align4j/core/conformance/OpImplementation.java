package dev.align4j.core.conformance;

import java.util.Map;
import java.util.Set;

/** One implementation of some ops (a kernel provider, or the NDArray objectives) that a case can be run against. */
interface OpImplementation {
  /** E.g. {@code kernel:cpu} or {@code ndarray}. */
  String name();

  /** The op names it implements. */
  Set<String> ops();

  /** Runs the case; returns every output field it computes, by the case's field names. */
  Map<String, Tensor> run(ConformanceCase c);
}
